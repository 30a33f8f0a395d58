"""Global allocation of one component: the coalition-cover model, solved with HiGHS.

Variables, for every candidate pair e = (offer o, item i of need n):
    f(e) in [0, 1]  the share of item i that offer o supplies
    y(n) in {0, 1}  need n is covered in full
    z(e) in {0, 1}  the pair is used (a line a partner confirms)

Phase 1 — whole needs:
    maximize   Σ_n w(n)·y(n) + ε·Σ_e s(e)·f(e) - λ·Σ_e z(e) + μ·Σ_n κ(n)
    subject to Σ_e (r(i)/rate(e))·f(e) ≤ c(o)         every offer          (capacity)
               Σ_{e at i} f(e) = y(n)                 every item of n      (cover, never oversupply)
               φ(e)·z(e) ≤ f(e) ≤ z(e)                                     (minimum allocation)
               Σ_g u(i, g) ≤ L, z(e) ≤ u(i, g(e))    every item           (partner cap)
               κ(n) ≤ y(n), 2·κ(n) ≤ Σ_t min(1, Σ_{e at n, kind t} z(e))   (≥ 2 stakeholder kinds)
u(i, g) = organization g supplies item i: the cap counts organizations (two offers of one
organization are one partner), not lines. The equality ties each item's supply to y(n): a whole need or nothing, which also tightens the LP
relaxation. In the compact model, used above exact_edge_limit pairs, z(e) exists only where an
offer has a minimum allocation; λ and μ are left out, and the partner cap is added lazily: after
each solve, the items served by more than L offers get their z(e) and cap row, and the model is
solved again (a few rounds); a line still beyond the L largest of an item is then dropped.

Phase 2 — partial coverage: with capacity left after the whole needs, maximize
    Σ_n w(n)/|K(n)| · Σ_{e at n} (1 + ε·s(e))·f(e)      subject to capacity, Σ_{e at i} f(e) ≤ 1
and the minimum allocations: the priority-weighted share of the other needs' items.

The LP relaxation of phase 1 with the objective Σ_n w(n)·y(n) alone is the bound reported.
The greedy baseline is computed on the same block; when the solver (stopped by its time limit)
returns fewer whole needs than greedy, greedy's whole needs are kept instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .components import Block
from .greedy import greedy_partial, greedy_whole
from .model import Parameters

_SHARE_TOLERANCE = 1e-7
_CAP_ROUNDS = 3


@dataclass(frozen=True)
class BlockOutcome:
    """Shares per edge, whole-need flags, and what the solver said about the component."""

    share: np.ndarray
    covered: np.ndarray
    greedy_share: np.ndarray  # the greedy baseline's allocation (whole needs, then partial)
    primary: float
    bound: float
    greedy_primary: float
    method: str
    status: str
    mip_gap: float
    seconds: float


class _Columns:
    """Columns and sparse rows of a linear model, added block by block."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.row_lower: list[np.ndarray] = []
        self.row_upper: list[np.ndarray] = []
        self.width = 0
        self.height = 0

    def add_columns(self, cost, lower, upper, integer: bool) -> int:
        first = self.width
        size = len(cost)
        self.cost.append(np.asarray(cost, dtype=float))
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)))
        self.integer.append(np.full(size, 1 if integer else 0, dtype=np.uint8))
        self.width += size
        return first

    def add_rows(self, row, column, value, lower, upper, count: int) -> None:
        self.rows.append((np.asarray(row) + self.height, np.asarray(column), np.asarray(value)))
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)))
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)))
        self.height += count

    def solve(self, time_limit: float, gap: float, relax: bool = False, cost=None):
        """Maximize with HiGHS; the scipy result (x is None when nothing was found)."""
        rows = np.concatenate([r for r, _, _ in self.rows]) if self.rows else np.zeros(0, int)
        cols = np.concatenate([c for _, c, _ in self.rows]) if self.rows else np.zeros(0, int)
        vals = np.concatenate([v for _, _, v in self.rows]) if self.rows else np.zeros(0)
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(self.height, self.width))
        objective = np.concatenate(self.cost) if cost is None else cost
        integrality = np.zeros(self.width) if relax else np.concatenate(self.integer)
        constraints = []
        if self.height:
            constraints.append(
                LinearConstraint(
                    matrix, np.concatenate(self.row_lower), np.concatenate(self.row_upper)
                )
            )
        return milp(
            -objective,
            integrality=integrality,
            bounds=Bounds(np.concatenate(self.lower), np.concatenate(self.upper)),
            constraints=constraints,
            options={"time_limit": max(0.05, time_limit), "mip_rel_gap": gap, "disp": False},
        )


