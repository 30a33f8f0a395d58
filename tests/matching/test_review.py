"""Review of proposals and the life of a partnership: who may decide what, and what it changes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from matching.models import (
    Commitment,
    MatchRun,
    Partnership,
    ProgressReport,
    Proposal,
    ProposalLine,
)
from matching.services import reports, review
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Membership, Need
from tests.conftest import client_for, member
from tests.factories import (
    OrganizationFactory,
    coalition,
    proposal_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    scene = coalition()
    return {
        "scene": scene,
        "proposal": scene.proposal,
        "need": scene.need,
        "laptops": scene.laptops,
        "grant": scene.grant,
        "company_editor": scene.company,
        "donor_editor": scene.donor,
        "company_viewer": member(scene.laptops.organization, Membership.Role.VIEWER),
        "gov_editor": scene.government,
        "coordinator": scene.coordinator,
    }


def form(setting) -> None:
    setting["scene"].form()


def test_only_coordinators_accept(setting):
    with pytest.raises(PermissionDenied):
        review.accept_proposal(actor=setting["company_editor"], proposal_id=setting["proposal"].pk)


def test_accepting_twice_changes_nothing_the_second_time(setting):
    first = review.accept_proposal(actor=setting["coordinator"], proposal_id=setting["proposal"].pk)
    second = review.accept_proposal(
        actor=setting["coordinator"], proposal_id=setting["proposal"].pk
    )
    assert (first.changed, second.changed) == (True, False)
    setting["laptops"].refresh_from_db()
    assert setting["laptops"].reserved == 60
    assert Commitment.objects.count() == 2
    setting["need"].refresh_from_db()
    # reserved, not committed: the need stays open until partners confirm
    assert setting["need"].status == Need.Status.OPEN


def test_a_rejection_needs_a_reason_and_a_rejected_proposal_cannot_be_accepted(setting):
    with pytest.raises(ValidationError):
        review.reject_proposal(
            actor=setting["coordinator"], proposal_id=setting["proposal"].pk, reason=" "
        )
    review.reject_proposal(
        actor=setting["coordinator"], proposal_id=setting["proposal"].pk, reason="Duplicate"
    )
    with pytest.raises(Conflict):
        review.accept_proposal(actor=setting["coordinator"], proposal_id=setting["proposal"].pk)


def test_partners_confirm_only_their_own_lines_and_viewers_cannot(setting):
    review.accept_proposal(actor=setting["coordinator"], proposal_id=setting["proposal"].pk)
    with pytest.raises(PermissionDenied):
        review.confirm_lines(actor=setting["company_viewer"], proposal_id=setting["proposal"].pk)
    review.confirm_lines(actor=setting["company_editor"], proposal_id=setting["proposal"].pk)
    lines = dict(ProposalLine.objects.values_list("offer_id", "confirmation"))
    assert lines == {setting["laptops"].pk: "confirmed", setting["grant"].pk: "pending"}
    assert not Partnership.objects.exists()


def test_every_confirmation_forms_a_partnership_with_iati_roles_and_commits_capacity(setting):
    review.accept_proposal(actor=setting["coordinator"], proposal_id=setting["proposal"].pk)
    review.confirm_lines(actor=setting["company_editor"], proposal_id=setting["proposal"].pk)
    review.confirm_lines(actor=setting["donor_editor"], proposal_id=setting["proposal"].pk)
    assert not Partnership.objects.exists()  # the need's organization has not consented yet
    review.confirm_lines(actor=setting["gov_editor"], proposal_id=setting["proposal"].pk)
    partnership = Partnership.objects.get()
    roles = {(p.organization_id, p.get_role_display()) for p in partnership.partners.all()}
    assert roles == {
        (setting["laptops"].organization_id, "Implementing"),
        (setting["grant"].organization_id, "Funding"),
        (setting["need"].organization_id, "Accountable"),
    }
    setting["grant"].refresh_from_db()
    assert (setting["grant"].reserved, setting["grant"].committed) == (0, 20000)
    assert set(Commitment.objects.values_list("state", flat=True)) == {"committed"}
    assert Proposal.objects.get().status == Proposal.Status.FORMED
    setting["need"].refresh_from_db()
    assert setting["need"].status == Need.Status.MET


def test_a_decline_releases_the_line_and_queues_a_rematch(
    setting, django_capture_on_commit_callbacks
):
    review.accept_proposal(actor=setting["coordinator"], proposal_id=setting["proposal"].pk)
    with django_capture_on_commit_callbacks(execute=False):
        review.decline_lines(
            actor=setting["donor_editor"], proposal_id=setting["proposal"].pk, reason="Budget cut"
        )
    setting["grant"].refresh_from_db()
    assert setting["grant"].reserved == 0
    assert Commitment.objects.get(offer=setting["grant"]).state == "released"
    assert MatchRun.objects.filter(trigger="event", status="queued").exists()
    setting["need"].refresh_from_db()
    assert setting["need"].status == Need.Status.OPEN  # laptops only reserved so far
    review.confirm_lines(actor=setting["company_editor"], proposal_id=setting["proposal"].pk)
    review.confirm_lines(actor=setting["gov_editor"], proposal_id=setting["proposal"].pk)
    setting["need"].refresh_from_db()
    assert setting["need"].status == Need.Status.PARTIALLY_MET
    partnership = Partnership.objects.get()
    assert {p.get_role_display() for p in partnership.partners.all()} == {
        "Implementing",
        "Accountable",
    }


def test_accepting_more_than_an_offer_has_left_is_a_conflict(setting):
    other = proposal_for([(setting["laptops"], Decimal(60))])
    review.accept_proposal(actor=setting["coordinator"], proposal_id=setting["proposal"].pk)
    with pytest.raises(Conflict) as error:
        review.accept_proposal(actor=setting["coordinator"], proposal_id=other.pk)
    assert error.value.code == "capacity_taken"
    setting["laptops"].refresh_from_db()
    assert setting["laptops"].reserved == 60


def test_reports_are_filed_by_partners_and_approved_by_coordinators(setting):
    form(setting)
    partnership = Partnership.objects.get()
    outsider = member(OrganizationFactory())
    data = {
        "period_end": timezone.localdate(),  # a period cannot end in the future
        "indicator_value": Decimal("31.5"),
        "narrative": "Six labs opened; 1,200 students trained.",
    }
    with pytest.raises(PermissionDenied):
        reports.file_report(actor=outsider, partnership=partnership, data=data, submit=True)
    report = reports.file_report(
        actor=setting["company_editor"], partnership=partnership, data=data, submit=False
    )
    assert report.status == ProgressReport.Status.DRAFT
    report = reports.submit_report(actor=setting["company_editor"], report=report)
    with pytest.raises(ValidationError):
        reports.review_report(
            actor=setting["coordinator"], report=report, approve=False, comment=""
        )
    report = reports.review_report(actor=setting["coordinator"], report=report, approve=True)
    assert report.status == ProgressReport.Status.APPROVED
    partnership.refresh_from_db()
    assert partnership.next_report_due == timezone.localdate() + datetime.timedelta(days=90)


def test_partnerships_without_a_report_by_the_due_date_are_flagged(setting):
    form(setting)
    partnership = Partnership.objects.get()
    assert reports.flag_overdue_reports(today=partnership.next_report_due) == 0
    assert (
        reports.flag_overdue_reports(today=partnership.next_report_due + datetime.timedelta(days=1))
        == 1
    )
    partnership.refresh_from_db()
    assert partnership.report_overdue is True


def test_review_over_the_api_answers_409_for_taken_capacity_and_says_when_nothing_changed(setting):
    coordinator = client_for(setting["coordinator"])
    url = f"/api/v1/proposals/{setting['proposal'].pk}"
    assert coordinator.post(f"{url}/accept/").json()["changed"] is True
    again = coordinator.post(f"{url}/accept/")
    assert again.status_code == 200 and again.json()["changed"] is False
    other = proposal_for([(setting["laptops"], Decimal(60))])
    conflict = coordinator.post(f"/api/v1/proposals/{other.pk}/accept/")
    assert conflict.status_code == 409
    assert conflict["Content-Type"] == "application/problem+json"
    history = coordinator.get(f"{url}/history/").json()
    assert history[-1]["actor"] == setting["coordinator"].username
    reject = coordinator.post(f"/api/v1/proposals/{other.pk}/reject/", {}, format="json")
    assert reject.status_code == 400


def test_proposals_are_visible_to_coordinators_and_the_organizations_involved_only(setting, api):
    url = f"/api/v1/proposals/{setting['proposal'].pk}/"
    assert api.get(url).status_code == 401
    assert client_for(member(OrganizationFactory())).get(url).status_code == 404
    assert client_for(setting["company_viewer"]).get(url).status_code == 200
    government = member(setting["need"].organization)
    assert client_for(government).get(url).status_code == 200


def test_a_partnerships_history_names_people_only_to_partners_and_coordinators(setting, api):
    form(setting)
    url = f"/api/v1/partnerships/{Partnership.objects.get().pk}/history/"
    public = api.get(url).json()
    assert public and {change["actor"] for change in public} == {None}
    insider = client_for(setting["company_viewer"]).get(url).json()
    # the need's organization's consent completed the answers and formed it
    assert setting["gov_editor"].username in {change["actor"] for change in insider}
    outsider = client_for(member(OrganizationFactory())).get(url).json()
    assert {change["actor"] for change in outsider} == {None}
