"""A small scene for the notification tests: a partner, a government, one proposal to review."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from matching.models import Proposal
from notifications.models import Preference
from registry.models import Membership, Organization
from tests.factories import (
    NeedFactory,
    NeedItemFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
    member,
    proposal_for,
)


@dataclass
class Scene:
    people: dict
    partner: Organization
    government: Organization
    proposal: Proposal


def build_scene() -> Scene:
    """Verified organizations with members in each role, a coordinator and a proposal."""
    partner = OrganizationFactory(name="Digital Bridges", verified=False)
    government = OrganizationFactory(
        name="Baringo County", kind=Organization.Kind.LOCAL_GOVERNMENT, verified=False
    )
    people = {}
    for organization, prefix in ((partner, "ngo"), (government, "county")):
        for role in Membership.Role.values:
            people[f"{prefix}.{role}"] = member(organization, role, f"{prefix}.{role}")
    people["coordinator"] = UserFactory(username="coordinator", coordinator=True)
    Organization.objects.filter(pk__in=[partner.pk, government.pk]).update(
        verified_at=timezone.now(), verified_by=people["coordinator"]
    )
    offer = OfferFactory(organization=partner, title="Laptops for schools")
    need = NeedFactory(
        organization=government,
        title="Devices for rural schools",
        description="Secondary schools without devices.",
        vulnerable_groups=["persons-with-disabilities"],
    )
    NeedItemFactory(need=need)
    proposal = proposal_for([(offer, Decimal(5))], need=need, coverage=Decimal("0.2"))
    return Scene(people, partner, government, proposal)


def prefer(user, *, email: str = Preference.Email.IMMEDIATELY, language: str = "en") -> None:
    Preference.objects.update_or_create(user=user, defaults={"email": email, "language": language})
