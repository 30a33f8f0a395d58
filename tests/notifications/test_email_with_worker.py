"""A real Celery worker on the broker e-mails the outbox to a real SMTP server on loopback: each
message once, in its recipient's language, however often the schedule's tasks run, and nothing to
whoever opted out. One worker serves the whole module: starting one is the slow part."""

from __future__ import annotations

import re
import socket
import threading
import uuid
import zoneinfo
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from config.celery import app
from matching.services import review
from notifications.models import Kind, Notification, Preference
from notifications.services.preferences import set_preference
from notifications.services.unsubscribe import unsubscribe, unsubscribe_token
from registry.services import update_organization
from tests.notifications.scene import build_scene
from tests.worker import WorkerProcess, wait_for

pytestmark = pytest.mark.worker


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(
                (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
            )
        return "250 OK"

    def received(self) -> list[tuple[list[str], EmailMessage]]:
        with self.lock:
            return list(self.messages)

    def recipients(self) -> list[str]:
        return sorted(address for recipients, _message in self.received() for address in recipients)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.received() if recipients == [address]]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def subject(message: EmailMessage) -> str:
    # A long encoded subject is folded right after "Subject:"; unfolding keeps the fold's space.
    return str(message["subject"]).strip()


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
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


@pytest.fixture(scope="module")
def module_worker(django_db_setup, smtp_server) -> Iterator[WorkerProcess]:
    """One worker for the module, on the test database (created by then) and the SMTP server."""
    _mailbox, port = smtp_server
    process = WorkerProcess(
        connection.settings_dict, extra_env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    ).start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def worker(module_worker, reference_data, smtp_server, settings) -> Iterator[WorkerProcess]:
    settings.CELERY_TASK_DEFAULT_QUEUE = module_worker.queue
    smtp_server[0].clear()
    yield module_worker
    # Whatever the test queued has run before its rows are flushed (the queue is served in order).
    run_task(module_worker, "notifications.send_emails", 0)


def run_task(worker: WorkerProcess, name: str, *args: object) -> str:
    """Send a task to the worker as the beat schedule does; answer its result as the worker logs it.

    One pool process takes one message at a time in the queue's order, so every task queued
    before this one has finished by then."""
    task_id = str(uuid.uuid4())
    app.send_task(name, args=list(args), queue=worker.queue, task_id=task_id)
    succeeded = re.compile(rf"{re.escape(name)}\[{task_id}\] succeeded in [^:]*: (.*)")
    failed = f"{name}[{task_id}] raised"
    results: list[str] = []

    def finished() -> bool:
        output = worker.output()
        if failed in output:
            raise AssertionError(f"{name} failed in the worker:\n{output[-4000:]}")
        results.extend(match.group(1) for match in succeeded.finditer(output))
        return bool(results)

    wait_for(finished, timeout=60, what=f"{name} to finish", process=worker)
    return results[0]


def translated(text: str | Promise, language: str) -> str:
    """The text (a message id or a lazy translation) in the language, checked to differ from
    the English: the language's catalogue has it."""
    with translation.override(language):
        words = gettext(text) if isinstance(text, str) else str(text)
    assert words != english(text), f"no {language} translation of {text!r}"
    return words


def english(text: str | Promise) -> str:
    with translation.override("en"):
        return gettext(text) if isinstance(text, str) else str(text)


def test_an_accepted_proposal_reaches_each_partner_once_in_their_language(worker, smtp_server):
    mailbox, _port = smtp_server
    scene = build_scene()
    people = scene.people
    set_preference(user=people["ngo.editor"], language="fr")
    set_preference(user=people["county.editor"], language="ar")
    set_preference(user=people["county.admin"], email=Preference.Email.OFF)

    review.accept_proposal(actor=people["coordinator"], proposal_id=scene.proposal.pk)
    # The schedule's sweep, twice, after the task the acceptance queued: nothing left to send.
    assert run_task(worker, "notifications.send_emails", None) == "0"
    assert run_task(worker, "notifications.send_emails", None) == "0"

    assert mailbox.recipients() == [
        "county.editor@example.org",
        "ngo.admin@example.org",
        "ngo.editor@example.org",
    ]
    [french] = mailbox.to("ngo.editor@example.org")
    assert subject(french) == translated(Kind.ACCEPTANCE_TO_CONFIRM.label, "fr")
    text = french.get_body(("plain",)).get_content()
    assert translated("Hello %(name)s,", "fr") % {"name": "ngo.editor"} in text
    assert f"/api/v1/proposals/{scene.proposal.pk}/" in text
    assert '<html lang="fr" dir="ltr">' in french.get_body(("html",)).get_content()
    [arabic] = mailbox.to("county.editor@example.org")
    assert subject(arabic) == translated(Kind.COALITION_TO_CONSENT.label, "ar")
    text = arabic.get_body(("plain",)).get_content()
    assert translated("Hello %(name)s,", "ar") % {"name": "county.editor"} in text
    assert translated("See it in the Partnership Registry:", "ar") in text
    assert '<html lang="ar" dir="rtl">' in arabic.get_body(("html",)).get_content()
    [in_english] = mailbox.to("ngo.admin@example.org")
    assert subject(in_english) == english(Kind.ACCEPTANCE_TO_CONFIRM.label)
    # Everyone who can act has it in the inbox, once; e-mail off is the inbox only.
    inbox = Notification.objects.order_by("user__username").values_list("user__username", flat=True)
    assert list(inbox) == ["county.admin", "county.editor", "ngo.admin", "ngo.editor"]
    assert Notification.objects.get(user=people["county.admin"]).emailed_at is None


