"""Whole needs chosen by LP-guided insertion, then served within the partner cap and the
minimum pieces by rounds of LPs (steps 2 and 3 of decomposition.py, and the repair's rounds)."""

from __future__ import annotations

import time

import numpy as np

from .components import Block, sub_block
from .flows import insert_needs, insertion_order, within_cap
from .model import Parameters
from .relaxation import Relaxation, seconds_until, whole_needs_lp
from .shares import acceptable, cap_partners, covered_needs, offer_usage, partner_cap
from .tolerances import CRUMB, SLACK, WHOLE

# Cost per fractional partner when the chosen needs' shares are computed: far below any weight.
_PARTNER_COST = 1e-5
_SERVE_ROUNDS = 6
_FULL_ROUNDS = 2


def round_block(
    block: Block,
    relaxed: Relaxation,
    parameters: Parameters,
    deadline: float,
    end: float | None = None,
) -> np.ndarray:
    """Whole needs by LP-guided insertion with max-flow checks; their shares within the cap.

    The max-flows see each item's pairs with its 2·cap best organizations (by LP flow, then the
    share they could carry); the chosen needs are then served within the partner cap and the
    minimum pieces (serve_within_cap), which may drop a few. end: when the block's time is up
    (serve_within_cap)."""
    cap = partner_cap(parameters)
    edges = np.flatnonzero(within_cap(block, relaxed.flow, 2 * cap))
    share = _insert_and_serve(block, edges, relaxed, cap, deadline, end)
    covered = covered_needs(block, share) & acceptable(block, share, cap)
    return np.where(covered[block.need_of_edge()], share, 0.0)


def _insert_and_serve(
    block: Block,
    edges: np.ndarray,
    relaxed: Relaxation,
    cap: int,
    deadline: float,
    end: float | None,
) -> np.ndarray:
    share = np.zeros(block.size)
    if edges.size == 0:
        return share
    part = sub_block(block, edges, block.offer_capacity)
    y = relaxed.y[np.searchsorted(block.need_position, part.need_position)]
    price = relaxed.price[np.unique(block.edge_offer[edges])]
    always = int(np.count_nonzero((y >= WHOLE) & part.need_coverable))
    chosen, _ = insert_needs(part, insertion_order(part, y, price), deadline, always=always)
    served = np.flatnonzero(chosen[part.need_of_edge()])
    if served.size:
        share[edges[served]] = serve_within_cap(
            sub_block(part, served, part.offer_capacity), cap, deadline, end=end
        )
    return share


def serve_relaxation(block: Block, cap: int, end: float | None = None) -> Relaxation | None:
    """The LP that serve_within_cap solves first: the block's relaxation, a tiny cost per
    fractional partner breaking ties (None also when HiGHS reaches `end` first)."""
    return whole_needs_lp(
        block, cap, _PARTNER_COST, interior_point=False, time_limit=seconds_until(end)
    )


def serve_within_cap(
    block: Block,
    cap: int,
    deadline: float,
    first: Relaxation | None = None,
    end: float | None = None,
) -> np.ndarray:
    """Shares that serve the block's needs in full (those the LP can), within the partner cap
    and the minimum pieces (first: serve_relaxation(block, cap) when already solved).

    The LP's vertex may split an item between more organizations than the cap allows, or give
    an offer less than its minimum piece. The needs without such a flaw keep their shares; for
    the others, such an item keeps only its cap largest suppliers, such a pair is closed, and a
    smaller LP serves them again from the capacity that is left (needs that fail drop out). The
    first rounds (before the deadline) solve the whole LP again instead, so that the others may
    make room. end: when the block's time is up: every LP stops there (HiGHS's time limit), and
    no round starts after it but the first."""
    allowed = np.ones(block.size, dtype=bool)
    share = np.zeros(block.size)
    pending = block.need_coverable.copy()
    for round_ in range(_SERVE_ROUNDS):
        if round_ < _FULL_ROUNDS and (round_ == 0 or time.perf_counter() < deadline):
            # The first rounds serve every need again, re-routing freely.
            share = np.zeros(block.size)
            pending = block.need_coverable.copy()
        left = np.maximum(block.offer_capacity - offer_usage(block, share), 0.0)
        open_pair = pending[block.need_of_edge()] & allowed
        edges = np.flatnonzero(open_pair & (left > CRUMB * block.offer_capacity)[block.edge_offer])
        if edges.size == 0 or (round_ > 0 and end is not None and time.perf_counter() >= end):
            break
        part = sub_block(block, edges, left)
        relaxed: Relaxation | None
        if round_ == 0 and first is not None and edges.size == block.size:
            relaxed = first  # the same LP: every pair open, every offer whole
        else:
            relaxed = serve_relaxation(part, cap, end)
        if relaxed is None:
            break
        full = relaxed.y >= WHOLE
        flow = np.zeros(block.size)
        flow[edges] = np.where(full[part.need_of_edge()] & (relaxed.flow > SLACK), relaxed.flow, 0)
        kept = cap_partners(block, flow, cap)
        broken = (flow > 0) & (kept <= 0)
        short = (flow > 0) & (flow < block.edge_min_share - SLACK)
        flawed = np.bincount(
            block.need_of_edge(), weights=broken | short, minlength=block.need_id.size
        )
        done = covered_needs(block, flow) & (flawed == 0)
        share += np.where(done[block.need_of_edge()], flow, 0.0)
        pending &= ~done & covered_needs(block, flow)
        items = np.unique(block.edge_item[broken])
        allowed &= ~(np.isin(block.edge_item, items) & (kept <= 0)) & ~short
    return share
