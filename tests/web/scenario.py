"""A small catalogue for the console's tests: one need, a coalition of two partners, a proposal."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from matching.models import MatchRun, Proposal, ProposalLine
from registry.models import Membership, Need, NeedItem, Offer, Organization
from tests.factories import (
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
)

TERMS = {
    "focus": 1.0,
    "groups": 0.5,
    "geography": 0.8,
    "verified": 1.0,
    "track_record": 0.0,
    "text": 0.42,
}


@dataclass
class Scenario:
    coordinator: object
    government_editor: object
    ngo_editor: object
    company_editor: object
    community_editor: object
    need: Need
    laptops: Offer
    trainers: Offer
    proposal: Proposal


def _member(organization: Organization, username: str):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=organization, role=Membership.Role.EDITOR)
    return user


# Kilimo Telecom is not verified yet: accepting its lines takes a coordinator's reason.
# Reports cover periods that have ended, after the partnership formed (today, in these tests).
TODAY = timezone.localdate().isoformat()
OVERRIDE = "The country team knows Kilimo Telecom; its registration papers are on the way."


def build_scenario() -> Scenario:
    """Rows as a run would leave them: a proposed coalition waiting for a coordinator."""
    coordinator = UserFactory(username="coordinator", coordinator=True)
    verified = {"verified_at": timezone.now(), "verified_by": coordinator}
    government = OrganizationFactory(
        name="Ministry of ICT", kind=Organization.Kind.GOVERNMENT, **verified
    )
    ngo = OrganizationFactory(name="Digital Bridges", kind=Organization.Kind.NGO, **verified)
    company = OrganizationFactory(
        name="Kilimo Telecom", kind=Organization.Kind.COMPANY, verified=False
    )
    need = NeedFactory(
        organization=government,
        title="Devices and teachers for rural schools in Nandi",
        area="KE-32",
        population=12000,
        indicator_name="Schools with a working computer lab",
        indicator_unit="schools",
        indicator_baseline=Decimal("14"),
        indicator_target=Decimal("60"),
        deadline=datetime.date(2027, 6, 30),
    )
    need.vulnerable_groups.add("rural-communities", "youth")
    laptops_item = NeedItem.objects.create(
        need=need, category_id="laptops", kind="technical", quantity=Decimal("60")
    )
    trainers_item = NeedItem.objects.create(
        need=need, category_id="trainer-days", kind="human", quantity=Decimal("20")
    )
    laptops = OfferFactory(organization=ngo, title="Refurbished laptops", quantity=Decimal("100"))
    trainers = OfferFactory(
        organization=company,
        title="Teacher training days",
        category_id="trainer-days",
        kind="human",
        quantity=Decimal("40"),
    )
    run = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED, progress=100)
    proposal = Proposal.objects.create(
        run=run,
        need=need,
        score=Decimal("0.72"),
        coverage=Decimal("1"),
        explanation={"summary": "Two partners cover every item of the need.", "uncovered": []},
        fingerprint=f"console-{need.pk}-{run.pk}",
    )
    for offer, item, quantity in ((laptops, laptops_item, 60), (trainers, trainers_item, 20)):
        ProposalLine.objects.create(
            proposal=proposal,
            offer=offer,
            need_item=item,
            organization_id=offer.organization_id,
            quantity=Decimal(quantity),
            offer_quantity=Decimal(quantity),
            score=Decimal("0.7"),
            terms=TERMS,
            explanation=f"{offer.organization.name} covers {quantity} in Kenya.",
        )
    network = OrganizationFactory(
        name="Nandi Youth Network", kind=Organization.Kind.COMMUNITY, **verified
    )
    network.represented_groups.add("youth")
    return Scenario(
        coordinator=coordinator,
        government_editor=_member(government, "gov.officer"),
        ngo_editor=_member(ngo, "ngo.editor"),
        company_editor=_member(company, "company.editor"),
        community_editor=_member(network, "community.editor"),
        need=need,
        laptops=laptops,
        trainers=trainers,
        proposal=proposal,
    )
