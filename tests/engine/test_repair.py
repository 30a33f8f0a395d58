"""Step 5 of the decomposition (repair.py): unserved needs tried again with their neighbours."""

import time

import numpy as np
import pytest

from bench.generator import generate
from matching.engine import Parameters, solve
from matching.engine.greedy import greedy_whole
from matching.engine.repair import repair
from matching.engine.shares import covered_needs
from tests.factories.engine import components, item, need, offer, problem

CAP = Parameters.max_partners


def far() -> float:
    return time.perf_counter() + 60


def weight(block, share) -> float:
    return float(block.need_weight[covered_needs(block, share)].sum())


def assert_valid(block, share):
    """Within capacity, no item oversupplied, whole needs only, the cap and the minimum pieces."""
    use = np.bincount(block.edge_offer, weights=share * block.edge_use())
    assert (use <= block.offer_capacity * (1 + 1e-6) + 1e-9).all()
    supply = np.bincount(block.edge_item, weights=share, minlength=block.item_need.size)
    assert (supply <= 1 + 1e-6).all()
    used = share > 1e-7
    assert covered_needs(block, share)[block.need_of_edge()[used]].all()
    assert (share[used] >= block.edge_min_share[used] - 1e-9).all()
    for i in range(block.item_need.size):
        span = np.arange(block.item_start[i], block.item_start[i + 1])
        assert np.unique(block.edge_org[span[used[span]]]).size <= CAP


def moved_block():
    """Offer A reaches both needs, offer B only the first; A serves the first need in full."""
    a = offer(remaining=10, areas=("KE",))
    b = offer(remaining=10, areas=("KE-01",))
    first = need(item(remaining=10), area="KE-01")
    second = need(item(remaining=10), area="KE-30")
    (block,) = components(problem([a, b], [first, second]))
    share = np.zeros(block.size)
    first_item = int(np.flatnonzero(block.need_id == first.id)[0])
    share[(block.edge_item == first_item) & (block.offer_id[block.edge_offer] == a.id)] = 1.0
    return block, share


def test_a_need_left_out_is_served_by_moving_its_neighbour_to_another_offer():
    block, share = moved_block()
    assert covered_needs(block, share).sum() == 1

    repaired = repair(block, share, Parameters(), far())

    assert covered_needs(block, repaired).all()
    assert_valid(block, repaired)


def test_after_its_deadline_the_repair_changes_nothing():
    block, share = moved_block()
    repaired = repair(block, share, Parameters(), time.perf_counter() - 1)
    assert np.array_equal(repaired, share)


def greedy_starts(supply: float):
    """The components of three generated registries (50 pairs or more), each with the greedy
    baseline's whole needs: answers that leave room to improve."""
    for seed in (1, 2, 3):
        for block in components(generate("S", supply, seed, scale=0.2)):
            if block.size >= 50:
                yield block, greedy_whole(block, CAP)[0]


@pytest.mark.parametrize("supply", [0.5, 0.8])
def test_the_repair_never_loses_weight_and_keeps_every_rule(supply):
    gained = 0.0
    for block, share in greedy_starts(supply):
        repaired = repair(block, share, Parameters(), far())
        assert_valid(block, repaired)
        assert weight(block, repaired) >= weight(block, share)
        gained += weight(block, repaired) - weight(block, share)
    assert gained > 0  # the greedy baseline leaves room on these registries


def test_decomposed_runs_serve_more_with_the_repair_than_without(monkeypatch):
    generated = generate("S", 0.8, 2, scale=0.4)
    parameters = Parameters(exact_edge_limit=0, workers=1)
    with_repair = solve(generated, parameters).metrics
    monkeypatch.setattr("matching.engine.decomposition.repair", lambda block, share, *_: share)
    without = solve(generated, parameters).metrics
    assert with_repair["capacity_violations"] == without["capacity_violations"] == 0
    assert with_repair["coverage"] > without["coverage"]
