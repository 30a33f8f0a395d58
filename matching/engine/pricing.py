"""The LP bound over every eligible pair, by column generation, and the valid bound its duals give
at every iteration.

The LP is the whole-needs relaxation that relaxation.py solves on a block (capacity rows, Σ_e f(e) =
y(n) for every item, the partner cap's linear row Σ_e f(e)/M(i, g(e)) ≤ L·y(n) on items with more
than L organizations, y(n) = 0 for needs no L organizations could serve in full), written over every
pair that passes the hard rules (candidates.eligible_chunks), with no top k. At L that is about 17
million pairs: too many to build, so

1. one pass over the pairs counts what fixes the model (each offer's converted pairs, hence its
   usable capacity; per item its organizations, their largest shares M(i, g), what the L best could
   carry) and keeps the few pairs per item that can carry most as the first columns;
2. HiGHS solves the LP over the columns kept; each pass prices every eligible pair with its duals
   (reduced cost rc(e) = -(a(e)·π(o) + d(i) + c(e)·b(i)), vectorised per chunk of pairs so memory
   stays bounded) and adds, per item, the best few with rc(e) > 0; HiGHS re-solves from its basis;
3. it stops when no pair prices positive: the restricted optimum is then the optimum over all pairs.

Each pass also gives two upper bounds valid for all pairs, and keeps the lesser: Farley's, for a
max LP with 0 ≤ f(e) ≤ u(e), the restricted optimum plus Σ u(e)·max(0, rc(e)) over the pairs not
yet in it; and the Lagrangian bound D of decomposition.py (step 6) at the duals' prices, with each
item's cheapest pair over every eligible pair (Farley's sums every pair that prices positive, so
far from the optimum D is much the tighter).

The engine runs the same column generation from its top-k candidates, within a budget of work
(PricingBudget: solves, pairs added, simplex iterations), and takes the added pairs that carry a
share in the last restricted LP as candidates (price_candidates); the bound it stores is the
least found. Above the budget's max_pairs eligible pairs (L has 16.6 million) no LP is built:
the run ranks each item's top_k_unpriced candidates (40, not 20) and stores D at the
allocation's prices over every pair (bound_at_prices), valid but loose.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import highspy
import numpy as np

from .candidates import EligibleChunk, eligible_chunks
from .catalogue import Catalogue
from .components import usable_capacity
from .keys import unique_pairs
from .model import Problem
from .tolerances import DIVISOR_FLOOR, SLACK

# Pairs per item that start the restricted LP (those that can carry most of the item), and
# added per pricing pass at most (the best reduced costs). With 8 and 8, M (seed 5150) took 27
# passes; with 20 and 50, 4 passes and 3.4 CPU-s at M x 0.4 (S: 3 passes against 8).
_FIRST_PER_ITEM = 20
_ADDED_PER_ITEM = 50
# Eligible pairs up to this many keep their terms in memory between pricing passes (about 50
# bytes each); more are recomputed chunk by chunk at every pass.
_KEPT_PAIRS = 2_000_000
# A reduced cost above this prices a pair in (HiGHS's dual feasibility tolerance is 1e-7).
_PRICED_IN = 1e-7


@dataclass(frozen=True)
class _ChunkTerms:
    """One chunk's pairs with their LP coefficients."""

    item: np.ndarray
    offer: np.ndarray
    rate: np.ndarray  # item units per offer unit
    use: np.ndarray  # a(e) = the offer's capacity share used when the pair supplies the item
    coefficient: np.ndarray  # c(e) = 1 / M(i, g(e)), in the partner cap's row
    upper: np.ndarray  # u(e) = min(1, 1 / a(e)): the largest share capacity allows
    organizations: np.ndarray  # per item of the chunk (aligned with `items`)
    reach: np.ndarray  # per item: what its L best organizations could carry together
    items: np.ndarray  # the chunk's items that have a pair


