"""The entry point: candidates, scores, allocation per component, rounding, explanations.

Coverage, the headline metric, is the priority-weighted share of needs served in full:

    coverage = Σ_n w(n)·full(n) / Σ_n w(n),   w(n) = priority_base ** (priority(n) - 1)

where full(n) = 1 when every item of n receives its remaining quantity (after rounding) and the
sum runs over every need of the problem, including those without any candidate. lp_bound is an
upper bound of the same quantity over every pair that passes the hard rules, not only the
candidates: the least bound pricing found (pricing.py; the LP optimum over every pair when its
column generation converged within its budget). So ratio_to_bound = coverage / lp_bound ≤ 1.
lp_bound_candidates is the bound over the candidates, summed over components: for a component
of at most exact_edge_limit pairs, the optimum of the LP relaxation of its whole-needs model
(milp.py); for a larger one, a weak-duality bound D that is at least that LP optimum
(decomposition.py proves it).

The candidates are each item's top k, and the pairs pricing found worth it: those that carry a
share in its last restricted LP.
greedy_coverage is the priority-greedy baseline's, rounded the same way; a component keeps
greedy's allocation when it serves more, so coverage ≥ greedy_coverage. The fractional
counterpart, partial_coverage = Σ_n w(n)·cov(n) / Σ_n w(n) with cov(n) the mean over items of
covered / remaining, also counts the partial proposals.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .allocation import BlockOutcome, allocate_block
from .candidates import Candidates, rank_candidates, with_pairs
from .catalogue import Catalogue, build_catalogue
from .components import Block, split_blocks
from .memory import TreePeak
from .metrics import fully_served, run_metrics, violations
from .model import Parameters, Problem, Result
from .pricing import (
    PricingBudget,
    bound_at_prices,
    eligible_pair_count,
    price_candidates,
    unpriced,
)
from .processes import solver_pool
from .proposals import build_proposals
from .quantities import round_lines
from .scoring import text_vectors
from .shares import partner_cap
from .tolerances import SLACK

Progress = Callable[[str, int], None]
# Components smaller than this are solved in the main process even when workers > 1.
_PARALLEL_MIN_EDGES = 5000
_SMALLEST_BUDGET = 1.0
# Pricing's safety net: this share of the time limit (its budget of work binds first on a quiet
# machine: 10 CPU-s at M); the allocation gets what pricing leaves.
_PRICING_SHARE = 0.3


def solve(
    problem: Problem, parameters: Parameters | None = None, progress: Progress | None = None
) -> Result:
    """Propose allocations for every need of the problem at once.

    The metrics also say how much memory the run's process tree held at most (tree_pss_mb: this
    process and its solver processes, memory.py) and whether the wall clock had a say (overran:
    pricing, allocation and the bound's pass over every pair (without pricing's LP) took longer
    than parameters.time_limit, overrun_seconds by how much,
    or pricing or a component reached the point where a time limit, a safety net behind the
    budgets of work, may have stopped it: then the answer may depend on the machine's load)."""
    parameters = parameters or Parameters()
    with TreePeak() as memory:
        result = _solve(problem, parameters, progress)
    spent = result.metrics["seconds"]
    solving = float(spent["pricing"]) + float(spent["solve"]) + float(spent["bound"])
    overrun = max(0.0, solving - parameters.time_limit)
    return Result(
        proposals=result.proposals,
        metrics={
            **result.metrics,
            "tree_pss_mb": memory.peak_mb,
            "time_limit": parameters.time_limit,
            "overran": overrun > 0
            or bool(result.metrics["pricing"]["timed_out"])
            or result.metrics["clock_limited_components"] > 0,
            "overrun_seconds": round(overrun, 3),
        },
    )


