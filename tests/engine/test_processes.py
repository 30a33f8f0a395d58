"""The engine's own processes never outlive the process that started them."""

import os
import select
import signal

from matching.engine.processes import solver_pool


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
