"""factory_boy factories for the catalogue, and proposals built as a run would store them.

Engine inputs are in tests.factories.engine, the large synthetic catalogue in
tests.factories.catalogue."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from matching.models import MatchRun, Proposal, ProposalLine
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


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.GOVERNMENT)
    title = factory.Sequence(lambda n: f"Devices for rural schools {n}")
    description = "Secondary schools without devices for digital-skills lessons."
    area = "KE-30"
    priority = 3
    status = Need.Status.OPEN
    deadline = datetime.date(2027, 12, 31)


class NeedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedItem

    need = factory.SubFactory(NeedFactory)
    category_id = "laptops"
    kind = "technical"
    quantity = Decimal("50")
    currency = ""


def proposal_for(
    offers_and_quantities: list[tuple[Offer, Decimal]],
    *,
    need: Need | None = None,
    run: MatchRun | None = None,
) -> Proposal:
    """A proposed proposal with one line per (offer, quantity), each on its own item of one need."""
    need = need or NeedFactory()
    run = run or MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)
    proposal = Proposal.objects.create(
        run=run,
        need=need,
        score=Decimal("0.5"),
        coverage=Decimal("1"),
        explanation={"summary": "test"},
        fingerprint=f"test-{need.pk}-{run.pk}",
    )
    for offer, quantity in offers_and_quantities:
        item = NeedItem.objects.filter(
            need=need, category_id=offer.category_id
        ).first() or NeedItemFactory(
            need=need,
            category_id=offer.category_id,
            kind=offer.kind,
            quantity=quantity,
            currency=offer.currency,
        )
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
