"""LP-guided insertion (flows.py): which needs the max-flow checks let in, before and after the
deadline, and the remainders kept beside the flow networks."""

import time

import numpy as np
import pytest

from bench.generator import generate
from matching.engine.flows import Pools, insert_needs
from tests.factories.engine import components


def blocks(seed: int, supply: float):
    """The components solve() would allocate, for a small generated registry."""
    return [
        block for block in components(generate("S", supply, seed, scale=0.2)) if block.size > 50
    ]


def items_of(block, needs):
    return np.concatenate(
        [np.arange(block.need_item_start[n], block.need_item_start[n + 1]) for n in needs]
    ).astype(np.int64)


def feasible(block, needs) -> bool:
    """Whether these needs can all be served in full: every pool's max-flow, from scratch."""
    pools = Pools(block)
    items = items_of(block, needs) if len(needs) else np.zeros(0, np.int64)
    for pool in np.unique(pools.item_pool[items]):
        pools._switch(pool, items[pools.item_pool[items] == pool], on=True)
    return all(pools._flow(pool) is not None for pool in range(len(pools.graphs)))


def order_of(block, seed):
    return np.random.default_rng(seed).permutation(block.need_id.size)


def assert_remainders_match_the_demand_served(block, pools):
    on = np.flatnonzero(pools.on)
    for pool, offers in enumerate(pools.pool_offers):
        assert (pools.left[offers] >= 0).all()
        used = int((pools.units[offers] - pools.left[offers]).sum())
        assert used == int(pools.demand[on[pools.item_pool[on] == pool]].sum())


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("supply", [0.5, 1.2])
def test_insertion_takes_exactly_the_needs_that_still_fit_one_by_one(seed, supply):
    for block in blocks(seed, supply):
        order = order_of(block, seed)
        chosen, pools = insert_needs(block, order, deadline=time.perf_counter() + 3600)
        # The reference: each coverable need in turn, kept when all kept so far plus it fit.
        kept: list[int] = []
        for need in order[block.need_coverable[order]]:
            if feasible(block, [*kept, need]):
                kept.append(int(need))
        assert set(np.flatnonzero(chosen)) == set(kept)
        assert_remainders_match_the_demand_served(block, pools)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_the_deadline_needs_that_fit_as_the_flow_stands_are_still_served(seed):
    for block in blocks(seed, 0.5):
        order = order_of(block, seed)
        on_time, _ = insert_needs(block, order, deadline=time.perf_counter() + 3600)
        late, pools = insert_needs(block, order, deadline=time.perf_counter() - 1)
        # Without max-flows: never an infeasible set, and not nothing: the first need of the
        # order fits in empty offers whenever it fits at all.
        assert feasible(block, np.flatnonzero(late))
        first = order[block.need_coverable[order]][0]
        assert late[first] == on_time[first]
        assert_remainders_match_the_demand_served(block, pools)


def test_before_the_deadline_a_need_that_fits_only_by_re_routing_is_taken_and_after_it_not():
    for block in blocks(1, 0.5):
        order = order_of(block, 1)
        on_time, _ = insert_needs(block, order, deadline=time.perf_counter() + 3600)
        late, _ = insert_needs(block, order, deadline=time.perf_counter() - 1)
        if on_time.sum() > late.sum():
            return
    pytest.fail("no block where re-routing served more needs than fitting as the flow stands")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_cut_before_a_max_flow_refuses_only_needs_that_cannot_fit(seed):
    """Pools._crowded_out spares the max-flow of a need that certainly does not fit: it must
    never refuse one that does (checked against a max-flow from scratch), and it must catch
    some once capacity runs out, or it is dead weight."""
    caught = refused = 0
    for block in blocks(seed, 0.5):
        pools = Pools(block)
        kept: list[int] = []
        order = order_of(block, seed)
        for need in order[block.need_coverable[order]]:
            items = items_of(block, [need])
            fits = feasible(block, [*kept, need])
            crowded = pools._crowded_out(items)
            assert not (crowded and fits)
            assert pools.try_add(items) == fits
            if fits:
                kept.append(int(need))
            else:
                refused += 1
                caught += crowded
    assert refused > 0 and caught > 0
