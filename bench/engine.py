"""Benchmark the matching engine on synthetic data; prints one JSON object.

python -m bench.engine --size S --supply 0.8 --seed 1
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections import defaultdict

from matching.engine import Parameters, Problem, Result, solve

from .generator import SIZES, generate


def check_capacity(problem: Problem, result: Result) -> dict[str, int]:
    """Count offers and items given more than they hold, recomputed from the lines alone."""
    offers = {offer.id: offer.remaining for offer in problem.offers}
    items = {item.id: item.remaining for need in problem.needs for item in need.items}
    per_offer: dict[int, float] = defaultdict(float)
    per_item: dict[int, float] = defaultdict(float)
    for proposal in result.proposals:
        for line in proposal.lines:
            per_offer[line.offer_id] += line.offer_quantity
            per_item[line.need_item_id] += line.quantity
    return {
        "offers_over_capacity": sum(per_offer[o] > offers[o] + 1e-9 for o in per_offer),
        "items_oversupplied": sum(per_item[i] > items[i] + 1e-9 for i in per_item),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--supply", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top-k", type=int, default=Parameters.top_k)
    parser.add_argument("--workers", type=int, default=Parameters.workers)
    parser.add_argument("--time-limit", type=float, default=Parameters.time_limit)
    arguments = parser.parse_args()

    started = time.perf_counter()
    problem = generate(arguments.size, arguments.supply, arguments.seed)
    generated = time.perf_counter() - started
    parameters = Parameters(
        top_k=arguments.top_k,
        workers=arguments.workers,
        time_limit=arguments.time_limit,
        seed=arguments.seed,
    )
    result = solve(problem, parameters)
    metrics = result.metrics
    check = check_capacity(problem, result)
    print(
        json.dumps(
            {
                "size": arguments.size,
                "supply": arguments.supply,
                "seed": arguments.seed,
                "needs": metrics["needs"],
                "offers": metrics["offers"],
                "candidates": metrics["candidates"],
                "components": metrics["components"],
                "largest_component": metrics["largest_component"],
                "methods": metrics["methods"],
                "coverage": metrics["coverage"],
                "partial_coverage": metrics["partial_coverage"],
                "lp_bound": metrics["lp_bound"],
                "ratio_to_bound": metrics["ratio_to_bound"],
                "greedy_coverage": metrics["greedy_coverage"],
                "capacity_violations": check["offers_over_capacity"] + check["items_oversupplied"],
                "needs_fully_served": metrics["needs_fully_covered"],
                "partners_per_coalition": metrics["partners_per_coalition"],
                "seconds": {**metrics["seconds"], "generate": round(generated, 3)},
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
