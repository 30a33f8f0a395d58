"""Executing a match run: claim, heartbeat, progress, and its end (succeeded or failed).

Runs are queued by runs.py; a worker's task calls execute_match_run.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from matching.engine import Parameters, Result, solve
from matching.models import MatchRun
from matching.selectors import load_problem
from matching.services import notices
from matching.services.history import record
from matching.services.proposals import save_proposals

logger = logging.getLogger(__name__)


def _claim(run_id: int) -> MatchRun | None:
    """Take the run for this worker and answer it as claimed (one statement), or None."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.MATCH_RUN_STALE_SECONDS)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    table = MatchRun._meta.db_table
    # A conditional UPDATE ... RETURNING: the claim and the read of the claimed run in one
    # round trip (QuerySet.update() answers only a count).
    claimed = MatchRun.objects.raw(
        f'UPDATE "{table}" SET "status" = %s, "started_at" = %s, "heartbeat_at" = %s,'
        ' "worker" = %s, "progress" = 0, "stage" = %s, "attempts" = "attempts" + 1'
        ' WHERE "id" = %s AND ("status" = %s OR ("status" = %s AND "heartbeat_at" < %s))'
        " RETURNING *",
        [
            MatchRun.Status.RUNNING,
            now,
            now,
            worker,
            "claimed",
            run_id,
            MatchRun.Status.QUEUED,
            MatchRun.Status.RUNNING,
            stale,
        ],
    )
    return next(iter(claimed), None)


PROGRESS_EVERY_SECONDS = 0.5


def _progress(run_id: int, claimed: float | None = None) -> Callable[[str, int], None]:
    """The engine's progress callback: writes the run's stage, progress and heartbeat.

    Nothing is written in the first half second after the claim (a run of one need finishes
    before then), and a stage already written is written again at most every half second; a
    new stage is written at once, so a long solve shows `allocation`, not the short stage
    before it. claimed: when the claim set the heartbeat (time.monotonic(); now by default).
    """
    started = time.monotonic() if claimed is None else claimed
    last: dict[str, Any] = {"at": started, "stage": None}

    def report(stage: str, percent: int) -> None:
        now = time.monotonic()
        if now - started < PROGRESS_EVERY_SECONDS or (
            stage == last["stage"] and now - last["at"] < PROGRESS_EVERY_SECONDS
        ):
            return
        last.update(at=now, stage=stage)
        MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
            stage=stage[:40], progress=max(0, min(100, int(percent))), heartbeat_at=timezone.now()
        )

    return report


class Heartbeat:
    """Writes a running run's heartbeat from a thread every `every` seconds until stopped.

    The engine reports progress between blocks and stages, and a large block is one long solve
    (HiGHS releases the GIL), so without this a run alive for longer than
    MATCH_RUN_STALE_SECONDS would be taken for a dead worker's and handed to another one.
    """

    def __init__(self, run_id: int, every: float):
        self.run_id, self.every = run_id, every
        self.beats = 0
        self._stop = threading.Event()
        self._beaten = threading.Condition()
        self._thread = threading.Thread(
            target=self._run, name=f"match-run-{run_id}-heartbeat", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def wait_for(self, beats: int, timeout: float) -> bool:
        """Block until `beats` beats have been written (or `timeout` seconds); True if they were."""
        with self._beaten:
            return self._beaten.wait_for(lambda: self.beats >= beats, timeout)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    MatchRun.objects.filter(pk=self.run_id, status=MatchRun.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # the database is away: try again at the next beat
                    logger.warning(
                        "Match run %s: heartbeat not written", self.run_id, exc_info=True
                    )
                    connection.close()
                    continue
                with self._beaten:
                    self.beats += 1
                    self._beaten.notify_all()
        finally:
            connection.close()  # this thread's own connection


def heartbeat_interval() -> float:
    """Five beats per MATCH_RUN_STALE_SECONDS: a run is taken for dead only after five misses."""
    return settings.MATCH_RUN_STALE_SECONDS / 5


def execute_match_run(*, run_id: int) -> MatchRun:
    """Claim the run, solve it, store proposals and metrics (or the error). Safe to run twice."""
    run = _claim(run_id)
    if run is None:
        return MatchRun.objects.get(pk=run_id)
    record(
        run,
        MatchRun.Status.RUNNING,
        from_state=MatchRun.Status.QUEUED,
        reason=f"claimed by {run.worker} (attempt {run.attempts})",
    )
    report = _progress(run_id)
    try:
        parameters = dict(run.parameters)
        scope = parameters.pop("scope", {})
        with Heartbeat(run_id, heartbeat_interval()):
            report("loading", 2)
            started = timezone.now()
            problem = load_problem(scope=scope)
            load_seconds = (timezone.now() - started).total_seconds()
            result = solve(
                problem, Parameters.from_dict(parameters), progress=_scaled(report, 5, 90)
            )
        report("saving", 92)
        store_result(
            run_id=run_id,
            result=result,
            need_ids=[need.id for need in problem.needs],
            load_seconds=load_seconds,
        )
    except Exception as error:
        logger.exception("Match run %s failed", run_id)
        _fail(run, error)
        raise
    return MatchRun.objects.get(pk=run_id)


def _scaled(report: Callable[[str, int], None], low: int, high: int) -> Callable[[str, int], None]:
    return lambda stage, percent: report(stage, low + (high - low) * int(percent) // 100)


@transaction.atomic
def store_result(
    *, run_id: int, result: Result, need_ids: list[int], load_seconds: float = 0.0
) -> int:
    """Store the run's proposals and metrics and mark it succeeded, in one transaction.

    Answers how many proposals were created; 0 if the run is no longer running (another
    delivery finished it).
    """
    run = MatchRun.objects.select_for_update().get(pk=run_id)
    if run.status != MatchRun.Status.RUNNING:
        return 0  # another delivery finished it
    stored = save_proposals(run_id=run_id, result=result, need_ids=need_ids)
    metrics = dict(result.metrics)
    seconds = dict(metrics.get("seconds", {}))
    seconds["load"] = round(load_seconds, 4)
    seconds["save"] = round(stored.seconds, 4)
    metrics.update(
        seconds=seconds,
        proposals_created=stored.created,
        proposals_kept=stored.kept,
        proposals_superseded=stored.superseded,
    )
    run.status = MatchRun.Status.SUCCEEDED
    run.metrics = metrics
    run.progress = 100
    run.stage = "done"
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "metrics", "progress", "stage", "finished_at"])
    record(
        run, MatchRun.Status.SUCCEEDED, from_state=MatchRun.Status.RUNNING, reason="run finished"
    )
    notices.proposals_to_review(run=run, created=stored.created)
    return stored.created


def _fail(run: MatchRun, error: Exception) -> None:
    """Mark the run failed with the error and where it was raised."""
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.FAILED,
        error=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}"[:10000],
        finished_at=timezone.now(),
    )
    record(run, MatchRun.Status.FAILED, from_state=MatchRun.Status.RUNNING, reason=str(error)[:500])
