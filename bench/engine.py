"""Benchmark the matching engine on synthetic data; prints one JSON object.

python -m bench.engine --size L --supply 0.8 --seed 1 [--workers 2] [--pulp] [--scale 0.2]

The engine's answer is checked here from the raw problem and the proposed lines alone (capacity,
item quantity, minimum pieces, the hard rules), not from the engine's own metrics. --pulp also
solves the same whole-needs model on the same candidate set written plainly in PuLP with CBC, as
a data scientist would, with a time limit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections import defaultdict

import numpy as np

from matching.engine import Parameters, Problem, Result, covers, solve
from matching.engine.candidates import rank_candidates
from matching.engine.catalogue import build_catalogue
from matching.engine.pricing import all_pairs_bound
from matching.engine.shares import partner_cap

from .calibration import machine
from .generator import SIZES, generate
from .lp_optimum import lp_relaxation


def calibration() -> dict:
    """How fast this machine is right now: a fixed numpy product, cores and load, a Python loop;
    and the CPU model and library versions."""
    rng = np.random.default_rng(0)
    a, b = rng.random((1000, 1000)), rng.random((1000, 1000))
    started = time.perf_counter()
    for _ in range(5):
        a @ b
    return {
        "matmul_1000_x5_seconds": round(time.perf_counter() - started, 3),
        "nproc": os.cpu_count() or 0,
        "load_average_1m": round(os.getloadavg()[0], 2),
        **machine(),
    }


def check(problem: Problem, result: Result) -> dict[str, int]:
    """Violations counted from the lines alone: over capacity, oversupplied items, pieces below an
    offer's minimum, and pairs that break a hard rule (category, area, own organization)."""
    offers = {offer.id: offer for offer in problem.offers}
    items = {item.id: (need, item) for need in problem.needs for item in need.items}
    per_offer: dict[int, float] = defaultdict(float)
    per_item: dict[int, float] = defaultdict(float)
    below_minimum = broken_rules = 0
    for proposal in result.proposals:
        for line in proposal.lines:
            offer = offers[line.offer_id]
            need, item = items[line.need_item_id]
            per_offer[offer.id] += line.offer_quantity
            per_item[item.id] += line.quantity
            if offer.min_allocation and line.offer_quantity < min(
                offer.min_allocation, offer.remaining
            ):
                below_minimum += 1
            if (
                offer.category != item.category
                or not any(covers(area, need.area) for area in offer.areas)
                or offer.organization_id == need.organization_id
            ):
                broken_rules += 1
    return {
        "offers_over_capacity": sum(per_offer[o] > offers[o].remaining + 1e-9 for o in per_offer),
        "items_oversupplied": sum(per_item[i] > items[i][1].remaining + 1e-9 for i in per_item),
        "pieces_below_minimum": below_minimum,
        "hard_rules_broken": broken_rules,
    }


def coalition_sizes(result: Result) -> dict[str, float]:
    """Organizations per fully covered need, and per item of those needs."""
    per_need, per_item = [], []
    for proposal in result.proposals:
        if proposal.coverage < 1.0:
            continue
        per_need.append(proposal.explanation["partners"])
        by_item: dict[int, set[str]] = defaultdict(set)
        for line in proposal.lines:
            by_item[line.need_item_id].add(line.offer_id)
        per_item.extend(len(offers) for offers in by_item.values())
    return {
        "partners_per_coalition": round(float(np.mean(per_need)), 3) if per_need else 0.0,
        "offers_per_item": round(float(np.mean(per_item)), 3) if per_item else 0.0,
        "max_offers_per_item": int(max(per_item, default=0)),
    }


