"""The daily digest at each user's local hour, once a day; the unsubscribe link in every message,
which works without signing in."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from matching.services import review
from notifications.models import Notification, Preference
from notifications.services.email import send_digests, send_pending_emails
from notifications.services.unsubscribe import unsubscribe_token
from registry.services import update_organization, verify_organization
from tests.notifications.scene import build_scene, prefer

pytestmark = pytest.mark.django_db

NAIROBI = datetime.timezone(datetime.timedelta(hours=3))


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in Nairobi time (UTC+3, no daylight saving)."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=NAIROBI)


@pytest.fixture
def scene():
    scene = build_scene()
    for person in scene.people.values():
        prefer(person, email=Preference.Email.OFF)
    Preference.objects.filter(user=scene.people["ngo.editor"]).update(
        email=Preference.Email.DAILY, time_zone="Africa/Nairobi", digest_hour=8, language="fr"
    )
    return scene


def test_a_digest_user_gets_one_message_at_their_local_hour_and_one_a_day(scene):
    people = scene.people
    review.accept_proposal(actor=people["coordinator"], proposal_id=scene.proposal.pk)
    update_organization(
        actor=people["ngo.admin"], organization=scene.partner, data={"name": "Digital Bridges II"}
    )

    assert send_pending_emails() == 0  # not at once: in the digest
    assert send_digests(now=_at(1, 7, 50)) == 0  # 07:50 in Nairobi: not yet
    assert send_digests(now=_at(1, 8, 5)) == 1
    assert send_digests(now=_at(1, 9)) == 0

    [message] = mail.outbox
    assert message.to == ["ngo.editor@example.org"]
    html = message.alternatives[0][0]
    assert '<html lang="fr" dir="ltr">' in html
    assert f"/api/v1/proposals/{scene.proposal.pk}/" in message.body
    assert f"/api/v1/organizations/{scene.partner.pk}/" in message.body
    assert not Notification.objects.filter(
        user=people["ngo.editor"], emailed_at__isnull=True
    ).exists()

    # The evening's news waits for the next morning's digest.
    verify_organization(actor=people["coordinator"], organization=scene.partner)
    assert send_digests(now=_at(1, 23, 30)) == 0
    assert send_digests(now=_at(2, 8, 1)) == 1
    assert send_digests(now=_at(2, 8, 16)) == 0
    assert len(mail.outbox) == 2
    assert f"/api/v1/organizations/{scene.partner.pk}/" in mail.outbox[1].body


def test_the_unsubscribe_link_asks_then_turns_mail_off_without_signing_in(scene):
    Preference.objects.filter(user=scene.people["ngo.admin"]).update(
        email=Preference.Email.IMMEDIATELY
    )
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    assert send_pending_emails() == 1
    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body and link in message.alternatives[0][0]
    path = urlsplit(link).path
    browser = Client(enforce_csrf_checks=True)

    asked = browser.get(path)
    assert asked.status_code == 200
    assert b"ngo.admin" in asked.content
    admin = Preference.objects.get(user=scene.people["ngo.admin"])
    assert admin.email == Preference.Email.IMMEDIATELY  # a link scanner's visit changes nothing

    assert browser.post(path).status_code == 200
    assert Preference.objects.get(user=scene.people["ngo.admin"]).email == Preference.Email.OFF
    assert browser.post(path).status_code == 200  # again is harmless


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(scene):
    Preference.objects.filter(user=scene.people["ngo.admin"]).update(
        email=Preference.Email.IMMEDIATELY
    )
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    send_pending_emails()
    path = urlsplit(mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")).path
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    response = Client().post(forged)

    assert response.status_code == 400
    assert Preference.objects.get(user=scene.people["ngo.admin"]).email == "immediately"


def test_the_unsubscribe_link_of_a_deleted_user_is_refused_not_an_error(scene):
    user = scene.people["ngo.viewer"]
    path = f"/unsubscribe/{unsubscribe_token(user_id=user.pk)}/"
    user.delete()

    assert Client().get(path).status_code == 400
    assert Client().post(path).status_code == 400
    assert not Preference.objects.filter(user_id=user.pk).exists()
