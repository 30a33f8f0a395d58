"""Large components: decomposition by region, LP-guided rounding, and a certified bound.

A national registry's candidate graph is one component (national and global offers reach every
area), too large for one MILP. It is solved in six steps.

1. Regions. Needs are grouped by the country of their area. An offer whose candidate needs all lie
   in one region belongs to it; an offer reaching several (a global offer) is shared, and its
   capacity is split between the regions in proportion to the priority-weighted demand that its
   candidate pairs put on it.
2. Per region, in parallel processes: the LP relaxation of the whole-needs model (HiGHS: dual
   simplex, interior point from _INTERIOR_POINT_EDGES pairs on), with the partner cap's valid linear row per item (flows.py), gives shares f*, needs
   y* and a price λ(o) per unit of each offer's capacity (the dual of its capacity row, a
   scarcity price). Whole needs are then inserted in the LP's order, each accepted when max-flows
   that may re-route earlier choices still meet every demand (flows.py), and the chosen needs are
   served by an LP within the partner cap and the minimum pieces (serve_within_cap); needs that
   cannot be served drop out. Needs that no cap-sized coalition could ever cover are left out
   from the start.
   After the regions' shared deadline, only the needs the LP serves in full are still checked by
   max-flow; the others are taken when they fit in what the offers have left as the flow stands
   (a region that starts late still serves most of what it can).
3. The whole component: needs still not served are inserted over what is left of every offer, the
   unused part of shared offers included.
4. Extension (extend), for as long as steps 1-3 took: over the whole component, each item keeps
   cap organizations (those serving it now, then the LP's), so that any flow respects the cap;
   the served needs are inserted again, then the others, by max-flows that may move the served
   needs to other partners and capacity between regions.
5. Repair (repair.py), up to twice as long as steps 1-4 took, within the time limit:
   each need still not served is tried again with the served needs that hold its offers'
   capacity, in a small model of their own.
6. The bound. For any prices λ ≥ 0, weak duality gives an upper bound of the LP optimum LP*:

       LP* ≤ D(λ) = Σ_o λ(o)·c(o) + Σ_n max(0, w(n) - Σ_{i∈n} min_{e at i} λ(o(e))·u(e))

   with u(e) = r(i)/rate(e) the capacity edge e uses to supply its whole item. Proof: for feasible
   (f, y), y(n)·min_e λu ≤ Σ_{e at i} f(e)·λ(o(e))·u(e) because Σ_{e at i} f(e) = y(n); summing
   over items and needs, Σ_n y(n)·C(n) ≤ Σ_o λ(o)·Σ_e u(e)·f(e) ≤ Σ_o λ(o)·c(o), while
   y(n)·(w(n) - C(n)) ≤ max(0, w(n) - C(n)). At the LP's optimal prices D equals LP*. Read: every
   offer's capacity at its price, plus what each need is worth beyond the cheapest way to buy
   each of its items whole. D is evaluated on the whole component with λ(o) the highest price
   any region put on o, so lp_bound is a true upper bound for the candidate set, however the
   shared capacity was split; with one region it is the LP optimum itself. With the partner cap's
   rows Σ_e κ(e)·f(e) ≤ L·y(n) priced at μ(i) ≥ 0, a pair costs λ(o)·u(e) + μ(i)·κ(e) and each
   item's cost is lowered by L·μ(i); the same argument holds term by term (dual_bound).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .allocation import WholeNeeds, cap_partners, covered_needs
from .components import Block, sub_block
from .flows import (
    coverable_within_cap,
    insert_needs,
    insertion_order,
    partner_coefficients,
    within_cap,
)
from .model import Parameters
from .processes import solver_pool

_ONE = 1 - 1e-6
_TINY = 1e-9
# Capacity below this share of an offer is not offered to a sub-problem (badly scaled rows).
_CRUMB = 1e-6
# Cost per fractional partner when the chosen needs' shares are computed: far below any weight.
_PARTNER_COST = 1e-5
_SERVE_ROUNDS = 6
_FULL_ROUNDS = 2
# From this many pairs on, HiGHS's interior point method (with crossover to a vertex, so shares
# and duals are those of a basic solution) beats its dual simplex on a region's relaxation: 35 s
# against 155 s on the largest region at L (117k pairs), the same optimum. Not on the LP that
# serves the chosen needs (serve_within_cap), whose needs nearly all fit: there the dual simplex
# took 4.9 s against 23.2 s on the largest XL region's (138k pairs), the same optimum.
_INTERIOR_POINT_EDGES = 50_000
# Step 5 (repair.py) may work _REPAIR_TIMES as long as steps 1-4 took, and until _REPAIR_UNTIL
# of the time limit at the latest (the partial fill follows). Its gains come early: at M, of the
# 72 units of weight it recovers when left to finish (26 s), 34 come in 0.5 s, 53 in 3 s, 65 in 8 s.
_REPAIR_TIMES = 2.0
_REPAIR_UNTIL = 0.8


@dataclass(frozen=True)
class RegionOutcome:
    """A region's whole needs (shares per region edge) and the LP's price per unit of capacity."""

    share: np.ndarray
    price: np.ndarray  # per offer of the region block
    cap_price: np.ndarray  # per item of the region block
    relaxation: float
    status: str
    flow: np.ndarray  # the LP's shares per region edge
    y: np.ndarray  # the LP's y* per region need


@dataclass(frozen=True)
class Relaxation:
    """The LP relaxation's answer: shares, needs, the duals that price capacity and the cap."""

    flow: np.ndarray
    y: np.ndarray
    price: np.ndarray  # per unit of each offer's capacity
    cap_price: np.ndarray  # per item (0 where the item has no cap row)
    value: float