def _terms(
    chunk: EligibleChunk, catalogue: Catalogue, capacity: np.ndarray, cap: int
) -> _ChunkTerms:
    """The pairs' coefficients; M(i, g) and the item figures need only the chunk (an item's pairs
    are all in one chunk), as flows.partner_coefficients and coverable_within_cap compute them."""
    use = catalogue.item_remaining[chunk.item] / chunk.rate / capacity[chunk.offer]
    most = np.minimum(1.0, 1.0 / use)
    pairs, pair = unique_pairs(chunk.item, catalogue.offer_org[chunk.offer])
    carried = np.minimum(1.0, np.bincount(pair, weights=most, minlength=len(pairs)))
    items, item_of_pair = np.unique(pairs[:, 0], return_inverse=True)
    item_of_pair = item_of_pair.ravel()
    organizations = np.bincount(item_of_pair, minlength=items.size)
    order = np.lexsort((-carried, item_of_pair))
    ranked = item_of_pair[order]
    best = (np.arange(order.size) - np.searchsorted(ranked, ranked)) < cap
    reach = np.bincount(ranked[best], weights=carried[order][best], minlength=items.size)
    return _ChunkTerms(
        item=chunk.item,
        offer=chunk.offer,
        rate=chunk.rate,
        use=use,
        coefficient=1.0 / np.maximum(carried[pair], DIVISOR_FLOOR),
        upper=most,
        organizations=organizations,
        reach=reach,
        items=items,
    )


def _of_items(terms: _ChunkTerms, keep: np.ndarray) -> _ChunkTerms:
    """The chunk's terms of the items where keep (per catalogue item) holds; the item figures
    are an item's own, so they stay as they are."""
    pair = keep[terms.item]
    mine = keep[terms.items]
    return _ChunkTerms(
        item=terms.item[pair],
        offer=terms.offer[pair],
        rate=terms.rate[pair],
        use=terms.use[pair],
        coefficient=terms.coefficient[pair],
        upper=terms.upper[pair],
        organizations=terms.organizations[mine],
        reach=terms.reach[mine],
        items=terms.items[mine],
    )


def _best_per_item(item: np.ndarray, key: np.ndarray, count: int) -> np.ndarray:
    """Positions of each item's `count` largest keys (ties: the earlier position)."""
    order = np.lexsort((np.arange(item.size), -key, item))
    ranked = item[order]
    return order[(np.arange(order.size) - np.searchsorted(ranked, ranked)) < count]


@dataclass
class _Columns:
    """The pairs in the restricted LP, by key item · offers + offer (sorted for look-ups)."""

    offers: int
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def absent(self, item: np.ndarray, offer: np.ndarray) -> np.ndarray:
        key = item * self.offers + offer
        where = np.minimum(np.searchsorted(self.keys, key), max(0, self.keys.size - 1))
        if self.keys.size == 0:
            return np.ones(key.size, dtype=bool)
        found: np.ndarray = self.keys[where] == key
        return ~found

    def add_keys(self, keys: np.ndarray) -> None:
        self.keys = np.union1d(self.keys, keys)


@dataclass(frozen=True)
class AllPairsBound:
    """The LP optimum over every eligible pair (in priority weight, needs with nothing left to
    cover included) and how it was reached.

    bounds: the valid upper bound after each pricing pass (the last equals value when converged).
    """

    value: float
    converged: bool
    pairs: int
    columns: int
    passes: int
    bounds: tuple[float, ...]
    restricted: tuple[float, ...]
    seconds: float