def test_the_reminders_task_run_twice_mails_each_reminder_once_and_nothing_to_who_opted_out(
    worker, smtp_server, settings
):
    mailbox, _port = smtp_server
    settings.PROPOSAL_RESPONSE_DAYS = 2  # the answers are due within the three-day reminder
    scene = build_scene()
    people = scene.people
    set_preference(user=people["ngo.editor"], language="fr")
    set_preference(user=people["county.admin"], nudges=False)  # no reminders at all
    unsubscribe(token=unsubscribe_token(user_id=people["ngo.admin"].pk))  # no e-mail at all
    review.accept_proposal(actor=people["coordinator"], proposal_id=scene.proposal.pk)
    assert run_task(worker, "notifications.send_emails", None) == "0"
    mailbox.clear()

    assert run_task(worker, "notifications.send_nudges") == "1"
    assert run_task(worker, "notifications.send_nudges") == "0"
    assert run_task(worker, "notifications.send_emails", None) == "0"

    assert mailbox.recipients() == ["county.editor@example.org", "ngo.editor@example.org"]
    [french] = mailbox.to("ngo.editor@example.org")
    assert subject(french) == translated(Kind.RESPONSE_DUE.label, "fr")
    reminded = Notification.objects.filter(event__kind=Kind.RESPONSE_DUE)
    assert sorted(reminded.values_list("user__username", flat=True)) == [
        "county.editor",
        "ngo.admin",
        "ngo.editor",
    ]


def _zone_at_noon() -> str:
    """A time zone where it is about noon now, so that no local day turns during the test."""
    offset = 12 - timezone.now().hour  # from UTC+12 (at 00:xx UTC) to UTC-11 (at 23:xx UTC)
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-3 is UTC+3


def test_the_digest_task_run_twice_sends_one_digest_a_day(worker, smtp_server, settings):
    mailbox, _port = smtp_server
    settings.PROPOSAL_RESPONSE_DAYS = 2
    scene = build_scene()
    people = scene.people
    editor = people["ngo.editor"]
    zone = _zone_at_noon()
    set_preference(
        user=editor,
        email=Preference.Email.DAILY,
        language="fr",
        time_zone=zone,
        digest_hour=0,
    )
    review.accept_proposal(actor=people["coordinator"], proposal_id=scene.proposal.pk)
    update_organization(
        actor=people["ngo.admin"], organization=scene.partner, data={"name": "Digital Bridges II"}
    )

    assert run_task(worker, "notifications.send_digests") == "1"
    # A reminder comes after today's digest: it waits for tomorrow's.
    assert run_task(worker, "notifications.send_nudges") == "1"
    assert run_task(worker, "notifications.send_digests") == "0"
    assert run_task(worker, "notifications.send_emails", None) == "0"

    [digest] = mailbox.to(editor.email)
    assert subject(digest) == translated("Your daily digest", "fr")
    text = digest.get_body(("plain",)).get_content()
    assert translated(Kind.ACCEPTANCE_TO_CONFIRM.label, "fr") in text
    assert translated(Kind.ORGANIZATION_UNVERIFIED.label, "fr") in text
    assert translated(Kind.RESPONSE_DUE.label, "fr") not in text
    waiting = Notification.objects.filter(user=editor, emailed_at__isnull=True)
    assert list(waiting.values_list("event__kind", flat=True)) == [Kind.RESPONSE_DUE]
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))
    assert Preference.objects.get(user=editor).last_digest_on == today
