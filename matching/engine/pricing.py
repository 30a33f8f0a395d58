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

Each pass also gives an upper bound valid for all pairs (Lagrangian, Farley-type): for a max LP with
0 ≤ f(e) ≤ u(e), the restricted optimum plus Σ u(e)·max(0, rc(e)) over the pairs not yet in it.
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
from .model import Problem
from .tolerances import DIVISOR_FLOOR, SLACK

# Pairs per item that start the restricted LP (those that can carry most of the item), and
# added per pricing pass at most (the best reduced costs). With 8 and 8, M (seed 5150) took 27
# passes; with 20 and 50, 4 passes and 3.4 CPU-s at M x 0.4 (S: 3 passes against 8).
_FIRST_PER_ITEM = 20
_ADDED_PER_ITEM = 50
# A reduced cost above this prices a pair in (HiGHS's dual feasibility tolerance is 1e-7).
_PRICED_IN = 1e-7


@dataclass(frozen=True)
class _ChunkTerms:
    """One chunk's pairs with their LP coefficients."""

    item: np.ndarray
    offer: np.ndarray
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
    org = catalogue.offer_org[chunk.offer]
    pairs, pair = np.unique(np.column_stack([chunk.item, org]), axis=0, return_inverse=True)
    pair = pair.ravel()
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
        use=use,
        coefficient=1.0 / np.maximum(carried[pair], DIVISOR_FLOOR),
        upper=most,
        organizations=organizations,
        reach=reach,
        items=items,
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

    def add(self, item: np.ndarray, offer: np.ndarray) -> None:
        self.keys = np.union1d(self.keys, item * self.offers + offer)


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

    def solve(self, time_limit: float) -> tuple[float, np.ndarray] | None:
        """The restricted optimum and the row duals (HiGHS's sign: rc = cost - aᵀ·dual); None
        when HiGHS stops before the optimum (its duals would give no valid bound)."""
        self.highs.setOptionValue("time_limit", max(0.05, time_limit))
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        value = float(self.highs.getInfo().objective_function_value)
        return value, np.asarray(self.highs.getSolution().row_dual, dtype=float)

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


def all_pairs_bound(
    problem: Problem, catalogue: Catalogue, cap: int, time_limit: float = 3600.0
) -> AllPairsBound:
    """The whole-needs LP optimum over every eligible pair, by column generation (see above).

    cap: the partner cap L. Stops unconverged at the time limit: value is then the least valid
    bound found (the weight of every need that could be served, before the first optimum)."""
    started = time.perf_counter()
    offers = catalogue.offer_id.size
    converted = np.zeros(offers)
    pairs = 0
    for chunk in eligible_chunks(problem, catalogue):
        converted += np.bincount(chunk.offer, weights=chunk.rate != 1.0, minlength=offers)
        pairs += chunk.item.size
    capacity = usable_capacity(catalogue, np.arange(offers), converted)
    # Item figures over all pairs, and the first columns.
    items = catalogue.item_id.size
    organizations = np.zeros(items, dtype=np.int64)
    reach = np.zeros(items)
    first: list[tuple[np.ndarray, np.ndarray]] = []
    for chunk in eligible_chunks(problem, catalogue):
        terms = _terms(chunk, catalogue, capacity, cap)
        organizations[terms.items] = terms.organizations
        reach[terms.items] = terms.reach
        chosen = _best_per_item(terms.item, terms.upper, _FIRST_PER_ITEM)
        first.append((chunk.item[chosen], chunk.offer[chosen]))
    open_item = catalogue.item_remaining > 0
    needs = catalogue.need_id.size
    short = np.bincount(
        catalogue.item_need, weights=open_item & (reach < 1.0 - SLACK), minlength=needs
    )
    open_items = np.bincount(catalogue.item_need, weights=open_item, minlength=needs)
    coverable = (short == 0) & (open_items > 0)
    served_anyway = float(catalogue.need_weight[open_items == 0].sum())
    in_model = open_item & coverable[catalogue.item_need]
    item_row = np.full(items, -1)
    item_row[in_model] = offers + np.arange(int(in_model.sum()))
    crowded = in_model & (organizations > cap)
    cap_row = np.full(items, -1)
    cap_row[crowded] = offers + int(in_model.sum()) + np.arange(int(crowded.sum()))
    model = _Model(catalogue, coverable, item_row, cap_row, cap)
    columns = _Columns(offers)
    if not coverable.any():
        return AllPairsBound(served_anyway, True, pairs, 0, 0, (served_anyway,), (), 0.0)
    # The first columns: their terms are recomputed chunk by chunk, so memory stays bounded.
    columns.keys = np.unique(
        np.concatenate([i * offers + o for i, o in first]) if first else np.zeros(0, np.int64)
    )
    for chunk in _chunks_of_open_needs(problem, catalogue, in_model):
        terms = _terms(chunk, catalogue, capacity, cap)
        model.add_pairs(terms, np.flatnonzero(~columns.absent(terms.item, terms.offer)))
    bounds: list[float] = []
    restricted: list[float] = []
    passes = 0
    converged = False
    while True:
        solved = model.solve(time_limit - (time.perf_counter() - started))
        if solved is None:
            break
        value, dual = solved
        restricted.append(value)
        passes += 1
        gain = 0.0
        added: list[np.ndarray] = []
        for chunk in _chunks_of_open_needs(problem, catalogue, in_model):
            terms = _terms(chunk, catalogue, capacity, cap)
            rc = model.reduced_cost(terms, dual)
            candidate = (rc > _PRICED_IN) & columns.absent(terms.item, terms.offer)
            if not candidate.any():
                continue
            gain += float((rc[candidate] * terms.upper[candidate]).sum())
            positions = np.flatnonzero(candidate)
            chosen = positions[
                _best_per_item(terms.item[positions], rc[positions], _ADDED_PER_ITEM)
            ]
            model.add_pairs(terms, chosen)
            added.append(terms.item[chosen] * offers + terms.offer[chosen])
        bounds.append(value + gain)
        if not added:
            converged = True
            break
        columns.keys = np.union1d(columns.keys, np.concatenate(added))
        if time.perf_counter() - started >= time_limit:
            break
    anything = float(catalogue.need_weight[coverable].sum())
    return AllPairsBound(
        value=(restricted[-1] if converged else min(bounds, default=anything)) + served_anyway,
        converged=converged,
        pairs=pairs,
        columns=int(columns.keys.size),
        passes=passes,
        bounds=tuple(b + served_anyway for b in bounds),
        restricted=tuple(r + served_anyway for r in restricted),
        seconds=round(time.perf_counter() - started, 2),
    )