def whole_needs_lp(
    block: Block,
    cap: int,
    partner_cost: float = 0.0,
    coefficient: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    interior_point: bool | None = None,
) -> Relaxation | None:
    """The LP relaxation of phase 1, with the partner cap's linear row (flows.py), or None.

    partner_cost > 0 charges each pair its fractional partner count (a tie-break among optima).
    coefficient: the rows' coefficients when computed on a larger block (a region's LP then
    has the rows of the whole block, and its duals fit the whole block's bound).
    allowed: the pairs that may carry a share (all by default).
    interior_point: HiGHS's interior point method rather than its dual simplex (by default from
    _INTERIOR_POINT_EDGES pairs on).
    """
    edges, needs, items = block.size, block.need_id.size, block.item_need.size
    if interior_point is None:
        interior_point = edges >= _INTERIOR_POINT_EDGES
    use = block.edge_use() / block.offer_capacity[block.edge_offer]
    own, crowded = partner_coefficients(block, cap)
    coefficient = own if coefficient is None else coefficient
    capped = np.flatnonzero(crowded[block.edge_item])
    row_of_item = np.cumsum(crowded) - 1
    crowded_items = np.flatnonzero(crowded)
    upper_rows = sparse.vstack(
        [
            sparse.csr_matrix(
                (use, (block.edge_offer, np.arange(edges))),
                shape=(block.offer_id.size, edges + needs),
            ),
            sparse.csr_matrix(
                (
                    np.concatenate([coefficient[capped], np.full(crowded_items.size, -cap)]),
                    (
                        np.concatenate(
                            [row_of_item[block.edge_item[capped]], np.arange(crowded_items.size)]
                        ),
                        np.concatenate([capped, edges + block.item_need[crowded_items]]),
                    ),
                ),
                shape=(crowded_items.size, edges + needs),
            ),
        ]
    ).tocsr()
    cover = sparse.csr_matrix(
        (
            np.concatenate([np.ones(edges), -np.ones(items)]),
            (
                np.concatenate([block.edge_item, np.arange(items)]),
                np.concatenate([np.arange(edges), edges + block.item_need]),
            ),
        ),
        shape=(items, edges + needs),
    )
    edge_upper = np.ones(edges) if allowed is None else allowed.astype(float)
    upper = np.concatenate([edge_upper, block.need_coverable.astype(float)])
    result = linprog(
        np.concatenate([partner_cost * coefficient, -block.need_weight]),
        A_ub=upper_rows,
        b_ub=np.concatenate([np.ones(block.offer_id.size), np.zeros(crowded_items.size)]),
        A_eq=cover,
        b_eq=np.zeros(items),
        bounds=np.column_stack([np.zeros(edges + needs), upper]),
        method="highs-ipm" if interior_point else "highs-ds",
    )
    if result.status != 0:
        return None
    duals = np.maximum(-result.ineqlin.marginals, 0.0)
    cap_price = np.zeros(items)
    cap_price[crowded_items] = duals[block.offer_id.size :]
    return Relaxation(
        flow=result.x[:edges],
        y=result.x[edges:],
        price=duals[: block.offer_id.size] / block.offer_capacity,
        cap_price=cap_price,
        value=float(-result.fun),
    )


