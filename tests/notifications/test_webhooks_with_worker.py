"""A real Celery worker delivers webhooks to a receiver on loopback: retried until it answers,
signed for the reference library, and sent at most once per event even when two deliveries of
the same task race or a worker is killed mid-request."""

from __future__ import annotations

import datetime
import signal
from pathlib import Path

import pytest
import standardwebhooks
from django.db import connection
from django.utils import timezone

from matching.services import review
from notifications.models import Kind, Webhook, WebhookDelivery
from notifications.services import webhooks
from notifications.services.webhook_signing import new_secret
from tests.notifications.receiver import Receiver
from tests.notifications.scene import build_scene
from tests.worker import WorkerProcess, wait_for

pytestmark = pytest.mark.worker

WORKER_ENV = {
    "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "1",
    "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
    "WEBHOOK_RETRY_MAX_SECONDS": "1",
}


def _start(settings, concurrency: int = 1) -> WorkerProcess:
    process = WorkerProcess(
        connection.settings_dict, extra_env=WORKER_ENV, concurrency=concurrency
    ).start()
    settings.CELERY_TASK_DEFAULT_QUEUE = process.queue
    return process


@pytest.fixture
def worker(reference_data, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    process = _start(settings, concurrency=2)
    try:
        yield process
    finally:
        process.stop()


def _subscribe(scene, url: str, kind: str = Kind.ACCEPTANCE_TO_CONFIRM) -> Webhook:
    return Webhook.objects.create(
        url=url,
        organization_id=scene.partner.pk,
        events=[kind],
        created_by=scene.people["ngo.admin"],
        secret=new_secret(),
    )


def _status(delivery_id: int) -> str:
    return WebhookDelivery.objects.get(pk=delivery_id).status


def _delivered(delivery: WebhookDelivery, worker: WorkerProcess, what: str) -> None:
    wait_for(
        lambda: _status(delivery.pk) == WebhookDelivery.Status.DELIVERED,
        timeout=60,
        what=what,
        process=worker,
    )


def test_a_failing_receiver_gets_the_event_once_it_answers_and_a_duplicate_task_sends_nothing(
    worker,
):
    # One worker for both behaviours: starting one is the slow part of these tests.
    scene = build_scene()
    with Receiver([500, 502, 200]) as receiver:
        webhook = _subscribe(scene, receiver.url)
        review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
        delivery = WebhookDelivery.objects.get(webhook=webhook)
        _delivered(delivery, worker, "the worker to deliver after two failures")
        received = receiver.received()

    assert len(received) == 3
    assert {request.headers["webhook-id"] for request in received} == {delivery.message_id}
    verifier = standardwebhooks.Webhook(webhook.secret)
    payload = verifier.verify(received[-1].body, received[-1].headers)
    assert payload["type"] == Kind.ACCEPTANCE_TO_CONFIRM
    assert list(delivery.log.values_list("status_code", flat=True)) == [500, 502, 200]

    with Receiver([200], hold_first=True) as receiver:
        webhook = _subscribe(scene, receiver.url, Kind.CONFIRMATION_RECEIVED)
        review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=scene.proposal.pk)
        delivery = WebhookDelivery.objects.get(webhook=webhook)
        assert receiver.arrived.wait(timeout=60), worker.output()[-3000:]
        # The first task holds the claim while the receiver keeps it waiting; the same task
        # again (a duplicate message, the schedule's sweep) finds it claimed and sends nothing.
        webhooks.send_delivery(delivery.pk)
        webhooks.dispatch_due_deliveries()
        wait_for(
            lambda: worker.output().count("'not due'") >= 1,
            timeout=60,
            what="the duplicate task to find the delivery claimed",
            process=worker,
        )
        receiver.release()
        _delivered(delivery, worker, "the held delivery to finish")
        assert len(receiver.received()) == 1


class WorkerWithBeat(WorkerProcess):
    """A worker that runs the beat schedule too (`--beat`), as a deployment's beat would."""

    def __init__(self, settings_dict: dict, *, schedule: Path, extra_env: dict[str, str]):
        super().__init__(settings_dict, extra_env=extra_env)
        self.schedule = schedule

    def command(self) -> list[str]:
        return [*super().command(), "--beat", "--schedule", str(self.schedule)]


# The lease of a delivery whose worker dies, and the sweep that sends it again once it expires:
# short here, the same code paths as in production (60 s and 60 s by default).
LEASE_SECONDS = 12
KILL_ENV = {
    **WORKER_ENV,
    "WEBHOOK_LEASE_SECONDS": str(LEASE_SECONDS),
    "WEBHOOK_SWEEP_SECONDS": "1",
    # The schedule's other tasks stay out of the test's minute.
    "MATCH_RUN_SCHEDULE_SECONDS": "3600",
    "NUDGE_SCHEDULE_SECONDS": "3600",
    "PROPOSAL_EXPIRY_CHECK_SECONDS": "3600",
}


def test_a_worker_killed_mid_delivery_is_swept_after_its_lease_and_processed_once(
    reference_data, settings, tmp_path
):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    scene = build_scene()
    first = WorkerProcess(connection.settings_dict, extra_env=KILL_ENV).start()
    second: WorkerProcess | None = None
    settings.CELERY_TASK_DEFAULT_QUEUE = first.queue
    with Receiver([200], hold_first=True) as receiver:
        try:
            webhook = _subscribe(scene, receiver.url)
            review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
            delivery = WebhookDelivery.objects.get(webhook=webhook)
            # The first worker's request is held open by the receiver: the delivery is in flight.
            assert receiver.arrived.wait(timeout=60), first.output()[-3000:]
            held = WebhookDelivery.objects.get(pk=delivery.pk)
            assert held.status == WebhookDelivery.Status.SENDING
            assert held.lease_until is not None
            assert held.lease_until <= timezone.now() + datetime.timedelta(seconds=LEASE_SECONDS)
            # A second worker, whose beat sweeps every second, runs beside it; then the first
            # dies in the middle of the request.
            second = WorkerWithBeat(
                connection.settings_dict, schedule=tmp_path / "beat-schedule", extra_env=KILL_ENV
            ).start()
            first.stop(signal.SIGKILL)
            assert first.process is not None and first.process.returncode == -signal.SIGKILL
            _delivered(delivery, second, "the sweep to send the delivery again after its lease")
            sweeps = second.output().count("Task notifications.dispatch_webhooks[")
        finally:
            first.stop(signal.SIGKILL)
            if second is not None:
                second.stop()
        received = receiver.received()

    # The sweep ran, and sent it again only once the dead worker's lease had run out.
    assert sweeps >= 1
    assert len(received) == 2
    assert received[1].at >= held.lease_until.timestamp()
    # Both requests carry the same webhook-id; the receiver, deduping by it, processed one.
    assert [request.headers["webhook-id"] for request in received] == [delivery.message_id] * 2
    assert receiver.processed == [delivery.message_id]
    assert WebhookDelivery.objects.filter(event=delivery.event, webhook=webhook).count() == 1
    final = WebhookDelivery.objects.get(pk=delivery.pk)
    assert (final.status, final.attempts) == (WebhookDelivery.Status.DELIVERED, 2)
    assert list(final.log.values_list("status_code", flat=True)) == [200]
