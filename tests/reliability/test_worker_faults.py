"""Worker faults: a run survives the kill -9 of its pool process or of its whole worker, a publish
lost between commit and broker, and a broker restart; it completes exactly once and its
proposals are not duplicated.

The runs are large enough to be interrupted in the middle of the solve: 1,500 needs by 6,000
offers, with the solver's time limit kept at a few seconds so the test stays bounded.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys

import pytest
from celery import current_app
from django.db import connection
from django.db.models import Count, F
from kombu import Connection, Exchange, Queue

from matching.models import MatchRun, Proposal, StateChange
from matching.services.run_parameters import clean_parameters
from matching.services.runs import dispatch_due_runs, recover_stale_runs
from matching.services.runs import request_match_run as request_run
from registry.models import Need
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory
from tests.factories.catalogue import load_catalogue
from tests.reliability.history import event_model
from tests.reliability.workers import (
    RedisServer,
    is_alive,
    parent_of,
    queued_messages,
    worker_on,
)
from tests.worker import ROOT, database_url, wait_for

pytestmark = pytest.mark.worker

STALE_SECONDS = 6  # longer than the heartbeat gap of a 2-second solve
SOLVE = {"time_limit": 2}


@pytest.fixture
def fault_settings(reference_data, settings):
    settings.MATCH_RUN_STALE_SECONDS = STALE_SECONDS
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    return settings


def run_of(run_id: int) -> MatchRun:
    return MatchRun.objects.get(pk=run_id)


def wait_until_solving(run_id: int, worker) -> MatchRun:
    """Wait until the run is in the allocation (solve) stage, and answer it."""
    wait_for(
        lambda: run_of(run_id).stage == "allocation",
        timeout=90,
        what="the run to reach the solve stage",
        process=worker,
    )
    return run_of(run_id)


def recover_once_stale(run_id: int) -> None:
    """Do what beat's recover task does, once the dead process's heartbeat has gone stale, unless
    a redelivered message has already taken the run again."""
    stale = datetime.timedelta(seconds=STALE_SECONDS + 0.5)
    wait_for(
        lambda: (
            run_of(run_id).status != MatchRun.Status.RUNNING
            or run_of(run_id).heartbeat_at < datetime.datetime.now(datetime.UTC) - stale
        ),
        timeout=STALE_SECONDS + 30,
        what="the heartbeat to go stale",
    )
    if run_of(run_id).attempts == 1:
        # [] only when a redelivered message claims it at this very moment.
        assert recover_stale_runs() in ([run_id], [])


def assert_completed_once(run_id: int, needs: int) -> MatchRun:
    run = run_of(run_id)
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    assert run.attempts == 2
    assert (
        StateChange.objects.filter(
            subject_type="matchrun", subject_id=run_id, to_state="succeeded"
        ).count()
        == 1
    )
    proposals = Proposal.objects.filter(run_id=run_id)
    assert proposals.count() == run.metrics["proposals_created"] > needs // 4
    assert not Proposal.objects.values("need").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert Proposal.objects.exclude(run_id=run_id).count() == 0
    # History holds one insert per stored proposal, made by the task: the killed attempt left none.
    inserts = event_model("matching.ProposalEvent").objects.filter(pgh_label="insert")
    assert inserts.count() == proposals.count()
    assert {
        (row["pgh_context__metadata"]["task"], row["pgh_context__metadata"]["run"])
        for row in inserts.values("pgh_context__metadata")
    } == {("matching.execute_run", run_id)}
    return run


def test_killing_the_pool_process_mid_solve_redelivers_and_completes_once(fault_settings):
    counts = load_catalogue()
    worker = worker_on(MATCH_RUN_STALE_SECONDS=str(STALE_SECONDS)).start()
    fault_settings.CELERY_TASK_DEFAULT_QUEUE = worker.queue
    try:
        run_id = request_run(trigger="manual", parameters=SOLVE).pk
        solving = wait_until_solving(run_id, worker)
        child = int(solving.worker.rsplit(":", 1)[1])
        assert parent_of(child) == worker.process.pid  # the pool process, not the worker itself
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: not is_alive(child), timeout=10, what="the pool process to die")
        assert run_of(run_id).progress < 90 and not Proposal.objects.exists()

        # reject_on_worker_lost puts the message back and the worker receives it a second time.
        # It claims the run when the heartbeat is already stale; otherwise beat's recovery does.
        wait_for(
            lambda: (
                worker.output().count("] received") >= 2 and "WorkerLostError" in worker.output()
            ),
            timeout=30,
            what="the message to be delivered again",
            process=worker,
        )
        recover_once_stale(run_id)
        wait_for(
            lambda: run_of(run_id).status in {"succeeded", "failed"},
            timeout=120,
            what="the redelivered run to finish",
            process=worker,
        )
    finally:
        worker.stop()
    assert_completed_once(run_id, counts["needs"])


def test_killing_the_whole_worker_mid_solve_recovers_on_a_new_worker_once(fault_settings):
    counts = load_catalogue()
    first = worker_on(MATCH_RUN_STALE_SECONDS=str(STALE_SECONDS)).start()
    fault_settings.CELERY_TASK_DEFAULT_QUEUE = first.queue
    second = worker_on(first.queue, MATCH_RUN_STALE_SECONDS=str(STALE_SECONDS))
    try:
        run_id = request_run(trigger="manual", parameters=SOLVE).pk
        solving = wait_until_solving(run_id, first)
        child = int(solving.worker.rsplit(":", 1)[1])
        master = first.process.pid
        os.killpg(master, signal.SIGKILL)  # the worker and its pool, by the recorded PID
        first.process.wait(timeout=10)
        wait_for(lambda: not is_alive(child), timeout=10, what="the pool process to die")
        assert run_of(run_id).status == MatchRun.Status.RUNNING
        assert not Proposal.objects.exists()

        second.start()
        recover_once_stale(run_id)
        wait_for(
            lambda: run_of(run_id).status in {"succeeded", "failed"},
            timeout=120,
            what="the run to finish on the new worker",
            process=second,
        )
    finally:
        first.stop()
        second.stop()
    run = assert_completed_once(run_id, counts["needs"])
    assert run.worker.rsplit(":", 1)[1] != str(child)


# The process commits the run and dies before on_commit can publish it (callbacks run in order).
CRASH_AFTER_COMMIT = """
import os
import django
django.setup()
from django.db import transaction
from matching.services.runs import request_match_run
with transaction.atomic():
    transaction.on_commit(lambda: os._exit(137))
    print(request_match_run(trigger="manual").pk, flush=True)
