"""Who may decide: unverified partners need an override, nobody decides on their own proposal or
reports, and a changed identity holds the partnership until it is verified again."""

from __future__ import annotations

import pytest

from matching.models import Partnership, Proposal, StateChange
from tests.api.checks import problem
from tests.conftest import client_for, member
from tests.factories import Coalition, coalition

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings) -> Coalition:
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    return coalition(donor_verified=False)


def test_a_proposal_with_an_unverified_partner_says_so_and_needs_an_override(world):
    client = client_for(world.coordinator)
    refused = problem(client.post(world.url("accept")), 409)
    assert refused["code"] == "override_required"
    assert "Open Futures" in refused["detail"]
    world.refresh()
    assert (world.proposal.status, world.grant.reserved) == ("proposed", 0)

    response = client.post(
        world.url("accept"), {"override_reason": "Known donor, audit pending"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["proposal"]["override_reason"] == "Known donor, audit pending"
    change = StateChange.objects.get(subject_type="proposal", to_state="accepted")
    assert change.actor == world.coordinator
    assert "Open Futures" in change.reason and "Known donor, audit pending" in change.reason


def test_the_engine_explains_that_a_partner_is_not_verified():
    from datetime import date

    from matching.engine import NeedInput, NeedItemInput, OfferInput, Parameters, Problem, solve

    offer = OfferInput(
        id=1,
        organization_id=7,
        organization_kind="ngo",
        organization_name="Fresh NGO",
        category="laptops",
        remaining=10.0,
        areas=("KE",),
        currency=None,
        focus_areas=frozenset(),
        vulnerable_groups=frozenset(),
        available_from=date(2026, 1, 1),
        available_until=None,
        min_allocation=None,
        verified=False,
        track_record=0,
        text="Laptops",
    )
    need = NeedInput(
        id=1,
        organization_id=9,
        area="KE-30",
        area_name="Nairobi",
        priority=3,
        deadline=None,
        items=(NeedItemInput(id=1, category="laptops", remaining=5.0, currency=None),),
        focus_areas=frozenset(),
        vulnerable_groups=frozenset(),
        text="Laptops for schools",
    )
    problem_ = Problem(
        offers=(offer,),
        needs=(need,),
        usd_rates={},
        category_kinds={"laptops": "technical"},
        area_names={},
    )
    proposal = solve(problem_, Parameters(workers=1)).proposals[0]
    assert proposal.explanation["unverified_partners"] == ["Fresh NGO"]
    assert "override" in proposal.explanation["summary"]


def test_a_coordinator_who_belongs_to_a_party_cannot_decide_and_is_told_why(world):
    conflicted = member(world.need.organization, username="coordinator.at.ministry")
    conflicted.groups.add(*world.coordinator.groups.all())
    client = client_for(conflicted)
    for command, body in (("accept", {"override_reason": "x"}), ("reject", {"reason": "x"})):
        response = client.post(world.url(command), body, format="json")
        assert response.status_code == 403
        assert "Conflict of interest" in response.json()["detail"]
    world.refresh()
    assert world.proposal.status == Proposal.Status.PROPOSED
    client_for(world.coordinator).post(world.url("accept"), {"override_reason": "ok"})
    revoke = client.post(world.url("revoke"), {"reason": "mine"}, format="json")
    assert revoke.status_code == 403
    world.refresh()
    assert world.proposal.status == Proposal.Status.ACCEPTED


def test_a_renamed_partner_holds_the_partnership_until_verified_again(world):
    company_org = world.laptops.organization
    client_for(world.coordinator).post(world.url("accept"), {"override_reason": "ok"})
    Proposal.objects.filter(pk=world.proposal.pk).update(override_reason="")
    admin = member(company_org, "admin", username="company.admin")
    renamed = client_for(admin).patch(
        f"/api/v1/organizations/{company_org.pk}/", {"name": "Savanna Devices 2"}, format="json"
    )
    assert renamed.json()["verified"] is False
    client_for(world.donor).post(world.url("decline"), {"reason": "no"}, format="json")
    client_for(world.company).post(world.url("confirm"))
    consent = client_for(world.government).post(world.url("confirm"))
    assert consent.status_code == 200
    assert "Waiting" in consent.json()["message"]
    assert not Partnership.objects.exists()

    verifier = client_for(world.coordinator)
    assert verifier.post(f"/api/v1/organizations/{company_org.pk}/verify/").status_code == 200
    world.refresh()
    assert world.proposal.status == Proposal.Status.FORMED
    assert Partnership.objects.get().need == world.need
