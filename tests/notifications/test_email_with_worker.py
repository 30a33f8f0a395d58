"""A real Celery worker e-mails the outbox to a real SMTP server on loopback, once."""

from __future__ import annotations

import socket
import threading
import uuid
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from celery import current_app
from django.db import connection

from matching.services import review
from notifications.models import Notification, Preference
from tests.notifications.scene import build_scene, prefer
from tests.worker import WorkerProcess, wait_for

pytestmark = pytest.mark.worker


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(
                (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
            )
        return "250 OK"

    def received(self) -> list:
        with self.lock:
            return list(self.messages)


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port: the controller checks its own port on start
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def worker(reference_data, smtp_server, settings):
    _mailbox, port = smtp_server
    process = WorkerProcess(
        connection.settings_dict, extra_env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    ).start()
    settings.CELERY_TASK_DEFAULT_QUEUE = process.queue
    try:
        yield process
    finally:
        process.stop()


def test_an_accepted_proposal_reaches_the_partners_mailboxes_once(worker, smtp_server):
    mailbox, _port = smtp_server
    scene = build_scene()
    prefer(scene.people["ngo.editor"], language="fr")
    prefer(scene.people["county.admin"], email=Preference.Email.OFF)

    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)

    wait_for(
        lambda: (
            not Notification.objects.filter(emailed_at__isnull=True)
            .exclude(user__username="county.admin")
            .exists()
        ),
        timeout=60,
        what="the worker to e-mail the notifications",
        process=worker,
    )
    received = sorted(recipients[0] for recipients, _message in mailbox.received())
    assert received == [
        "county.editor@example.org",
        "ngo.admin@example.org",
        "ngo.editor@example.org",
    ]
    [french] = [m for r, m in mailbox.received() if r == ["ngo.editor@example.org"]]
    assert '<html lang="fr" dir="ltr">' in french.get_body(("html",)).get_content()
    assert f"/api/v1/proposals/{scene.proposal.pk}/" in french.get_body(("plain",)).get_content()

    # The scheduled sweep runs again: it finds nothing left to send.
    task_id = str(uuid.uuid4())
    current_app.send_task(
        "notifications.send_emails", args=[None], queue=worker.queue, task_id=task_id
    )
    wait_for(
        lambda: f"notifications.send_emails[{task_id}] succeeded" in worker.output(),
        timeout=60,
        what="the second run of the task",
        process=worker,
    )
    assert f"notifications.send_emails[{task_id}] succeeded" in worker.output()
    assert len(mailbox.received()) == 3
    assert Notification.objects.get(user__username="county.admin").emailed_at is None
