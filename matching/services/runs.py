"""The queue of match runs: request, recover, dispatch.

Their parameters are checked by run_parameters.py; a worker executes them (run_execution.py).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import MatchRun
from matching.services.history import record
from matching.services.run_parameters import clean_parameters
from registry.actors import Actor
from registry.errors import Conflict
from registry.models import Need

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
    *, trigger: str, actor: Actor | None = None, parameters: dict[str, Any] | None = None
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
def request_manual_run(*, actor: Actor, parameters: dict[str, Any] | None = None) -> MatchRun:
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
def request_need_run(*, need_id: int, actor: Actor | None = None) -> MatchRun:
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
    *, kind: str, object_id: int, change: str, actor: Actor | None = None
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
