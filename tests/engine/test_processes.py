"""The engine's own processes never outlive the process that started them."""

import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from matching.engine.processes import solver_pool

ROOT = Path(__file__).resolve().parents[2]


def _wait_for_exit(pid: int, seconds: float) -> bool:
    """True when the process has exited within the time (a pidfd becomes readable at exit)."""
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        poller = select.poll()
        poller.register(descriptor, select.POLLIN)
        return bool(poller.poll(seconds * 1000))
    finally:
        os.close(descriptor)


def test_solver_processes_are_killed_when_their_parent_is_killed():
    report_read, report_write = os.pipe()
    hold_read, hold_write = os.pipe()
    parent = os.fork()
    if parent == 0:  # the "worker": starts a solver pool, reports its processes, then blocks
        os.close(report_read)
        os.close(hold_write)
        try:
            pool = solver_pool(2)
            pids = {pool.submit(os.getpid).result() for _ in range(8)}
            os.write(report_write, (",".join(map(str, sorted(pids))) + "\n").encode())
            os.read(hold_read, 1)  # never written: the test kills this process here
        finally:
            os._exit(0)
    os.close(report_write)
    os.close(hold_read)
    with os.fdopen(report_read) as report:
        solvers = [int(pid) for pid in report.readline().strip().split(",")]
    assert solvers and parent not in solvers
    assert all(os.path.exists(f"/proc/{pid}") for pid in solvers)

    os.kill(parent, signal.SIGKILL)  # as a worker killed mid-run
    os.waitpid(parent, 0)
    os.close(hold_write)

    assert all(_wait_for_exit(pid, 10) for pid in solvers)


def test_solver_processes_run_below_their_parent_by_the_niceness_asked():
    own = os.nice(0)
    with solver_pool(2, niceness=5) as pool:
        assert {pool.submit(os.nice, 0).result() for _ in range(6)} == {min(19, own + 5)}
    with solver_pool(2) as pool:
        assert {pool.submit(os.nice, 0).result() for _ in range(6)} == {own}


def _autogroup_enabled() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def _autogroup() -> str:
    return Path("/proc/self/autogroup").read_text().strip()


needs_autogroup = pytest.mark.skipif(
    not _autogroup_enabled(), reason="the kernel does not schedule by autogroup"
)


@needs_autogroup
def test_niced_solver_processes_give_way_to_other_sessions_too():
    """Under autogroup scheduling a nice value weighs only within a session: a niced solver
    process takes a session of its own, at its niceness (the web server on another session
    then goes first; measured in bench/README.md)."""
    own, parent = os.nice(0), _autogroup()
    with solver_pool(2, niceness=5) as pool:
        groups = {pool.submit(_autogroup).result() for _ in range(6)}
    assert parent not in groups
    assert all(group.endswith(f" nice {min(19, own + 5)}") for group in groups)
    with solver_pool(2) as pool:
        assert {pool.submit(_autogroup).result() for _ in range(6)} == {parent}


@needs_autogroup
@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="dropping CAP_SYS_ADMIN needs root and setpriv",
)
def test_every_solver_process_of_a_pool_gets_its_niceness_within_the_kernels_rate_limit():
    """Without CAP_SYS_ADMIN the kernel takes one autogroup change per 100 ms: four processes
    starting at once must all still get theirs."""
    script = textwrap.dedent(
        """
        import multiprocessing, os
        from matching.engine.processes import solver_pool
        together = multiprocessing.get_context("fork").Barrier(4)
        def group():
            together.wait(timeout=60)  # four processes alive at once
            return os.getpid(), open("/proc/self/autogroup").read().strip()
        with solver_pool(4, niceness=7) as pool:
            answers = {f.result() for f in [pool.submit(group) for _ in range(4)]}
        print(len(answers), sorted({name.split()[-1] for _, name in answers}))
        """
    )
    result = subprocess.run(
        ["setpriv", "--bounding-set=-sys_admin", sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == f"4 ['{min(19, os.nice(0) + 7)}']"