"""


def small_catalogue(needs: int = 3) -> None:
    for _ in range(2):
        OfferFactory(quantity=200)
    for _ in range(needs):
        NeedItemFactory(need=NeedFactory(), quantity=40)


def test_a_run_whose_publish_was_lost_after_commit_is_sent_again_by_the_reconciler(
    fault_settings,
):
    small_catalogue()
    worker = worker_on()
    fault_settings.CELERY_TASK_DEFAULT_QUEUE = worker.queue
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_COMMIT],
        cwd=ROOT,
        env={**worker.env, "DATABASE_URL": database_url(connection.settings_dict)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert crashed.returncode == 137, crashed.stderr[-3000:]
    run_id = int(crashed.stdout.split()[-1])
    assert run_of(run_id).status == MatchRun.Status.QUEUED
    assert queued_messages(worker.queue) == 0  # committed, never published

    assert dispatch_due_runs() == []  # a fresh run may still be in flight: left alone
    MatchRun.objects.filter(pk=run_id).update(
        created_at=F("created_at") - datetime.timedelta(minutes=5)
    )
    # Beat's reconciler finds it; running twice sends it twice, and it still executes once.
    assert dispatch_due_runs() == [run_id]
    assert dispatch_due_runs() == [run_id]
    assert queued_messages(worker.queue) == 2
    try:
        worker.start()
        wait_for(
            lambda: run_of(run_id).status == "succeeded" and queued_messages(worker.queue) == 0,
            timeout=60,
            what="the reconciled run to finish",
            process=worker,
        )
        wait_for(
            lambda: worker.output().count("succeeded in") >= 2,
            timeout=30,
            what="the second message to be consumed",
            process=worker,
        )
    finally:
        worker.stop()
    run = run_of(run_id)
    assert run.attempts == 1
    assert Proposal.objects.filter(run=run).count() == Need.objects.count() == 3
    assert dispatch_due_runs() == []


def test_after_a_broker_restart_an_idle_worker_consumes_the_next_task(fault_settings, tmp_path):
    broker = RedisServer(tmp_path)
    assert broker.binary is not None, "redis-server is needed for this test (Debian: redis-server)"
    small_catalogue(needs=2)
    broker.start()
    worker = worker_on(CELERY_BROKER_URL=broker.url)
    parked = f"{worker.queue}-parked"

    def publish(run_id: int, queue: str) -> None:
        # An explicit connection: a Celery app prefers CELERY_BROKER_URL from the environment.
        with Connection(broker.url) as conn:
            Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel).declare()
            current_app.send_task(
                "matching.execute_run", args=[run_id], queue=queue, connection=conn
            )

    def waiting(queue: str) -> int:
        with Connection(broker.url) as conn:
            return conn.default_channel.queue_declare(queue=queue, passive=True).message_count

    def new_run() -> int:
        return MatchRun.objects.create(parameters=clean_parameters(None)).pk

    try:
        worker.start()
        first = new_run()
        publish(first, worker.queue)
        wait_for(lambda: run_of(first).status == "succeeded", timeout=60, what="the first run")

        # A message nobody consumes, to show that the append-only file keeps queued tasks.
        parked_run = new_run()
        publish(parked_run, parked)
        broker.kill()
        wait_for(
            lambda: "Connection to broker lost" in worker.output(),
            timeout=30,
            what="the worker to notice the broker is gone",
            process=worker,
        )
        broker.start()
        assert waiting(parked) == 1

        second = new_run()
        publish(second, worker.queue)
        wait_for(
            lambda: run_of(second).status == "succeeded",
            timeout=90,
            what="the task published after the restart",
            process=worker,
        )
        assert run_of(parked_run).status == MatchRun.Status.QUEUED
    finally:
        worker.stop()
        broker.kill()
