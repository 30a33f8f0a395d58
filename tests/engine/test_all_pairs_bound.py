"""The LP bound over every eligible pair (matching/engine/pricing.py): column generation reaches
the optimum of the same LP written directly over all pairs, and every pass's bound is valid."""

import sys
from dataclasses import replace

import numpy as np
import pytest

from bench.generator import generate
from matching.engine import Parameters
from matching.engine.candidates import eligible_chunks, rank_candidates, with_pairs
from matching.engine.catalogue import build_catalogue
from matching.engine.flows import coverable_within_cap
from matching.engine.pricing import (
    PricingBudget,
    _generation,
    all_pairs_bound,
    bound_at_prices,
    price_candidates,
)
from matching.engine.relaxation import whole_needs_lp
from matching.engine.scoring import text_vectors
from matching.engine.solve import component_blocks, solve

EVERY_PAIR = Parameters(top_k=10**9)
# The module (the package exports its function of the same name).
engine_solve = sys.modules["matching.engine.solve"]


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


@pytest.mark.parametrize(
    ("seed", "supply", "cap"), [(7, 0.8, 6), (11, 0.5, 6), (23, 1.2, 6), (31, 0.8, 3)]
)
def test_the_bound_a_run_stores_holds_for_every_eligible_pair(seed, supply, cap):
    problem = generate("S", supply, seed, scale=0.3)
    parameters = Parameters(max_partners=cap, top_k=5, time_limit=120.0)
    result = solve(problem, parameters)
    catalogue = build_catalogue(problem, parameters)
    direct, _ = direct_lp(problem, catalogue, cap)
    total = catalogue.total_weight
    stored = result.metrics["lp_bound"] * total
    # Rounded to six decimals of a share of the total weight.
    assert stored >= direct - 1e-6 - 1e-6 * total
    assert result.metrics["lp_bound"] >= result.metrics["coverage"]
    assert result.metrics["ratio_to_bound"] <= 1.0
    # Pricing added pairs beyond the top 5, and the engine proposed some of them.
    assert result.metrics["candidates_priced_in"] > 0
    assert result.metrics["candidates"] == (
        result.metrics["candidates_ranked"] + result.metrics["candidates_priced_in"]
    )


def test_pricing_adds_eligible_pairs_beyond_the_top_k_and_reaches_the_direct_lp():
    problem = generate("S", 0.8, 13, scale=0.3)
    top_5 = Parameters(top_k=5)
    catalogue = build_catalogue(problem, top_5)
    candidates = rank_candidates(problem, catalogue, top_5)
    direct, _ = direct_lp(problem, catalogue, 6)
    unlimited = PricingBudget(passes=0, added_per_item=50, iterations_per_row=1e9)
    priced = price_candidates(
        problem, catalogue, candidates.item, candidates.offer, 6, unlimited, 600.0
    )
    assert priced.converged
    assert priced.bound == pytest.approx(direct, rel=1e-6, abs=1e-6)
    # What it adds: pairs that pass the hard rules and are not among the top 5.
    assert priced.item.size > 0
    everything = rank_candidates(problem, catalogue, EVERY_PAIR)
    eligible = set(zip(everything.item.tolist(), everything.offer.tolist(), strict=True))
    ranked = set(zip(candidates.item.tolist(), candidates.offer.tolist(), strict=True))
    added = set(zip(priced.item.tolist(), priced.offer.tolist(), strict=True))
    assert added <= eligible
    assert not added & ranked
    # One pass: no pair added, a bound that still holds.
    once = price_candidates(
        problem, catalogue, candidates.item, candidates.offer, 6, PricingBudget(passes=1), 600.0
    )
    assert once.item.size == 0
    assert once.passes == 1
    assert once.bound >= direct - 1e-6


def test_pairs_added_to_the_candidates_are_scored_as_the_candidate_step_scores_them():
    problem = generate("S", 0.8, 5, scale=0.2)
    catalogue = build_catalogue(problem, EVERY_PAIR)
    everything = rank_candidates(problem, catalogue, EVERY_PAIR)
    top_3 = Parameters(top_k=3)
    ranked = rank_candidates(problem, catalogue, top_3)
    ranked_keys = set(zip(ranked.item.tolist(), ranked.offer.tolist(), strict=True))
    others = np.array(
        [
            position
            for position, key in enumerate(
                zip(everything.item.tolist(), everything.offer.tolist(), strict=True)
            )
            if key not in ranked_keys
        ]
    )[::7]
    widened = with_pairs(
        problem,
        catalogue,
        top_3,
        ranked,
        everything.item[others],
        everything.offer[others],
        text_vectors(problem),
    )
    assert len(widened) == len(ranked) + others.size
    assert np.all(np.diff(widened.item) >= 0)
    reference = {
        (i, o): position
        for position, (i, o) in enumerate(
            zip(everything.item.tolist(), everything.offer.tolist(), strict=True)
        )
    }
    where = np.array(
        [reference[key] for key in zip(widened.item.tolist(), widened.offer.tolist(), strict=True)]
    )
    for name in ("score", "rate", "min_share", "level", "terms"):
        assert np.allclose(getattr(widened, name), getattr(everything, name)[where]), name
    # Each item's ranked candidates come first, in their order.
    for item in np.unique(ranked.item)[:50]:
        assert widened.offer[widened.item == item][: (ranked.item == item).sum()].tolist() == (
            ranked.offer[ranked.item == item].tolist()
        )


