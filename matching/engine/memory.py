"""Memory of the whole process tree: the proportional set size (PSS) of a process and of every
process below it (the solver processes of a run), sampled while the run goes on.

PSS charges each shared page to the processes sharing it in equal parts, so the sum over a tree
counts the arrays that forked solver processes share copy-on-write with their parent once, where
the largest resident set (ru_maxrss) of one process undercounts the tree and the sum of resident
sets counts shared pages again in every process. Linux only (/proc/PID/smaps_rollup); elsewhere
the figures are 0.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

# Seconds between two samples of the tree while a run goes on.
_INTERVAL = 0.2


def _children(pid: int) -> list[int]:
    """The direct children of a process (every thread's list), empty when it is gone."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _pss_kb(pid: int) -> int:
    """The process's PSS in kB from smaps_rollup; 0 when it is gone or unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def tree_pss_mb(pid: int | None = None) -> float:
    """The PSS of a process (this one by default) and of all its descendants, in MB."""
    seen: set[int] = set()
    waiting = [os.getpid() if pid is None else pid]
    total = 0
    while waiting:
        current = waiting.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _pss_kb(current)
        waiting.extend(_children(current))
    return round(total / 1024, 1)


class TreePeak:
    """The largest tree PSS seen while the `with` block runs (this process and its children),
    sampled every _INTERVAL seconds by a thread and once more at the end."""

    def __init__(self, interval: float = _INTERVAL) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-pss", daemon=True)

    def _sample(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, tree_pss_mb())
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, tree_pss_mb())
