"""factory_boy factories for the catalogue, proposals built as a run would store them, and the
small coalition most workflow tests act on.

Engine inputs are in tests.factories.engine, the large synthetic catalogue in
tests.factories.catalogue, partnerships formed through a real run in tests.factories.partnerships."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.utils import timezone

from matching.models import MatchRun, Proposal, ProposalLine
from matching.services import review
from registry.models import Membership, Need, NeedItem, Offer, Organization

# The password of every user the tests make.
PASSWORD = "correct-horse-battery"
# The roles of the permission matrices, relative to the organization that owns the record:
# `owner_*` are its viewer, editor and admin, `other_member` edits for an unrelated company,
# `government_member` for a ministry, `community_member` for a community organization.
ROLES = (
    "anonymous",
    "owner_viewer",
    "owner_editor",
    "owner_admin",
    "other_member",
    "government_member",
    "community_member",
    "coordinator",
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def coordinator(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get_or_create(name="coordinators")[0])
        if create:
            user.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.NGO
    country = "KE"
    description = "Works on digital inclusion."
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    contact_phone = "+254 700 000 000"

    @factory.post_generation
    def verified(organization, create, extracted, **kwargs):
        """Verified by a coordinator unless `verified=False`: most tests mean a checked partner."""
        if not create or extracted is False or organization.verified_at is not None:
            return
        verifier = shared_verifier()
        Organization.objects.filter(pk=organization.pk).update(
            verified_at=timezone.now(), verified_by=verifier
        )
        organization.refresh_from_db(fields=["verified_at", "verified_by"])


def shared_verifier():
    """The coordinator who verified the factories' organizations; made once, not re-hashed each time."""
    verifier = get_user_model().objects.filter(username="verifier").first()
    return verifier or UserFactory(username="verifier", coordinator=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.EDITOR


def member(
    organization: Organization, role: str = Membership.Role.EDITOR, username: str | None = None
):
    """A new user with `role` in `organization` (an editor unless named)."""
    kwargs = {"username": username} if username else {}
    return MembershipFactory(organization=organization, role=role, user=UserFactory(**kwargs)).user


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Laptops for schools {n}")
    description = "Refurbished laptops with offline learning content."
    category_id = "laptops"
    kind = "technical"
    quantity = Decimal("100")
    currency = ""
    areas = factory.LazyFunction(lambda: ["KE"])
    status = Offer.Status.PUBLISHED
    available_from = datetime.date(2026, 1, 1)

    class Params:
        # A grant in US dollars: OfferFactory(grant=True, quantity=…).
        grant = factory.Trait(category_id="grant", kind="financial", currency="USD")


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.GOVERNMENT)
    title = factory.Sequence(lambda n: f"Devices for rural schools {n}")
    description = "Secondary schools without devices for digital-skills lessons."
    area = "KE-30"
    priority = 3
    status = Need.Status.OPEN
    deadline = datetime.date(2027, 12, 31)

    @factory.post_generation
    def vulnerable_groups(need, create, extracted, **kwargs):
        """The groups affected, as slugs: `NeedFactory(vulnerable_groups=["youth"])`."""
        if create and extracted:
            need.vulnerable_groups.set(extracted)


class NeedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedItem

    need = factory.SubFactory(NeedFactory)
    category_id = "laptops"
    kind = "technical"
    quantity = Decimal("50")
    currency = ""

    class Params:
        # A grant in US dollars: NeedItemFactory(grant=True, quantity=…).
        grant = factory.Trait(category_id="grant", kind="financial", currency="USD")


def proposal_of(
    lines: list[tuple[Offer, NeedItem, Decimal]],
    *,
    need: Need,
    run: MatchRun | None = None,
    coverage: Decimal = Decimal("1"),
) -> Proposal:
    """A proposed proposal for `need` with one line per (offer, item, quantity), stored as a
    run stores it (in a succeeded run of its own unless given)."""
    run = run or MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)
    proposal = Proposal.objects.create(
        run=run,
        need=need,
        score=Decimal("0.5"),
        coverage=coverage,
        explanation={"summary": "test"},
        fingerprint=f"test-{need.pk}-{run.pk}",
    )
    for offer, item, quantity in lines:
        ProposalLine.objects.create(
            proposal=proposal,
            offer=offer,
            need_item=item,
            organization_id=offer.organization_id,
            quantity=quantity,
            offer_quantity=quantity,
            score=Decimal("0.5"),
        )
    return proposal


def proposal_for(
    offers_and_quantities: list[tuple[Offer, Decimal]],
    *,
    need: Need | None = None,
    run: MatchRun | None = None,
    coverage: Decimal = Decimal("1"),
) -> Proposal:
    """A proposed proposal with one line per (offer, quantity), each on the need's item of the
    offer's category (made when the need has none)."""
    need = need or NeedFactory()
    lines = [
        (
            offer,
            NeedItem.objects.filter(need=need, category_id=offer.category_id).first()
            or NeedItemFactory(
                need=need,
                category_id=offer.category_id,
                kind=offer.kind,
                quantity=quantity,
                currency=offer.currency,
            ),
            quantity,
        )
        for offer, quantity in offers_and_quantities
    ]
    return proposal_of(lines, need=need, run=run, coverage=coverage)


@dataclass
class Coalition:
    """A government's need in KE-30, a company's laptops (100) and a donor's USD 50,000 grant,
    and an engine-style proposal of 60 laptops and USD 20,000 for it; with an editor of each
    organization (`government`, `company`, `donor`) and a coordinator."""

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

    def form(self) -> None:
        """Accepted by the coordinator, confirmed by both partners, consented to by the need's
        organization: the partnership forms."""
        review.accept_proposal(actor=self.coordinator, proposal_id=self.proposal.pk)
        for editor in (self.company, self.donor, self.government):
            review.confirm_lines(actor=editor, proposal_id=self.proposal.pk)


def coalition(
    *,
    donor_verified: bool = True,
    company: Mapping[str, Any] | None = None,
    need: Mapping[str, Any] | None = None,
) -> Coalition:
    """The Coalition; `company` and `need` add fields to the company and the need."""
    partner = OrganizationFactory(
        kind=Organization.Kind.COMPANY, name="Savanna Devices", **(company or {})
    )
    donor = OrganizationFactory(
        kind=Organization.Kind.DONOR, name="Open Futures", country="SE", verified=donor_verified
    )
    laptops = OfferFactory(organization=partner, quantity=Decimal(100))
    grant = OfferFactory(organization=donor, grant=True, quantity=Decimal(50000), areas=["global"])
    needed = NeedFactory(**(need or {}))
    proposal = proposal_for([(laptops, Decimal(60)), (grant, Decimal(20000))], need=needed)
    return Coalition(
        need=needed,
        laptops=laptops,
        grant=grant,
        proposal=proposal,
        government=member(needed.organization),
        company=member(partner),
        donor=member(donor),
        coordinator=UserFactory(coordinator=True),
    )
