"""Match runs: request, claim, execute, recover (their parameters: run_parameters.py)."""

from __future__ import annotations

import datetime
import json
import logging
import os
import socket
import threading
import time
import traceback
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.engine import Parameters, solve
from matching.models import MatchRun
from matching.selectors import load_problem
from matching.services.history import record
from matching.services.proposals import save_proposals

# The parameters' names that callers read here (the API serializer, tests) until they import
# them from run_parameters, where they live.
from matching.services.run_parameters import MAX_SCOPE_NEED_IDS as MAX_SCOPE_NEED_IDS
from matching.services.run_parameters import MAX_SCOPE_NEEDS as MAX_SCOPE_NEEDS
from matching.services.run_parameters import MAX_SCOPE_OFFERS as MAX_SCOPE_OFFERS
from matching.services.run_parameters import PARAMETER_LIMITS as PARAMETER_LIMITS
from matching.services.run_parameters import clean_parameters
from registry.errors import Conflict
from registry.models import Need

logger = logging.getLogger(__name__)
EXECUTE_TASK = "matching.execute_run"
# A newly published need's run reads this many offers per category (5 x the engine's top_k),
# ranked in SQL, so that its proposal is stored in a fraction of a second at any catalogue size.
NEED_RUN_OFFERS_PER_CATEGORY = 100


def send_execute(run_id: int, countdown: float = 0) -> None:
    """Publish the task that executes a run, on the configured queue."""
    current_app.send_task(
        EXECUTE_TASK,
        args=[run_id],
        countdown=countdown or None,
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,
    )


def _enqueue(run: MatchRun, countdown: float = 0) -> None:
    transaction.on_commit(lambda: send_execute(run.pk, countdown))


@transaction.atomic
def request_match_run(
    *, trigger: str, actor=None, parameters: dict[str, Any] | None = None
) -> MatchRun:
    """Queue a run; a worker executes it after the transaction commits."""
    run = MatchRun.objects.create(
        trigger=trigger,
        parameters=clean_parameters(parameters),
        requested_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record(run, MatchRun.Status.QUEUED, actor=actor, reason=f"{trigger} run requested")
    _enqueue(run)
    return run


@transaction.atomic
def request_manual_run(*, actor, parameters: dict[str, Any] | None = None) -> MatchRun:
    """A coordinator's run; one at a time per scope while it is queued or running."""
    cleaned = clean_parameters(parameters)
    scope_key = json.dumps(cleaned["scope"], sort_keys=True)
    with connection.cursor() as cursor:  # serialises requests for the same scope
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"manual-run {scope_key}"])
    active = MatchRun.objects.filter(
        trigger=MatchRun.Trigger.MANUAL,
        status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING],
        parameters__scope=cleaned["scope"],
    ).first()
    if active is not None:
        raise Conflict(
            _("Run %(id)s of this scope is still %(status)s; wait for it to finish.")
            % {"id": active.pk, "status": active.status},
            "run_in_progress",
        )
    return request_match_run(trigger=MatchRun.Trigger.MANUAL, actor=actor, parameters=parameters)


@transaction.atomic
def request_need_run(*, need_id: int, actor=None) -> MatchRun:
    """Queue a run scoped to one need, sent to a worker at once; one queued run per need.

    A user has at most MATCH_RUNS_QUEUED_PER_USER such runs queued: beyond them, the need waits
    for the debounced global run (one queued at a time), so a burst of one user's writes queues
    a bounded number of runs however many needs it publishes.
    """
    scope = {"need_ids": [need_id], "offers_per_category": NEED_RUN_OFFERS_PER_CATEGORY}
    queued = MatchRun.objects.filter(
        trigger=MatchRun.Trigger.NEED,
        status=MatchRun.Status.QUEUED,
        parameters__scope__need_ids=[need_id],
    ).first()
    if queued is not None:  # repeated changes to one need wait for the run already queued
        return queued
    if actor is not None and actor.is_authenticated:
        with connection.cursor() as cursor:  # serialises one user's requests: the count holds
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"need-runs {actor.pk}"])
        users_queued = MatchRun.objects.filter(
            trigger=MatchRun.Trigger.NEED, status=MatchRun.Status.QUEUED, requested_by=actor
        ).count()
        if users_queued >= settings.MATCH_RUNS_QUEUED_PER_USER:
            return request_event_run(reason=f"need {need_id} published")
    return request_match_run(
        trigger=MatchRun.Trigger.NEED, actor=actor, parameters={"scope": scope}
    )


