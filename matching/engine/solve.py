"""The entry point: candidates, scores, allocation per component, rounding, explanations.

Coverage, the headline metric, is the priority-weighted share of needs served in full:

    coverage = Σ_n w(n)·full(n) / Σ_n w(n),   w(n) = priority_base ** (priority(n) - 1)

where full(n) = 1 when every item of n receives its remaining quantity (after rounding) and the
sum runs over every need of the problem, including those without any candidate. lp_bound is an
upper bound of the same quantity over the same candidate set, summed over components: for a
component of at most exact_edge_limit pairs, the optimum of the LP relaxation of its whole-needs
model (allocation.py); for a larger one, a weak-duality bound D that is at least that LP
optimum (decomposition.py proves it). So ratio_to_bound = coverage / lp_bound ≤ 1.
greedy_coverage is the priority-greedy baseline's, rounded the same way; a component keeps
greedy's allocation when it serves more, so coverage ≥ greedy_coverage. The fractional
counterpart, partial_coverage = Σ_n w(n)·cov(n) / Σ_n w(n) with cov(n) the mean over items of
covered / remaining, also counts the partial proposals.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .allocation import BlockOutcome, allocate_block
from .candidates import rank_candidates
from .catalogue import build_catalogue
from .components import Block, split_blocks
from .explain import amount, line_sentence, summary
from .metrics import fully_served, run_metrics, violations
from .model import Line, NeedProposal, Parameters, Problem, Result
from .processes import solver_pool
from .quantities import round_lines
from .scoring import TERMS
from .shortfall import Shortfall

Progress = Callable[[str, int], None]
# Components smaller than this are solved in the main process even when workers > 1.
_PARALLEL_MIN_EDGES = 5000


def solve(
    problem: Problem, parameters: Parameters | None = None, progress: Progress | None = None
) -> Result:
    """Propose allocations for every need of the problem at once."""
    parameters = parameters or Parameters()
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
    candidates = rank_candidates(problem, catalogue, parameters)
    lap("candidates")

    report("scoring", 15)
    terms, score = candidates.terms, candidates.score
    lap("scoring")

    report("allocation", 30)
    blocks = component_blocks(problem, catalogue, candidates)
    outcomes = _allocate(blocks, parameters, report)
    share = np.zeros(len(candidates))
    greedy = np.zeros(len(candidates))
    for block, outcome in zip(blocks, outcomes, strict=True):
        share[block.edges] = outcome.share
        greedy[block.edges] = outcome.greedy_share
    lap("solve")

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
        if weight[greedy_full[mine]].sum() > weight[engine_full[mine]].sum() + 1e-9:
            share[block.edges] = greedy[block.edges]
    rounded = _round(catalogue, candidates, share)
    lines, item_quantity, offer_quantity = rounded.lines, rounded.item, rounded.offer
    proposals, served = _proposals(
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
        counts={"candidates": len(candidates), "candidate_pairs_found": candidates.found},
        check=violations(catalogue, line_offer, line_item, offer_quantity, item_quantity),
        quality=float((score[lines] * share[lines])[full_lines].sum()),
        greedy_weight=greedy_weight,
        parameters=parameters,
        seconds=seconds,
    )
    report("done", 100)
    return Result(proposals=tuple(proposals), metrics=metrics)


def component_blocks(problem: Problem, catalogue, candidates) -> list[Block]:
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


@dataclass(frozen=True)
class _Rounded:
    lines: np.ndarray  # candidate positions with a positive quantity
    item: np.ndarray  # quantity per line in the item's unit
    offer: np.ndarray  # quantity per line in the offer's unit
    served: np.ndarray  # quantity per catalogue item


def _round(catalogue, candidates, share: np.ndarray) -> _Rounded:
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


def _has_items(catalogue) -> np.ndarray:
    """Needs with at least one open item (the others are served by definition)."""
    open_items = np.bincount(
        catalogue.item_need, weights=catalogue.item_remaining > 0, minlength=catalogue.need_id.size
    )
    return open_items > 0


def _allocate(blocks: list[Block], parameters: Parameters, report: Progress) -> list[BlockOutcome]:
    """Solve every block within the run's time limit, using up to `workers` processes: several
    large blocks each in its own process, or the regions of a single large block in parallel."""
    total = sum(block.size for block in blocks) or 1
    budget = [parameters.time_limit * block.size / total for block in blocks]
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


def _allocate_inline(blocks, parameters, budget, outcomes, workers, report, skip) -> None:
    for i, block in enumerate(blocks):
        if outcomes[i] is not None or i in skip:
            continue
        outcomes[i] = allocate_block(block, parameters, budget[i], workers)
        report("allocation", 30 + int(60 * (i + 1) / len(blocks)))


def _proposals(problem, catalogue, candidates, lines, item_quantity, offer_quantity, terms, score):
    """One proposal per need with at least one line; and the quantity served per item."""
    served = np.bincount(
        candidates.item[lines], weights=item_quantity, minlength=catalogue.item_id.size
    )
    shortfall = Shortfall(
        problem,
        catalogue,
        candidates,
        candidates.offer[lines],
        candidates.item[lines],
        offer_quantity,
    )
    need_of_line = catalogue.item_need[candidates.item[lines]]
    order = np.lexsort(
        (
            catalogue.offer_id[candidates.offer[lines]],
            candidates.item[lines],
            catalogue.need_id[need_of_line],
        )
    )
    proposals = []
    first_item = np.searchsorted(catalogue.item_need, np.arange(catalogue.need_id.size))
    for group in np.split(order, np.flatnonzero(np.diff(need_of_line[order])) + 1):
        if group.size == 0:
            continue
        need_position = int(need_of_line[group[0]])
        need = problem.needs[need_position]
        built, partners = [], []
        for line in group:
            edge = lines[line]
            offer = problem.offers[candidates.offer[edge]]
            partners.append(offer)
            item_position = int(candidates.item[edge])
            item = need.items[item_position - first_item[need_position]]
            named = {name: round(float(terms[edge, k]), 4) for k, name in enumerate(TERMS)}
            built.append(
                Line(
                    offer_id=offer.id,
                    need_item_id=item.id,
                    quantity=float(item_quantity[line]),
                    offer_quantity=float(offer_quantity[line]),
                    score=round(float(score[edge]), 4),
                    terms=named,
                    explanation=line_sentence(
                        problem,
                        offer,
                        need,
                        item,
                        int(candidates.level[edge]),
                        float(item_quantity[line]),
                        named,
                    ),
                )
            )
        proposals.append(
            _proposal(
                problem, catalogue, need_position, first_item, built, partners, served, shortfall
            )
        )
    proposals.sort(key=lambda proposal: proposal.need_id)
    return proposals, served


def item_unit(financial: bool) -> float:
    """The smallest quantity that counts: one cent of money, one unit of anything else."""
    return 0.01 if financial else 1.0


def _proposal(problem, catalogue, need_position, first_item, lines, partners, served, shortfall):
    need = problem.needs[need_position]
    shares, uncovered, covered_items = [], [], 0
    for offset, item in enumerate(need.items):
        position = first_item[need_position] + offset
        remaining = catalogue.item_remaining[position]
        missing = max(0.0, remaining - served[position])
        if remaining <= 0 or missing < item_unit(catalogue.item_financial[position]) - 1e-9:
            shares.append(1.0)
            covered_items += 1
            continue
        shares.append(float(served[position] / remaining))
        uncovered.append(
            {
                "need_item": item.id,
                "missing": round(float(missing), 2),
                "missing_text": amount(problem, item.category, round(missing, 2), item.currency),
                "reason": shortfall.reason(position, missing),
            }
        )
    coverage = float(np.mean(shares)) if shares else 1.0
    organizations = sorted({offer.organization_id for offer in partners})
    kinds = sorted({offer.organization_kind for offer in partners})
    weights = [line.quantity / max(1e-12, _remaining(need, line.need_item_id)) for line in lines]
    score = (
        float(np.average([line.score for line in lines], weights=weights))
        if sum(weights) > 0
        else 0.0
    )
    unverified = sorted(
        {
            offer.organization_name or f"Organization {offer.organization_id}"
            for offer in partners
            if not offer.verified
        }
    )
    words = summary(problem, need, covered_items, coverage, len(organizations), kinds, uncovered)
    if unverified:
        words += (
            f" Not yet verified: {', '.join(unverified)}; accepting this proposal needs a "
            "coordinator's override with a reason."
        )
    explanation = {
        "summary": words,
        "unverified_partners": unverified,
        "lines": [
            {
                "offer": line.offer_id,
                "need_item": line.need_item_id,
                "quantity": line.quantity,
                "offer_quantity": line.offer_quantity,
                "score": line.score,
                "terms": dict(line.terms),
                "text": line.explanation,
            }
            for line in lines
        ],
        "uncovered": [
            {key: entry[key] for key in ("need_item", "missing", "reason")} for entry in uncovered
        ],
        "partners": len(organizations),
        "kinds": kinds,
    }
    return NeedProposal(
        need_id=need.id,
        lines=tuple(lines),
        coverage=round(coverage, 6),
        score=round(score, 4),
        explanation=explanation,
    )


def _remaining(need, item_id: int) -> float:
    return next(float(item.remaining) for item in need.items if item.id == item_id)
