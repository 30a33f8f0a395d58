"""A need, two partners' offers and an engine-style proposal, with the people who act on them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from matching.models import Proposal
from registry.models import Need, Offer, Organization
from tests.conftest import member
from tests.factories import (
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
    proposal_for,
)


@dataclass
class World:
    need: Need
    laptops: Offer
    grant: Offer
    proposal: Proposal
    government: AbstractBaseUser
    company: AbstractBaseUser
    donor: AbstractBaseUser
    coordinator: AbstractBaseUser

    def url(self, command: str = "") -> str:
        base = f"/api/v1/proposals/{self.proposal.pk}/"
        return f"{base}{command}/" if command else base

    def refresh(self) -> None:
        for row in (self.need, self.laptops, self.grant, self.proposal):
            row.refresh_from_db()


def build_world(*, donor_verified: bool = True) -> World:
    company = OrganizationFactory(kind=Organization.Kind.COMPANY, name="Savanna Devices")
    donor = OrganizationFactory(
        kind=Organization.Kind.DONOR, name="Open Futures", country="SE", verified=donor_verified
    )
    laptops = OfferFactory(organization=company, quantity=Decimal(100))
    grant = OfferFactory(
        organization=donor,
        category_id="grant",
        kind="financial",
        currency="USD",
        quantity=Decimal(50000),
        areas=["global"],
    )
    need = NeedFactory()
    proposal = proposal_for([(laptops, Decimal(60)), (grant, Decimal(20000))], need=need)
    return World(
        need=need,
        laptops=laptops,
        grant=grant,
        proposal=proposal,
        government=member(need.organization),
        company=member(company),
        donor=member(donor),
        coordinator=UserFactory(coordinator=True),
    )
