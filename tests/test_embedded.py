"""With no DATABASE_URL, the project starts its own PostgreSQL and needs nothing else."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from api.demo import demo_users_by_role
from config.embedded import embedded_database_pid, stop_embedded_database

ROOT = Path(__file__).resolve().parents[1]


def embedded_environment(tmp_path: Path) -> dict[str, str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    environment["REGISTRY_DATA_DIR"] = str(tmp_path / "data")
    return environment


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def query_beside(environment: dict[str, str]) -> list[str]:
    """A second process on the same data folder: it finds the running server and its data."""
    demo = json.loads((ROOT / "fixtures" / "demo.json").read_text(encoding="utf-8"))
    usernames = [username for _, username, _ in demo_users_by_role(demo)]
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; from django.db import connection; "
            "from registry.models import SdgTarget; "
            f"users = get_user_model().objects.filter(username__in={usernames!r}).count(); "
            "print(connection.vendor, connection.settings_dict['HOST'], "
            f"SdgTarget.objects.count(), users == {len(usernames)})",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()[-4:]


@pytest.mark.embedded
def test_serve_migrates_loads_the_demo_prints_its_banner_and_stops_everything_on_sigterm(
    tmp_path,
):
    """With no DATABASE_URL, serve starts its own PostgreSQL in a fresh data folder, migrates and
    loads the demo, says when it is ready, and stops all it started on SIGTERM."""
    environment = embedded_environment(tmp_path)
    bind = f"127.0.0.1:{_free_port()}"
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", bind, "--workers", "1"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 240
        while "Press Ctrl-C to stop." not in log.read_text() and time.monotonic() < deadline:
            assert serve.poll() is None, log.read_text()[-3000:]
            time.sleep(0.5)  # polling the log for readiness, not waiting for it
        started = log.read_text()
        assert "Press Ctrl-C to stop." in started, started[-3000:]
        banner = started[started.index("Partnership Registry is running.") :]
        assert " ready." not in banner  # the worker's boot logs come before, not under it
        demo = json.loads((ROOT / "fixtures" / "demo.json").read_text(encoding="utf-8"))
        for role, username, _ in demo_users_by_role(demo):
            assert username in banner, role
        with urllib.request.urlopen(f"http://{bind}/readyz", timeout=10) as response:
            assert response.status == 200
        vendor, host, targets, demo_loaded = query_beside(environment)
        assert (vendor, targets, demo_loaded) == ("postgresql", "169", "True")
        assert host.startswith(str(tmp_path))
        assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()
        children = psutil.Process(serve.pid).children(recursive=True)
        assert len(children) >= 4  # gunicorn's arbiter and worker, celery's worker and pool
        server = embedded_database_pid(tmp_path / "data")
        assert server is not None
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=90) == 0, log.read_text()[-3000:]
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
        stop_embedded_database(tmp_path / "data")
    stopped = log.read_text()
    assert "stopped: web server (gunicorn)" in stopped
    assert "stopped: worker and scheduler (celery)" in stopped
    assert "stopped: embedded PostgreSQL" in stopped
    assert "Partnership Registry has stopped." in stopped
    _, alive = psutil.wait_procs(children, timeout=5)
    assert alive == []
    assert embedded_database_pid(tmp_path / "data") is None
    assert not psutil.pid_exists(server) or psutil.Process(server).status() == "zombie"
