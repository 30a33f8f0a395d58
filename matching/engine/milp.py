"""The coalition model of coalition_model.py solved as a MILP, and its LP relaxation's bound."""

from __future__ import annotations

import time

import numpy as np

from .coalition_model import whole_needs_model
from .components import Block
from .linear_model import NODE_LIMIT
from .model import Parameters
from .shares import WholeNeeds, cap_partners, covered_needs, organizations_per_item
from .tolerances import ZERO_SHARE

# Rounds of the compact model's lazy partner cap.
_CAP_ROUNDS = 3


def whole_needs_milp(
    block: Block,
    parameters: Parameters,
    time_limit: float,
    exact: bool,
    node_limit: int = NODE_LIMIT,
) -> WholeNeeds | None:
    """Phase 1 as a MILP (None when the solver returns nothing); only whole needs keep shares.
    node_limit: the budget of branch-and-bound nodes of each solve."""
    started = time.perf_counter()
    model, y0 = whole_needs_model(block, parameters, exact)
    result = model.solve(time_limit, parameters.mip_gap, node_limit=node_limit)
    # Compact model: enforce the partner cap, in the model, on the items that broke it; repeat.
    capped = np.zeros(0, dtype=np.int64)
    for _ in range(0 if exact else _CAP_ROUNDS):
        if result.x is None:
            break
        partners = organizations_per_item(block, result.x[: block.size] > ZERO_SHARE)
        crowded = np.flatnonzero(partners > parameters.max_partners)
        # The rounds are a budget of work; the time limit only a safety net.
        remaining = time_limit - (time.perf_counter() - started)
        if crowded.size == 0 or remaining <= 0:
            break
        capped = np.union1d(capped, crowded)
        model, y0 = whole_needs_model(block, parameters, exact, capped)
        retry = model.solve(remaining, parameters.mip_gap, node_limit=node_limit)
        if retry.x is None:
            break
        result = retry
    if result.x is None:
        return None
    y = result.x[y0 : y0 + block.need_id.size] > 0.5
    share = np.where(y[block.need_of_edge()], np.clip(result.x[: block.size], 0, 1), 0.0)
    share[share < ZERO_SHARE] = 0.0
    share = cap_partners(block, share, parameters.max_partners)
    covered = covered_needs(block, share)
    share = np.where(covered[block.need_of_edge()], share, 0.0)
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return WholeNeeds(share, covered, str(result.message), gap)


def relaxation_bound(block: Block, parameters: Parameters, time_limit: float) -> float:
    """The LP relaxation's optimum of the full coalition model with Σ_n w(n)·y(n) alone (the
    weight of every need when the solver returns nothing)."""
    model, y0 = whole_needs_model(block, parameters, exact=True)
    primary_only = np.zeros(model.width)
    primary_only[y0 : y0 + block.need_id.size] = block.need_weight
    relaxed = model.solve(time_limit, parameters.mip_gap, relax=True, cost=primary_only)
    return float(-relaxed.fun) if relaxed.x is not None else float(block.need_weight.sum())