class _Model:
    """The restricted LP in HiGHS: y columns first, then the pairs' columns as they come."""

    def __init__(
        self,
        catalogue: Catalogue,
        coverable: np.ndarray,
        item_row: np.ndarray,
        cap_row: np.ndarray,
        cap: int,
    ) -> None:
        # The core class: the Python wrapper prints a banner to stdout when it is created.
        self.highs = highspy._core._Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        offers = catalogue.offer_id.size
        self.offers = offers
        self.item_row = item_row
        self.cap_row = cap_row
        rows = offers + int((item_row >= 0).sum()) + int((cap_row >= 0).sum())
        lower = np.full(rows, -np.inf)
        upper = np.zeros(rows)
        upper[:offers] = 1.0
        covered = np.flatnonzero(item_row >= 0)
        lower[item_row[covered]] = 0.0
        self.rows = rows
        self.highs.addRows(
            rows, lower, upper, 0, np.zeros(rows, np.int32), np.zeros(0, np.int32), np.zeros(0)
        )
        # y(n) for the coverable needs, in -1 on its items' rows and -L on their cap rows.
        needs = np.flatnonzero(coverable)
        need_column = np.full(coverable.size, -1)
        need_column[needs] = np.arange(needs.size)
        entries_row = np.concatenate([item_row[covered], cap_row[covered][cap_row[covered] >= 0]])
        entries_column = np.concatenate(
            [
                need_column[catalogue.item_need[covered]],
                need_column[catalogue.item_need[covered][cap_row[covered] >= 0]],
            ]
        )
        entries_value = np.concatenate(
            [-np.ones(covered.size), np.full(int((cap_row[covered] >= 0).sum()), -float(cap))]
        )
        self._add(
            catalogue.need_weight[needs],
            np.ones(needs.size),
            entries_column,
            entries_row,
            entries_value,
        )
        self.width = needs.size
        self.needs = needs.size
        self.iterations = 0
        self.timed_out = False
        self.values = np.zeros(0)

    def _add(
        self,
        cost: np.ndarray,
        upper: np.ndarray,
        column: np.ndarray,
        row: np.ndarray,
        value: np.ndarray,
    ) -> None:
        order = np.lexsort((row, column))
        starts = np.searchsorted(column[order], np.arange(cost.size)).astype(np.int32)
        self.highs.addCols(
            cost.size,
            cost.astype(float),
            np.zeros(cost.size),
            upper.astype(float),
            order.size,
            starts,
            row[order].astype(np.int32),
            value[order].astype(float),
        )

    def add_pairs(self, terms: _ChunkTerms, chosen: np.ndarray) -> None:
        """Columns f(e) for the chosen pairs of a chunk."""
        count = chosen.size
        local = np.arange(count)
        item = terms.item[chosen]
        capped = self.cap_row[item] >= 0
        self._add(
            np.zeros(count),
            terms.upper[chosen],
            np.concatenate([local, local, local[capped]]),
            np.concatenate([terms.offer[chosen], self.item_row[item], self.cap_row[item][capped]]),
            np.concatenate([terms.use[chosen], np.ones(count), terms.coefficient[chosen][capped]]),
        )
        self.width += count

    def start_at_upper(self, first: int) -> None:
        """The basis with the pair columns from `first` on (added since the last optimum, each
        with a positive reduced cost) nonbasic at their upper bound, where they are dual
        feasible. Left at the lower bound, where addCols puts them, they make HiGHS's dual
        simplex start over: about 8,600 iterations after adding a single column at M, against
        18,600 for the whole first solve."""
        basis = self.highs.getBasis()
        if not basis.valid:
            return
        status = list(basis.col_status)
        status[first : self.width] = [highspy.HighsBasisStatus.kUpper] * (self.width - first)
        basis.col_status = status
        self.highs.setBasis(basis)

    def solve(self, time_limit: float, iteration_limit: int) -> tuple[float, np.ndarray] | None:
        """The restricted optimum and the row duals (HiGHS's sign: rc = cost - aᵀ·dual); None
        when HiGHS stops before the optimum, at its time or simplex iteration limit (its duals
        would then give no valid bound)."""
        # HiGHS's time limit counts from the model's first run, across runs.
        self.highs.setOptionValue("time_limit", self.highs.getRunTime() + max(0.05, time_limit))
        self.highs.setOptionValue("simplex_iteration_limit", int(iteration_limit))
        self.highs.run()
        self.iterations += int(self.highs.getInfo().simplex_iteration_count)
        status = self.highs.getModelStatus()
        self.timed_out = status == highspy.HighsModelStatus.kTimeLimit
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        value = float(self.highs.getInfo().objective_function_value)
        solution = self.highs.getSolution()
        # f(e) of the pairs' columns at this optimum, in the order they were added.
        self.values = np.asarray(solution.col_value, dtype=float)[self.needs :]
        return value, np.asarray(solution.row_dual, dtype=float)

    def pair_cost(self, terms: _ChunkTerms, dual: np.ndarray) -> np.ndarray:
        """What a pair's whole item costs at the duals' prices of capacity and of the partner
        cap's row (HiGHS's duals of these ≤ rows, ≥ 0 at an optimum; clipped at 0 so that
        the bound holds whatever they are): a(e)·π(o) + c(e)·μ(i)."""
        capped = self.cap_row[terms.item]
        cap_price = np.where(capped >= 0, np.maximum(dual[np.maximum(capped, 0)], 0.0), 0.0)
        cost: np.ndarray = terms.use * np.maximum(dual[terms.offer], 0.0)
        cost += terms.coefficient * cap_price
        return cost

    def reduced_cost(self, terms: _ChunkTerms, dual: np.ndarray) -> np.ndarray:
        """rc(e) of every pair of the chunk (the pair's cost is 0: only y(n) is valued)."""
        row = self.item_row[terms.item]
        capped = self.cap_row[terms.item]
        cap_dual = np.where(capped >= 0, dual[np.maximum(capped, 0)], 0.0)
        rc: np.ndarray = -(terms.use * dual[terms.offer] + dual[row] + terms.coefficient * cap_dual)
        return rc


