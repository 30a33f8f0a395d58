"""Every stage of the allocation inside the run's time limit, and a run that overran says so."""

from bench.generator import generate
from matching.engine import Parameters, solve

# Work a run does whatever its limit (greedy, the partner coefficients, the bound, the partial
# fill), in seconds on this catalogue; without the regions' LP time limits and the stages'
# checks of the deadline, the same run took 7.3 s.
OVERHEAD = 2.5


def test_a_run_with_a_short_limit_finishes_near_it_and_records_the_overrun():
    # 500 needs x 2,500 offers, 60 candidates per item: a component of 34k pairs whose regions'
    # LPs alone take longer than the limit.
    problem = generate("S", 0.8, 17)
    limit = 1.0
    result = solve(problem, Parameters(workers=1, time_limit=limit, top_k=60))
    metrics = result.metrics
    # Pricing and allocation share the limit.
    solving = metrics["seconds"]["pricing"] + metrics["seconds"]["solve"]
    assert solving <= 1.05 * limit + OVERHEAD
    assert metrics["time_limit"] == limit
    # The wall clock had a say (a safety net acted), and the run says so.
    assert metrics["overran"] is True
    assert metrics["clock_limited_components"] > 0 or metrics["pricing"]["timed_out"]
    assert metrics["overrun_seconds"] == round(max(0.0, solving - limit), 3)
    assert metrics["capacity_violations"] == 0
    assert metrics["coverage"] >= metrics["greedy_coverage"]


def test_a_run_within_its_limit_records_no_overrun():
    problem = generate("S", 0.8, 17, scale=0.1)
    metrics = solve(problem, Parameters(workers=1, time_limit=60)).metrics
    assert metrics["overran"] is False
    assert metrics["clock_limited_components"] == 0
    assert metrics["pricing"]["timed_out"] is False
    assert metrics["overrun_seconds"] == 0.0


def test_a_run_past_its_limit_records_by_how_much():
    problem = generate("S", 0.8, 17, scale=0.1)
    metrics = solve(problem, Parameters(workers=1, time_limit=1e-6)).metrics
    assert metrics["overran"] is True
    assert metrics["overrun_seconds"] > 0