def dual_bound(block: Block, price: np.ndarray, cap_price: np.ndarray, cap: int) -> float:
    """D of the module docstring: an upper bound of the block's LP optimum for any prices of
    capacity (price ≥ 0) and of the partner cap rows (cap_price ≥ 0)."""
    coefficient, _ = partner_coefficients(block, cap)
    cost = block.edge_use() * price[block.edge_offer] + cap_price[block.edge_item] * coefficient
    cheapest = np.full(block.item_need.size, np.inf)
    np.minimum.at(cheapest, block.edge_item, cost)
    item_cost = cheapest - cap * cap_price
    need_cost = np.bincount(block.item_need, weights=item_cost, minlength=block.need_id.size)
    surplus = np.where(block.need_coverable, np.maximum(0.0, block.need_weight - need_cost), 0.0)
    return float((price * block.offer_capacity).sum() + surplus.sum())


def _usage(block: Block, share: np.ndarray) -> np.ndarray:
    return np.bincount(
        block.edge_offer, weights=share * block.edge_use(), minlength=block.offer_id.size
    )


def acceptable(block: Block, share: np.ndarray, max_partners: int) -> np.ndarray:
    """Needs whose shares respect the minimum pieces and the partner cap."""
    used = share > _TINY
    short_piece = used & (share < block.edge_min_share - 1e-9)
    dropped = used & (cap_partners(block, share, max_partners) <= 0)
    bad = np.bincount(
        block.need_of_edge(), weights=short_piece | dropped, minlength=block.need_id.size
    )
    return bad == 0


def round_block(
    block: Block,
    relaxed: Relaxation,
    parameters: Parameters,
    deadline: float,
) -> np.ndarray:
    """Whole needs by LP-guided insertion with max-flow checks; their shares within the cap.

    The max-flows see each item's pairs with its 2·cap best organizations (by LP flow, then the
    share they could carry); the chosen needs are then served within the partner cap and the
    minimum pieces (serve_within_cap), which may drop a few."""
    cap = _cap(parameters)
    edges = np.flatnonzero(within_cap(block, relaxed.flow, 2 * cap))
    share = _insert_and_serve(block, edges, relaxed, cap, deadline)
    covered = covered_needs(block, share) & acceptable(block, share, cap)
    return np.where(covered[block.need_of_edge()], share, 0.0)


def _weight(block: Block, share: np.ndarray) -> float:
    return float(block.need_weight[covered_needs(block, share)].sum())


def _insert_and_serve(block, edges, relaxed: Relaxation, cap: int, deadline: float) -> np.ndarray:
    share = np.zeros(block.size)
    if edges.size == 0:
        return share
    part = sub_block(block, edges, block.offer_capacity)
    y = relaxed.y[np.searchsorted(block.need_position, part.need_position)]
    price = relaxed.price[np.unique(block.edge_offer[edges])]
    always = int(np.count_nonzero((y >= _ONE) & part.need_coverable))
    chosen, _ = insert_needs(part, insertion_order(part, y, price), deadline, always=always)
    served = np.flatnonzero(chosen[part.need_of_edge()])
    if served.size:
        share[edges[served]] = serve_within_cap(
            sub_block(part, served, part.offer_capacity), cap, deadline
        )
    return share