def _solve(problem: Problem, parameters: Parameters, progress: Progress | None) -> Result:
    """solve() without the run's memory and time-limit records."""
    report = progress or (lambda stage, percent: None)
    seconds: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 4)
        clock = now

    report("candidates", 0)
    catalogue = build_catalogue(problem, parameters)
    text = text_vectors(problem)
    # Pricing's LP holds at most budget.max_pairs eligible pairs; above them (L, XL) no dual says
    # which pairs beyond the top k pay, so each item keeps its top_k_unpriced instead.
    budget = PricingBudget()
    counting = time.perf_counter()
    pairs = eligible_pair_count(problem, catalogue)
    counting = time.perf_counter() - counting
    skip_pricing = pairs > budget.max_pairs
    top_k = max(parameters.top_k, parameters.top_k_unpriced) if skip_pricing else parameters.top_k
    candidates = rank_candidates(problem, catalogue, replace(parameters, top_k=top_k), text)
    lap("candidates")

    # Pricing: the LP over every eligible pair's model, from the top k, within a budget of work;
    # the pairs it adds that carry a share join the candidates, and its duals bound the run.
    report("pricing", 10)
    ranked = len(candidates)
    priced = (
        unpriced(pairs)
        if skip_pricing
        else price_candidates(
            problem,
            catalogue,
            candidates.item,
            candidates.offer,
            partner_cap(parameters),
            budget,
            _PRICING_SHARE * parameters.time_limit,
        )
    )
    candidates = with_pairs(
        problem, catalogue, parameters, candidates, priced.item, priced.offer, text
    )
    lap("pricing")

    report("scoring", 15)
    terms, score = candidates.terms, candidates.score
    lap("scoring")

    report("allocation", 30)
    blocks = component_blocks(problem, catalogue, candidates)
    # The allocation gets what pricing left of the time limit (a safety net: the budgets that
    # bind are in units of work).
    # Without pricing's LP, the bound's own pass over the pairs follows the allocation: it
    # takes about as long as their count took.
    spent = seconds["pricing"] + (counting if priced.skipped else 0.0)
    left = max(1 - _PRICING_SHARE, 1 - spent / parameters.time_limit) * parameters.time_limit
    outcomes = _allocate(blocks, replace(parameters, time_limit=left), report)
    share = np.zeros(len(candidates))
    greedy = np.zeros(len(candidates))
    price = np.zeros(catalogue.offer_id.size)
    for block, outcome in zip(blocks, outcomes, strict=True):
        share[block.edges] = outcome.share
        greedy[block.edges] = outcome.greedy_share
        price[_catalogue_offers(block, candidates)] = outcome.price
    lap("solve")
    all_pairs_bound = priced.bound
    if priced.skipped:
        # Too many pairs for pricing's LP: the bound D over every pair at the allocation's
        # prices (one pass over the pairs), valid whatever the prices.
        all_pairs_bound = bound_at_prices(problem, catalogue, price)
    lap("bound")

    report("explanations", 90)
    # The baseline guard, on what is proposed: quantities rounded to units and cents. A block
    # (no offer or item is shared between blocks) whose greedy allocation serves more priority
    # weight in full than the solver's keeps greedy's.
    rounded = _round(catalogue, candidates, share)
    baseline = _round(catalogue, candidates, greedy)
    engine_full = fully_served(catalogue, rounded.served) & _has_items(catalogue)
    greedy_full = fully_served(catalogue, baseline.served) & _has_items(catalogue)
    greedy_weight = 0.0
    for block in blocks:
        mine = block.need_position
        weight = catalogue.need_weight[mine]
        greedy_weight += float(weight[greedy_full[mine]].sum())
        if weight[greedy_full[mine]].sum() > weight[engine_full[mine]].sum() + SLACK:
            share[block.edges] = greedy[block.edges]
    rounded = _round(catalogue, candidates, share)
    lines, item_quantity, offer_quantity = rounded.lines, rounded.item, rounded.offer
    proposals, served = build_proposals(
        problem, catalogue, candidates, lines, item_quantity, offer_quantity, terms, score
    )
    lap("explain")
    seconds["total"] = round(time.perf_counter() - started, 4)

    line_offer, line_item = candidates.offer[lines], candidates.item[lines]
    full_lines = fully_served(catalogue, served)[catalogue.item_need[line_item]]
    metrics = run_metrics(
        catalogue,
        proposals,
        outcomes,
        blocks,
        served,
        counts={
            "candidates": len(candidates),
            "candidates_ranked": ranked,
            "candidates_priced_in": len(candidates) - ranked,
            "candidate_pairs_found": candidates.found,
        },
        check=violations(catalogue, line_offer, line_item, offer_quantity, item_quantity),
        quality=float((score[lines] * share[lines])[full_lines].sum()),
        greedy_weight=greedy_weight,
        parameters=parameters,
        seconds=seconds,
        all_pairs_bound=all_pairs_bound,
    )
    metrics["top_k"] = top_k
    metrics["pricing"] = {
        "eligible_pairs": priced.pairs,
        "columns": priced.columns,
        "passes": priced.passes,
        "simplex_iterations": priced.iterations,
        "converged": priced.converged,
        "timed_out": priced.timed_out,
        "skipped": priced.skipped,
    }
    report("done", 100)
    return Result(proposals=tuple(proposals), metrics=metrics)


