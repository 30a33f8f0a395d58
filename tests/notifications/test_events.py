"""The workflow's services record events in their own transaction, for the people named."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from matching.models import Partnership
from matching.services import reports, review
from notifications.models import Event, Kind, Notification
from registry.services import verify_organization
from tests.notifications.scene import build_scene

pytestmark = pytest.mark.django_db


def _inbox(kind: str) -> set[str]:
    return set(
        Notification.objects.filter(event__kind=kind).values_list("user__username", flat=True)
    )


@pytest.fixture
def scene():
    return build_scene()


def test_an_accepted_proposal_asks_partners_to_confirm_and_the_government_to_consent(scene):
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)

    assert _inbox(Kind.ACCEPTANCE_TO_CONFIRM) == {"ngo.admin", "ngo.editor"}
    assert _inbox(Kind.COALITION_TO_CONSENT) == {"county.admin", "county.editor"}
    event = Event.objects.get(kind=Kind.ACCEPTANCE_TO_CONFIRM)
    assert (event.subject_type, event.subject_id) == ("proposal", scene.proposal.pk)
    assert event.link == f"/api/v1/proposals/{scene.proposal.pk}/"


def test_an_event_is_rolled_back_with_the_change_that_recorded_it(scene):
    with pytest.raises(RuntimeError), transaction.atomic():
        review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
        raise RuntimeError("the change fails after the service returned")

    assert Event.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_refused_acceptance_records_no_event(scene):
    scene.proposal.status = "rejected"
    scene.proposal.save(update_fields=["status"])
    with pytest.raises(Exception, match="cannot be accepted"):
        review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)

    assert Event.objects.count() == 0


def test_a_declined_line_tells_the_accepting_coordinator_and_the_government(scene):
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    review.decline_lines(
        actor=scene.people["ngo.editor"], proposal_id=scene.proposal.pk, reason="No stock."
    )

    assert _inbox(Kind.LINE_DECLINED) == {"coordinator", "county.admin", "county.editor"}


def test_a_formed_partnership_tells_every_partner_and_reports_reach_who_acts_next(scene):
    people = scene.people
    review.accept_proposal(actor=people["coordinator"], proposal_id=scene.proposal.pk)
    review.confirm_lines(actor=people["ngo.editor"], proposal_id=scene.proposal.pk)
    assert _inbox(Kind.PARTNERSHIP_FORMED) == set()
    review.confirm_lines(actor=people["county.editor"], proposal_id=scene.proposal.pk)
    partnership = Partnership.objects.get(proposal=scene.proposal)

    assert _inbox(Kind.PARTNERSHIP_FORMED) == {
        "ngo.admin",
        "ngo.editor",
        "county.admin",
        "county.editor",
    }
    report = reports.file_report(
        actor=people["ngo.editor"],
        partnership=partnership,
        data={"period_end": timezone.localdate(), "indicator_value": 10, "narrative": "Done."},
        submit=True,
    )
    assert _inbox(Kind.REPORT_SUBMITTED) == {"coordinator"}
    reports.review_report(
        actor=people["coordinator"], report=report, approve=False, comment="Add the schools."
    )
    assert _inbox(Kind.REPORT_RETURNED) == {"ngo.admin", "ngo.editor"}
    reports.submit_report(actor=people["ngo.editor"], report=report)
    reports.review_report(actor=people["coordinator"], report=report, approve=True)
    assert _inbox(Kind.REPORT_APPROVED) == {"ngo.admin", "ngo.editor"}
    assert Notification.objects.filter(event__kind=Kind.REPORT_SUBMITTED).count() == 2


def test_verifying_an_organization_tells_its_admins_and_editors_once(scene):
    scene.partner.verified_at = None
    scene.partner.save(update_fields=["verified_at"])

    verify_organization(actor=scene.people["coordinator"], organization=scene.partner)
    verify_organization(actor=scene.people["coordinator"], organization=scene.partner)

    assert _inbox(Kind.ORGANIZATION_VERIFIED) == {"ngo.admin", "ngo.editor"}
    assert Event.objects.filter(kind=Kind.ORGANIZATION_VERIFIED).count() == 1
