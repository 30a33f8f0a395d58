"""Worker processes and brokers for the fault tests: several workers on one queue, PIDs, and a
private Redis server that a test may stop and start."""

from __future__ import annotations

import shutil
import socket
import uuid
from pathlib import Path

from celery import current_app
from django.db import connection

from tests.processes import Subprocess, free_port
from tests.worker import WorkerProcess


def worker_on(queue: str | None = None, **env: str) -> WorkerProcess:
    """A worker bound to the test database, on `queue` (a fresh one when None)."""
    worker = WorkerProcess(connection.settings_dict, extra_env=env)
    if queue is not None:
        worker.queue = worker.env["CELERY_QUEUE"] = queue
    worker.log = worker.log.with_name(f"worker-{worker.queue}-{uuid.uuid4().hex[:6]}.log")
    return worker


def parent_of(pid: int) -> int | None:
    """The parent PID of a live process, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else int(fields[1])


def is_alive(pid: int) -> bool:
    return parent_of(pid) is not None


def queued_messages(queue: str) -> int:
    """Messages waiting in a queue of the configured broker."""
    with current_app.connection_for_write() as conn:
        declared = conn.default_channel.queue_declare(queue=queue, durable=True, auto_delete=False)
        return declared.message_count


class RedisServer(Subprocess):
    """A redis-server of the test's own on a free loopback port, persisting to an append-only file."""

    def __init__(self, directory: Path):
        super().__init__(log=directory / "redis-server.log")
        self.binary = shutil.which("redis-server")
        self.directory = directory
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            str(self.directory),
        ]

    def start(self, *, timeout: float = 20) -> RedisServer:
        return super().start(timeout=timeout)

    def ready(self) -> bool:
        """Whether the server answers PING."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as client:
                client.sendall(b"PING\r\n")
                return client.recv(16).startswith(b"+PONG")
        except OSError:
            return False
