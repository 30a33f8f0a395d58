"""E-mail choices per kind of event: PATCH /api/v1/notifications/preferences/ `kinds`, and the
e-mail and digest services honouring them."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from matching.services import review
from notifications.models import Kind, Notification, Preference
from notifications.services.email import send_digests, send_pending_emails
from notifications.services.events import record_event
from notifications.services.preferences import set_preference
from notifications.services.unsubscribe import unsubscribe, unsubscribe_token
from registry.services import update_organization
from tests.api.checks import problem
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.notifications.scene import build_scene, prefer

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/preferences/"
CONFIRM, UNVERIFIED = Kind.ACCEPTANCE_TO_CONFIRM.value, Kind.ORGANIZATION_UNVERIFIED.value


def test_a_user_chooses_per_kind_and_keeps_their_default():
    user = UserFactory()
    client = client_for(user)
    client.patch(URL, {"email": "daily"}, format="json")

    response = client.patch(
        URL, {"kinds": {CONFIRM: "immediately", UNVERIFIED: "off"}}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["email"] == "daily"
    assert response.json()["kinds"] == {CONFIRM: "immediately", UNVERIFIED: "off"}
    assert client.get(URL).json()["kinds"] == {CONFIRM: "immediately", UNVERIFIED: "off"}
    assert Preference.objects.get(user=user).kinds == {CONFIRM: "immediately", UNVERIFIED: "off"}


def test_kinds_replaces_the_choices_and_an_empty_object_clears_them():
    user = UserFactory()
    client = client_for(user)
    client.patch(URL, {"kinds": {CONFIRM: "off", UNVERIFIED: "off"}}, format="json")

    assert client.patch(URL, {"kinds": {UNVERIFIED: "daily"}}, format="json").json()["kinds"] == {
        UNVERIFIED: "daily"
    }
    assert client.patch(URL, {"kinds": {}}, format="json").json()["kinds"] == {}
    assert Preference.objects.get(user=user).kinds == {}


@pytest.mark.parametrize(
    "kinds",
    [
        {"proposal_liked": "off"},  # no such kind
        {CONFIRM: "hourly"},  # no such choice
        {CONFIRM: None},
        {CONFIRM: "off", "proposal_liked": "off"},  # one bad among good ones
        ["acceptance_to_confirm"],
        "off",
    ],
)
def test_a_bad_kinds_mapping_answers_400_and_changes_nothing(kinds):
    user = UserFactory()
    client = client_for(user)
    client.patch(URL, {"email": "daily", "kinds": {UNVERIFIED: "off"}}, format="json")

    response = client.patch(URL, {"email": "off", "kinds": kinds}, format="json")

    problem(response, 400)
    saved = Preference.objects.get(user=user)
    assert (saved.email, saved.kinds) == ("daily", {UNVERIFIED: "off"})


@pytest.fixture
def scene():
    """The partner's admin and editor want mail at once; the admin turns one kind off."""
    scene = build_scene()
    for person in scene.people.values():
        prefer(person, email=Preference.Email.OFF)
    for name in ("ngo.admin", "ngo.editor"):
        prefer(scene.people[name], email=Preference.Email.IMMEDIATELY)
    client_for(scene.people["ngo.admin"]).patch(URL, {"kinds": {CONFIRM: "off"}}, format="json")
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    update_organization(
        actor=scene.people["ngo.admin"], organization=scene.partner, data={"name": "Bridges II"}
    )
    return scene


def _mailed(address: str) -> list[str]:
    return sorted(message.subject for message in mail.outbox if message.to == [address])


def test_a_kind_switched_off_is_not_mailed_while_another_kind_is(scene):
    assert send_pending_emails() == 3
    assert send_pending_emails() == 0

    assert _mailed("ngo.admin@example.org") == ["An organization is no longer verified"]
    assert _mailed("ngo.editor@example.org") == [
        "A proposal awaits your confirmation",
        "An organization is no longer verified",
    ]
    unsent = Notification.objects.filter(user=scene.people["ngo.admin"], emailed_at__isnull=True)
    assert list(unsent.values_list("event__kind", flat=True)) == [CONFIRM]  # still in the inbox


