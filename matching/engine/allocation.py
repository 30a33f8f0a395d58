"""The allocation of one component: whole needs, the bound, then partial coverage.

A component of at most exact_edge_limit pairs is solved by the full coalition model as a MILP
(coalition_model.py, milp.py), with its LP relaxation as the bound; a larger one by the
decomposition by region (decomposition.py), with a certified bound. The greedy baseline is
computed on the same block; when the solver (stopped by its time limit) returns fewer whole needs
than greedy, greedy's whole needs are kept instead. Phase 2 then gives the needs not covered in
full what capacity is left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .coalition_model import partial_model
from .components import Block
from .decomposition import allocate_large
from .greedy import greedy_partial, greedy_whole
from .milp import relaxation_bound, whole_needs_milp
from .model import Parameters
from .shares import WholeNeeds, cap_partners, offer_usage
from .tolerances import CRUMB, SLACK, ZERO_SHARE

# The earliest wall-clock safety net of a block acts at this share of its time limit (the
# extension's and the repair's, decomposition._REPAIR_UNTIL); a block that finishes before it
# was decided by its budgets of work alone.
_CLOCK_SHARE = 0.8


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
    # The block reached _CLOCK_SHARE of its time: a wall-clock safety net may have acted (the
    # budgets of work no longer alone decide the answer).
    clock: bool
    # Per offer of the block, the price of a unit of its capacity behind the bound (the
    # regions' LP duals on a large block; 0 on a block solved whole, which the bound allows).
    price: np.ndarray


def allocate_block(
    block: Block, parameters: Parameters, time_limit: float, workers: int = 1
) -> BlockOutcome:
    """Solve one component: whole needs, the bound, then partial coverage.

    Up to exact_edge_limit pairs: the full coalition model as a MILP, and its LP relaxation as the
    bound. Larger components: decomposition by region (see decomposition.py).
    """
    started = time.perf_counter()
    price = np.zeros(block.offer_id.size)
    greedy_share, greedy_covered = greedy_whole(block, parameters.max_partners)
    greedy_primary = float(block.need_weight[greedy_covered].sum())
    if block.size <= parameters.exact_edge_limit:
        bound = relaxation_bound(block, parameters, time_limit)
        remaining = max(0.05, time_limit - (time.perf_counter() - started))
        whole = whole_needs_milp(block, parameters, remaining, exact=True)
        method = "milp"
    else:
        whole, bound, method, price = allocate_large(block, parameters, time_limit, workers)
    if whole is None or block.need_weight[whole.covered].sum() < greedy_primary - SLACK:
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
        clock=time.perf_counter() - started >= _CLOCK_SHARE * time_limit,
        price=price,
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
    left = np.maximum(block.offer_capacity - offer_usage(block, share), 0.0)
    # Crumbs of capacity would only add badly scaled rows: an offer must keep a real amount.
    usable = left > CRUMB * np.maximum(block.offer_capacity, 1.0)
    edges = edges[usable[block.edge_offer[edges]]]
    if edges.size == 0:
        return extra
    model = partial_model(block, edges, left, parameters)
    remaining = max(0.5, time_limit - (time.perf_counter() - started))
    # On a large component the minimum pieces are left to the LP's answer: a piece below its
    # offer's minimum is dropped rather than searched for with a binary per line.
    relax = block.size > parameters.exact_edge_limit
    result = model.solve(remaining, parameters.mip_gap, relax=relax)
    if result.x is None:
        return extra
    values = np.clip(result.x[: edges.size], 0.0, 1.0)
    values[values < np.maximum(ZERO_SHARE, block.edge_min_share[edges] - SLACK)] = 0.0
    extra[edges] = values
    return cap_partners(block, extra, parameters.max_partners)
