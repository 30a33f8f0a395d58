"""The engine's own processes: forked for one solve, and bound to the life of their parent."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

_PR_SET_PDEATHSIG = 1


def _start(parent: int, niceness: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux), so that a solver
    process never outlives a worker killed mid-run; exit at once if that already happened.
    Then lower its priority by `niceness` (and its autogroup's: _own_autogroup)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    if niceness > 0:
        os.nice(niceness)
        _own_autogroup(os.nice(0))


_AUTOGROUP = "/proc/self/autogroup"


def _own_autogroup(niceness: int) -> None:
    """Under autogroup scheduling (Linux's default where a kernel has it), a nice value weighs
    only against processes of the same session: the scheduler first shares the cores equally
    between sessions. A worker started in a session of its own (a service manager, a terminal
    of its own) would then take half of the cores from the web server however niced its solvers
    are. So a niced solver process starts a session of its own and gives that session its
    niceness. Without autogroup this changes nothing; should the kernel refuse the niceness
    after every try, the process keeps its own session at the default one.

    The kernel accepts one such change per 100 ms from unprivileged processes (EAGAIN), so the
    processes of one pool starting together try a few times."""
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as enabled:
            if enabled.read().strip() != "1":
                return
        os.setsid()
    except OSError:
        return
    for _ in range(10):
        try:
            with open(_AUTOGROUP, "w") as group:
                group.write(str(niceness))
            return
        except BlockingIOError:  # the kernel's rate limit: try again after it
            time.sleep(0.11)
        except OSError:
            return


def solver_pool(workers: int, niceness: int = 0) -> ProcessPoolExecutor:
    """A pool of `workers` forked processes (they share the parent's arrays copy-on-write),
    `niceness` below their parent's priority."""
    return ProcessPoolExecutor(
        workers,
        mp_context=get_context("fork"),
        initializer=_start,
        initargs=(os.getpid(), niceness),
    )
