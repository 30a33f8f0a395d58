"""The machine's calibration: `pgbench -S` TPS for 10 s against a scratch database.

This machine is shared and noisy; every report carries this line so that figures from different
days are compared as ratios to it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
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
