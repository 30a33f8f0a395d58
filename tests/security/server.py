"""The API served by gunicorn on loopback, bound to the test database, for tests over real HTTP."""

from __future__ import annotations

import sys
import urllib.request
import uuid

from tests.processes import ROOT, Subprocess, database_url, free_port


class ApiServer(Subprocess):
    """`gunicorn config.wsgi` with gthread workers; every request is a real TCP round trip."""

    def __init__(
        self,
        settings_dict: dict,
        *,
        workers: int = 2,
        threads: int = 16,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            log=ROOT / ".data" / f"gunicorn-{uuid.uuid4().hex[:8]}.log",
            env={
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
            },
        )
        self.workers = workers
        self.threads = threads

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--log-level",
            "warning",
        ]

    def ready(self) -> bool:
        """Whether gunicorn answers /healthz."""
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                return response.status == 200
        except OSError:
            return False