def serve_relaxation(block: Block, cap: int) -> Relaxation | None:
    """The LP that serve_within_cap solves first: the block's relaxation, a tiny cost per
    fractional partner breaking ties."""
    return whole_needs_lp(block, cap, _PARTNER_COST, interior_point=False)


def serve_within_cap(
    block: Block, cap: int, deadline: float, first: Relaxation | None = None
) -> np.ndarray:
    """Shares that serve the block's needs in full (those the LP can), within the partner cap
    and the minimum pieces (first: serve_relaxation(block, cap) when already solved).

    The LP's vertex may split an item between more organizations than the cap allows, or give
    an offer less than its minimum piece. The needs without such a flaw keep their shares; for
    the others, such an item keeps only its cap largest suppliers, such a pair is closed, and a
    smaller LP serves them again from the capacity that is left (needs that fail drop out). The
    first rounds (before the deadline) solve the whole LP again instead, so that the others may
    make room."""
    allowed = np.ones(block.size, dtype=bool)
    share = np.zeros(block.size)
    pending = block.need_coverable.copy()
    for round_ in range(_SERVE_ROUNDS):
        if round_ < _FULL_ROUNDS and (round_ == 0 or time.perf_counter() < deadline):
            # The first rounds serve every need again, re-routing freely.
            share = np.zeros(block.size)
            pending = block.need_coverable.copy()
        left = np.maximum(block.offer_capacity - _usage(block, share), 0.0)
        open_pair = pending[block.need_of_edge()] & allowed
        edges = np.flatnonzero(open_pair & (left > _CRUMB * block.offer_capacity)[block.edge_offer])
        if edges.size == 0:
            break
        part = sub_block(block, edges, left)
        if round_ == 0 and first is not None and edges.size == block.size:
            relaxed = first  # the same LP: every pair open, every offer whole
        else:
            relaxed = serve_relaxation(part, cap)
        if relaxed is None:
            break
        full = relaxed.y >= _ONE
        flow = np.zeros(block.size)
        flow[edges] = np.where(full[part.need_of_edge()] & (relaxed.flow > _TINY), relaxed.flow, 0)
        kept = cap_partners(block, flow, cap)
        broken = (flow > 0) & (kept <= 0)
        short = (flow > 0) & (flow < block.edge_min_share - 1e-9)
        flawed = np.bincount(
            block.need_of_edge(), weights=broken | short, minlength=block.need_id.size
        )
        done = covered_needs(block, flow) & (flawed == 0)
        share += np.where(done[block.need_of_edge()], flow, 0.0)
        pending &= ~done & covered_needs(block, flow)
        items = np.unique(block.edge_item[broken])
        allowed &= ~(np.isin(block.edge_item, items) & (kept <= 0)) & ~short
    return share


def _leftovers(
    block: Block, share: np.ndarray, price: np.ndarray, parameters: Parameters, deadline: float
) -> np.ndarray:
    """Step 3: needs not served yet, over the capacity the others leave."""
    covered = covered_needs(block, share)
    left = np.maximum(block.offer_capacity - _usage(block, share), 0.0)
    open_edge = ~covered[block.need_of_edge()] & block.need_coverable[block.need_of_edge()]
    edges = np.flatnonzero(open_edge & (left > _CRUMB * block.offer_capacity)[block.edge_offer])
    if edges.size == 0:
        return share
    rest = sub_block(block, edges, left)
    # No LP here: the needs go by weight per unit of capacity at the regions' prices.
    guide = Relaxation(
        flow=np.zeros(rest.size),
        y=np.zeros(rest.need_id.size),
        price=price[np.unique(block.edge_offer[edges])],
        cap_price=np.zeros(rest.item_need.size),
        value=0.0,
    )
    extra = round_block(rest, guide, parameters, deadline)
    share = share.copy()
    share[edges] += extra
    return share


