"""Run the whole service: migrate, load the demo, start a Celery worker (with the scheduler) and
the API server; stop them all, and the embedded PostgreSQL it started, on Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from api.demo import DEMO_FILE, demo_users_by_role
from config import embedded

READY_TIMEOUT_SECONDS = 180
STOP_TIMEOUT_SECONDS = 30
ROLE_NAMES = {
    "government": "government",
    "ngo": "NGO",
    "company": "company",
    "donor": "donor",
    "community": "community organization",
    "coordinator": "coordinator",
}


class _Relay(threading.Thread):
    """Copies a child's output to ours, line by line, and notes when it says it is ready."""

    def __init__(self, stream, marker: str) -> None:
        super().__init__(daemon=True)
        self.stream, self.marker, self.ready = stream, marker, threading.Event()

    def run(self) -> None:
        for line in iter(self.stream.readline, ""):
            sys.stderr.write(line)
            if self.marker in line:
                self.ready.set()


class Command(BaseCommand):
    help = (
        "Migrate, load the demo data, and serve the API (gunicorn) with a Celery worker and beat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )

    def handle(self, *args, bind: str, no_demo: bool, workers: int, **options):
        stopping = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.set())
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("seeddemo")
        children = self._start(bind, workers)
        try:
            if self._wait_until_ready(bind, children, stopping):
                self.stdout.write(self.style.SUCCESS(self._banner(bind, no_demo)))
                self.stdout.flush()
            elif not stopping.is_set():
                self.stderr.write(f"Not ready after {READY_TIMEOUT_SECONDS} s; see the logs above.")
            while not stopping.is_set() and all(p.poll() is None for p in children.values()):
                stopping.wait(0.5)
        finally:
            self._stop(children)

    def _start(self, bind: str, workers: int) -> dict[str, subprocess.Popen]:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONUNBUFFERED": "1",
        }
        # A session of their own: Ctrl-C reaches this process only, which stops them in order.
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--beat",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--schedule",
                str(settings.DATA_DIR / "celerybeat-schedule"),
            ],
            env=environment,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._worker_relay = _Relay(worker.stdout, " ready.")
        self._worker_relay.start()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ],
            env=environment,
            start_new_session=True,
        )
        return {"web server (gunicorn)": server, "worker and scheduler (celery)": worker}

    def _wait_until_ready(self, bind: str, children, stopping: threading.Event) -> bool:
        """Poll /readyz and wait for the worker's "ready" line, so that the banner comes last."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        web_ready = False
        while time.monotonic() < deadline and not stopping.is_set():
            if any(process.poll() is not None for process in children.values()):
                raise CommandError("A process stopped while starting; its output is above.")
            if not web_ready:
                try:
                    with urllib.request.urlopen(f"http://{bind}/readyz", timeout=2) as response:
                        web_ready = response.status == 200
                except (OSError, urllib.error.URLError):
                    pass
            if web_ready and self._worker_relay.ready.is_set():
                return True
            stopping.wait(0.5)
        return False

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        """SIGTERM (gunicorn's graceful stop, celery's warm shutdown), then wait; kill only what
        does not stop in time. Then the embedded PostgreSQL, when this command started it."""
        self.stdout.write("\nStopping…")
        for process in children.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in children.items():
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
                self.stdout.write(f"  stopped: {name}")
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                self.stdout.write(f"  killed after {STOP_TIMEOUT_SECONDS} s: {name}")
        for data_dir in sorted(embedded.started_here):
            from django.db import connections

            connections.close_all()
            if embedded.stop_embedded_database(data_dir):
                self.stdout.write(f"  stopped: embedded PostgreSQL ({data_dir / 'postgres'})")
        self.stdout.write(self.style.SUCCESS("Partnership Registry has stopped."))
        self.stdout.flush()

    def _banner(self, bind: str, no_demo: bool) -> str:
        lines = [
            "",
            "Partnership Registry is running.",
            f"  Console:   http://{bind}/",
            f"  API docs:  http://{bind}/api/docs/",
            f"  API root:  http://{bind}/api/v1/",
            f"  Admin:     http://{bind}/admin/",
        ]
        if not no_demo:
            lines += self._demo_users(bind)
        lines += ["Press Ctrl-C to stop.", ""]
        return "\n".join(lines)

    def _demo_users(self, bind: str) -> list[str]:
        from api.management.commands.seeddemo import demo_password_file

        demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        path = demo_password_file()
        password = path.read_text(encoding="utf-8").strip() if path.exists() else None
        lines = ["  Demo users, one per role:"]
        users = demo_users_by_role(demo)
        for role, username, organization in users:
            where = f" ({organization})" if organization else ""
            lines.append(f"    {ROLE_NAMES[role] + ':':<24} {username}{where}")
        if password is None:
            lines.append("  Their password was printed when the demo was loaded.")
            return lines
        lines += [
            f"  Password of every demo user: {password} (kept in {path})",
            "  A token: curl -s -X POST http://"
            f"{bind}/api/v1/auth/token/ -H 'Content-Type: application/json' "
            f'-d \'{{"username": "{users[-1][1]}", "password": "{password}"}}\'',
        ]
        return lines