def pulp_baseline(problem: Problem, parameters: Parameters, time_limit: float) -> dict:
    """The whole-needs model on the engine's candidate set, written plainly in PuLP + CBC."""
    import pulp  # optional: only this comparison needs it

    started = time.perf_counter()
    catalogue = build_catalogue(problem, parameters)
    candidates = rank_candidates(problem, catalogue, parameters)
    model = pulp.LpProblem("coalitions", pulp.LpMaximize)
    pairs = range(len(candidates))
    f = {e: pulp.LpVariable(f"f_{e}", 0, 1) for e in pairs}
    y = {n: pulp.LpVariable(f"y_{n}", cat="Binary") for n in range(catalogue.need_id.size)}
    model += pulp.lpSum(float(catalogue.need_weight[n]) * y[n] for n in y)
    by_offer, by_item, by_item_org = defaultdict(list), defaultdict(list), defaultdict(list)
    for e in pairs:
        offer, item = int(candidates.offer[e]), int(candidates.item[e])
        by_offer[offer].append(e)
        by_item[item].append(e)
        by_item_org[(item, int(catalogue.offer_org[offer]))].append(e)
    for offer, edges in by_offer.items():
        model += pulp.lpSum(
            float(catalogue.item_remaining[candidates.item[e]] / candidates.rate[e]) * f[e]
            for e in edges
        ) <= float(catalogue.offer_remaining[offer])
    for item in range(catalogue.item_id.size):
        if catalogue.item_remaining[item] > 0:
            need = int(catalogue.item_need[item])
            model += pulp.lpSum(f[e] for e in by_item[item]) == y[need]
    used = {}
    for (item, organization), edges in by_item_org.items():
        used[(item, organization)] = pulp.LpVariable(f"u_{item}_{organization}", cat="Binary")
        for e in edges:
            model += f[e] <= used[(item, organization)]
            if candidates.min_share[e] > 0:
                model += f[e] >= float(candidates.min_share[e]) * used[(item, organization)]
    for item in by_item:
        model += pulp.lpSum(u for (i, _), u in used.items() if i == item) <= parameters.max_partners
    built = time.perf_counter() - started
    status = model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
    # Values count only when CBC holds an integer solution (optimal or feasible at the limit).
    found = model.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    weight = sum(
        float(catalogue.need_weight[n]) for n, var in y.items() if (var.value() or 0) > 0.5
    )
    return {
        "status": pulp.LpStatus[status],
        "solution": pulp.LpSolution[model.sol_status],
        "coverage": round(weight / catalogue.total_weight, 6) if found else None,
        "seconds": round(time.perf_counter() - started, 2),
        "seconds_building_model": round(built, 2),
        "time_limit": time_limit,
    }