def _chunks_of_open_needs(
    problem: Problem, catalogue: Catalogue, keep: np.ndarray | None
) -> Iterator[EligibleChunk]:
    """The eligible pairs, less those of items whose need can never be served in full."""
    for chunk in eligible_chunks(problem, catalogue):
        if keep is None:
            yield chunk
            continue
        mask = keep[chunk.item]
        if mask.any():
            yield EligibleChunk(chunk.item[mask], chunk.offer[mask], chunk.rate[mask])


@dataclass
class _Generation:
    """The restricted LP over every eligible pair's model, and its pricing passes."""

    problem: Problem
    catalogue: Catalogue
    cap: int
    capacity: np.ndarray
    in_model: np.ndarray  # per item: an open item of a need some L organizations could serve
    coverable: np.ndarray  # per need
    served_anyway: float  # the weight of needs with nothing left to cover
    pairs: int
    model: _Model
    columns: _Columns
    # The pairs' columns in the order they were added (item, offer, rate).
    added: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    bounds: list[float] = field(default_factory=list)
    restricted: list[float] = field(default_factory=list)
    passes: int = 0
    converged: bool = False
    kept: list[_ChunkTerms] | None = None
    # Re-solve with the added columns at their upper bound (start_at_upper): the benchmark's
    # bound, whose value does not depend on which optimal vertex HiGHS ends at. The engine
    # leaves it off: its candidates are the pairs with a share at the last vertex, and at M
    # they served less on two seeds of three (bench/README.md).
    added_at_upper: bool = False
    kept_pairs: int = _KEPT_PAIRS

    def chunks(self) -> Iterator[_ChunkTerms]:
        """The terms of every eligible pair of the model's items, chunk by chunk: kept in
        memory after the first pass when there are at most kept_pairs pairs, else recomputed
        (memory stays bounded)."""
        if self.kept is not None:
            yield from self.kept
            return
        keep = self.pairs <= self.kept_pairs
        kept: list[_ChunkTerms] = []
        for chunk in _chunks_of_open_needs(self.problem, self.catalogue, self.in_model):
            terms = _terms(chunk, self.catalogue, self.capacity, self.cap)
            if keep:
                kept.append(terms)
            yield terms
        if keep:
            self.kept = kept

    def lagrangian(self, dual: np.ndarray, cheapest: np.ndarray) -> float:
        """D (decomposition.py, step 6) at the duals' prices, over every eligible pair: each
        offer's capacity row at its price, plus what each need is worth beyond the cheapest way
        to buy each of its items whole (cheapest: per item, the least priced cost of a pair).
        An upper bound of the LP over every pair for any prices ≥ 0 (excluding the weight of
        the needs with nothing left to cover)."""
        offers = self.catalogue.offer_id.size
        price = np.maximum(dual[:offers], 0.0)
        cap_row = self.model.cap_row
        cap_price = np.where(cap_row >= 0, np.maximum(dual[np.maximum(cap_row, 0)], 0.0), 0.0)
        item_cost = np.where(self.in_model, cheapest - self.cap * cap_price, 0.0)
        need_cost = np.bincount(
            self.catalogue.item_need, weights=item_cost, minlength=self.coverable.size
        )
        weight = self.catalogue.need_weight
        surplus = np.where(self.coverable, np.maximum(0.0, weight - need_cost), 0.0)
        return float(price.sum() + surplus.sum())

    def add(self, terms: _ChunkTerms, chosen: np.ndarray) -> None:
        self.model.add_pairs(terms, chosen)
        self.added.append((terms.item[chosen], terms.offer[chosen], terms.rate[chosen]))

    def run(
        self, passes: int, added_per_item: int, time_limit: float, iteration_limit: int
    ) -> None:
        """Solve, price every eligible pair, add each item's best `added_per_item` positive
        reduced costs, and again, for at most `passes` solves (0: until none prices positive),
        within `iteration_limit` simplex iterations in all (HiGHS's own count, so the same on
        a loaded machine) and `time_limit` seconds (a safety net: model.timed_out records it).
        The last solve's solution is left in the model; none is added after it."""
        started = time.perf_counter()
        while True:
            width = self.model.width
            left = iteration_limit - self.model.iterations
            solved = (
                self.model.solve(time_limit - (time.perf_counter() - started), left)
                if left > 0
                else None
            )
            if solved is None:
                break
            value, dual = solved
            self.restricted.append(value)
            self.passes += 1
            last = passes > 0 and self.passes >= passes
            gain = 0.0
            positive = False
            fresh: list[np.ndarray] = []
            cheapest = np.full(self.in_model.size, np.inf)
            for terms in self.chunks():
                rc = self.model.reduced_cost(terms, dual)
                np.minimum.at(cheapest, terms.item, self.model.pair_cost(terms, dual))
                candidate = (rc > _PRICED_IN) & self.columns.absent(terms.item, terms.offer)
                if not candidate.any():
                    continue
                positive = True
                gain += float((rc[candidate] * terms.upper[candidate]).sum())
                if last:
                    continue
                positions = np.flatnonzero(candidate)
                chosen = positions[
                    _best_per_item(terms.item[positions], rc[positions], added_per_item)
                ]
                self.add(terms, chosen)
                offers = self.catalogue.offer_id.size
                fresh.append(terms.item[chosen] * offers + terms.offer[chosen])
            # Two valid bounds from the same duals; the lesser is kept.
            self.bounds.append(min(value + gain, self.lagrangian(dual, cheapest)))
            if not positive:
                self.converged = True
                break
            if last:
                break
            self.columns.add_keys(np.concatenate(fresh))
            if self.added_at_upper:
                self.model.start_at_upper(width)
            if time.perf_counter() - started >= time_limit:
                break

    def bound(self) -> float:
        """The least valid upper bound found over every eligible pair (in priority weight,
        needs with nothing left to cover included); before any optimum, the weight of every
        need that could be served."""
        anything = float(self.catalogue.need_weight[self.coverable].sum())
        if self.converged:
            return self.restricted[-1] + self.served_anyway
        return min(self.bounds, default=anything) + self.served_anyway


