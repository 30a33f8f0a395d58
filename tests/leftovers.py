"""What the test suite leaves running: its own child processes, and embedded PostgreSQL servers
whose data folders lie under its temporary directory (those are daemons, not children)."""

from __future__ import annotations

import os
from pathlib import Path

import psutil

GRACE_SECONDS = 5


def _data_dir(process: psutil.Process) -> Path | None:
    """The -D folder of a PostgreSQL postmaster, None for any other process."""
    try:
        arguments = process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    if not arguments or Path(arguments[0]).name != "postgres" or "-D" not in arguments:
        return None
    index = arguments.index("-D") + 1
    return Path(arguments[index]).resolve() if index < len(arguments) else None


def embedded_servers_under(root: Path) -> list[tuple[psutil.Process, Path]]:
    """Running PostgreSQL postmasters whose data folder is inside `root`."""
    root = root.resolve()
    found = []
    for process in psutil.process_iter():
        folder = _data_dir(process)
        if folder is not None and folder.is_relative_to(root):
            found.append((process, folder))
    return found


def live_children(pid: int | None = None) -> list[psutil.Process]:
    """Descendants of `pid` (this process by default) still running after a short grace period
    (a child that was just told to stop may take a moment); zombies are reaped, not counted."""
    children = psutil.Process(pid or os.getpid()).children(recursive=True)
    _, alive = psutil.wait_procs(children, timeout=GRACE_SECONDS)
    running = []
    for child in alive:
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                running.append(child)
        except psutil.NoSuchProcess:
            continue
    return running


def describe(process: psutil.Process) -> str:
    try:
        return f"{process.pid} {' '.join(process.cmdline())[:160]}"
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return str(process.pid)
