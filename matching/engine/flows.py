"""LP-guided rounding: whole needs added one by one, each checked by a max-flow that may re-route.

Which set S of needs can be served in full is a question of flows: the offers and items that share
candidate pairs form pools (one category, one region at a time), and S is feasible exactly when,
in every pool, a flow from the offers (capacity c(o)) to the items of S (demand r(i)) meets every
demand. Quantities are compared in a unit common to the pool (US dollars for money, so an exchange
rate is a ratio of unit values) and as integers: capacities rounded down, demands rounded up, so a
set that passes is feasible.

The order is the LP's: needs the relaxation serves in full first, then the fractional ones by their
share y*, then the rest by priority weight per unit of priced capacity (the cheapest way to buy
their items at the LP's prices). Each candidate is kept when the max-flows of the pools it touches
still meet every demand, earlier choices free to take other offers. The shares of the final set
come from the whole-needs LP over the chosen needs alone, which also respects the partner cap's
linear row and, at a small cost per fractional partner (each pair's share over the largest share
its offer could give), sends each item to few offers; its answer is a vertex. A need that LP
cannot serve in full, whose item still needs more organizations than the partner cap, or that
has a piece below an offer's minimum, is dropped.
"""

from __future__ import annotations

import time
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, maximum_flow

from .components import Block
from .keys import unique_pairs
from .tolerances import DIVISOR_FLOOR, SCALED_SLACK, SLACK

_LIMIT = 2**31 - 1
_FIRST_RUN = 256
_CUT_ITEMS = 4  # sets this small (one need) get the cut before their max-flow (_crowded_out)