def _generation(
    problem: Problem,
    catalogue: Catalogue,
    cap: int,
    first_keys: np.ndarray | None,
    largest: int | None = None,
    kept_pairs: int = _KEPT_PAIRS,
) -> _Generation | int:
    """The model over every eligible pair (one pass fixes its rows) and its first columns: the
    pairs whose key (item · offers + offer) is in first_keys, or by default each item's
    _FIRST_PER_ITEM pairs that can carry most. With more than `largest` eligible pairs, only
    their number (no model is built)."""
    offers = catalogue.offer_id.size
    converted = np.zeros(offers)
    pairs = 0
    # The pairs themselves are kept from this pass when there are few enough (kept_pairs), so
    # that the passes below do not check the hard rules again.
    found: list[EligibleChunk] | None = []
    for chunk in eligible_chunks(problem, catalogue):
        converted += np.bincount(chunk.offer, weights=chunk.rate != 1.0, minlength=offers)
        pairs += chunk.item.size
        if found is not None:
            found.append(chunk)
            if pairs > kept_pairs:
                found = None
    if largest is not None and pairs > largest:
        return pairs
    capacity = usable_capacity(catalogue, np.arange(offers), converted)
    # Item figures over all pairs, and the first columns.
    items = catalogue.item_id.size
    organizations = np.zeros(items, dtype=np.int64)
    reach = np.zeros(items)
    first: list[np.ndarray] = []
    computed: list[_ChunkTerms] = []
    for chunk in found if found is not None else eligible_chunks(problem, catalogue):
        terms = _terms(chunk, catalogue, capacity, cap)
        organizations[terms.items] = terms.organizations
        reach[terms.items] = terms.reach
        if found is not None:
            computed.append(terms)
        if first_keys is None:
            chosen = _best_per_item(terms.item, terms.upper, _FIRST_PER_ITEM)
            first.append(chunk.item[chosen] * offers + chunk.offer[chosen])
    open_item = catalogue.item_remaining > 0
    needs = catalogue.need_id.size
    short = np.bincount(
        catalogue.item_need, weights=open_item & (reach < 1.0 - SLACK), minlength=needs
    )
    open_items = np.bincount(catalogue.item_need, weights=open_item, minlength=needs)
    coverable = (short == 0) & (open_items > 0)
    in_model = open_item & coverable[catalogue.item_need]
    item_row = np.full(items, -1)
    item_row[in_model] = offers + np.arange(int(in_model.sum()))
    crowded = in_model & (organizations > cap)
    cap_row = np.full(items, -1)
    cap_row[crowded] = offers + int(in_model.sum()) + np.arange(int(crowded.sum()))
    generation = _Generation(
        problem=problem,
        catalogue=catalogue,
        cap=cap,
        capacity=capacity,
        in_model=in_model,
        coverable=coverable,
        served_anyway=float(catalogue.need_weight[open_items == 0].sum()),
        pairs=pairs,
        model=_Model(catalogue, coverable, item_row, cap_row, cap),
        columns=_Columns(offers),
        kept_pairs=kept_pairs,
        kept=(
            [_of_items(terms, in_model) for terms in computed if in_model[terms.item].any()]
            if found is not None
            else None
        ),
    )
    if not coverable.any():
        generation.converged = True
        generation.restricted.append(0.0)
        generation.bounds.append(0.0)
        return generation
    if first_keys is None:
        first_keys = np.concatenate(first) if first else np.zeros(0, np.int64)
    generation.columns.add_keys(first_keys)
    # The first columns: their terms are recomputed chunk by chunk, so memory stays bounded.
    for terms in generation.chunks():
        generation.add(terms, np.flatnonzero(~generation.columns.absent(terms.item, terms.offer)))
    return generation