def peak_rss_mb() -> float:
    """The largest resident set of this process or of any worker it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished workers (less load-sensitive)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 2)


def all_pairs_report(
    problem: Problem,
    parameters: Parameters,
    arguments: argparse.Namespace,
    coverage: float | None,
) -> dict:
    """The LP bound over every eligible pair (pricing.all_pairs_bound) and, given the engine's
    coverage, the ratio to it. Its value does not depend on the machine's load (only its seconds
    do), unless it stops at its time limit (converged: false)."""
    catalogue = build_catalogue(problem, parameters)
    cpu_started = time.process_time()
    found = all_pairs_bound(
        problem,
        catalogue,
        partner_cap(parameters),
        time_limit=arguments.all_pairs_time_limit,
        kept_pairs=arguments.all_pairs_kept,
    )
    bound_cpu = time.process_time() - cpu_started
    report: dict = {"lp_bound_all_pairs": round(found.value / catalogue.total_weight, 6)}
    if coverage is not None:
        report["ratio_to_all_pairs_bound"] = (
            round(coverage * catalogue.total_weight / found.value, 6) if found.value > 0 else 1.0
        )
    report["all_pairs_bound"] = {
        "eligible_pairs": found.pairs,
        "columns_used": found.columns,
        "pricing_passes": found.passes,
        "converged": found.converged,
        "seconds": found.seconds,
        "cpu_seconds": round(bound_cpu, 2),
        "process_peak_rss_mb": peak_rss_mb(),  # the process's, the engine's run included
    }
    return report


def run(arguments: argparse.Namespace) -> dict:
    """Generate, solve, check; the report as a dict."""
    report = {"calibration": calibration()}
    started = time.perf_counter()
    problem = generate(arguments.size, arguments.supply, arguments.seed, scale=arguments.scale)
    generated = time.perf_counter() - started
    parameters = Parameters(
        top_k=arguments.top_k,
        top_k_unpriced=arguments.top_k_unpriced,
        workers=arguments.workers,
        time_limit=arguments.time_limit,
        seed=arguments.seed,
        max_partners=arguments.max_partners,
        substantial_share=arguments.substantial_share,
    )
    if arguments.all_pairs_bound_only:
        # The bound alone, without the engine: for sizes where it takes many minutes, run apart
        # from the timed runs (their coverage over this bound gives the ratio).
        report.update({"size": arguments.size, "supply": arguments.supply, "seed": arguments.seed})
        report.update(all_pairs_report(problem, parameters, arguments, None))
        report["load_average"] = [round(load, 2) for load in os.getloadavg()]
        return report
    cpu_before = cpu_seconds()
    result = solve(problem, parameters)
    cpu = cpu_seconds() - cpu_before
    metrics = result.metrics
    peak = peak_rss_mb()  # the engine's, before the reference LP below
    violations = check(problem, result)
    # The engine's certified bound D over its candidates (decomposition.py, step 6); the bound it
    # stores as lp_bound is over every eligible pair (pricing.py).
    certified = metrics["lp_bound_candidates"]
    if arguments.certified_bound_only:
        reference = {"lp_optimum": certified, "seconds": 0.0}
    else:
        reference = lp_relaxation(problem, parameters)
    bound = reference["lp_optimum"]
    all_pairs = {}
    if not arguments.no_all_pairs_bound:
        all_pairs = all_pairs_report(problem, parameters, arguments, metrics["coverage"])
    report.update(
        {
            "size": arguments.size,
            "scale": arguments.scale,
            "supply": arguments.supply,
            "seed": arguments.seed,
            "workers": arguments.workers,
            "max_partners": arguments.max_partners,
            "top_k": arguments.top_k,
            "top_k_unpriced": arguments.top_k_unpriced,
            "top_k_used": metrics["top_k"],
            "substantial_share": arguments.substantial_share,
            "needs": metrics["needs"],
            "offers": metrics["offers"],
            "candidates": metrics["candidates"],
            "candidate_pairs_checked": metrics["candidate_pairs_found"],
            "components": metrics["components"],
            "largest_component": metrics["largest_component"],
            "methods": metrics["methods"],
            "coverage": metrics["coverage"],
            "partial_coverage": metrics["partial_coverage"],
            "lp_bound": bound,
            "lp_bound_is": "certified bound D" if arguments.certified_bound_only else "LP optimum",
            "ratio_to_bound": round(metrics["coverage"] / bound, 6) if bound > 0 else 1.0,
            **all_pairs,
            "certified_bound": certified,
            "ratio_to_certified_bound": round(metrics["coverage"] / certified, 6)
            if certified > 0
            else 1.0,
            "stored_bound_all_pairs": metrics["lp_bound"],
            "ratio_to_stored_bound": metrics["ratio_to_bound"],
            "candidates_ranked": metrics["candidates_ranked"],
            "candidates_priced_in": metrics["candidates_priced_in"],
            "pricing": metrics["pricing"],
            "clock_limited_components": metrics["clock_limited_components"],
            "greedy_coverage": metrics["greedy_coverage"],
            "engine_minus_greedy": round(metrics["coverage"] - metrics["greedy_coverage"], 6),
            "capacity_violations": violations["offers_over_capacity"]
            + violations["items_oversupplied"],
            "violations": violations,
            "needs_fully_served": metrics["needs_fully_covered"],
            **coalition_sizes(result),
            "seconds": {
                **metrics["seconds"],
                "generate": round(generated, 3),
                "lp_bound (not in total)": reference["seconds"],
            },
            "cpu_seconds_engine": round(cpu, 2),
            "peak_rss_mb": peak,
            "tree_pss_mb": metrics["tree_pss_mb"],
            "time_limit": arguments.time_limit,
            "overran": metrics["overran"],
            "overrun_seconds": metrics["overrun_seconds"],
            "load_average": [round(load, 2) for load in os.getloadavg()],
        }
    )
    if arguments.pulp:
        report["pulp_cbc"] = pulp_baseline(problem, parameters, arguments.pulp_time_limit)
    return report


def arguments_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--supply", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the size's counts")
    parser.add_argument("--top-k", type=int, default=Parameters.top_k)
    parser.add_argument(
        "--top-k-unpriced",
        type=int,
        default=Parameters.top_k_unpriced,
        help="candidates per item when pricing's LP is skipped (more eligible pairs than it takes)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=Parameters.time_limit)
    parser.add_argument(
        "--max-partners",
        type=int,
        default=Parameters.max_partners,
        help="organizations per need item (a run may ask for 1-20)",
    )
    parser.add_argument(
        "--substantial-share",
        type=float,
        default=Parameters.substantial_share,
        help="candidates: offers that can supply this share of an item come first (0: by score)",
    )
    parser.add_argument(
        "--certified-bound-only",
        action="store_true",
        help="compare with the engine's certified bound D alone, without solving the LP (faster)",
    )
    parser.add_argument(
        "--no-all-pairs-bound",
        action="store_true",
        help="skip the LP bound over every eligible pair (column generation; minutes at XL)",
    )
    parser.add_argument(
        "--all-pairs-bound-only",
        action="store_true",
        help="compute the LP bound over every eligible pair alone, without running the engine",
    )
    parser.add_argument(
        "--all-pairs-time-limit",
        type=float,
        default=3600.0,
        help="seconds the bound over every pair may take (past them it reports converged: false)",
    )
    parser.add_argument(
        "--all-pairs-kept",
        type=int,
        default=20_000_000,
        help="eligible pairs up to which the bound keeps their terms in memory between passes",
    )
    parser.add_argument("--pulp", action="store_true", help="also solve with PuLP + CBC")
    parser.add_argument("--pulp-time-limit", type=float, default=300.0)
    return parser


def main() -> None:
    print(json.dumps(run(arguments_parser().parse_args())))


if __name__ == "__main__":
    main()
