"""Step 5 of the decomposition: each need still unserved, tried again with its neighbours.

The regions serve their chosen needs within the partner cap and the minimum pieces by LP rounds
(serving.serve_within_cap); a need whose LP shares break the cap and that cannot be served
again from what is left drops out, although re-arranging a few other needs would often make room
for it. So, for every coverable need still unserved, heaviest first: its neighbourhood is the need
with the served needs that hold the largest shares of its offers' capacity. Every other need keeps
its shares; the neighbourhood is solved again over the capacity the others leave, and its new
shares replace the old when they serve more weight in full (so no step loses weight).

Two passes: the first solves each neighbourhood by the same LP rounds as the regions (about a
hundredth of a second), the second, for the needs still unserved, by the whole-needs MILP with the
partner cap and minimum pieces exact (milp.whole_needs_milp; a tenth of a second, a larger
neighbourhood). Either is skipped when the neighbourhood's LP relaxation cannot beat what the
neighbours hold by half the smallest weight among them (most tries). Both stop at the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .components import Block, sub_block
from .milp import whole_needs_milp
from .model import Parameters
from .relaxation import Relaxation
from .serving import serve_relaxation, serve_within_cap
from .shares import WholeNeeds, acceptable, covered_needs, partner_cap
from .tolerances import CRUMB, WHOLE

# Served needs taken into a neighbourhood: by LP rounds, by MILP.
_ROUNDS_NEIGHBOURS = 25
_MILP_NEIGHBOURS = 15
# One neighbourhood's MILP: its budget of work in branch-and-bound nodes (most close their gap
# in a few), and the seconds it may take at most, a safety net (most take a few hundredths).
_MILP_NODES = 200
_MILP_SECONDS = 5.0
# Needs tried per pass, heaviest first: the repair's budget of work (the deadline is a safety
# net), so that the same catalogue gives the same answer on a loaded machine. At S (seed 4242)
# the LP rounds' pass tried 81 needs in 0.8 CPU-s and recovered 35 units of weight; the MILP
# pass 79 needs in 6.8 CPU-s for 10 units, 2 of them in its first 25 tries, 9 in 50.
REPAIR_TRIES = (400, 30)

Solver = Callable[[Block, Parameters, float, Relaxation], WholeNeeds | None]


def by_rounds(
    part: Block, parameters: Parameters, deadline: float, relaxed: Relaxation
) -> WholeNeeds | None:
    """The neighbourhood served by the regions' LP rounds (relaxed: their first LP)."""
    cap = partner_cap(parameters)
    share = serve_within_cap(part, cap, deadline, first=relaxed)
    covered = covered_needs(part, share) & acceptable(part, share, cap)
    return WholeNeeds(np.where(covered[part.need_of_edge()], share, 0.0), covered, "rounds", 0.0)


def by_milp(
    part: Block, parameters: Parameters, deadline: float, relaxed: Relaxation
) -> WholeNeeds | None:
    """The neighbourhood's whole-needs MILP."""
    seconds = min(_MILP_SECONDS, deadline - time.perf_counter())
    return whole_needs_milp(part, parameters, seconds, exact=False, node_limit=_MILP_NODES)


def repair(block: Block, share: np.ndarray, parameters: Parameters, deadline: float) -> np.ndarray:
    """Shares serving at least the same needs in full, and more where neighbourhoods allow:
    up to REPAIR_TRIES needs per pass (the deadline is a safety net)."""
    state = _Repair(block, share, partner_cap(parameters))
    passes = ((_ROUNDS_NEIGHBOURS, by_rounds), (_MILP_NEIGHBOURS, by_milp))
    for (neighbours, solver), tries in zip(passes, REPAIR_TRIES, strict=True):
        for need in state.waiting()[:tries]:
            if time.perf_counter() >= deadline:
                return state.share
            if not state.covered[need]:
                state.try_need(need, neighbours, solver, parameters, deadline)
    return state.share


class _Repair:
    """The shares being repaired, with each offer's load and the needs served in full."""

    def __init__(self, block: Block, share: np.ndarray, cap: int) -> None:
        self.block = block
        self.cap = cap
        self.share = share.copy()
        self.need_of_edge = block.need_of_edge()
        self.use = block.edge_use() / block.offer_capacity[block.edge_offer]  # at share 1
        self.by_offer = np.argsort(block.edge_offer, kind="stable")
        self.offer_start = np.searchsorted(
            block.edge_offer[self.by_offer], np.arange(block.offer_id.size + 1)
        )
        self.edge_start = block.item_start[block.need_item_start]
        self.load = self._load(np.arange(block.size))
        self.covered = covered_needs(block, self.share)

    def waiting(self) -> np.ndarray:
        """Coverable needs not served in full, heaviest first."""
        block = self.block
        needs = np.flatnonzero(block.need_coverable & ~self.covered)
        return needs[np.lexsort((block.need_id[needs], -block.need_weight[needs]))]

    def _load(self, edges: np.ndarray) -> np.ndarray:
        """Share of each offer's capacity the given edges take."""
        return np.bincount(
            self.block.edge_offer[edges],
            weights=(self.share * self.use)[edges],
            minlength=self.block.offer_id.size,
        )

    def _edges_of(self, needs: np.ndarray) -> np.ndarray:
        start = self.edge_start
        return np.concatenate([np.arange(start[n], start[n + 1]) for n in needs])

    def _neighbours(self, need: int, count: int) -> np.ndarray:
        """The served needs holding the largest shares of the capacity of the need's offers."""
        offers = np.unique(self.block.edge_offer[self._edges_of(np.array([need]))])
        nearby = np.concatenate(
            [self.by_offer[self.offer_start[o] : self.offer_start[o + 1]] for o in offers]
        )
        nearby = nearby[self.share[nearby] > 0]
        holders, held = np.unique(self.need_of_edge[nearby], return_inverse=True)
        hold = np.bincount(held.ravel(), weights=(self.share * self.use)[nearby])
        return holders[np.lexsort((holders, -hold))[:count]]

    def try_need(
        self, need: int, neighbours: int, solver: Solver, parameters: Parameters, deadline: float
    ) -> None:
        block = self.block
        group = np.sort(np.append(self._neighbours(need, neighbours), need))
        group_edges = self._edges_of(group)
        held = self._load(group_edges)
        free = np.maximum(1.0 - self.load + held, 0.0)  # share of each offer's capacity
        edges = group_edges[free[block.edge_offer[group_edges]] > CRUMB]
        part = sub_block(block, edges, free * block.offer_capacity)
        here = np.searchsorted(part.need_position, block.need_position[need])
        if (
            here == part.need_id.size
            or part.need_position[here] != block.need_position[need]
            or not part.need_coverable[here]
        ):
            return  # an item of the need has no offer with capacity left to give
        before = float(block.need_weight[group[self.covered[group]]].sum())
        # Beating `before` takes a real gain: half the smallest weight in the group.
        better = before + 0.5 * float(block.need_weight[group].min())
        relaxed = serve_relaxation(part, self.cap)
        if relaxed is None or relaxed.value < better:
            return
        # The LP rounds serve the needs their first LP serves in full; the later rounds only
        # close pairs, which seldom completes a need that LP left partial.
        if solver is by_rounds and relaxed.y[here] < WHOLE:
            return
        found = solver(part, parameters, deadline, relaxed)
        if found is None or float(part.need_weight[found.covered].sum()) < better:
            return
        self.share[group_edges] = 0.0
        self.share[edges] = found.share
        self.load += self._load(edges) - held
        self.covered[group] = False
        self.covered[
            group[np.isin(block.need_position[group], part.need_position[found.covered])]
        ] = True
