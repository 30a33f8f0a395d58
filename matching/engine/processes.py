"""The engine's own processes: forked for one solve, and bound to the life of their parent."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

_PR_SET_PDEATHSIG = 1


def _start(parent: int, niceness: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux), so that a solver
    process never outlives a worker killed mid-run; exit at once if that already happened.
    Then lower its priority by `niceness`."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    if niceness > 0:
        os.nice(niceness)


def solver_pool(workers: int, niceness: int = 0) -> ProcessPoolExecutor:
    """A pool of `workers` forked processes (they share the parent's arrays copy-on-write),
    `niceness` below their parent's priority."""
    return ProcessPoolExecutor(
        workers,
        mp_context=get_context("fork"),
        initializer=_start,
        initargs=(os.getpid(), niceness),
    )