class Pools:
    """The max-flow networks of a block: source -> offers -> items -> sink, one per pool.

    Beside them, what each offer has left under a flow known to meet every demand switched on
    (from the last max-flow of its pool, then lowered by direct fits). An item set that fits in
    those remainders without moving anything is feasible, so it is accepted without a max-flow;
    only a set that does not fit directly needs one (which may re-route). Same answers, fewer
    max-flows: most accepted needs fit directly.
    """

    def __init__(self, block: Block) -> None:
        offers, items = block.offer_id.size, block.item_need.size
        graph = sparse.coo_matrix(
            (np.ones(block.size), (block.edge_offer, offers + block.edge_item)),
            shape=(offers + items,) * 2,
        )
        _, label = connected_components(graph, directed=False)
        self.item_pool = label[offers:]
        self.graphs: list[sparse.csr_matrix] = []
        self.sink_position: list[np.ndarray] = []  # per pool item: its edge to the sink in data
        self.item_local = np.zeros(items, dtype=np.int64)
        self.demand = np.zeros(items, dtype=np.int64)
        self.capacity: list[int] = []
        self.pool_offers: list[np.ndarray] = []
        # Per offer, in its pool's integer unit: capacity left under the current feasible flow.
        self.left = np.zeros(offers, dtype=np.int64)
        self.units = np.zeros(offers, dtype=np.int64)  # capacity in the same unit
        self.item_start = block.item_start
        self.edge_offer = block.edge_offer
        # The items of each offer: offer o's pairs are offer_item[offer_start[o]:offer_start[o + 1]].
        by_offer = np.argsort(block.edge_offer, kind="stable")
        self.offer_item = block.edge_item[by_offer]
        self.offer_start = np.searchsorted(block.edge_offer[by_offer], np.arange(offers + 1))
        for pool in range(int(label.max()) + 1 if label.size else 0):
            self._build(block, np.flatnonzero(label[:offers] == pool), pool)
        self.on = np.zeros(items, dtype=bool)
        # Per item, the capacity of all its offers (in the pool's unit).
        self.reach = np.bincount(
            block.edge_item, weights=self.units[block.edge_offer], minlength=items
        ).astype(np.int64)

    def _build(self, block: Block, offers: np.ndarray, pool: int) -> None:
        items = np.flatnonzero(self.item_pool == pool)
        edges = np.flatnonzero(np.isin(block.edge_offer, offers))
        supply = block.offer_capacity[offers] * block.offer_value[offers]
        need = block.item_remaining[items] * block.item_value[items]
        # Cents for money where they fit in 32 bits, whole units otherwise.
        scale = min(100.0, _LIMIT / max(1.0, float(supply.sum()) + float(need.sum())))
        capacity = np.floor(supply * scale + SCALED_SLACK).astype(np.int64)
        demand = np.ceil(need * scale - SCALED_SLACK).astype(np.int64)
        offer_node = np.full(block.offer_id.size, -1)
        offer_node[offers] = 1 + np.arange(offers.size)
        item_node = np.full(block.item_need.size, -1)
        item_node[items] = 1 + offers.size + np.arange(items.size)
        sink = 1 + offers.size + items.size
        rows = np.concatenate(
            [np.zeros(offers.size, np.int64), offer_node[block.edge_offer[edges]], item_node[items]]
        )
        cols = np.concatenate(
            [offer_node[offers], item_node[block.edge_item[edges]], np.full(items.size, sink)]
        )
        flow_cap = np.minimum(capacity[offer_node[block.edge_offer[edges]] - 1], _LIMIT)
        # Item edges start closed (capacity 1, switched to the demand when the item is on);
        # explicit entries keep their place in the matrix.
        data = np.concatenate([capacity, flow_cap, np.ones(items.size, np.int64)])
        graph = sparse.csr_matrix((data, (rows, cols)), shape=(sink + 1, sink + 1))
        graph.sum_duplicates()
        graph.sort_indices()
        position = graph.indptr[item_node[items]]
        graph.data[position] = 0
        self.graphs.append(graph)
        self.sink_position.append(position)
        self.item_local[items] = np.arange(items.size)
        self.demand[items] = demand
        self.capacity.append(int(capacity.sum()))
        self.pool_offers.append(offers)
        self.units[offers] = self.left[offers] = capacity

    def try_add(self, items: np.ndarray, reroute: bool = True) -> bool:
        """Switch these items on if every pool they touch can still meet all its demands.

        reroute=False: only if they fit in what the offers have left without moving anything
        (no max-flow; a set refused this way may still be feasible)."""
        if self._fit_directly(items):
            for pool in np.unique(self.item_pool[items]):
                self._switch(pool, items[self.item_pool[items] == pool], on=True)
            return True
        if not reroute or (items.size <= _CUT_ITEMS and self._crowded_out(items)):
            return False
        pools = np.unique(self.item_pool[items])
        for pool in pools:
            mine = items[self.item_pool[items] == pool]
            self._switch(pool, mine, on=True)
        flows = []
        for pool in pools:
            flow = self._flow(pool)
            if flow is None:
                for undo in pools:
                    self._switch(undo, items[self.item_pool[items] == undo], on=False)
                return False
            flows.append((pool, flow))
        for pool, flow in flows:
            self._remember(pool, flow)
        return True

    def _fit_directly(self, items: np.ndarray) -> bool:
        """Serve these items from the offers' remainders as they are, if they all fit (the
        remainders then drop by what they give); otherwise change nothing."""
        taken: list[tuple[np.ndarray, np.ndarray]] = []
        for item in items:
            demand = self.demand[item]
            if demand <= 0:
                continue
            offers = self.edge_offer[self.item_start[item] : self.item_start[item + 1]]
            room = self.left[offers]
            if int(room.sum()) < demand:
                for earlier, before in reversed(taken):
                    self.left[earlier] = before
                return False
            taken.append((offers, room))
            given = np.cumsum(room) - room
            self.left[offers] = room - np.minimum(room, np.maximum(demand - given, 0))
        return True

    def _crowded_out(self, items: np.ndarray) -> bool:
        """True when an item certainly cannot be served, by a cut around its offers S.

        Every item switched on that shares offers with S must still get its demand less what
        all its other offers could give (at their full capacity, as if no one else used them)
        from S; if that and the new item's demand exceed S's capacity, no flow meets every
        demand, and the max-flow would refuse too, at far greater cost (once capacity runs out,
        most candidates are refused)."""
        for item in items:
            demand = int(self.demand[item])
            if demand <= 0:
                continue
            offers = np.unique(self.edge_offer[self.item_start[item] : self.item_start[item + 1]])
            room = int(self.units[offers].sum())
            if demand > room:
                return True
            starts = self.offer_start[offers]
            lengths = self.offer_start[offers + 1] - starts
            gather = np.arange(int(lengths.sum())) + np.repeat(
                starts - (np.cumsum(lengths) - lengths), lengths
            )
            neighbours = self.offer_item[gather]
            on = self.on[neighbours]
            sharing, where = np.unique(neighbours[on], return_inverse=True)
            if sharing.size == 0:
                continue
            offer_of = np.repeat(offers, lengths)[on]
            inside = np.bincount(where, weights=self.units[offer_of], minlength=sharing.size)
            outside = self.reach[sharing] - inside.astype(np.int64)
            wanted = np.maximum(self.demand[sharing] - outside, 0)
            if demand + int(wanted.sum()) > room:
                return True
        return False

    def _switch(self, pool: int, items: np.ndarray, on: bool) -> None:
        graph = self.graphs[pool]
        positions = self.sink_position[pool][self.item_local[items]]
        graph.data[positions] = self.demand[items] if on else 0
        self.on[items] = on

    def _flow(self, pool: int) -> sparse.csr_matrix | Literal[True] | None:
        """A flow meeting every demand switched on in the pool (True when none is), or None."""
        graph = self.graphs[pool]
        wanted = int(graph.data[self.sink_position[pool]].sum())
        if wanted == 0:
            return True
        if wanted > self.capacity[pool]:
            return None
        result = maximum_flow(graph, 0, graph.shape[0] - 1)
        return result.flow if int(result.flow_value) >= wanted else None

    def _remember(self, pool: int, flow: sparse.csr_matrix | Literal[True]) -> None:
        """What the pool's offers have left under this flow (offer k of the pool is node k+1)."""
        offers = self.pool_offers[pool]
        used = np.zeros(offers.size, dtype=np.int64)
        if flow is not True:
            first, last = flow.indptr[0], flow.indptr[1]
            nodes, sent = flow.indices[first:last], flow.data[first:last]
            outgoing = (nodes >= 1) & (nodes <= offers.size)
            used[nodes[outgoing] - 1] = sent[outgoing]
        self.left[offers] = self.units[offers] - used