def _min_allocation_rows(model: _Columns, f0: int, z0: int, edges: np.ndarray, phi: np.ndarray):
    """f(e) ≤ z(e) and f(e) ≥ φ(e)·z(e) for the given local edges (z in the same order)."""
    count = edges.size
    index = np.arange(count)
    model.add_rows(
        np.repeat(index, 2),
        np.column_stack([f0 + edges, z0 + index]).ravel(),
        np.tile([1.0, -1.0], count),
        -np.inf,
        0.0,
        count,
    )
    model.add_rows(
        np.repeat(index, 2),
        np.column_stack([f0 + edges, z0 + index]).ravel(),
        np.column_stack([np.ones(count), -phi]).ravel(),
        0.0,
        np.inf,
        count,
    )


def _capacity_rows(model: _Columns, block: Block, edges: np.ndarray, capacity: np.ndarray):
    """Σ use(e)/c(o)·f(e) ≤ 1 for every offer, over the given local edges (columns 0..)."""
    offers = block.edge_offer[edges]
    model.add_rows(
        offers,
        np.arange(edges.size),
        block.edge_use()[edges] / capacity[offers],
        -np.inf,
        1.0,
        block.offer_id.size,
    )


def _kind_rows(model: _Columns, block: Block, z0: int, y0: int, bonus: float) -> None:
    """κ(n) ≤ y(n) and 2·κ(n) ≤ Σ_t v(n, t), v(n, t) ≤ Σ z over the need's edges of kind t."""
    need = block.need_of_edge()
    pairs, pair_of_edge = np.unique(
        np.column_stack([need, block.edge_kind]), axis=0, return_inverse=True
    )
    pair_of_edge = pair_of_edge.ravel()
    kinds_per_need = np.bincount(pairs[:, 0], minlength=block.need_id.size)
    eligible = np.flatnonzero(kinds_per_need >= 2)
    if eligible.size == 0:
        return
    use_pair = np.isin(pairs[:, 0], eligible)
    pair_ids = np.flatnonzero(use_pair)
    pair_column = np.full(len(pairs), -1)
    v0 = model.add_columns(np.zeros(pair_ids.size), 0.0, 1.0, integer=False)
    pair_column[pair_ids] = v0 + np.arange(pair_ids.size)
    # v(n, t) - Σ z(e) ≤ 0
    edge_rows = np.flatnonzero(use_pair[pair_of_edge])
    row_of_pair = np.full(len(pairs), -1)
    row_of_pair[pair_ids] = np.arange(pair_ids.size)
    model.add_rows(
        np.concatenate([row_of_pair[pair_ids], row_of_pair[pair_of_edge[edge_rows]]]),
        np.concatenate([pair_column[pair_ids], z0 + edge_rows]),
        np.concatenate([np.ones(pair_ids.size), -np.ones(edge_rows.size)]),
        -np.inf,
        0.0,
        pair_ids.size,
    )
    k0 = model.add_columns(np.full(eligible.size, bonus), 0.0, 1.0, integer=True)
    need_row = np.full(block.need_id.size, -1)
    need_row[eligible] = np.arange(eligible.size)
    # 2 κ(n) - Σ_t v(n, t) ≤ 0
    model.add_rows(
        np.concatenate([np.arange(eligible.size), need_row[pairs[pair_ids, 0]]]),
        np.concatenate([k0 + np.arange(eligible.size), pair_column[pair_ids]]),
        np.concatenate([np.full(eligible.size, 2.0), -np.ones(pair_ids.size)]),
        -np.inf,
        0.0,
        eligible.size,
    )
    # κ(n) - y(n) ≤ 0
    model.add_rows(
        np.repeat(np.arange(eligible.size), 2),
        np.column_stack([k0 + np.arange(eligible.size), y0 + eligible]).ravel(),
        np.tile([1.0, -1.0], eligible.size),
        -np.inf,
        0.0,
        eligible.size,
    )