@pytest.mark.parametrize(("seed", "supply"), [(7, 0.8), (11, 0.5), (23, 1.2)])
def test_a_run_with_more_pairs_than_pricing_takes_still_stores_a_bound_over_every_pair(
    seed, supply, monkeypatch
):
    problem = generate("S", supply, seed, scale=0.3)
    parameters = Parameters(top_k=5, top_k_unpriced=12, time_limit=120.0)
    catalogue = build_catalogue(problem, parameters)
    direct, pairs = direct_lp(problem, catalogue, 6)
    # A budget below the catalogue's eligible pairs: no LP is built over them.
    small = PricingBudget(max_pairs=pairs - 1)
    monkeypatch.setattr(engine_solve, "PricingBudget", lambda: small)
    result = solve(problem, parameters)
    assert result.metrics["pricing"]["skipped"]
    assert result.metrics["pricing"]["passes"] == 0
    assert result.metrics["pricing"]["eligible_pairs"] == pairs
    assert result.metrics["candidates_priced_in"] == 0
    # Without pricing each item keeps its top_k_unpriced candidates instead of its top_k.
    assert result.metrics["top_k"] == 12
    widest = rank_candidates(problem, catalogue, replace(parameters, top_k=12))
    assert result.metrics["candidates_ranked"] == len(widest)
    assert len(widest) > len(rank_candidates(problem, catalogue, parameters))
    # The bound at the allocation's prices holds over every pair.
    total = catalogue.total_weight
    stored = result.metrics["lp_bound"] * total
    assert stored >= direct - 1e-6 - 1e-6 * total
    assert result.metrics["lp_bound"] >= result.metrics["coverage"]
    assert result.metrics["lp_bound"] <= 1.0
    # With the budget above the pairs, the same run prices them, from its top_k.
    monkeypatch.setattr(engine_solve, "PricingBudget", lambda: PricingBudget(max_pairs=pairs))
    priced = solve(problem, parameters).metrics
    assert not priced["pricing"]["skipped"]
    assert priced["top_k"] == 5
    assert priced["candidates_ranked"] == len(rank_candidates(problem, catalogue, parameters))


def test_the_bound_at_any_prices_holds_over_every_pair():
    problem = generate("S", 0.8, 29, scale=0.3)
    catalogue = build_catalogue(problem, EVERY_PAIR)
    direct, _ = direct_lp(problem, catalogue, 6)
    offers = catalogue.offer_id.size
    total = float(catalogue.need_weight.sum())
    # No price: every need with a pair for each open item counts in full.
    assert direct - 1e-6 <= bound_at_prices(problem, catalogue, np.zeros(offers)) <= total + 1e-9
    rng = np.random.default_rng(29)
    for scale in (1e-4, 1e-2, 1.0):
        price = rng.random(offers) * scale / np.maximum(catalogue.offer_remaining, 1.0)
        assert bound_at_prices(problem, catalogue, price) >= direct - 1e-6
    # Negative prices count as 0.
    assert bound_at_prices(problem, catalogue, -np.ones(offers)) == pytest.approx(
        bound_at_prices(problem, catalogue, np.zeros(offers))
    )


def test_added_columns_at_their_upper_bound_spare_the_dual_simplex_a_restart():
    """After columns are added, the re-solve from the basis with them at their upper bound
    reaches the same optimum in fewer simplex iterations than from addCols's lower bound."""
    problem = generate("S", 0.8, 7)
    catalogue = build_catalogue(problem, EVERY_PAIR)
    iterations, values = [], []
    for at_upper in (False, True):
        generation = _generation(problem, catalogue, 6, None)
        model = generation.model
        solved = model.solve(600.0, 10**9)
        assert solved is not None
        first, width = model.iterations, model.width
        # Each item's best pair that prices in, as a pricing pass adds them.
        for terms in generation.chunks():
            rc = model.reduced_cost(terms, solved[1])
            positive = np.flatnonzero(
                (rc > 1e-7) & generation.columns.absent(terms.item, terms.offer)
            )
            generation.add(terms, positive[np.unique(terms.item[positive], return_index=True)[1]])
        assert model.width > width
        if at_upper:
            model.start_at_upper(width)
        again = model.solve(600.0, 10**9)
        assert again is not None
        iterations.append(model.iterations - first)
        values.append(again[0])
    assert values[1] == pytest.approx(values[0], rel=1e-9)
    assert iterations[1] < iterations[0]
