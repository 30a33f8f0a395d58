"""The machine's calibration: `pgbench -S` TPS for 10 s against a scratch database, a pure
Python loop, and the versions of what the figures depend on.

This machine is shared and noisy; every report carries this line so that figures from different
days are compared as ratios to it. The same engine run once took twice the CPU seconds on one
afternoon as on the morning before, while the numpy product of bench.engine read the same: the
loop measures the interpreter, and the versions rule out (or point to) a changed library.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import time
from importlib import metadata
from urllib.parse import urlsplit

from bench.database import create_database, server_url

SCRATCH = "bench_pgbench"


def pgbench_select_tps(database_url: str, seconds: int = 10, clients: int = 8) -> float | None:
    """Read-only pgbench (-S) TPS on a scratch database of the same server; None without pgbench."""
    if shutil.which("pgbench") is None:
        return None
    scratch = server_url(database_url, SCRATCH)
    parts = urlsplit(scratch)
    connection = [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]
    if create_database(scratch):
        subprocess.run(
            ["pgbench", "-i", "-q", "-s", "10", *connection, SCRATCH],
            check=True,
            capture_output=True,
        )
    command = ["pgbench", "-S", "-n", "-T", str(seconds), "-c", str(clients), "-j", "2"]
    output = subprocess.run(
        [*command, *connection, SCRATCH],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"tps = ([\d.]+)", output)
    return round(float(match.group(1))) if match else None


PACKAGES = ("numpy", "scipy", "scikit-learn", "Django", "djangorestframework", "psycopg", "celery")


def python_loop_seconds(rounds: int = 5) -> float:
    """The best of `rounds` timings of a fixed pure-Python loop (about 0.1 s on this machine)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number * number % 7
        best = min(best, time.perf_counter() - started)
    return round(best, 4)


def cpu_model() -> str:
    """The processor's model name (Linux), or the platform's."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def software() -> dict[str, str]:
    """Python's and the main libraries' versions."""
    versions = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return versions


def machine() -> dict:
    """The calibration every report carries besides its own: the loop, the CPU, the versions."""
    return {
        "python_loop_seconds": python_loop_seconds(),
        "cpu_model": cpu_model(),
        "software": software(),
    }
