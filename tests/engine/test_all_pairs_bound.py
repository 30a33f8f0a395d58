"""The LP bound over every eligible pair (matching/engine/pricing.py): column generation reaches
the optimum of the same LP written directly over all pairs, and every pass's bound is valid."""

from dataclasses import replace

import numpy as np
import pytest

from bench.generator import generate
from matching.engine import Parameters
from matching.engine.candidates import eligible_chunks, rank_candidates
from matching.engine.catalogue import build_catalogue
from matching.engine.flows import coverable_within_cap
from matching.engine.pricing import all_pairs_bound
from matching.engine.relaxation import whole_needs_lp
from matching.engine.solve import component_blocks

EVERY_PAIR = Parameters(top_k=10**9)


def direct_lp(problem, catalogue, cap):
    """The whole-needs LP over every eligible pair, one LP per component (relaxation.py)."""
    candidates = rank_candidates(problem, catalogue, EVERY_PAIR)
    value = 0.0
    for block in component_blocks(problem, catalogue, candidates):
        block = replace(block, need_coverable=coverable_within_cap(block, cap))
        relaxed = whole_needs_lp(block, cap)
        value += relaxed.value if relaxed else float(block.need_weight[block.need_coverable].sum())
    open_items = np.bincount(
        catalogue.item_need, weights=catalogue.item_remaining > 0, minlength=catalogue.need_id.size
    )
    return value + float(catalogue.need_weight[open_items == 0].sum()), len(candidates)


@pytest.mark.parametrize(
    ("seed", "supply", "scale", "cap"),
    [(7, 0.8, 0.3, 6), (11, 0.5, 0.3, 6), (23, 1.2, 0.3, 6), (31, 0.8, 0.3, 3)],
)
def test_column_generation_reaches_the_direct_lp_over_every_pair(seed, supply, scale, cap):
    problem = generate("S", supply, seed, scale=scale)
    catalogue = build_catalogue(problem, EVERY_PAIR)
    direct, pairs = direct_lp(problem, catalogue, cap)
    found = all_pairs_bound(problem, catalogue, cap)
    assert found.converged
    assert found.pairs == pairs
    assert found.value == pytest.approx(direct, rel=1e-6, abs=1e-6)
    # It got there without every pair as a column, and each pass's bound held.
    assert found.columns < pairs
    assert all(bound >= direct - 1e-6 for bound in found.bounds)
    assert all(value <= direct + 1e-6 for value in found.restricted)


def test_the_bound_over_every_pair_is_at_least_the_bound_over_the_top_k():
    problem = generate("S", 0.8, 13, scale=0.2)
    catalogue = build_catalogue(problem, EVERY_PAIR)
    top_5 = Parameters(top_k=5)
    candidates = rank_candidates(problem, catalogue, top_5)
    restricted = 0.0
    for block in component_blocks(problem, catalogue, candidates):
        block = replace(block, need_coverable=coverable_within_cap(block, 6))
        relaxed = whole_needs_lp(block, 6)
        restricted += relaxed.value if relaxed else 0.0
    found = all_pairs_bound(problem, catalogue, 6)
    assert found.value > restricted + 1e-6


def test_the_eligible_pairs_are_the_candidate_steps_pairs_without_the_top_k():
    problem = generate("S", 0.8, 5, scale=0.2)
    catalogue = build_catalogue(problem, EVERY_PAIR)
    candidates = rank_candidates(problem, catalogue, EVERY_PAIR)
    chunks = list(eligible_chunks(problem, catalogue))
    item = np.concatenate([chunk.item for chunk in chunks])
    offer = np.concatenate([chunk.offer for chunk in chunks])
    assert sorted(zip(item.tolist(), offer.tolist(), strict=True)) == sorted(
        zip(candidates.item.tolist(), candidates.offer.tolist(), strict=True)
    )


def test_a_bound_stopped_by_its_time_limit_is_still_an_upper_bound():
    problem = generate("S", 0.8, 7, scale=0.3)
    catalogue = build_catalogue(problem, EVERY_PAIR)
    direct, _ = direct_lp(problem, catalogue, 6)
    found = all_pairs_bound(problem, catalogue, 6, time_limit=0.0)
    assert not found.converged
    assert found.passes <= 1
    assert found.value >= direct - 1e-6