def test_a_kind_chosen_for_the_digest_waits_for_it_while_the_others_go_at_once(scene):
    admin = scene.people["ngo.admin"]
    Preference.objects.filter(user=admin).update(kinds={CONFIRM: "daily"}, digest_hour=8)

    assert send_pending_emails() == 3
    assert _mailed("ngo.admin@example.org") == ["An organization is no longer verified"]
    mail.outbox.clear()

    eight = datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.UTC)
    assert send_digests(now=eight) == 1
    assert send_digests(now=eight) == 0
    [digest] = mail.outbox
    assert digest.to == ["ngo.admin@example.org"]
    assert "A proposal awaits your confirmation" in digest.body
    assert "no longer verified" not in digest.body


def test_a_user_who_is_off_but_wants_one_kind_daily_gets_only_that_kind():
    scene = build_scene()
    for person in scene.people.values():
        prefer(person, email=Preference.Email.OFF)
    Preference.objects.filter(user=scene.people["ngo.editor"]).update(kinds={UNVERIFIED: "daily"})
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    update_organization(
        actor=scene.people["ngo.admin"], organization=scene.partner, data={"name": "Bridges II"}
    )

    assert send_pending_emails() == 0
    assert send_digests(now=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)) == 1
    [digest] = mail.outbox
    assert digest.to == ["ngo.editor@example.org"]
    assert "no longer verified" in digest.body
    assert "awaits your confirmation" not in digest.body


def test_unsubscribing_turns_off_the_kinds_chosen_apart_too(scene):
    admin = scene.people["ngo.admin"]
    Preference.objects.filter(user=admin).update(kinds={CONFIRM: "immediately"})

    unsubscribe(token=unsubscribe_token(user_id=admin.pk))

    saved = Preference.objects.get(user=admin)
    assert (saved.email, saved.kinds) == ("off", {})
    send_pending_emails()
    assert _mailed("ngo.admin@example.org") == []


def test_a_kind_switched_back_on_does_not_mail_what_arrived_while_it_was_off(scene):
    admin = scene.people["ngo.admin"]
    client = client_for(admin)
    assert client.patch(URL, {"kinds": {CONFIRM: "immediately"}}, format="json").status_code == 200

    send_pending_emails()
    assert _mailed("ngo.admin@example.org") == ["An organization is no longer verified"]
    # The backlog stays in the inbox, unread, and is never mailed.
    backlog = Notification.objects.get(user=admin, event__kind=CONFIRM)
    assert backlog.read_at is None and backlog.emailed_at is None
    assert backlog.email_skipped_at is not None
    # The editor, who never turned the kind off, got it.
    assert "A proposal awaits your confirmation" in _mailed("ngo.editor@example.org")

    # What comes after the kind is on again is mailed.
    mail.outbox.clear()
    record_event(kind=CONFIRM, subject=scene.proposal, link="/", recipients=[admin.pk])
    assert send_pending_emails() == 1
    assert _mailed("ngo.admin@example.org") == ["A proposal awaits your confirmation"]


def test_e_mail_turned_back_on_for_the_digest_does_not_send_the_backlog_in_it():
    scene = build_scene()
    editor = scene.people["ngo.editor"]
    for person in scene.people.values():
        prefer(person, email=Preference.Email.OFF)
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)

    set_preference(user=editor, email=Preference.Email.DAILY, digest_hour=8)
    record_event(kind=UNVERIFIED, subject=scene.partner, link="/", recipients=[editor.pk])

    assert send_digests(now=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)) == 1
    [digest] = mail.outbox
    assert "no longer verified" in digest.body
    assert "awaits your confirmation" not in digest.body
    assert Notification.objects.filter(user=editor).count() == 2  # both in the inbox


def test_a_kind_already_on_keeps_its_unsent_notifications_when_others_change(scene):
    editor = scene.people["ngo.editor"]
    set_preference(user=editor, kinds={UNVERIFIED: "daily"})

    assert send_pending_emails() >= 1
    assert "A proposal awaits your confirmation" in _mailed("ngo.editor@example.org")
    assert not Notification.objects.filter(email_skipped_at__isnull=False).exists()