def _whole_needs_model(
    block: Block, parameters: Parameters, exact: bool, capped: np.ndarray | None = None
) -> tuple[_Columns, int]:
    """Phase 1 as a model; returns it and the first column of y.

    capped: in the compact model, the items whose partner cap is enforced in the model.
    """
    model = _Columns()
    edges = np.arange(block.size)
    model.add_columns(parameters.epsilon * block.edge_score, 0.0, 1.0, integer=False)
    y0 = model.add_columns(block.need_weight, 0.0, block.need_coverable.astype(float), True)
    _capacity_rows(model, block, edges, block.offer_capacity)
    items = block.item_need.size
    model.add_rows(
        np.concatenate([block.edge_item, np.arange(items)]),
        np.concatenate([edges, y0 + block.item_need]),
        np.concatenate([np.ones(block.size), -np.ones(items)]),
        0.0,
        0.0,
        items,
    )
    capped = np.zeros(0, dtype=np.int64) if capped is None else capped
    cap = parameters.max_partners
    in_capped = np.isin(block.edge_item, capped)
    switched = edges if exact else np.flatnonzero((block.edge_min_share > 0) | in_capped)
    if switched.size:
        cost = np.full(switched.size, -parameters.partner_cost if exact else 0.0)
        z0 = model.add_columns(cost, 0.0, 1.0, integer=True)
        _min_allocation_rows(model, 0, z0, switched, block.edge_min_share[switched])
    crowded = np.flatnonzero(_organizations_per_item(block, np.ones(block.size, bool)) > cap)
    if not exact:
        crowded = np.intersect1d(crowded, capped)
    if crowded.size:
        z_of_edge = np.full(block.size, -1)
        z_of_edge[switched] = z0 + np.arange(switched.size)
        _partner_rows(model, block, crowded, z_of_edge, cap)
    if exact and parameters.kind_bonus > 0:
        _kind_rows(model, block, z0, y0, parameters.kind_bonus)
    return model, y0


def _partial_model(block: Block, edges: np.ndarray, left: np.ndarray, parameters: Parameters):
    """Phase 2 as a model over the given local edges (of needs not covered in full)."""
    model = _Columns()
    need = block.item_need[block.edge_item[edges]]
    value = block.need_weight[need] / block.need_items[need]
    value = value * (1.0 + parameters.epsilon * block.edge_score[edges])
    model.add_columns(value, 0.0, 1.0, integer=False)
    _capacity_rows(model, block, edges, left)
    items, item_row = np.unique(block.edge_item[edges], return_inverse=True)
    model.add_rows(
        item_row.ravel(), np.arange(edges.size), np.ones(edges.size), -np.inf, 1.0, items.size
    )
    switched = np.flatnonzero(block.edge_min_share[edges] > 0)
    if switched.size:
        z0 = model.add_columns(np.zeros(switched.size), 0.0, 1.0, integer=True)
        _min_allocation_rows(model, 0, z0, switched, block.edge_min_share[edges][switched])
    return model


def _organizations_per_item(block: Block, used: np.ndarray) -> np.ndarray:
    """Distinct organizations among the used edges of every item."""
    pairs = np.unique(np.column_stack([block.edge_item[used], block.edge_org[used]]), axis=0)
    return (
        np.bincount(pairs[:, 0], minlength=block.item_need.size)
        if pairs.size
        else (np.zeros(block.item_need.size, dtype=np.int64))
    )


