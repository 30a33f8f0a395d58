"""The LP relaxation of the whole-needs model with the partner cap's linear rows, and the
weak-duality bound its prices give (decomposition.py, step 6, proves it)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .components import Block
from .flows import partner_coefficients

# HiGHS's dual simplex on every region's relaxation. With the HiGHS of scipy 1.17 it beats the
# interior point method (with crossover) on the largest regions, the same optimum: L seed 4242's
# (98k pairs) 5.9 s against 27.3 s, XL seed 2718's two largest (260k and 149k pairs) 30.2 and
# 9.9 s against 112.3 and 48.8 s. (In 2026-11, with the versions of then, the interior point won
# on L's largest region, 35 s against 155 s, and ran from 50,000 pairs on.)
# The shortest time limit handed to HiGHS (seconds): a limit already past still lets it start.
_SHORTEST_LIMIT = 0.05


def seconds_until(end: float | None) -> float | None:
    """The seconds left until `end` on the perf_counter clock all processes share (None: no
    end), for an LP's time limit."""
    return None if end is None else end - time.perf_counter()


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
    interior_point: bool = False,
    time_limit: float | None = None,
) -> Relaxation | None:
    """The LP relaxation of phase 1, with the partner cap's linear row (flows.py), or None.

    partner_cost > 0 charges each pair its fractional partner count (a tie-break among optima).
    coefficient: the rows' coefficients when computed on a larger block (a region's LP then
    has the rows of the whole block, and its duals fit the whole block's bound).
    allowed: the pairs that may carry a share (all by default).
    interior_point: HiGHS's interior point method rather than its dual simplex.
    time_limit: HiGHS's own limit in seconds (None: none); an LP stopped by it gives None.
    """
    edges, needs, items = block.size, block.need_id.size, block.item_need.size
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
        options={} if time_limit is None else {"time_limit": max(_SHORTEST_LIMIT, time_limit)},
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
    """D of decomposition.py's step 6: an upper bound of the block's LP optimum for any prices of
    capacity (price ≥ 0) and of the partner cap rows (cap_price ≥ 0)."""
    coefficient, _ = partner_coefficients(block, cap)
    cost = block.edge_use() * price[block.edge_offer] + cap_price[block.edge_item] * coefficient
    cheapest = np.full(block.item_need.size, np.inf)
    np.minimum.at(cheapest, block.edge_item, cost)
    item_cost = cheapest - cap * cap_price
    need_cost = np.bincount(block.item_need, weights=item_cost, minlength=block.need_id.size)
    surplus = np.where(block.need_coverable, np.maximum(0.0, block.need_weight - need_cost), 0.0)
    return float((price * block.offer_capacity).sum() + surplus.sum())
