"""The LP optimum LP* over the engine's candidate set: the reference the engine's bound and
answer are compared with. One LP over every pair of a decomposed component (minutes at XL), so it
is the benchmark's, never part of a run."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from matching.engine import Parameters, Problem
from matching.engine.candidates import rank_candidates
from matching.engine.catalogue import build_catalogue
from matching.engine.components import Block
from matching.engine.flows import coverable_within_cap
from matching.engine.milp import relaxation_bound
from matching.engine.relaxation import whole_needs_lp
from matching.engine.shares import partner_cap
from matching.engine.solve import component_blocks


def lp_optimum(block: Block, parameters: Parameters) -> float:
    """LP*: the optimum of the whole-needs LP relaxation of the whole block, which the certified
    bound D (matching/engine/decomposition.py, step 6) bounds from above."""
    block = replace(block, need_coverable=coverable_within_cap(block, partner_cap(parameters)))
    relaxed = whole_needs_lp(block, partner_cap(parameters))
    if relaxed is None:  # every need that could be served: still an upper bound
        return float(block.need_weight[block.need_coverable].sum())
    return relaxed.value


def lp_relaxation(problem: Problem, parameters: Parameters) -> dict:
    """The LP relaxation's optimum over the engine's candidate set, component by component: for a
    component the engine solves exactly, the relaxation it reports itself; for a decomposed one,
    the whole component's LP (the engine reports only the certified bound D ≥ LP* for those)."""
    started = time.perf_counter()
    catalogue = build_catalogue(problem, parameters)
    candidates = rank_candidates(problem, catalogue, parameters)
    value = 0.0
    for block in component_blocks(problem, catalogue, candidates):
        if block.size <= parameters.exact_edge_limit:
            value += relaxation_bound(block, parameters, parameters.time_limit)
        else:
            value += lp_optimum(block, parameters)
    # Needs with nothing left to cover are served by definition and lie in no component.
    open_items = np.bincount(
        catalogue.item_need, weights=catalogue.item_remaining > 0, minlength=catalogue.need_id.size
    )
    value += float(catalogue.need_weight[open_items == 0].sum())
    return {
        "lp_optimum": round(value / catalogue.total_weight, 6),
        "seconds": round(time.perf_counter() - started, 2),
    }
