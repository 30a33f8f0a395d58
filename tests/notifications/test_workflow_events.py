"""Every kind of event the workflow owes its people is recorded once, by the service that makes
the change, for the people who must act or know."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from interchange.services.duplicates import register_organization
from matching.models import Partnership, Proposal
from matching.services import comments, reports, review, run_execution, runs
from notifications.models import Event, Kind, Notification
from registry.errors import ValidationError
from registry.models import NeedItem
from registry.services import update_organization
from tests.factories import UserFactory
from tests.notifications.scene import build_scene

pytestmark = pytest.mark.django_db


def _inbox(kind: str) -> set[str]:
    return set(
        Notification.objects.filter(event__kind=kind).values_list("user__username", flat=True)
    )


def _once(kind: str) -> Event:
    events = list(Event.objects.filter(kind=kind))
    assert len(events) == 1, f"{kind}: {len(events)} events"
    return events[0]


@pytest.fixture
def scene():
    return build_scene()


def _accept(scene) -> None:
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)


def test_a_confirmation_tells_the_accepting_coordinator_and_the_government(scene):
    _accept(scene)
    review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=scene.proposal.pk)
    review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=scene.proposal.pk)

    assert _inbox(Kind.CONFIRMATION_RECEIVED) == {"coordinator", "county.admin", "county.editor"}
    event = _once(Kind.CONFIRMATION_RECEIVED)
    assert set(event.organizations) == {scene.partner.pk, scene.government.pk}


def test_the_governments_consent_is_news_for_the_coordinator_not_for_who_gave_it(scene):
    _accept(scene)
    review.confirm_lines(actor=scene.people["county.editor"], proposal_id=scene.proposal.pk)

    assert _inbox(Kind.CONFIRMATION_RECEIVED) == {"coordinator", "county.admin"}


def test_a_revoked_acceptance_tells_the_partners_and_the_government_once(scene):
    _accept(scene)
    review.revoke_proposal(
        actor=scene.people["coordinator"], proposal_id=scene.proposal.pk, reason="Budget cut."
    )

    _once(Kind.ACCEPTANCE_REVOKED)
    assert _inbox(Kind.ACCEPTANCE_REVOKED) == {
        "ngo.admin",
        "ngo.editor",
        "county.admin",
        "county.editor",
    }


def test_an_expired_proposal_is_recorded_once_however_often_the_expiry_runs(scene):
    _accept(scene)
    later = timezone.now() + datetime.timedelta(days=30)
    review.expire_unanswered_proposals(now=later)
    review.expire_unanswered_proposals(now=later)

    _once(Kind.PROPOSAL_EXPIRED)
    assert _inbox(Kind.PROPOSAL_EXPIRED) == {
        "coordinator",
        "ngo.admin",
        "ngo.editor",
        "county.admin",
        "county.editor",
    }


def test_a_need_whose_items_are_all_committed_is_met_and_its_government_hears_it(scene):
    NeedItem.objects.filter(need=scene.proposal.need).update(quantity=Decimal(5))
    _accept(scene)
    review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=scene.proposal.pk)
    assert not Event.objects.filter(kind=Kind.NEED_MET).exists()
    review.confirm_lines(actor=scene.people["county.editor"], proposal_id=scene.proposal.pk)

    event = _once(Kind.NEED_MET)
    assert (event.subject_type, event.subject_id) == ("need", scene.proposal.need_id)
    assert _inbox(Kind.NEED_MET) == {"county.admin", "county.editor"}


def test_a_partly_met_need_records_no_need_met(scene):
    _accept(scene)
    review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=scene.proposal.pk)
    review.confirm_lines(actor=scene.people["county.editor"], proposal_id=scene.proposal.pk)

    assert not Event.objects.filter(kind=Kind.NEED_MET).exists()


def test_a_run_that_proposes_something_new_gives_coordinators_one_event(scene):
    Proposal.objects.all().delete()
    first = run_execution.execute_match_run(run_id=runs.request_match_run(trigger="manual").pk)
    again = run_execution.execute_match_run(run_id=runs.request_match_run(trigger="manual").pk)

    event = _once(Kind.PROPOSALS_TO_REVIEW)
    assert (event.subject_type, event.subject_id) == ("matchrun", first.pk)
    assert again.metrics["proposals_created"] == 0
    assert _inbox(Kind.PROPOSALS_TO_REVIEW) == {"coordinator"}


def test_an_identity_change_unverifies_and_tells_the_organization(scene):
    update_organization(
        actor=scene.people["ngo.admin"],
        organization=scene.partner,
        data={"name": "Digital Bridges International"},
    )
    update_organization(
        actor=scene.people["ngo.admin"],
        organization=scene.partner,
        data={"name": "Digital Bridges Int."},
    )

    assert _once(Kind.ORGANIZATION_UNVERIFIED).subject_id == scene.partner.pk
    assert _inbox(Kind.ORGANIZATION_UNVERIFIED) == {"ngo.admin", "ngo.editor"}


def test_a_look_alike_registered_as_distinct_asks_the_coordinators_to_review_a_merge(scene):
    data = {"name": "Digital Bridges", "kind": "ngo", "country": "KE"}
    distinct = register_organization(
        actor=scene.people["ngo.viewer"], data={**data, "name": "Open Data Kenya"}
    )
    assert not Event.objects.filter(kind=Kind.MERGE_PROPOSED).exists()
    lookalike = register_organization(
        actor=scene.people["ngo.viewer"], data=data, confirm_distinct=True
    )

    event = _once(Kind.MERGE_PROPOSED)
    assert event.subject_id == lookalike.pk != distinct.pk
    assert _inbox(Kind.MERGE_PROPOSED) == {"coordinator"}


def _partnership(scene):
    _accept(scene)
    review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=scene.proposal.pk)
    review.confirm_lines(actor=scene.people["county.editor"], proposal_id=scene.proposal.pk)
    return Partnership.objects.get()


def test_a_comment_on_a_proposal_in_review_tells_the_other_participants_and_the_coordinators(
    scene,
):
    comments.add_comment(
        actor=scene.people["ngo.editor"], body="We can deliver in March.", proposal=scene.proposal
    )

    event = _once(Kind.COMMENT_POSTED)
    assert (event.subject_type, event.subject_id) == ("proposal", scene.proposal.pk)
    assert event.link == f"/api/v1/proposals/{scene.proposal.pk}/"
    assert set(event.organizations) == {scene.partner.pk, scene.government.pk}
    # Writers of the need's organization and of the partner, and the coordinators: not the
    # author, nor the organizations' viewers.
    assert _inbox(Kind.COMMENT_POSTED) == {
        "coordinator",
        "ngo.admin",
        "county.admin",
        "county.editor",
    }


def test_a_comment_on_a_decided_proposal_tells_the_coordinator_who_decided_not_every_one(scene):
    UserFactory(username="other.coordinator", coordinator=True)
    _accept(scene)
    comments.add_comment(
        actor=scene.people["county.editor"], body="Consent on its way.", proposal=scene.proposal
    )

    assert _inbox(Kind.COMMENT_POSTED) == {"coordinator", "ngo.admin", "ngo.editor", "county.admin"}


def test_a_coordinators_comment_is_not_news_for_themselves(scene):
    comments.add_comment(
        actor=scene.people["coordinator"], body="Why two lines?", proposal=scene.proposal
    )

    assert _inbox(Kind.COMMENT_POSTED) == {
        "ngo.admin",
        "ngo.editor",
        "county.admin",
        "county.editor",
    }


def test_a_comment_on_a_report_tells_the_partnerships_parties_and_its_reviewers(scene):
    partnership = _partnership(scene)
    report = reports.file_report(
        actor=scene.people["ngo.editor"],
        partnership=partnership,
        data={
            "period_end": timezone.localdate(),
            "indicator_value": Decimal("12"),
            "narrative": "Laptops delivered to six schools.",
        },
        submit=True,
    )

    comments.add_comment(actor=scene.people["county.admin"], body="Which schools?", report=report)

    event = _once(Kind.COMMENT_POSTED)
    assert (event.subject_type, event.subject_id) == ("progressreport", report.pk)
    assert event.link == f"/api/v1/partnerships/{partnership.pk}/reports/"
    assert _inbox(Kind.COMMENT_POSTED) == {
        "coordinator",
        "ngo.admin",
        "ngo.editor",
        "county.editor",
    }


def test_a_refused_comment_records_no_event(scene):
    with pytest.raises(ValidationError):
        comments.add_comment(actor=scene.people["ngo.editor"], body="  ", proposal=scene.proposal)

    assert not Event.objects.filter(kind=Kind.COMMENT_POSTED).exists()
