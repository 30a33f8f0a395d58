"""Run a matching run in this process (for operators), and print its metrics."""

import json

from django.core.management.base import BaseCommand

from matching.services.run_execution import execute_match_run
from matching.services.runs import request_match_run


class Command(BaseCommand):
    help = "Queue a manual matching run and execute it here, without a worker."

    def add_arguments(self, parser):
        parser.add_argument("--area", help="Match only needs within this area code.")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--max-needs", type=int)

    def handle(self, *args, area=None, seed=0, max_needs=None, **options):
        scope = {
            key: value for key, value in {"area": area, "max_needs": max_needs}.items() if value
        }
        run = request_match_run(trigger="manual", parameters={"seed": seed, "scope": scope})
        run = execute_match_run(run_id=run.pk)
        self.stdout.write(f"Run {run.pk}: {run.status}")
        self.stdout.write(json.dumps(run.metrics, indent=2, sort_keys=True))
