"""A real Celery worker process for tests, on the configured broker and the test database."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from tests.processes import ROOT, Subprocess, database_url, wait_for

__all__ = ["ROOT", "WorkerProcess", "database_url", "running_worker", "wait_for"]


class WorkerProcess(Subprocess):
    """`celery -A config worker` in a subprocess, listening on a queue of its own."""

    def __init__(
        self, settings_dict: dict, *, extra_env: dict[str, str] | None = None, concurrency: int = 1
    ):
        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        super().__init__(
            log=ROOT / ".data" / f"worker-{self.queue}.log",
            env={
                "DATABASE_URL": database_url(settings_dict),
                "CELERY_QUEUE": self.queue,
                "MATCH_ON_CATALOGUE_CHANGE": "0",
                **(extra_env or {}),
            },
        )
        self.concurrency = concurrency

    def command(self) -> list[str]:
        return [
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
        ]

    def ready(self) -> bool:
        return "ready." in self.output()


@contextmanager
def running_worker(settings) -> Iterator[WorkerProcess]:
    """A real worker on the configured broker (Redis in CI), consuming a queue of its own, to
    which the tasks this test publishes go."""
    worker = WorkerProcess(connection.settings_dict).start()
    settings.CELERY_TASK_DEFAULT_QUEUE = worker.queue
    try:
        yield worker
    finally:
        worker.stop()
