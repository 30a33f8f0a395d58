"""The same catalogue, parameters and seed give the same proposals whatever else the machine is
doing: the engine's budgets are units of work (simplex iterations, pricing passes, max-flow
insertions, needs tried, branch-and-bound nodes), the wall clock only a safety net."""

import os

from bench.generator import generate
from matching.engine import Parameters, solve
from tests.processes import CpuBurner


def lines(result):
    return [
        (
            proposal.need_id,
            [
                (line.offer_id, line.need_item_id, line.quantity, line.offer_quantity)
                for line in proposal.lines
            ],
        )
        for proposal in result.proposals
    ]


def test_a_run_beside_a_cpu_burning_process_proposes_exactly_what_it_proposes_alone(tmp_path):
    # 500 needs x 2,500 offers: one large component (regions, extension, repair) and pricing.
    problem = generate("S", 0.8, 4242)
    parameters = Parameters(workers=2, time_limit=60.0, seed=4242)
    quiet = solve(problem, parameters)
    burner = CpuBurner(log=tmp_path / "burner.log", cores=os.cpu_count() or 2).start()
    try:
        loaded = solve(problem, parameters)
    finally:
        burner.stop()
    # Neither run reached a wall-clock safety net: the budgets of work alone decided.
    assert quiet.metrics["overran"] is False
    assert loaded.metrics["overran"] is False
    assert quiet.metrics["methods"] == loaded.metrics["methods"]
    assert quiet.metrics["candidates_priced_in"] > 0
    assert lines(loaded) == lines(quiet)
    assert loaded.metrics["coverage"] == quiet.metrics["coverage"]
    assert loaded.metrics["lp_bound"] == quiet.metrics["lp_bound"]
    assert loaded.metrics["pricing"] == quiet.metrics["pricing"]
