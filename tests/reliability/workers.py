"""Worker processes and brokers for the fault tests: several workers on one queue, PIDs, and a
private Redis server that a test may stop and start."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import uuid
from pathlib import Path

from celery import current_app
from django.db import connection

from tests.worker import WorkerProcess, wait_for


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own on a free loopback port, persisting to an append-only file."""

    def __init__(self, directory: Path):
        self.binary = shutil.which("redis-server")
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                self.binary,
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
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, timeout=20, what="redis-server to answer")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as client:
                client.sendall(b"PING\r\n")
                return client.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """Stop the server abruptly, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