def request_runs_for_change(
    *, kind: str, object_id: int, change: str, actor=None
) -> MatchRun | None:
    """A newly published need is matched on its own at once; other changes queue the global run.

    The targeted run reads only the offers that can reach that need, so its proposal is stored
    within a fraction of a second; the debounced global run re-balances the rest.
    """
    if kind == "need" and change == "published":
        if not Need.objects.filter(pk=object_id, organization__verified_at__isnull=False).exists():
            return None  # not matched until its organization is verified
        return request_need_run(need_id=object_id, actor=actor)
    return request_event_run(reason=f"{kind} {object_id} {change}")


def request_event_run(*, reason: str) -> MatchRun:
    """Queue a debounced run after a catalogue change: a burst of changes gives one run."""
    delay = settings.MATCH_RUN_DEBOUNCE_SECONDS
    existing = MatchRun.objects.filter(
        status=MatchRun.Status.QUEUED, trigger=MatchRun.Trigger.EVENT
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(
                trigger=MatchRun.Trigger.EVENT,
                parameters=clean_parameters(None),
                not_before=timezone.now() + datetime.timedelta(seconds=delay),
            )
            record(run, MatchRun.Status.QUEUED, reason=reason)
            _enqueue(run, countdown=delay)
    except IntegrityError:  # another change queued it first (matchrun_one_queued_event_run)
        return MatchRun.objects.get(status=MatchRun.Status.QUEUED, trigger=MatchRun.Trigger.EVENT)
    return run


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


def _progress(run_id: int, claimed: float | None = None):
    """The engine's progress callback: writes the run's stage, progress and heartbeat.

    Nothing is written in the first half second after the claim (a run of one need finishes
    before then), and a stage already written is written again at most every half second; a
    new stage is written at once, so a long solve shows `allocation`, not the short stage
    before it. claimed: when the claim set the heartbeat (time.monotonic(); now by default).
    """
    started = time.monotonic() if claimed is None else claimed
    last = {"at": started, "stage": None}

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

    def __exit__(self, *exc_info) -> None:
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
        save_proposals(
            run_id=run_id,
            result=result,
            need_ids=[need.id for need in problem.needs],
            load_seconds=load_seconds,
        )
    except Exception as error:
        logger.exception("Match run %s failed", run_id)
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}"[:10000],
            finished_at=timezone.now(),
        )
        record(
            run, MatchRun.Status.FAILED, from_state=MatchRun.Status.RUNNING, reason=str(error)[:500]
        )
        raise
    return MatchRun.objects.get(pk=run_id)


def _scaled(report, low: int, high: int):
    return lambda stage, percent: report(stage, low + (high - low) * int(percent) // 100)


def recover_stale_runs() -> list[int]:
    """Re-queue runs stuck in `running` after their worker died (no heartbeat for a while)."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.MATCH_RUN_STALE_SECONDS)
    recovered = []
    for run in MatchRun.objects.filter(status=MatchRun.Status.RUNNING, heartbeat_at__lt=stale):
        with transaction.atomic():
            updated = MatchRun.objects.filter(
                pk=run.pk, status=MatchRun.Status.RUNNING, heartbeat_at__lt=stale
            ).update(status=MatchRun.Status.QUEUED, stage="requeued", progress=0)
            if updated:
                record(
                    run,
                    MatchRun.Status.QUEUED,
                    from_state=MatchRun.Status.RUNNING,
                    reason=f"worker {run.worker} stopped reporting; re-queued",
                )
                _enqueue(run)
                recovered.append(run.pk)
    return recovered


def dispatch_due_runs() -> list[int]:
    """Send queued runs that no worker holds (a publish lost after commit is sent again)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.MATCH_RUN_DEBOUNCE_SECONDS + 60)
    due = list(
        MatchRun.objects.filter(status=MatchRun.Status.QUEUED, created_at__lt=cutoff)
        .filter(Q(not_before__isnull=True) | Q(not_before__lt=cutoff))
        .values_list("pk", flat=True)
    )
    for run_id in due:
        send_execute(run_id)
    return due
