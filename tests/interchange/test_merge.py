"""Merging a duplicate organization, on a catalogue with a partnership and an accepted proposal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interchange.models import OrganizationAlias, OrganizationMerge
from interchange.services.duplicates import find_duplicates
from matching.models import Partner, Partnership, ProposalLine
from matching.services import review
from registry.models import Membership, OfferEvent, Organization
from tests.api.checks import problem, row_counts
from tests.conftest import client_for
from tests.factories import (
    MembershipFactory,
    NeedFactory,
    OrganizationFactory,
    UserFactory,
    coalition,
    proposal_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(settings):
    """A company and a donor in a formed partnership, and the company in an accepted proposal."""
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    scene = coalition(company={"identifier": "KE-RCO-CPR2001"})
    scene.form()
    pipeline = proposal_for([(scene.laptops, Decimal(10))], need=NeedFactory(area="UG"))
    review.accept_proposal(actor=scene.coordinator, proposal_id=pipeline.pk)
    return {
        "partnership": Partnership.objects.get(proposal=scene.proposal),
        "pipeline": pipeline,
        "company": scene.laptops.organization,
        "laptops": scene.laptops,
        "donor": scene.grant.organization,
        "need": scene.need,
        "coordinator": scene.coordinator,
        "company_editor": scene.company,
    }


def merge(actor, organization: Organization, into: Organization, reason: str = ""):
    return client_for(actor).post(
        f"/api/v1/organizations/{organization.pk}/merge/",
        {"into": into.pk, "reason": reason},
        format="json",
    )


def snapshot(*organizations: Organization) -> dict:
    state = dict(row_counts())
    state["merges"] = OrganizationMerge.objects.count()
    state["aliases"] = OrganizationAlias.objects.count()
    for organization in organizations:
        state[organization.pk] = Organization.objects.filter(pk=organization.pk).values().get()
        state[f"offers of {organization.pk}"] = sorted(
            organization.offers.values_list("pk", flat=True)
        )
        state[f"lines of {organization.pk}"] = ProposalLine.objects.filter(
            organization=organization
        ).count()
    return state


def test_merging_moves_offers_members_lines_and_partners_and_live_proposals_go_on(setting):
    company, coordinator = setting["company"], setting["coordinator"]
    survivor = OrganizationFactory(name="Savanna Devices Ltd", kind=Organization.Kind.COMPANY)
    pipeline, partnership = setting["pipeline"], setting["partnership"]

    response = merge(coordinator, company, survivor, reason="Registered twice.")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["merged"]["id"], body["into"]["id"]) == (company.pk, survivor.pk)
    assert body["moved"]["offers"] == 1 and body["moved"]["proposal_lines"] == 2
    setting["laptops"].refresh_from_db()
    assert setting["laptops"].organization_id == survivor.pk
    assert set(pipeline.lines.values_list("organization_id", flat=True)) == {survivor.pk}
    partners = set(partnership.partners.values_list("organization_id", flat=True))
    assert {survivor.pk, setting["donor"].pk} <= partners and company.pk not in partners
    assert not Partner.objects.filter(organization=company).exists()
    assert Membership.objects.filter(user=setting["company_editor"], organization=survivor).exists()
    company.refresh_from_db()
    assert not company.is_active
    aliases = set(survivor.aliases.values_list("kind", "value"))
    assert aliases == {("name", "Savanna Devices"), ("identifier", "KE-RCO-CPR2001")}
    # The move is in each moved row's history, with who merged and why.
    moved = OfferEvent.objects.filter(
        pgh_obj_id=setting["laptops"].pk,
        organization_id=survivor.pk,
        pgh_context__metadata__action="merged",
        pgh_context__metadata__user=coordinator.pk,
    )
    assert moved.exists()
    assert "Registered twice." in moved.get().pgh_context.metadata["reason"]
    # The accepted proposal goes on: the member now confirms for the surviving record.
    review.confirm_lines(actor=setting["company_editor"], proposal_id=pipeline.pk)
    assert set(pipeline.lines.values_list("confirmation", flat=True)) == {"confirmed"}


def test_a_merge_that_would_have_an_organization_supply_its_own_need_is_refused(setting):
    company, pipeline = setting["company"], setting["pipeline"]
    government = pipeline.need.organization
    before = snapshot(company, government)

    body = problem(merge(setting["coordinator"], company, government), 409)

    assert body["code"] == "merge_refused"
    assert f"Proposal {pipeline.pk}" in body["detail"]
    assert snapshot(company, government) == before


def test_needs_cannot_move_to_an_organization_that_is_not_a_government(setting):
    government, donor = setting["need"].organization, setting["donor"]
    before = snapshot(government, donor)

    body = problem(merge(setting["coordinator"], government, donor), 409)

    assert "only governments post needs" in body["detail"]
    assert snapshot(government, donor) == before


def test_an_organization_merges_once_and_never_into_itself(setting):
    company, coordinator = setting["company"], setting["coordinator"]
    survivor = OrganizationFactory(name="Savanna Devices Ltd", kind=Organization.Kind.COMPANY)

    problem(merge(coordinator, company, company), 400)
    missing = Organization(pk=10**9, name="Nobody")
    problem(merge(coordinator, company, missing), 400)
    assert merge(coordinator, company, survivor).status_code == 200
    assert problem(merge(coordinator, company, survivor), 409)["code"] == "already_merged"
    assert problem(merge(coordinator, survivor, company), 409)["code"] == "already_merged"


def test_only_coordinators_merge(setting):
    company = setting["company"]
    survivor = OrganizationFactory(name="Savanna Devices Ltd", kind=Organization.Kind.COMPANY)
    admin = MembershipFactory(organization=survivor, role=Membership.Role.ADMIN).user
    before = snapshot(company, survivor)

    problem(merge(setting["company_editor"], company, survivor), 403)
    problem(merge(admin, company, survivor), 403)

    assert snapshot(company, survivor) == before


def test_a_person_in_both_organizations_keeps_the_stronger_role(setting):
    company = setting["company"]
    survivor = OrganizationFactory(name="Savanna Devices Ltd", kind=Organization.Kind.COMPANY)
    person = UserFactory()
    MembershipFactory(user=person, organization=company, role=Membership.Role.ADMIN)
    MembershipFactory(user=person, organization=survivor, role=Membership.Role.VIEWER)

    assert merge(setting["coordinator"], company, survivor).status_code == 200

    assert list(Membership.objects.filter(user=person).values_list("organization", "role")) == [
        (survivor.pk, Membership.Role.ADMIN)
    ]


def test_the_merged_records_identifier_and_name_find_the_survivor(setting):
    company = setting["company"]
    survivor = OrganizationFactory(name="Pwani Hardware", kind=Organization.Kind.COMPANY)
    assert merge(setting["coordinator"], company, survivor).status_code == 200

    by_identifier = find_duplicates(name="Other", country="UG", identifier="KE-RCO-CPR2001")
    by_name = find_duplicates(name="Savanna Devices", country="KE")

    assert [candidate.organization for candidate in by_identifier] == [survivor]
    assert [candidate.organization for candidate in by_name] == [survivor]