def extend(
    block: Block, share: np.ndarray, relaxed: Relaxation, cap: int, deadline: float
) -> np.ndarray:
    """Step 4: more whole needs, the served ones free to move to other partners (relaxed: the
    regions' LPs, their shares, y* and prices put together).

    Each item keeps the pairs of cap organizations: those serving it now first, then those the
    LP gives most. On these pairs every allocation respects the partner cap, so whole needs are
    inserted by max-flow (flows.insert_needs), the needs served now first (they fit together:
    the current shares are such a flow), then the others in the LP's order; the max-flows may
    re-route the served needs within their items' organizations. The chosen needs are served
    again by serve_within_cap (minimum pieces); the answer is kept when it serves more weight."""
    # Shares and LP flows both lie in [0, 1]: scaled up, the organizations serving an item now
    # rank before any the LP merely gives a flow.
    keep = np.flatnonzero(within_cap(block, share * 1e3 + relaxed.flow, cap))
    if keep.size == 0:
        return share
    part = sub_block(block, keep, block.offer_capacity)
    position = np.searchsorted(block.need_position, part.need_position)
    served = covered_needs(block, share)[position]
    base = insertion_order(
        part, relaxed.y[position], relaxed.price[np.unique(block.edge_offer[keep])]
    )
    order = np.concatenate([base[served[base]], base[~served[base]]])
    chosen, _ = insert_needs(part, order, deadline, always=int(served.sum()))
    if not (chosen & ~served).any():
        return share
    edges = np.flatnonzero(chosen[part.need_of_edge()])
    again = sub_block(part, edges, part.offer_capacity)
    new = serve_within_cap(again, cap, deadline)
    done = covered_needs(again, new) & acceptable(again, new, cap)
    if again.need_weight[done].sum() <= _weight(block, share):
        return share
    result = np.zeros(block.size)
    result[keep[edges]] = np.where(done[again.need_of_edge()], new, 0.0)
    return result


def improve(
    block: Block,
    share: np.ndarray,
    relaxed: Relaxation,
    parameters: Parameters,
    started: float,
    time_limit: float,
) -> np.ndarray:
    """Steps 4 and 5: the extension for as long as steps 1-3 took, then the repair for up to
    twice as long as everything before, neither past _REPAIR_UNTIL of the time limit."""
    from .repair import repair  # (repair.py builds on this module)

    last = started + _REPAIR_UNTIL * time_limit
    now = time.perf_counter()
    share = extend(block, share, relaxed, _cap(parameters), min(last, now + (now - started)))
    now = time.perf_counter()
    return repair(block, share, parameters, min(last, now + _REPAIR_TIMES * (now - started)))


def improve_aside(
    block: Block,
    share: np.ndarray,
    relaxed: Relaxation,
    parameters: Parameters,
    started: float,
    time_limit: float,
    workers: int,
) -> np.ndarray:
    """improve(), in a solver process of its own when the run uses them (workers > 1), so that
    it runs at the solvers' lower priority (processes.py) like the regions before it."""
    arguments = (block, share, relaxed, parameters, started, time_limit)
    if workers <= 1 or not (block.need_coverable & ~covered_needs(block, share)).any():
        return improve(*arguments)
    with solver_pool(1, parameters.solver_niceness) as pool:
        return pool.submit(improve, *arguments).result()


def solve_region(
    block: Block, parameters: Parameters, deadline: float, coefficient: np.ndarray
) -> RegionOutcome:
    """Step 2 for one region's block (coefficient: the parent block's partner coefficients;
    deadline: on the clock all processes share, when insertion stops trying more needs)."""
    relaxed = whole_needs_lp(block, _cap(parameters), coefficient=coefficient)
    if relaxed is None:
        nothing = np.zeros(block.offer_id.size)
        return RegionOutcome(
            np.zeros(block.size),
            nothing,
            np.zeros(block.item_need.size),
            0,
            "",
            np.zeros(block.size),
            np.zeros(block.need_id.size),
        )
    share = round_block(block, relaxed, parameters, deadline)
    return RegionOutcome(
        share,
        relaxed.price,
        relaxed.cap_price,
        relaxed.value,
        "lp-rounding",
        relaxed.flow,
        relaxed.y,
    )