def _partner_rows(model: _Columns, block: Block, items: np.ndarray, z_of_edge, cap: int) -> None:
    """Σ_org u(i, org) ≤ L for the given items, with z(e) ≤ u(i, org(e)) (u = z for one edge)."""
    edges = np.flatnonzero(np.isin(block.edge_item, items))
    pairs, pair_of_edge = np.unique(
        np.column_stack([block.edge_item[edges], block.edge_org[edges]]),
        axis=0,
        return_inverse=True,
    )
    pair_of_edge = pair_of_edge.ravel()
    size = np.bincount(pair_of_edge, minlength=len(pairs))
    column = np.full(len(pairs), -1)
    single = size == 1
    column[pair_of_edge[single[pair_of_edge]]] = z_of_edge[edges[single[pair_of_edge]]]
    shared = np.flatnonzero(~single)
    if shared.size:
        u0 = model.add_columns(np.zeros(shared.size), 0.0, 1.0, integer=True)
        column[shared] = u0 + np.arange(shared.size)
        members = np.flatnonzero(~single[pair_of_edge])
        model.add_rows(
            np.repeat(np.arange(members.size), 2),
            np.column_stack([z_of_edge[edges[members]], column[pair_of_edge[members]]]).ravel(),
            np.tile([1.0, -1.0], members.size),
            -np.inf,
            0.0,
            members.size,
        )
    row_of_item = np.full(block.item_need.size, -1)
    row_of_item[items] = np.arange(items.size)
    model.add_rows(
        row_of_item[pairs[:, 0]],
        column,
        np.ones(len(pairs)),
        -np.inf,
        float(cap),
        items.size,
    )


def cap_partners(block: Block, share: np.ndarray, max_partners: int) -> np.ndarray:
    """Keep the lines of at most max_partners organizations per item: those supplying the most
    (ties: the organization of the better-scored line, which comes first)."""
    share = share.copy()
    used = share > _SHARE_TOLERANCE
    for item in np.flatnonzero(_organizations_per_item(block, used) > max_partners):
        span = np.arange(block.item_start[item], block.item_start[item + 1])
        span = span[used[span]]
        _, first, pair = np.unique(block.edge_org[span], return_index=True, return_inverse=True)
        supplied = np.bincount(pair.ravel(), weights=share[span])
        keep = np.lexsort((first, -supplied))[:max_partners]
        share[span[~np.isin(pair.ravel(), keep)]] = 0.0
    return share


def _item_supply(block: Block, share: np.ndarray) -> np.ndarray:
    return np.bincount(block.edge_item, weights=share, minlength=block.item_need.size)


def covered_needs(block: Block, share: np.ndarray) -> np.ndarray:
    """Needs whose every item receives its full quantity under these shares."""
    full_item = _item_supply(block, share) >= 1.0 - 1e-6
    short = np.bincount(block.item_need, weights=~full_item, minlength=block.need_id.size)
    return (short == 0) & block.need_coverable


@dataclass(frozen=True)
class WholeNeeds:
    """An allocation that serves needs in full: shares per edge, the needs served, the solver."""

    share: np.ndarray
    covered: np.ndarray
    status: str
    mip_gap: float


def whole_needs_milp(
    block: Block, parameters: Parameters, time_limit: float, exact: bool
) -> WholeNeeds | None:
    """Phase 1 as a MILP (None when the solver returns nothing); only whole needs keep shares."""
    started = time.perf_counter()
    model, y0 = _whole_needs_model(block, parameters, exact)
    result = model.solve(time_limit, parameters.mip_gap)
    # Compact model: enforce the partner cap, in the model, on the items that broke it; repeat.
    capped = np.zeros(0, dtype=np.int64)
    for _ in range(0 if exact else _CAP_ROUNDS):
        if result.x is None:
            break
        partners = _organizations_per_item(block, result.x[: block.size] > _SHARE_TOLERANCE)
        crowded = np.flatnonzero(partners > parameters.max_partners)
        remaining = time_limit - (time.perf_counter() - started)
        if crowded.size == 0 or remaining < 0.1 * time_limit:
            break
        capped = np.union1d(capped, crowded)
        model, y0 = _whole_needs_model(block, parameters, exact, capped)
        retry = model.solve(remaining, parameters.mip_gap)
        if retry.x is None:
            break
        result = retry
    if result.x is None:
        return None
    y = result.x[y0 : y0 + block.need_id.size] > 0.5
    share = np.where(y[block.need_of_edge()], np.clip(result.x[: block.size], 0, 1), 0.0)
    share[share < _SHARE_TOLERANCE] = 0.0
    share = cap_partners(block, share, parameters.max_partners)
    covered = covered_needs(block, share)
    share = np.where(covered[block.need_of_edge()], share, 0.0)
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return WholeNeeds(share, covered, str(result.message), gap)


