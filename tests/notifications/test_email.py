"""E-mail from the outbox: once per notification, never to a user who opted out, in their language."""

from __future__ import annotations

import pytest
from django.core import mail

from matching.services import review
from notifications.models import Notification, Preference
from notifications.services.email import send_pending_emails
from tests.notifications.scene import build_scene, prefer

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    scene = build_scene()
    prefer(scene.people["ngo.editor"], language="fr")
    prefer(scene.people["county.admin"], email=Preference.Email.OFF)
    scene.people["county.editor"].email = ""
    scene.people["county.editor"].save(update_fields=["email"])
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    return scene


def test_each_notification_is_emailed_once_and_a_second_run_sends_nothing(scene):
    assert send_pending_emails() == 2
    assert send_pending_emails() == 0

    assert sorted(message.to[0] for message in mail.outbox) == [
        "ngo.admin@example.org",
        "ngo.editor@example.org",
    ]
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    assert set(emailed.values_list("user__username", flat=True)) == {"ngo.admin", "ngo.editor"}


def test_a_user_who_opted_out_or_has_no_address_gets_no_mail(scene):
    send_pending_emails()

    assert not any("county" in message.to[0] for message in mail.outbox)
    county = Notification.objects.filter(user__username__startswith="county.")
    assert county.count() == 2
    assert county.filter(emailed_at__isnull=False).count() == 0


def test_the_message_has_plain_text_and_html_in_the_recipients_language(scene):
    send_pending_emails()

    [message] = [m for m in mail.outbox if m.to == ["ngo.editor@example.org"]]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="fr" dir="ltr">' in html
    link = f"http://127.0.0.1:8000/api/v1/proposals/{scene.proposal.pk}/"
    assert link in message.body
    assert f'href="{link}"' in html
    [english] = [m for m in mail.outbox if m.to == ["ngo.admin@example.org"]]
    assert english.subject == "A proposal awaits your confirmation"
    assert '<html lang="en" dir="ltr">' in english.alternatives[0][0]


def test_only_the_named_events_notifications_are_sent_when_an_event_is_given(scene):
    event_ids = sorted(set(Notification.objects.values_list("event_id", flat=True)))

    assert send_pending_emails(event_id=event_ids[1]) == 0  # the government's: none wants mail
    assert send_pending_emails(event_id=event_ids[0]) == 2
