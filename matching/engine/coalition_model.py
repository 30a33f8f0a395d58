"""The coalition-cover model of one component, as columns and rows for HiGHS (see milp.py).

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
organization are one partner), not lines. The equality ties each item's supply to y(n): a whole
need or nothing, which also tightens the LP relaxation. Components up to exact_edge_limit pairs
get this full model (allocation.py); larger ones are decomposed by region (decomposition.py),
whose repair solves small neighbourhoods (repair.py) with the compact model: there z(e) exists
only where an offer has a minimum allocation; λ and μ are left out, and the partner cap is added lazily: after
each solve, the items served by more than L offers get their z(e) and cap row, and the model is
solved again (a few rounds); a line still beyond the L largest of an item is then dropped.

Phase 2 — partial coverage: with capacity left after the whole needs, maximize
    Σ_n w(n)/|K(n)| · Σ_{e at n} (1 + ε·s(e))·f(e)      subject to capacity, Σ_{e at i} f(e) ≤ 1
and the minimum allocations: the priority-weighted share of the other needs' items.

The LP relaxation of phase 1 with the objective Σ_n w(n)·y(n) alone is the bound reported.
"""

from __future__ import annotations

import numpy as np

from .components import Block
from .keys import unique_pairs
from .linear_model import LinearModel
from .model import Parameters
from .shares import organizations_per_item


def _min_allocation_rows(
    model: LinearModel, f0: int, z0: int, edges: np.ndarray, phi: np.ndarray
) -> None:
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


def _capacity_rows(
    model: LinearModel, block: Block, edges: np.ndarray, capacity: np.ndarray
) -> None:
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


def _kind_rows(model: LinearModel, block: Block, z0: int, y0: int, bonus: float) -> None:
    """κ(n) ≤ y(n) and 2·κ(n) ≤ Σ_t v(n, t), v(n, t) ≤ Σ z over the need's edges of kind t."""
    need = block.need_of_edge()
    pairs, pair_of_edge = unique_pairs(need, block.edge_kind)
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


def whole_needs_model(
    block: Block, parameters: Parameters, exact: bool, capped: np.ndarray | None = None
) -> tuple[LinearModel, int]:
    """Phase 1 as a model; returns it and the first column of y.

    capped: in the compact model, the items whose partner cap is enforced in the model.
    """
    model = LinearModel()
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
    crowded = np.flatnonzero(organizations_per_item(block, np.ones(block.size, bool)) > cap)
    if not exact:
        crowded = np.intersect1d(crowded, capped)
    if crowded.size:
        z_of_edge = np.full(block.size, -1)
        z_of_edge[switched] = z0 + np.arange(switched.size)
        _partner_rows(model, block, crowded, z_of_edge, cap)
    if exact and parameters.kind_bonus > 0:
        _kind_rows(model, block, z0, y0, parameters.kind_bonus)
    return model, y0


def partial_model(
    block: Block, edges: np.ndarray, left: np.ndarray, parameters: Parameters
) -> LinearModel:
    """Phase 2 as a model over the given local edges (of needs not covered in full)."""
    model = LinearModel()
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


def _partner_rows(
    model: LinearModel, block: Block, items: np.ndarray, z_of_edge: np.ndarray, cap: int
) -> None:
    """Σ_org u(i, org) ≤ L for the given items, with z(e) ≤ u(i, org(e)) (u = z for one edge)."""
    edges = np.flatnonzero(np.isin(block.edge_item, items))
    pairs, pair_of_edge = unique_pairs(block.edge_item[edges], block.edge_org[edges])
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