def component_blocks(problem: Problem, catalogue: Catalogue, candidates: Candidates) -> list[Block]:
    """The candidate graph's independent components, as the allocation solves them."""
    kinds = sorted({offer.organization_kind for offer in problem.offers})
    kind_code = np.array([kinds.index(o.organization_kind) for o in problem.offers], np.int64)
    return split_blocks(
        catalogue,
        candidates.offer,
        candidates.item,
        candidates.score,
        candidates.rate,
        candidates.min_share,
        kind_code[candidates.offer] if len(candidates) else np.zeros(0, np.int64),
    )


def _catalogue_offers(block: Block, candidates: Candidates) -> np.ndarray:
    """The catalogue position of each of the block's offers."""
    position = np.zeros(block.offer_id.size, dtype=np.int64)
    position[block.edge_offer] = candidates.offer[block.edges]
    return position


@dataclass(frozen=True)
class _Rounded:
    lines: np.ndarray  # candidate positions with a positive quantity
    item: np.ndarray  # quantity per line in the item's unit
    offer: np.ndarray  # quantity per line in the offer's unit
    served: np.ndarray  # quantity per catalogue item


def _round(catalogue: Catalogue, candidates: Candidates, share: np.ndarray) -> _Rounded:
    """Shares to whole units (cents for money), within capacities; lines that keep a quantity."""
    lines = np.flatnonzero(share > 0)
    quantities = round_lines(
        share[lines],
        candidates.offer[lines],
        candidates.item[lines],
        candidates.rate[lines],
        catalogue.item_financial[candidates.item[lines]],
        catalogue.item_remaining,
        catalogue.offer_remaining,
        catalogue.offer_min,
        catalogue.offer_financial,
    )
    kept = (quantities.offer_quantity > 0) & (quantities.item_quantity > 0)
    served = np.bincount(
        candidates.item[lines[kept]],
        weights=quantities.item_quantity[kept],
        minlength=catalogue.item_id.size,
    )
    return _Rounded(
        lines[kept], quantities.item_quantity[kept], quantities.offer_quantity[kept], served
    )


def _has_items(catalogue: Catalogue) -> np.ndarray:
    """Needs with at least one open item (the others are served by definition)."""
    open_items = np.bincount(
        catalogue.item_need, weights=catalogue.item_remaining > 0, minlength=catalogue.need_id.size
    )
    return open_items > 0


def _allocate(blocks: list[Block], parameters: Parameters, report: Progress) -> list[BlockOutcome]:
    """Solve every block within the run's time limit, using up to `workers` processes: several
    large blocks each in its own process, or the regions of a single large block in parallel."""
    total = sum(block.size for block in blocks) or 1
    # Shares of the time limit by size, a safety net: a small block gets at least
    # _SMALLEST_BUDGET of it, so that its solvers finish by their budgets of work on a loaded
    # machine too.
    floor = min(_SMALLEST_BUDGET, parameters.time_limit)
    budget = [max(floor, parameters.time_limit * block.size / total) for block in blocks]
    workers = max(1, min(parameters.workers, os.cpu_count() or 1))
    large = [i for i, block in enumerate(blocks) if block.size >= _PARALLEL_MIN_EDGES]
    outcomes: list[BlockOutcome | None] = [None] * len(blocks)
    if workers > 1 and len(large) > 1:
        with solver_pool(workers, parameters.solver_niceness) as pool:
            futures = {
                i: pool.submit(allocate_block, blocks[i], parameters, budget[i]) for i in large
            }
            _allocate_inline(blocks, parameters, budget, outcomes, 1, report, skip=set(large))
            for i, future in futures.items():
                outcomes[i] = future.result()
    _allocate_inline(blocks, parameters, budget, outcomes, workers, report, skip=set())
    return [outcome for outcome in outcomes if outcome is not None]


def _allocate_inline(
    blocks: list[Block],
    parameters: Parameters,
    budget: list[float],
    outcomes: list[BlockOutcome | None],
    workers: int,
    report: Progress,
    skip: set[int],
) -> None:
    for i, block in enumerate(blocks):
        if outcomes[i] is not None or i in skip:
            continue
        outcomes[i] = allocate_block(block, parameters, budget[i], workers)
        report("allocation", 30 + int(60 * (i + 1) / len(blocks)))
