"""One engine run's answer as a digest, to compare answers between code versions or machine loads.

python -m bench.answers --size M --supply 0.8 --seed 5150 [--workers 2] [--time-limit 60]

Prints one JSON object: coverage, the top-k bound, the number of lines, a digest of every line's
offer, item and quantities (same digest, same proposals), the seconds, tree_pss_mb and overran.
"""

from __future__ import annotations

import argparse
import hashlib
import json

from matching.engine import Parameters, Result, solve

from .generator import SIZES, generate


def digest(result: Result) -> str:
    """A short hash of every proposed line (offer, item, quantities rounded to 1e-6)."""
    lines = sorted(
        (line.offer_id, line.need_item_id, round(line.quantity, 6), round(line.offer_quantity, 6))
        for proposal in result.proposals
        for line in proposal.lines
    )
    return hashlib.sha256(json.dumps(lines).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--supply", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=Parameters.time_limit)
    arguments = parser.parse_args()
    problem = generate(arguments.size, arguments.supply, arguments.seed)
    parameters = Parameters(
        workers=arguments.workers, seed=arguments.seed, time_limit=arguments.time_limit
    )
    result = solve(problem, parameters)
    metrics = result.metrics
    print(
        json.dumps(
            {
                "size": arguments.size,
                "supply": arguments.supply,
                "seed": arguments.seed,
                "coverage": metrics["coverage"],
                "lp_bound": metrics["lp_bound"],
                "lines": sum(len(proposal.lines) for proposal in result.proposals),
                "digest": digest(result),
                "seconds": metrics["seconds"],
                "tree_pss_mb": metrics.get("tree_pss_mb"),
                "overran": metrics.get("overran"),
            }
        )
    )


if __name__ == "__main__":
    main()
