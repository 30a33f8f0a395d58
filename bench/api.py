"""The API benchmark: gunicorn on loopback, wrk per endpoint; prints one JSON object.

apt-get install -y wrk                                             # once; pgbench comes with PostgreSQL
python -m bench.load --size L --database-url $URL --create         # the catalogue
python -m bench.pipeline --database-url $URL                       # proposals to read
python -m bench.api --database-url $URL                            # this

Each endpoint is measured beside its floor view (the same JSON from `.values()` + orjson, no
DRF) and a naive DRF nested-ModelSerializer view, in the same run, checked to answer the same
JSON; then the API and floor again while a whole-catalogue matching run is in progress.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.calibration import machine, pgbench_select_tps
from bench.database import setup_django

ROOT = Path(__file__).resolve().parents[1]


def wrk(url: str, seconds: int, token: str | None, connections: int = 8) -> dict:
    """One bounded wrk run: req/s, p50/p99 in ms, non-2xx responses and socket errors."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Token {token}"]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout

    def milliseconds(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()  # type: ignore[union-attr]
        return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), 1),  # type: ignore[union-attr]
        "p50_ms": milliseconds("50%"),
        "p99_ms": milliseconds("99%"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def fetch(url: str, token: str | None) -> tuple[int, object]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Token {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


def serve(database_url: str, port: int, workers: int) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url}
    environment.pop("DEBUG", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "bench.wsgi",  # the product's application with the reference views
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            fetch(f"http://127.0.0.1:{port}/bench/empty", None)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not answer within 60 s")


# The proposals are read by a coordinator with a knox token (their floors authenticate it too);
# the offers search and the needs list are public reads, measured anonymously like their floors,
# which neither authenticate nor apply a signed-in user's visibility rules.
CREDENTIALED = {"proposals_list", "proposal"}


def endpoints(base: str, proposal_id: int, query: str) -> dict[str, dict[str, str]]:
    """Per endpoint: the API's URL, its floor's and its naive twin's."""
    return {
        "proposals_list": {
            "api": f"{base}/api/v1/proposals/?page_size=50",
            "floor": f"{base}/bench/floor/proposals/?page_size=50",
            "naive": f"{base}/bench/naive/proposals/?page_size=50",
        },
        "proposal": {
            "api": f"{base}/api/v1/proposals/{proposal_id}/",
            "floor": f"{base}/bench/floor/proposals/{proposal_id}/",
            "naive": f"{base}/bench/naive/proposals/{proposal_id}/",
        },
        "offers_search": {
            "api": f"{base}/api/v1/offers/?{query}",
            "floor": f"{base}/bench/floor/offers/?{query}",
            "naive": f"{base}/bench/naive/offers/?{query}",
        },
        "needs_list": {
            "api": f"{base}/api/v1/needs/?page_size=50",
            "floor": f"{base}/bench/floor/needs/?page_size=50",
            "naive": f"{base}/bench/naive/needs/?page_size=50",
        },
    }


def same_json(urls: dict[str, str], token: str | None) -> dict[str, bool]:
    """Whether the floor and naive views answer exactly what the API answers."""
    _, expected = fetch(urls["api"], token)
    same = {}
    for name, url in urls.items():
        if name != "api":
            body = fetch(url, token)[1]
            if name == "naive" and isinstance(body, dict) and "next" in body:
                # DRF's own pagination links name the naive view's path.
                body = {**body, "next": expected["next"], "previous": expected["previous"]}  # type: ignore[index]
            same[name] = body == expected
    return same


def settle(base: str, workers: int) -> None:
    """Wait until every gunicorn worker is free: when wrk stops, the requests it left in flight
    are still being served, and the next run's first requests would queue behind them (after the
    naive view, up to ~0.3 s: the API's p99, measured right after it, read 1.45-1.65 x its floor's
    in some rounds and 0.97 in others). Free means each worker answers the empty view within one
    burst of concurrent requests."""
    deadline = time.monotonic() + 60

    def answer(_: int) -> str:
        with urllib.request.urlopen(f"{base}/bench/empty", timeout=30) as response:
            return response.headers["X-Worker"]

    with ThreadPoolExecutor(2 * workers) as pool:
        while time.monotonic() < deadline:
            if len(set(pool.map(answer, range(2 * workers)))) >= workers:
                return
    raise RuntimeError("the server's workers did not all become free within 60 s")


def measure(
    urls: dict[str, str],
    token: str | None,
    seconds: int,
    variants: tuple[str, ...],
    rounds: int = 1,
    before_each=lambda: None,
    settle_each=lambda: None,
) -> dict:
    """wrk on each variant, interleaved over `rounds` (the machine's load drifts between runs):
    the median round's req/s, p50 and p99, errors summed. settle_each runs before every wrk run,
    after before_each."""
    for name in variants:  # warm each worker's caches and connections
        for _ in range(8):
            fetch(urls[name], token)
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name in variants:
            before_each()
            settle_each()
            runs[name].append(wrk(urls[name], seconds, token))
    figures = {}
    for name, results in runs.items():
        figures[name] = {
            key: statistics.median(result[key] for result in results)
            for key in ("rps", "p50_ms", "p99_ms")
        }
        for key in ("requests", "non_2xx", "socket_errors"):
            figures[name][key] = sum(result[key] for result in results)
    floor = figures["floor"]
    for name in variants:
        if name != "floor":
            figures[name]["rps_to_floor"] = round(figures[name]["rps"] / floor["rps"], 3)
            figures[name]["p99_to_floor"] = round(figures[name]["p99_ms"] / floor["p99_ms"], 3)
    return figures


def vacuum(connection) -> float:
    """VACUUM (ANALYZE) the database, as autovacuum would have done by then: after pipeline runs
    the proposals are mostly superseded rows, and with autovacuum off (as on some CI servers) a
    list's COUNT read the whole heap (22 ms of 99 MB at 39,000 proposals) instead of the index."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return round(time.perf_counter() - started, 2)


def coordinator_token() -> str:
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    from bench.load import COORDINATOR

    user = get_user_model().objects.get(username=COORDINATOR)
    return AuthToken.objects.create(user=user)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved wrk runs per variant")
    parser.add_argument("--query", default="area=KE-30&category=laptops&q=schools")
    parser.add_argument("--only", help="comma-separated endpoints to measure")
    parser.add_argument("--skip-under-run", action="store_true")
    parser.add_argument(
        "--run-wait",
        type=int,
        default=300,
        help="seconds to let the last match run finish before the worker stops",
    )
    parser.add_argument(
        "--no-vacuum", action="store_true", help="measure without VACUUM (ANALYZE) first"
    )
    arguments = parser.parse_args()

    queue = f"bench-{os.getpid()}"
    setup_django(arguments.database_url, CELERY_BROKER_URL=arguments.broker, CELERY_QUEUE=queue)
    from django.db import connection

    from matching.models import MatchRun, Proposal
    from matching.services.runs import request_match_run
    from tests.worker import WorkerProcess

    proposal_id = (
        Proposal.objects.filter(lines__isnull=False)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if proposal_id is None:
        sys.exit("No proposals: run python -m bench.pipeline first.")
    token = coordinator_token()
    base = f"http://127.0.0.1:{arguments.port}"
    report: dict = {
        "calibration": {
            "pgbench_select_tps": pgbench_select_tps(arguments.database_url),
            **machine(),
        },
        "proposals": Proposal.objects.count(),
    }
    if not arguments.no_vacuum:
        report["vacuum_seconds"] = vacuum(connection)
    chosen = endpoints(base, proposal_id, arguments.query)
    if arguments.only:
        chosen = {name: chosen[name] for name in arguments.only.split(",")}
    server = serve(arguments.database_url, arguments.port, arguments.workers)
    try:
        report["calibration"]["empty_view_rps"] = measure(
            {"floor": f"{base}/bench/empty"}, token, arguments.seconds, ("floor",)
        )["floor"]["rps"]
        tokens = {name: token if name in CREDENTIALED else None for name in chosen}
        report["credentialed"] = sorted(name for name in chosen if tokens[name])
        report["same_json"] = {name: same_json(urls, tokens[name]) for name, urls in chosen.items()}

        def free() -> None:
            settle(base, arguments.workers)

        report["idle"] = {
            name: measure(
                urls,
                tokens[name],
                arguments.seconds,
                ("api", "floor", "naive"),
                arguments.rounds,
                settle_each=free,
            )
            for name, urls in chosen.items()
        }
        if not arguments.skip_under_run:
            worker = WorkerProcess(
                connection.settings_dict, extra_env={"CELERY_BROKER_URL": arguments.broker}
            )
            worker.queue = worker.env["CELERY_QUEUE"] = queue
            worker.start()
            try:
                started: list[int] = []

                def keep_a_run_going() -> None:
                    """Before each wrk run: a whole-catalogue run is executing (a new one if the
                    last finished), so that every measurement overlaps a run."""
                    if (
                        started
                        and MatchRun.objects.filter(
                            pk=started[-1], status=MatchRun.Status.RUNNING
                        ).exists()
                    ):
                        return
                    run = request_match_run(trigger=MatchRun.Trigger.MANUAL)
                    started.append(run.pk)
                    while MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.QUEUED:
                        time.sleep(0.1)

                under = {
                    name: measure(
                        urls,
                        tokens[name],
                        arguments.seconds,
                        ("api", "floor"),
                        arguments.rounds,
                        before_each=keep_a_run_going,
                        settle_each=free,
                    )
                    for name, urls in chosen.items()
                }
                for name, figures in under.items():
                    idle = report["idle"][name]["api"]["p99_ms"]
                    figures["api"]["p99_to_idle"] = round(figures["api"]["p99_ms"] / idle, 3)
                last = MatchRun.objects.get(pk=started[-1])
                report["under_run"] = {
                    "runs": started,
                    "last_run_still_running_at_end": last.status == MatchRun.Status.RUNNING,
                    "last_run_stage_at_end": last.stage,
                    **under,
                }
                # Let that run finish before the worker stops, so that the database is not left
                # with a run `running` until its heartbeat goes stale.
                waiting = (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)
                deadline = time.monotonic() + arguments.run_wait
                while last.status in waiting and time.monotonic() < deadline:
                    time.sleep(0.5)
                    last.refresh_from_db(fields=["status"])
                report["under_run"]["last_run_status_after_wait"] = last.status
            finally:
                worker.stop()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
