"""The schedule's reminders: each once per object, occasion and recipient however often it runs,
and never to a user who turned reminders off."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from matching.models import Partnership, Proposal
from matching.services import review
from matching.services.nudges import send_nudges
from notifications.models import Event, Kind, Notification, Preference
from tests.notifications.scene import build_scene

pytestmark = pytest.mark.django_db


def _inbox(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(event__kind=kind).values_list("user__username", flat=True)
    )


@pytest.fixture
def scene():
    return build_scene()


def _accepted(scene) -> Proposal:
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    return Proposal.objects.get(pk=scene.proposal.pk)


def test_those_who_owe_an_answer_are_reminded_three_days_and_one_day_before_once_each(scene):
    proposal = _accepted(scene)
    review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=proposal.pk)
    Preference.objects.create(user=scene.people["county.admin"], nudges=False)
    respond_by = proposal.respond_by

    assert send_nudges(now=respond_by - datetime.timedelta(days=4)) == 0
    three_days = respond_by - datetime.timedelta(days=2, hours=12)
    send_nudges(now=three_days)
    send_nudges(now=three_days + datetime.timedelta(hours=1))
    # Only the government still owes its consent; its admin turned reminders off.
    assert _inbox(Kind.RESPONSE_DUE) == ["county.editor"]
    one_day = respond_by - datetime.timedelta(hours=20)
    send_nudges(now=one_day)
    send_nudges(now=one_day)

    assert _inbox(Kind.RESPONSE_DUE) == ["county.editor", "county.editor"]
    assert Event.objects.filter(kind=Kind.RESPONSE_DUE).count() == 2


def test_a_partnerships_report_is_reminded_when_due_and_again_when_overdue(scene):
    proposal = _accepted(scene)
    review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=proposal.pk)
    review.confirm_lines(actor=scene.people["county.editor"], proposal_id=proposal.pk)
    partnership = Partnership.objects.get(proposal=proposal)
    due = datetime.datetime.combine(partnership.next_report_due, datetime.time(12), datetime.UTC)

    send_nudges(now=due - datetime.timedelta(days=3))
    send_nudges(now=due - datetime.timedelta(days=2))
    writers = ["county.admin", "county.editor", "ngo.admin", "ngo.editor"]
    assert _inbox(Kind.REPORT_DUE) == writers
    send_nudges(now=due + datetime.timedelta(days=2))
    send_nudges(now=due + datetime.timedelta(days=3))

    assert _inbox(Kind.REPORT_OVERDUE) == sorted([*writers, "coordinator"])
    assert Event.objects.filter(kind=Kind.REPORT_DUE).count() == 1
    assert Event.objects.filter(kind=Kind.REPORT_OVERDUE).count() == 1


def test_a_proposal_waiting_for_review_too_long_reminds_the_coordinators_once(scene, settings):
    settings.PROPOSAL_REVIEW_REMINDER_HOURS = 48
    created = Proposal.objects.get(pk=scene.proposal.pk).created_at

    send_nudges(now=created + datetime.timedelta(hours=47))
    assert _inbox(Kind.REVIEW_WAITING) == []
    send_nudges(now=created + datetime.timedelta(hours=49))
    send_nudges(now=created + datetime.timedelta(hours=50))

    assert _inbox(Kind.REVIEW_WAITING) == ["coordinator"]


def test_a_user_who_turned_reminders_off_hears_of_nothing(scene, settings):
    settings.PROPOSAL_REVIEW_REMINDER_HOURS = 0
    Preference.objects.create(user=scene.people["coordinator"], nudges=False)

    assert send_nudges(now=timezone.now()) == 0
    assert not Event.objects.exists()
