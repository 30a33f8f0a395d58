"""Shares per pair and what they serve: whole needs, the partner cap, each offer's load.

Every allocation method (the MILP, the decomposition, greedy's guard) answers in shares: f(e) in
[0, 1], the part of item i that offer o supplies. These functions read such shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .components import Block
from .keys import unique_pairs
from .model import Parameters
from .tolerances import SLACK, WHOLE, ZERO_SHARE


@dataclass(frozen=True)
class WholeNeeds:
    """An allocation that serves needs in full: shares per edge, the needs served, the solver."""

    share: np.ndarray
    covered: np.ndarray
    status: str
    mip_gap: float


def partner_cap(parameters: Parameters) -> int:
    """The partner cap L that the large-component path works with (at least one organization)."""
    return max(1, parameters.max_partners)


def organizations_per_item(block: Block, used: np.ndarray) -> np.ndarray:
    """Distinct organizations among the used edges of every item."""
    pairs, _ = unique_pairs(block.edge_item[used], block.edge_org[used])
    return (
        np.bincount(pairs[:, 0], minlength=block.item_need.size)
        if pairs.size
        else (np.zeros(block.item_need.size, dtype=np.int64))
    )


def cap_partners(block: Block, share: np.ndarray, max_partners: int) -> np.ndarray:
    """Keep the lines of at most max_partners organizations per item: those supplying the most
    (ties: the organization of the better-scored line, which comes first)."""
    share = share.copy()
    used = share > ZERO_SHARE
    for item in np.flatnonzero(organizations_per_item(block, used) > max_partners):
        span = np.arange(block.item_start[item], block.item_start[item + 1])
        span = span[used[span]]
        _, first, pair = np.unique(block.edge_org[span], return_index=True, return_inverse=True)
        supplied = np.bincount(pair.ravel(), weights=share[span])
        keep = np.lexsort((first, -supplied))[:max_partners]
        share[span[~np.isin(pair.ravel(), keep)]] = 0.0
    return share


def covered_needs(block: Block, share: np.ndarray) -> np.ndarray:
    """Needs whose every item receives its full quantity under these shares."""
    supply = np.bincount(block.edge_item, weights=share, minlength=block.item_need.size)
    full_item = supply >= WHOLE
    short = np.bincount(block.item_need, weights=~full_item, minlength=block.need_id.size)
    covered: np.ndarray = (short == 0) & block.need_coverable
    return covered


def covered_weight(block: Block, share: np.ndarray) -> float:
    """The priority weight of the needs these shares serve in full."""
    return float(block.need_weight[covered_needs(block, share)].sum())


def acceptable(block: Block, share: np.ndarray, max_partners: int) -> np.ndarray:
    """Needs whose shares respect the minimum pieces and the partner cap."""
    used = share > SLACK
    short_piece = used & (share < block.edge_min_share - SLACK)
    dropped = used & (cap_partners(block, share, max_partners) <= 0)
    bad = np.bincount(
        block.need_of_edge(), weights=short_piece | dropped, minlength=block.need_id.size
    )
    fine: np.ndarray = bad == 0
    return fine


def offer_usage(block: Block, share: np.ndarray) -> np.ndarray:
    """Capacity of each offer, in its own unit, that these shares use."""
    return np.bincount(
        block.edge_offer, weights=share * block.edge_use(), minlength=block.offer_id.size
    )
