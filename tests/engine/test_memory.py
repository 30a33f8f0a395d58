"""The memory of a run's whole process tree (matching/engine/memory.py)."""

import sys
from multiprocessing import get_context

import pytest

from bench.generator import generate
from matching.engine import Parameters, solve
from matching.engine.memory import TreePeak, tree_pss_mb

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")

MEGABYTES = 64


def hold(connection):
    """A child that writes MEGABYTES of its own, says so, and keeps them until told to stop."""
    block = bytearray(b"\x01") * (MEGABYTES << 20)
    connection.send(len(block))
    connection.recv()


def test_the_tree_counts_a_child_process_memory():
    before = tree_pss_mb()
    ours, theirs = get_context("fork").Pipe()
    child = get_context("fork").Process(target=hold, args=(theirs,))
    child.start()
    try:
        assert ours.recv() == MEGABYTES << 20
        assert tree_pss_mb(child.pid) >= 0.9 * MEGABYTES
        assert tree_pss_mb() >= before + 0.9 * MEGABYTES
        with TreePeak() as peak:
            pass
        assert peak.peak_mb >= before + 0.9 * MEGABYTES
    finally:
        ours.send("stop")
        child.join()
    assert tree_pss_mb() < before + 0.5 * MEGABYTES


def test_a_run_records_the_peak_of_its_process_tree():
    problem = generate("S", 0.8, 19, scale=0.1)
    own = tree_pss_mb()
    result = solve(problem, Parameters(workers=1, time_limit=30))
    assert result.metrics["tree_pss_mb"] >= 0.9 * own
