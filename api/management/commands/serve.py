"""Run the whole service: migrate, load the demo, start a Celery worker and the API server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from api.demo import DEMO_FILE


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
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("seeddemo")
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
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
        )
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
        )
        demo = self._demo_sign_in() if not no_demo else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"\nPartnership Registry is running.\n"
                f"  API docs:  http://{bind}/api/docs/\n"
                f"  API root:  http://{bind}/api/v1/\n"
                f"  Admin:     http://{bind}/admin/\n{demo}"
                f"Press Ctrl-C to stop.\n"
            )
        )
        stop = lambda *_: None  # noqa: E731 - signals are forwarded to the children below
        signal.signal(signal.SIGTERM, stop)
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (server, worker):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in (server, worker):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _demo_sign_in(self) -> str:
        import json

        from api.management.commands.seeddemo import demo_password_file

        demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        coordinator = demo["coordinators"][0]["username"]
        path = demo_password_file()
        if not path.exists():
            return (
                f"  Demo coordinator: {coordinator} (its password was printed when it was made)\n"
            )
        password = path.read_text(encoding="utf-8").strip()
        return (
            f"  Demo coordinator: {coordinator} / {password}\n"
            f"    (every demo user has that password, generated on the first start and kept in\n"
            f"     {path}; get a token with\n"
            f"     curl -s -X POST http://127.0.0.1:8000/api/v1/auth/token/ -H 'Content-Type: application/json' "
            f'-d \'{{"username": "{coordinator}", "password": "{password}"}}\')\n'
        )
