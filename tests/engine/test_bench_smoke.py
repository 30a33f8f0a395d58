"""The engine benchmark runs end to end on a small problem and reports a correct answer."""

import argparse
import json

from bench.engine import run

KEYS = {
    "coverage",
    "lp_bound",
    "ratio_to_bound",
    "greedy_coverage",
    "capacity_violations",
    "needs_fully_served",
    "partners_per_coalition",
    "seconds",
    "peak_rss_mb",
    "calibration",
}


def test_the_engine_benchmark_reports_a_correct_answer_at_a_reduced_size_s():
    arguments = argparse.Namespace(
        size="S",
        scale=0.2,
        supply=0.8,
        seed=3,
        top_k=20,
        workers=1,
        time_limit=30.0,
        pulp=False,
        pulp_time_limit=10.0,
    )
    report = json.loads(json.dumps(run(arguments)))
    assert set(report) >= KEYS
    assert {"total", "candidates", "scoring", "solve", "explain"} <= set(report["seconds"])
    assert report["needs"] == 100
    assert report["capacity_violations"] == 0
    assert report["violations"] == {
        "offers_over_capacity": 0,
        "items_oversupplied": 0,
        "pieces_below_minimum": 0,
        "hard_rules_broken": 0,
    }
    assert 0 < report["coverage"] <= report["lp_bound"] + 1e-9
    assert report["coverage"] >= report["greedy_coverage"]
    assert report["ratio_to_bound"] <= 1.0
