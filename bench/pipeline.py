"""The full matching path on PostgreSQL through a real Celery worker; prints one JSON object.

python -m bench.load --size L --database-url $URL --create      # first: the catalogue
python -m bench.pipeline --database-url $URL --broker redis://127.0.0.1:6379/0

1. A whole-catalogue run: requested here, executed by a worker started as a subprocess; seconds
   per stage from the run's metrics, wall time from request to `succeeded`, the worker's peak RSS.
2. One newly published need matched: 100 needs published one after another through the
   service (as the API does), after 3 not counted (a long-lived worker's imports and caches are
   warm); for each, the time from just before its transaction commits to its proposal being
   stored (committed, seen from another connection); p50/p95.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from pathlib import Path

import psycopg

from bench.calibration import machine, pgbench_select_tps
from bench.database import setup_django

POLL_SECONDS = 0.002
WARM_UP = 3


def process_tree(leader: int) -> list[int]:
    """Pids of the leader and every process it started, and they started (a worker, its pool
    and the pool's solver processes, which run in sessions and process groups of their own)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    pids, frontier = [], [leader]
    while frontier:
        pid = frontier.pop()
        pids.append(pid)
        frontier.extend(children.get(pid, ()))
    return pids


def memory_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def proportional_kb(pid: int) -> int:
    """The process's proportional set size: each page shared by n processes counts 1/n (the
    engine's forked processes share the parent's arrays copy-on-write, which RSS counts twice)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemoryWatch(threading.Thread):
    """Samples the memory of a process tree: the largest process's peak RSS, and the tree's
    total as RSS (shared pages counted in every process) and as PSS (shared pages split)."""

    def __init__(self, leader: int):
        super().__init__(daemon=True)
        self.leader, self.stopped = leader, threading.Event()
        self.peak_process_kb = self.peak_total_kb = self.peak_proportional_kb = 0

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            pids = process_tree(self.leader)
            # VmHWM is each process's own high-water mark, so short peaks between samples count.
            self.peak_process_kb = max(
                [self.peak_process_kb, *(memory_kb(p, "VmHWM") for p in pids)]
            )
            self.peak_total_kb = max(self.peak_total_kb, sum(memory_kb(p, "VmRSS") for p in pids))
            self.peak_proportional_kb = max(
                self.peak_proportional_kb, sum(proportional_kb(p) for p in pids)
            )

    def stop(self) -> dict[str, float]:
        self.stopped.set()
        self.join()
        return {
            "peak_process_rss_mb": round(self.peak_process_kb / 1024, 1),
            "peak_tree_rss_mb": round(self.peak_total_kb / 1024, 1),
            "peak_tree_pss_mb": round(self.peak_proportional_kb / 1024, 1),
        }


def wait_for_run(run_id: int, timeout: float) -> None:
    from matching.models import MatchRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = MatchRun.objects.filter(pk=run_id).values_list("status", flat=True).get()
        if status in {MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED}:
            return
        time.sleep(0.05)
    raise TimeoutError(f"run {run_id} did not finish within {timeout} s")


def full_run(worker, timeout: float, parameters: dict | None = None) -> dict:
    from matching.models import MatchRun
    from matching.services.runs import request_match_run

    watch = MemoryWatch(worker.process.pid)
    watch.start()
    started = time.perf_counter()
    run = request_match_run(trigger=MatchRun.Trigger.MANUAL, parameters=parameters)
    wait_for_run(run.pk, timeout)
    wall = time.perf_counter() - started
    memory = watch.stop()
    run.refresh_from_db()
    metrics = run.metrics
    return {
        "run": run.pk,
        "status": run.status,
        "error": run.error[:2000] or None,
        "wall_seconds": round(wall, 3),
        "queue_seconds": round((run.started_at - run.created_at).total_seconds(), 3)
        if run.started_at
        else None,
        "seconds": metrics.get("seconds"),
        **memory,
        **{
            key: metrics.get(key)
            for key in (
                "needs",
                "offers",
                "candidates",
                "components",
                "coverage",
                "lp_bound",
                "ratio_to_bound",
                "greedy_coverage",
                "proposals_created",
            )
        },
    }


def new_need_latency(database_url: str, count: int, seed: int, timeout: float) -> dict:
    """Publish `count` needs one by one; milliseconds from commit to a stored proposal."""
    import random

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from matching.models import MatchRun
    from registry import services
    from registry.models import Category, Membership, Need

    rng = random.Random(seed)
    posters = {}
    for membership in Membership.objects.filter(
        organization__kind__in=["government", "local_government"], role="admin"
    ).select_related("organization"):
        posters.setdefault(membership.organization.country, membership)
    templates = list(
        Need.objects.filter(status="open", area__regex=r"^[A-Z]{2}-")
        .filter(id__lte=100_000)  # generated needs, not earlier runs of this benchmark
        .prefetch_related("items", "focus_areas", "vulnerable_groups")
        .order_by("id")
    )
    categories = {category.slug: category for category in Category.objects.all()}
    users = get_user_model().objects
    latencies, without_proposal, stages = [], 0, []
    with psycopg.connect(database_url, autocommit=True) as watcher:
        for index in range(-WARM_UP, count):
            template = rng.choice([t for t in templates if t.area[:2] in posters])
            membership = posters[template.area[:2]]
            data = {
                "title": f"Bench need {index}: {template.title}"[:200],
                "description": template.description,
                "area": template.area,
                "priority": template.priority,
                "status": "open",
                "focus_areas": list(template.focus_areas.all()),
                "vulnerable_groups": list(template.vulnerable_groups.all()),
                "items": [
                    {
                        "category": categories[item.category_id],
                        "quantity": item.quantity,
                        "currency": item.currency,
                    }
                    for item in template.items.all()
                ],
            }
            actor = users.get(pk=membership.user_id)
            with transaction.atomic():
                need = services.create_need(
                    actor=actor, organization=membership.organization, data=data
                )
                committing = time.perf_counter()
            deadline = committing + timeout
            stored = None
            while time.perf_counter() < deadline:
                row = watcher.execute(
                    "SELECT 1 FROM matching_proposal WHERE need_id = %s LIMIT 1", [need.pk]
                ).fetchone()
                if row:
                    stored = time.perf_counter()
                    break
                done = watcher.execute(
                    "SELECT 1 FROM matching_matchrun WHERE trigger = 'need' AND status IN"
                    " ('succeeded', 'failed') AND parameters->'scope'->'need_ids' @> %s::jsonb",
                    [json.dumps([need.pk])],
                ).fetchone()
                if (
                    done
                    and not watcher.execute(
                        "SELECT 1 FROM matching_proposal WHERE need_id = %s", [need.pk]
                    ).fetchone()
                ):
                    break
                time.sleep(POLL_SECONDS)
            else:
                raise TimeoutError(f"need {need.pk} got no proposal within {timeout} s")
            run = MatchRun.objects.filter(
                trigger=MatchRun.Trigger.NEED, parameters__scope__need_ids=[need.pk]
            ).get()
            if index < 0:  # warm-up: the worker's first runs import and cache lazily
                continue
            without_proposal += stored is None
            if stored is not None:
                latencies.append((stored - committing) * 1000)
                stages.append(
                    {
                        "queue": (run.started_at - run.created_at).total_seconds() * 1000,
                        "execute": (run.finished_at - run.started_at).total_seconds() * 1000,
                        **{k: v * 1000 for k, v in run.metrics.get("seconds", {}).items()},
                    }
                )
    latencies.sort()

    def percentile(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))], 1)

    return {
        "needs": count,
        "with_proposal": len(latencies),
        "without_proposal": without_proposal,
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "max_ms": round(latencies[-1], 1),
        "median_stage_ms": {
            key: round(statistics.median(stage[key] for stage in stages), 1) for key in stages[0]
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--needs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--skip-full-run", action="store_true")
    parser.add_argument(
        "--parameters",
        type=json.loads,
        default=None,
        help="the full run's engine parameters as JSON, e.g. '{\"substantial_share\": 0}'",
    )
    arguments = parser.parse_args()

    queue = f"bench-{os.getpid()}"
    setup_django(
        arguments.database_url,
        CELERY_BROKER_URL=arguments.broker,
        CELERY_QUEUE=queue,
        MATCH_ON_CATALOGUE_CHANGE="1",
    )
    from django.db import connection

    from tests.worker import WorkerProcess

    report: dict = {
        "calibration": {
            "pgbench_select_tps": pgbench_select_tps(arguments.database_url),
            **machine(),
        }
    }
    worker = WorkerProcess(
        connection.settings_dict,
        extra_env={"CELERY_BROKER_URL": arguments.broker},
        concurrency=arguments.concurrency,
    )
    worker.queue = queue
    worker.env["CELERY_QUEUE"] = queue
    worker.start()
    try:
        if not arguments.skip_full_run:
            report["full_run"] = full_run(worker, arguments.timeout, arguments.parameters)
        report["new_need"] = new_need_latency(
            arguments.database_url, arguments.needs, arguments.seed, timeout=30
        )
    finally:
        worker.stop()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
