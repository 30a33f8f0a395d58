"""The engine benchmark runs end to end on a small problem and reports a correct answer."""

import json

from bench.engine import arguments_parser, lp_relaxation, run
from bench.generator import generate
from matching.engine import Parameters, solve

KEYS = {
    "coverage",
    "lp_bound",
    "ratio_to_bound",
    "lp_bound_all_pairs",
    "ratio_to_all_pairs_bound",
    "greedy_coverage",
    "capacity_violations",
    "needs_fully_served",
    "partners_per_coalition",
    "seconds",
    "peak_rss_mb",
    "calibration",
}


def test_the_engine_benchmark_reports_a_correct_answer_at_a_reduced_size_s():
    arguments = arguments_parser().parse_args(
        ["--size", "S", "--scale", "0.2", "--seed", "3", "--workers", "1", "--time-limit", "30"]
    )
    report = json.loads(json.dumps(run(arguments)))
    assert set(report) >= KEYS
    assert {"total", "candidates", "scoring", "solve", "explain"} <= set(report["seconds"])
    assert report["needs"] == 100
    assert report["max_partners"] == Parameters.max_partners  # the engine's default cap
    # Few pairs: pricing's LP runs, from each item's top_k (top_k_unpriced is for when it cannot).
    assert report["top_k_used"] == Parameters.top_k
    assert report["top_k_unpriced"] == Parameters.top_k_unpriced
    assert report["capacity_violations"] == 0
    assert report["violations"] == {
        "offers_over_capacity": 0,
        "items_oversupplied": 0,
        "pieces_below_minimum": 0,
        "hard_rules_broken": 0,
    }
    assert 0 < report["coverage"] <= report["lp_bound"] + 1e-9
    assert report["coverage"] <= report["lp_bound_all_pairs"] + 1e-9
    assert report["all_pairs_bound"]["converged"]
    assert report["coverage"] >= report["greedy_coverage"]
    assert report["ratio_to_bound"] <= 1.0
    assert report["lp_bound_is"] == "LP optimum"
    assert report["lp_bound"] <= report["certified_bound"] + 1e-6
    assert report["substantial_share"] == Parameters.substantial_share
    calibration = report["calibration"]
    assert calibration["python_loop_seconds"] > 0
    assert calibration["software"]["numpy"] != "absent"
    assert calibration["software"]["scipy"] != "absent"


def test_the_bound_alone_is_the_bound_of_the_full_report():
    """--all-pairs-bound-only computes the same bound over every pair without the engine, whether
    the pairs' terms are kept between passes or recomputed at every pass."""
    common = ["--size", "S", "--scale", "0.2", "--seed", "3", "--workers", "1"]
    full = run(arguments_parser().parse_args([*common, "--certified-bound-only"]))
    alone = run(arguments_parser().parse_args([*common, "--all-pairs-bound-only"]))
    recomputed = run(
        arguments_parser().parse_args([*common, "--all-pairs-bound-only", "--all-pairs-kept", "0"])
    )
    assert "coverage" not in alone and "ratio_to_all_pairs_bound" not in alone
    assert alone["lp_bound_all_pairs"] == full["lp_bound_all_pairs"]
    assert recomputed["lp_bound_all_pairs"] == full["lp_bound_all_pairs"]
    assert alone["all_pairs_bound"]["converged"] and recomputed["all_pairs_bound"]["converged"]
    assert alone["all_pairs_bound"]["eligible_pairs"] == full["all_pairs_bound"]["eligible_pairs"]
    assert full["coverage"] <= alone["lp_bound_all_pairs"] + 1e-9


def test_the_lp_optimum_lies_between_the_answer_and_the_certified_bound_of_decomposed_blocks():
    problem = generate("S", 0.8, 3, scale=0.2)
    # A low exact limit sends the components to the decomposition, whose bound is D ≥ LP*.
    parameters = Parameters(workers=1, time_limit=30, exact_edge_limit=300)
    metrics = solve(problem, parameters).metrics
    assert any(method.startswith("lp-rounding") for method in metrics["methods"])
    optimum = lp_relaxation(problem, parameters)["lp_optimum"]
    assert metrics["coverage"] - 1e-6 <= optimum <= metrics["lp_bound"] + 1e-6
