"""With no DATABASE_URL, the project starts its own PostgreSQL and needs nothing else."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.embedded import embedded_database_pid, stop_embedded_database

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.embedded
def test_migrate_and_query_on_the_embedded_defaults(tmp_path):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    environment["REGISTRY_DATA_DIR"] = str(tmp_path / "data")

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    try:
        check_the_embedded_server(manage, tmp_path)
    finally:
        # The server outlives the commands that started it (they share it); the suite stops it.
        stop_embedded_database(tmp_path / "data")
    assert embedded_database_pid(tmp_path / "data") is None


def check_the_embedded_server(manage, tmp_path: Path) -> None:
    manage("migrate", "--noinput", "-v", "0")
    out = manage(
        "shell",
        "-c",
        "from django.db import connection; from registry.models import SdgTarget; "
        "print(connection.vendor, connection.settings_dict['HOST'], SdgTarget.objects.count())",
    )
    vendor, host, count = out.split()[-3:]
    assert vendor == "postgresql"
    assert host.startswith(str(tmp_path))
    assert count == "169"
    assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()
    # The second start reuses the server and its data.
    again = manage(
        "shell", "-c", "from registry.models import SdgTarget; print(SdgTarget.objects.count())"
    )
    assert again.split()[-1] == "169"