def relaxation_bound(block: Block, parameters: Parameters, time_limit: float) -> float:
    """The LP relaxation's optimum of the full coalition model with Σ_n w(n)·y(n) alone (the
    weight of every need when the solver returns nothing)."""
    model, y0 = _whole_needs_model(block, parameters, exact=True)
    primary_only = np.zeros(model.width)
    primary_only[y0 : y0 + block.need_id.size] = block.need_weight
    relaxed = model.solve(time_limit, parameters.mip_gap, relax=True, cost=primary_only)
    return float(-relaxed.fun) if relaxed.x is not None else float(block.need_weight.sum())


def allocate_block(
    block: Block, parameters: Parameters, time_limit: float, workers: int = 1
) -> BlockOutcome:
    """Solve one component: whole needs, the bound, then partial coverage.

    Up to exact_edge_limit pairs: the full coalition model as a MILP, and its LP relaxation as the
    bound. Larger components: decomposition by region (see decomposition.py).
    """
    started = time.perf_counter()
    greedy_share, greedy_covered = greedy_whole(block, parameters.max_partners)
    greedy_primary = float(block.need_weight[greedy_covered].sum())
    if block.size <= parameters.exact_edge_limit:
        bound = relaxation_bound(block, parameters, time_limit)
        remaining = max(0.05, time_limit - (time.perf_counter() - started))
        whole = whole_needs_milp(block, parameters, remaining, exact=True)
        method = "milp"
    else:
        from .decomposition import allocate_large

        whole, bound, method = allocate_large(block, parameters, time_limit, workers)
    if whole is None or block.need_weight[whole.covered].sum() < greedy_primary - 1e-9:
        whole = WholeNeeds(greedy_share, greedy_covered, "greedy", 0.0)
        method = "greedy"
    share = whole.share + _partial_fill(
        block, whole.share, whole.covered, parameters, time_limit, started
    )
    primary = float(block.need_weight[whole.covered].sum())
    return BlockOutcome(
        share=share,
        covered=whole.covered,
        greedy_share=greedy_partial(block, greedy_share, greedy_covered, parameters.max_partners),
        primary=primary,
        bound=max(bound, primary),
        greedy_primary=greedy_primary,
        method=method,
        status=whole.status,
        mip_gap=whole.mip_gap,
        seconds=time.perf_counter() - started,
    )


def _partial_fill(
    block: Block,
    share: np.ndarray,
    covered: np.ndarray,
    parameters: Parameters,
    time_limit: float,
    started: float,
) -> np.ndarray:
    """Extra shares for the needs not covered in full, from the capacity left over."""
    extra = np.zeros(block.size)
    edges = np.flatnonzero(~covered[block.need_of_edge()])
    if edges.size == 0:
        return extra
    used = np.bincount(
        block.edge_offer, weights=share * block.edge_use(), minlength=block.offer_id.size
    )
    left = np.maximum(block.offer_capacity - used, 0.0)
    # Crumbs of capacity would only add badly scaled rows: an offer must keep a real amount.
    usable = left > 1e-6 * np.maximum(block.offer_capacity, 1.0)
    edges = edges[usable[block.edge_offer[edges]]]
    if edges.size == 0:
        return extra
    model = _partial_model(block, edges, left, parameters)
    remaining = max(0.5, time_limit - (time.perf_counter() - started))
    # On a large component the minimum pieces are left to the LP's answer: a piece below its
    # offer's minimum is dropped rather than searched for with a binary per line.
    relax = block.size > parameters.exact_edge_limit
    result = model.solve(remaining, parameters.mip_gap, relax=relax)
    if result.x is None:
        return extra
    values = np.clip(result.x[: edges.size], 0.0, 1.0)
    values[values < np.maximum(_SHARE_TOLERANCE, block.edge_min_share[edges] - 1e-9)] = 0.0
    extra[edges] = values
    return cap_partners(block, extra, parameters.max_partners)
