"""Programs the tests start and stop: one way to run a Celery worker, gunicorn or a redis-server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Subprocess:
    """A program in a session of its own, its output in a log file, stopped with its children."""

    def __init__(self, *, log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None
        self._log_file: IO[str] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        """Whether the program answers; `start` waits for it."""
        raise NotImplementedError

    def start(self, *, timeout: float = 60):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.ready, timeout=timeout, what=f"{self.command()[:4]} to start", process=self)
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Signal the program's whole session, and kill it if it has not exited within 30 s."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def kill(self) -> None:
        """Stop the program abruptly, as a crash would."""
        self.stop(signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def wait_for(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    process: Subprocess | None = None,
) -> None:
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
                f"The process exited while waiting for {what}:\n{process.output()[-4000:]}"
            )
        time.sleep(0.05)
    detail = process.output()[-4000:] if process is not None else ""
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}.\n{detail}")


class CpuBurner(Subprocess):
    """Processes that keep `cores` CPU cores busy (a machine under load) until stopped."""

    def __init__(self, *, log: Path, cores: int = 2) -> None:
        super().__init__(log=log)
        self.cores = cores

    def command(self) -> list[str]:
        program = (
            "import os\n"
            f"for _ in range({self.cores} - 1):\n"
            "    if os.fork() == 0:\n"
            "        break\n"
            "print('burning', flush=True)\n"
            "while True:\n"
            "    pass\n"
        )
        return [sys.executable, "-c", program]

    def ready(self) -> bool:
        return self.output().count("burning") >= self.cores
