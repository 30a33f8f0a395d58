"""A real Celery worker process for tests, on the configured broker and the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database)."""
    host = settings_dict["HOST"] or "localhost"
    user = settings_dict["USER"] or "postgres"
    password = (
        f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict.get("PASSWORD") else ""
    )
    return f"postgres://{user}{password}@{quote(host, safe='')}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


class WorkerProcess:
    """`celery -A config worker` in a subprocess, listening on a queue of its own."""

    def __init__(
        self, settings_dict: dict, *, extra_env: dict[str, str] | None = None, concurrency: int = 1
    ):
        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(settings_dict),
            "CELERY_QUEUE": self.queue,
            "MATCH_ON_CATALOGUE_CHANGE": "0",
            **(extra_env or {}),
        }
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.log = ROOT / ".data" / f"worker-{self.queue}.log"

    def start(self) -> WorkerProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(self.concurrency),
                "--queues",
                self.queue,
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"{self.queue}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: "ready." in self.log.read_text(),
            timeout=60,
            what="the worker to start",
            process=self,
        )
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if hasattr(self, "_log_file"):
            self._log_file.close()

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def wait_for(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    process: WorkerProcess | None = None,
):
    """Poll a condition until it holds or the deadline passes (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if (
            process is not None
            and process.process is not None
            and process.process.poll() is not None
        ):
            raise AssertionError(
                f"The worker exited while waiting for {what}:\n{process.output()[-4000:]}"
            )
        time.sleep(0.05)
    detail = process.output()[-4000:] if process is not None else ""
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}.\n{detail}")
