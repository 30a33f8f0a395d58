"""Run metrics, including an independent check that no capacity or need is exceeded."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from .catalogue import Catalogue
from .model import NeedProposal, Parameters
from .tolerances import SLACK


def fully_served(catalogue: Catalogue, served: np.ndarray) -> np.ndarray:
    """Per need: every item received its remaining quantity (to one unit, or one cent)."""
    full_item = fully_served_items(catalogue, served)
    short = np.bincount(catalogue.item_need, weights=~full_item, minlength=catalogue.need_id.size)
    served_in_full: np.ndarray = short == 0
    return served_in_full


def served_share(catalogue: Catalogue, served: np.ndarray) -> np.ndarray:
    """Per need: the mean over its items of min(1, served / remaining); 1 for a need without items."""
    remaining = catalogue.item_remaining
    share = np.ones(remaining.size)
    open_item = remaining > 0
    share[open_item] = np.minimum(1.0, served[open_item] / remaining[open_item])
    share[fully_served_items(catalogue, served)] = 1.0
    total = np.bincount(catalogue.item_need, weights=share, minlength=catalogue.need_id.size)
    mean: np.ndarray = np.divide(
        total, catalogue.need_items, out=np.ones(total.size), where=catalogue.need_items > 0
    )
    return mean


def fully_served_items(catalogue: Catalogue, served: np.ndarray) -> np.ndarray:
    """Per item: received its remaining quantity (to one unit, or one cent)."""
    unit = np.where(catalogue.item_financial, 0.01, 1.0)
    received: np.ndarray = catalogue.item_remaining - served < unit - SLACK
    return received


def violations(
    catalogue: Catalogue,
    line_offer: np.ndarray,
    line_item: np.ndarray,
    offer_quantity: np.ndarray,
    item_quantity: np.ndarray,
) -> tuple[int, int]:
    """Offers given more than their remaining capacity; items given more than they need."""
    per_offer = np.bincount(line_offer, weights=offer_quantity, minlength=catalogue.offer_id.size)
    per_item = np.bincount(line_item, weights=item_quantity, minlength=catalogue.item_id.size)
    over_offer = int(np.count_nonzero(per_offer > catalogue.offer_remaining + SLACK))
    over_item = int(np.count_nonzero(per_item > catalogue.item_remaining + SLACK))
    return over_offer, over_item


def run_metrics(
    catalogue: Catalogue,
    proposals: list[NeedProposal],
    outcomes: list[Any],
    blocks: list[Any],
    served: np.ndarray,
    counts: dict[str, int],
    check: tuple[int, int],
    quality: float,
    greedy_weight: float,
    parameters: Parameters,
    seconds: dict[str, float],
    all_pairs_bound: float,
) -> dict[str, Any]:
    """The metrics stored on the run row (JSON-serialisable).

    lp_bound (and ratio_to_bound, gap) is over every eligible pair, not only the candidates:
    all_pairs_bound (pricing.py, in priority weight), or the weight served if that is more (the
    LP's capacities keep back a cent per converting pair, rounding counts an item served to one
    unit). lp_bound_candidates is the bound over the candidates alone, as the allocation
    certified it."""
    weight = catalogue.need_weight
    total = catalogue.total_weight or 1.0
    full = fully_served(catalogue, served)
    in_block = np.zeros(weight.size, dtype=bool)
    for block in blocks:
        in_block[block.need_position] = True
    trivially_full = full & ~in_block  # needs with nothing left to cover
    candidate_bound = sum(outcome.bound for outcome in outcomes) + float(
        weight[trivially_full].sum()
    )
    bound = max(all_pairs_bound, float(weight[full].sum()))
    # The greedy baseline's needs served in full, measured like the engine's: after rounding.
    greedy = greedy_weight + float(weight[trivially_full].sum())
    coverage = float(weight[full].sum()) / total
    lp_bound = bound / total
    coalitions = [p.explanation["partners"] for p in proposals if p.coverage >= 1.0]
    return {
        "needs": int(weight.size),
        "offers": int(catalogue.offer_id.size),
        "need_items": int(catalogue.item_id.size),
        **counts,
        "components": len(blocks),
        "largest_component": max((block.size for block in blocks), default=0),
        "methods": dict(sorted(Counter(outcome.method for outcome in outcomes).items())),
        "coverage": round(coverage, 6),
        "partial_coverage": round(
            float((weight * served_share(catalogue, served)).sum()) / total, 6
        ),
        "lp_bound": round(lp_bound, 6),
        "lp_bound_candidates": round(candidate_bound / total, 6),
        "ratio_to_bound": round(coverage / lp_bound, 6) if lp_bound > 0 else 1.0,
        "gap": round(max(0.0, 1.0 - coverage / lp_bound), 6) if lp_bound > 0 else 0.0,
        "clock_limited_components": sum(1 for outcome in outcomes if outcome.clock),
        "mip_gap": round(max((outcome.mip_gap for outcome in outcomes), default=0.0), 6),
        "objective": round(float(weight[full].sum()) + parameters.epsilon * quality, 6),
        "greedy_coverage": round(greedy / total, 6),
        "needs_fully_covered": int(np.count_nonzero(full & in_block)),
        "needs_with_proposal": len(proposals),
        "partners_per_coalition": round(float(np.mean(coalitions)), 4) if coalitions else 0.0,
        "capacity_violations": check[0],
        "oversupply_violations": check[1],
        "seconds": seconds,
    }