def partner_coefficients(block: Block, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """The fractional partner count of each pair, and the items where the cap can bind.

    With m(e) = min(1, c(o)/u(e)) the largest share offer o can give item i, and M(i, g) =
    min(1, Σ m(e)) over organization g's offers at i, every allocation within capacity has
    Σ_{e of g at i} f(e) ≤ M(i, g)·z(i, g), so Σ_e f(e)/M(i, g(e)) ≤ Σ_g z(i, g) ≤ L·y(n): a
    linear row valid for the partner cap, which both tightens the LP bound and steers its flows
    to the offers that can carry most of an item. Items with at most L organizations need none.
    """
    most = np.minimum(1.0, block.offer_capacity[block.edge_offer] / block.edge_use())
    pairs, pair = unique_pairs(block.edge_item, block.edge_org)
    carried = np.minimum(1.0, np.bincount(pair, weights=most, minlength=len(pairs)))
    organizations = np.bincount(pairs[:, 0], minlength=block.item_need.size)
    return 1.0 / np.maximum(carried[pair], DIVISOR_FLOOR), organizations > cap


def coverable_within_cap(block: Block, cap: int) -> np.ndarray:
    """Needs whose every item could be served by cap organizations at full capacity.

    A need failing this cannot be served in full under the partner cap whatever else happens, so
    leaving it out keeps the bound valid and tightens it.
    """
    most = np.minimum(1.0, block.offer_capacity[block.edge_offer] / block.edge_use())
    pairs, pair = unique_pairs(block.edge_item, block.edge_org)
    carried = np.minimum(1.0, np.bincount(pair, weights=most, minlength=len(pairs)))
    order = np.lexsort((-carried, pairs[:, 0]))
    item = pairs[order, 0]
    start = np.searchsorted(item, item)
    best = (np.arange(order.size) - start) < cap
    reach = np.bincount(item[best], weights=carried[order][best], minlength=block.item_need.size)
    short = np.bincount(block.item_need, weights=reach < 1.0 - SLACK, minlength=block.need_id.size)
    coverable: np.ndarray = block.need_coverable & (short == 0)
    return coverable


def within_cap(block: Block, flow: np.ndarray, cap: int) -> np.ndarray:
    """The pairs of each item's cap best organizations: most LP flow first, then the largest
    share they could carry, then the better score. On these pairs alone every allocation
    respects the partner cap, so a max-flow answer is already a valid coalition."""
    most = np.minimum(1.0, block.offer_capacity[block.edge_offer] / block.edge_use())
    pairs, pair = unique_pairs(block.edge_item, block.edge_org)
    carried = np.minimum(1.0, np.bincount(pair, weights=most, minlength=len(pairs)))
    lp = np.bincount(pair, weights=np.maximum(flow, 0.0), minlength=len(pairs))
    score = np.zeros(len(pairs))
    np.maximum.at(score, pair, block.edge_score)
    order = np.lexsort((-score, -carried, -np.round(lp, 9), pairs[:, 0]))
    item = pairs[order, 0]
    rank = np.arange(order.size) - np.searchsorted(item, item)
    best = np.zeros(len(pairs), dtype=bool)
    best[order[rank < cap]] = True
    chosen: np.ndarray = best[pair]
    return chosen


def insertion_order(block: Block, y: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Needs by LP share y* (served in full first), then weight per unit of priced capacity."""
    cost = block.edge_use() * price[block.edge_offer]
    cheapest = np.full(block.item_need.size, np.inf)
    np.minimum.at(cheapest, block.edge_item, cost)
    need_cost = np.bincount(block.item_need, weights=cheapest, minlength=block.need_id.size)
    efficiency = block.need_weight / np.maximum(need_cost, DIVISOR_FLOOR)
    level = np.round(np.clip(y, 0.0, 1.0), 6)
    return np.lexsort((block.need_id, -block.need_weight, -efficiency, -level))


def insert_needs(
    block: Block, order: np.ndarray, deadline: float, pools: Pools | None = None, always: int = 0
) -> tuple[np.ndarray, Pools]:
    """Needs served in full, taken in this order when the max-flows allow. After the deadline
    the first `always` of the order (those the LP serves in full) are still checked by max-flow,
    the others only by whether they fit in what the offers have left as the flow stands (no
    max-flow, so a late region still serves the needs that fit without re-routing).

    The same set as adding the needs one by one, with fewer max-flows: a run of needs is tried
    at once and, when it does not fit, split in halves (a set that fits has every prefix fit).
    """
    pools = pools or Pools(block)
    chosen = np.zeros(block.need_id.size, dtype=bool)
    candidates = order[block.need_coverable[order]]
    start = block.need_item_start

    def items_of(needs: np.ndarray) -> np.ndarray:
        lengths = start[needs + 1] - start[needs]
        offsets = np.repeat(start[needs] - np.cumsum(lengths) + lengths, lengths)
        return offsets + np.arange(int(lengths.sum()))

    always_set = np.zeros(block.need_id.size, dtype=bool)
    always_set[order[:always]] = True

    def late(needs: np.ndarray) -> bool:
        return time.perf_counter() > deadline and not always_set[needs].all()

    def place(needs: np.ndarray) -> None:
        if needs.size == 0:
            return
        if pools.try_add(items_of(needs), reroute=not late(needs)):
            chosen[needs] = True
        elif needs.size > 1:
            half = needs.size // 2
            place(needs[:half])
            place(needs[half:])

    run = _FIRST_RUN
    position = 0
    while position < candidates.size:
        needs = candidates[position : position + run]
        before = int(chosen.sum())
        place(needs)
        accepted = int(chosen.sum()) - before
        position += needs.size
        # Long runs while everything fits, one need at a time once capacity runs out.
        run = min(_FIRST_RUN, run * 2) if accepted == needs.size else 1
    return chosen, pools
