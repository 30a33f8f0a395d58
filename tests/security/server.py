"""The API served by gunicorn on loopback, bound to the test database, for tests over real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
import uuid

from tests.worker import ROOT, database_url, wait_for


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ApiServer:
    """`gunicorn config.wsgi` with gthread workers; every request is a real TCP round trip."""

    def __init__(
        self,
        settings_dict: dict,
        *,
        workers: int = 2,
        threads: int = 16,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / ".data" / f"gunicorn-{uuid.uuid4().hex[:8]}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(settings_dict),
            "CELERY_QUEUE": f"test-unconsumed-{uuid.uuid4().hex[:8]}",
            "MATCH_ON_CATALOGUE_CHANGE": "0",
            "LOG_LEVEL": "ERROR",
            # The server's throttle counters: shared by its workers, apart from the test process.
            "CACHE_KEY_PREFIX": f"test-server-{uuid.uuid4().hex[:8]}",
            # Per-user write limits are what tests/security/test_throttles_http.py tests; the
            # load and fuzzing tests write more than a person would.
            "THROTTLE_WRITES": "100000/minute",
            **(extra_env or {}),
        }
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ]
        self.process: subprocess.Popen | None = None

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def start(self) -> ApiServer:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._answers, timeout=60, what="gunicorn to answer /healthz")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if hasattr(self, "_log_file"):
            self._log_file.close()

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""