def all_pairs_bound(
    problem: Problem,
    catalogue: Catalogue,
    cap: int,
    time_limit: float = 3600.0,
    kept_pairs: int = _KEPT_PAIRS,
) -> AllPairsBound:
    """The whole-needs LP optimum over every eligible pair, by column generation (see above).

    cap: the partner cap L. Stops unconverged at the time limit: value is then the least valid
    bound found (the weight of every need that could be served, before the first optimum).
    kept_pairs: up to this many eligible pairs keep their terms in memory between passes (about
    50 bytes each; the benchmark keeps L's 17 million rather than check them at every pass)."""
    started = time.perf_counter()
    generation = _generation(problem, catalogue, cap, None, kept_pairs=kept_pairs)
    assert isinstance(generation, _Generation)  # no size limit given: always a model
    generation.added_at_upper = True
    if not generation.converged:
        generation.run(0, _ADDED_PER_ITEM, time_limit - (time.perf_counter() - started), 2**62)
    return AllPairsBound(
        value=generation.bound(),
        converged=generation.converged,
        pairs=generation.pairs,
        columns=int(generation.columns.keys.size),
        passes=generation.passes,
        bounds=tuple(b + generation.served_anyway for b in generation.bounds),
        restricted=tuple(r + generation.served_anyway for r in generation.restricted),
        seconds=round(time.perf_counter() - started, 2),
    )


@dataclass(frozen=True)
class PricingBudget:
    """How much work pricing inside the engine may do: solves of the restricted LP (each
    followed by a pass over every eligible pair), pairs added per item and pass, and HiGHS
    simplex iterations in all. Units of work, not seconds: the same on a loaded machine."""

    passes: int = 8
    # 10 rather than 50: with 50 (4 solves rather than 5-6 at M) and primal simplex re-solves
    # from the third solve, pricing took 40 % less time, but the three M seeds served 0.2-0.5
    # points less (bench/README.md).
    added_per_item: int = 10
    # Pricing's LP is built only over at most this many eligible pairs. At L (16.6 million) its
    # first solve alone took longer than the whole time limit (HiGHS cut it after 107k simplex
    # iterations) and the allocation, left too little time, fell back to greedy; at M (0.66
    # million) the column generation takes 4-6 solves.
    max_pairs: int = 4_000_000
    # Per row of the model (offers, open items, partner cap rows). At M (seed 5150, 17k rows)
    # the column generation from the top 20 converged in 6 solves and 112k iterations: the
    # bound 1.175, 1.073, 0.999, 0.969, 0.948, 0.9453 (the LP over all pairs) after each.
    iterations_per_row: float = 8.0

    def iterations(self, rows: int) -> int:
        """The simplex iterations allowed on a model of this many rows."""
        return int(self.iterations_per_row * rows)


