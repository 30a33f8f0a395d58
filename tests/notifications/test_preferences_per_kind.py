"""E-mail choices per kind of event: PATCH /api/v1/notifications/preferences/ `kinds`, and the
e-mail and digest services honouring them."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from matching.services import review
from notifications.models import Kind, Notification, Preference
from notifications.services.email import send_digests, send_pending_emails
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