def _cap(parameters: Parameters) -> int:
    return max(1, parameters.max_partners)


def _split(block: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regions, the region of each edge, and each offer's capacity per region (offers x regions)."""
    regions, need_region = np.unique(block.need_region, return_inverse=True)
    edge_region = need_region.ravel()[block.need_of_edge()]
    demand = np.zeros((block.offer_id.size, regions.size))
    pressure = block.edge_use() * block.need_weight[block.need_of_edge()]
    np.add.at(demand, (block.edge_offer, edge_region), pressure)
    share = demand / np.maximum(demand.sum(axis=1, keepdims=True), 1e-300)
    return regions, edge_region, share * block.offer_capacity[:, None]


def lp_optimum(block: Block, parameters: Parameters) -> float:
    """LP*: the optimum of the whole-needs LP relaxation of the whole block, which D bounds from
    above. One LP over every pair of the component (minutes at XL), so not part of a run."""
    block = replace(block, need_coverable=coverable_within_cap(block, _cap(parameters)))
    relaxed = whole_needs_lp(block, _cap(parameters))
    if relaxed is None:  # every need that could be served: still an upper bound
        return float(block.need_weight[block.need_coverable].sum())
    return relaxed.value


def allocate_large(
    block: Block, parameters: Parameters, time_limit: float, workers: int
) -> tuple[WholeNeeds | None, float, str]:
    """Steps 1-6 for one large block: whole needs, the certified bound, the method's name."""
    started = time.perf_counter()
    block = replace(block, need_coverable=coverable_within_cap(block, _cap(parameters)))
    regions, edge_region, capacity = _split(block)
    tasks = []
    for region in range(regions.size):
        mine = capacity[:, region]
        edges = np.flatnonzero(
            (edge_region == region) & (mine > _CRUMB * block.offer_capacity)[block.edge_offer]
        )
        if edges.size:
            tasks.append(sub_block(block, edges, mine))
    tasks.sort(key=lambda task: (-task.size, int(task.need_id.min())))
    # The regions share one deadline (they run side by side); the leftover pass gets the rest.
    deadline = started + 0.85 * time_limit
    coefficient, _ = partner_coefficients(block, _cap(parameters))
    if workers > 1 and len(tasks) > 1:
        # Largest regions first, so that the processes finish together.
        with solver_pool(workers, parameters.solver_niceness) as pool:
            futures = [
                pool.submit(solve_region, task, parameters, deadline, coefficient[task.edges])
                for task in tasks
            ]
            outcomes = [future.result() for future in futures]
    else:
        outcomes = [
            solve_region(task, parameters, deadline, coefficient[task.edges]) for task in tasks
        ]
    share = np.zeros(block.size)
    # The regions' LPs put together (price: the highest any region put on an offer).
    relaxed = Relaxation(
        flow=np.zeros(block.size),
        y=np.zeros(block.need_id.size),
        price=np.zeros(block.offer_id.size),
        cap_price=np.zeros(block.item_need.size),
        value=sum(outcome.relaxation for outcome in outcomes),
    )
    for task, outcome in zip(tasks, outcomes, strict=True):
        share[task.edges] = outcome.share
        relaxed.flow[task.edges] = outcome.flow
        relaxed.y[np.searchsorted(block.need_position, task.need_position)] = outcome.y
        offers = np.unique(block.edge_offer[task.edges])
        relaxed.price[offers] = np.maximum(relaxed.price[offers], outcome.price)
        relaxed.cap_price[np.unique(block.edge_item[task.edges])] = outcome.cap_price
    bound = dual_bound(block, relaxed.price, relaxed.cap_price, _cap(parameters))
    share = _leftovers(block, share, relaxed.price, parameters, started + time_limit)
    share = improve_aside(block, share, relaxed, parameters, started, time_limit, workers)
    covered = covered_needs(block, share)
    method = "lp-rounding" if len(tasks) == 1 else f"lp-rounding, {len(tasks)} regions"
    return WholeNeeds(share, covered, "lp-rounding", 0.0), bound, method