@dataclass(frozen=True)
class PricedPairs:
    """What pricing adds to the candidates, and the bound it proves over every eligible pair.

    item, offer: the pairs outside the first columns that carry a share in the last restricted
    LP (the pairs the duals said are worth it and the LP then used).
    bound: an upper bound of the whole-needs LP over every eligible pair, in priority weight.
    """

    item: np.ndarray
    offer: np.ndarray
    bound: float
    converged: bool
    passes: int
    iterations: int
    columns: int
    pairs: int
    timed_out: bool
    # More eligible pairs than the budget's max_pairs: nothing priced, and bound is not set
    # (bound_at_prices gives one from the allocation's prices).
    skipped: bool = False


def eligible_pair_count(problem: Problem, catalogue: Catalogue) -> int:
    """How many pairs pass the hard rules (one pass over them, none kept)."""
    return sum(chunk.item.size for chunk in eligible_chunks(problem, catalogue))


def unpriced(pairs: int) -> PricedPairs:
    """Pricing skipped: more eligible pairs than its budget's max_pairs."""
    empty = np.zeros(0, np.int64)
    return PricedPairs(empty, empty, np.inf, False, 0, 0, 0, pairs, False, skipped=True)


def price_candidates(
    problem: Problem,
    catalogue: Catalogue,
    item: np.ndarray,
    offer: np.ndarray,
    cap: int,
    budget: PricingBudget,
    time_limit: float,
) -> PricedPairs:
    """Column generation from the candidates (item, offer) as the first columns, within the
    budget (passes and simplex iterations, so the answer does not depend on the machine's
    load; time_limit is only a safety net)."""
    offers = catalogue.offer_id.size
    generation = _generation(problem, catalogue, cap, item * offers + offer, budget.max_pairs)
    empty = np.zeros(0, np.int64)
    if isinstance(generation, int):
        return unpriced(generation)
    first = sum(part[0].size for part in generation.added)
    if not generation.converged:
        generation.run(
            budget.passes,
            budget.added_per_item,
            time_limit,
            budget.iterations(generation.model.rows),
        )
    pair_item, pair_offer = empty, empty
    values = generation.model.values
    if values.size > first:
        added_item = np.concatenate([part[0] for part in generation.added])[: values.size]
        added_offer = np.concatenate([part[1] for part in generation.added])[: values.size]
        keep = np.arange(values.size) >= first
        keep &= values > _PRICED_IN
        pair_item, pair_offer = added_item[keep], added_offer[keep]
    return PricedPairs(
        item=pair_item,
        offer=pair_offer,
        bound=generation.bound(),
        converged=generation.converged,
        passes=generation.passes,
        iterations=generation.model.iterations,
        columns=int(generation.columns.keys.size),
        pairs=generation.pairs,
        timed_out=generation.model.timed_out,
    )


def bound_at_prices(problem: Problem, catalogue: Catalogue, price: np.ndarray) -> float:
    """D (decomposition.py, step 6) over every eligible pair at the given prices of capacity
    (per catalogue offer, per offer unit, ≥ 0; decomposition's λ) and no price on the partner
    cap's rows, in priority weight: an upper bound of the whole-needs LP over every pair, for any
    such prices (one pass over the pairs, none kept).

    The full capacity stands in for the usable one (a cent less per converting money pair):
    that only relaxes the LP, so the bound still holds. Every need with an open item counts,
    those no L organizations could serve too (relaxing again); a need with an open item that has
    no eligible pair costs infinitely much, so it adds nothing. D at no price (the weight of the
    needs every open item of which has a pair) is a bound too: the lesser is returned."""
    price = np.maximum(price, 0.0)
    cheapest = np.full(catalogue.item_id.size, np.inf)
    for chunk in eligible_chunks(problem, catalogue):
        whole = catalogue.item_remaining[chunk.item] / chunk.rate  # offer units for the item
        np.minimum.at(cheapest, chunk.item, whole * price[chunk.offer])
    open_item = catalogue.item_remaining > 0
    needs = catalogue.need_id.size
    item_cost = np.where(open_item, cheapest, 0.0)
    need_cost = np.bincount(catalogue.item_need, weights=item_cost, minlength=needs)
    open_items = np.bincount(catalogue.item_need, weights=open_item, minlength=needs)
    weight = catalogue.need_weight
    surplus = np.where(open_items > 0, np.maximum(0.0, weight - need_cost), 0.0)
    capacity = float((price * catalogue.offer_remaining).sum())
    # D at no price at all: the weight of the needs every open item of which has a pair.
    reachable = float(weight[(open_items > 0) & np.isfinite(need_cost)].sum())
    served = float(weight[open_items == 0].sum())
    return min(capacity + float(surplus.sum()), reachable) + served
