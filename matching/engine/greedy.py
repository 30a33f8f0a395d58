"""The priority-greedy baseline: needs by priority, each item from its best-scored offers.

Needs are taken by priority (descending), then id; each item is filled from its candidates in
score order, from at most max_partners organizations per item, within every offer's capacity and
never a piece below an offer's minimum: the same hard constraints as the optimisation.
A need is committed only when every item is fully covered; a second pass then hands what is left
to the remaining needs, in the same order, as partial coverage.
"""

from __future__ import annotations

import numpy as np

from .components import Block
from .tolerances import SLACK, ZERO_SHARE


def need_order(block: Block) -> np.ndarray:
    """Local needs by priority weight descending, then need id."""
    return np.lexsort((block.need_id, -block.need_weight))


def _fill_need(
    block: Block, need: int, left: np.ndarray, max_partners: int, whole: bool
) -> list[tuple[int, float]] | None:
    """Shares (edge, share) that fill the need's items from what is left; None if whole fails."""
    plan: list[tuple[int, float]] = []
    used: dict[int, float] = {}
    for item in block.items_of(need):
        remaining = block.item_remaining[item]
        missing = 1.0
        partners: set[int] = set()
        for edge in range(block.item_start[item], block.item_start[item + 1]):
            if missing <= SLACK:
                break
            organization = int(block.edge_org[edge])
            if len(partners) == max_partners and organization not in partners:
                continue
            offer = block.edge_offer[edge]
            free = left[offer] - used.get(offer, 0.0)
            share = min(missing, free * block.edge_rate[edge] / remaining)
            if share <= SLACK or share < block.edge_min_share[edge] - SLACK:
                continue
            plan.append((edge, share))
            used[offer] = used.get(offer, 0.0) + share * remaining / block.edge_rate[edge]
            missing -= share
            partners.add(organization)
        if whole and missing > ZERO_SHARE:
            return None
    return plan


def _commit(
    block: Block, plan: list[tuple[int, float]], left: np.ndarray, share: np.ndarray
) -> None:
    for edge, amount in plan:
        share[edge] += amount
        offer = block.edge_offer[edge]
        use = amount * block.item_remaining[block.edge_item[edge]] / block.edge_rate[edge]
        left[offer] = max(0.0, left[offer] - use)


def greedy_whole(block: Block, max_partners: int) -> tuple[np.ndarray, np.ndarray]:
    """Shares per edge and the covered flag per need after the whole-needs pass."""
    left = block.offer_capacity.astype(float).copy()
    share = np.zeros(block.size)
    covered = np.zeros(block.need_id.size, dtype=bool)
    for need in need_order(block):
        if not block.need_coverable[need]:
            continue
        plan = _fill_need(block, need, left, max_partners, whole=True)
        if plan is not None:
            _commit(block, plan, left, share)
            covered[need] = True
    return share, covered


def greedy_partial(
    block: Block, share: np.ndarray, covered: np.ndarray, max_partners: int
) -> np.ndarray:
    """Add partial coverage for the needs not covered, by priority, from what is left."""
    share = share.copy()
    left = block.offer_capacity - np.bincount(
        block.edge_offer, weights=share * block.edge_use(), minlength=block.offer_id.size
    )
    left = np.maximum(left, 0.0)
    for need in need_order(block):
        if not covered[need]:
            plan = _fill_need(block, need, left, max_partners, whole=False)
            _commit(block, plan or [], left, share)
    return share
