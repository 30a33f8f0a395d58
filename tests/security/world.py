"""One small registry with a record of every kind in every state the security tests need.

Roles are relative to the organization that owns the record a route acts on: `owner_*` are the
viewer, editor and admin of that organization (the NGO for organizations, offers, proposals and
partnerships; the county for needs and endorsements), `other_member` edits for an unrelated
company, `government_member` for a ministry, `community_member` for a community organization.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from interchange.models import ImportJob
from matching.models import MatchRun, Partnership, ProgressReport, Proposal
from matching.services import reports, review
from notifications.models import Notification, Webhook
from notifications.services.webhook_signing import new_secret
from registry.models import Membership, Need, Offer, Organization
from tests.factories import (
    PASSWORD,
    ROLES,
    MembershipFactory,
    NeedFactory,
    NeedItemFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
    proposal_for,
)

# ROLES and PASSWORD are defined in tests/factories; named here too for the matrices' importers.
__all__ = ["PASSWORD", "ROLES", "World", "build_world"]

CONTACT_EMAIL = "private.contact.{}@example.org"
CONTACT_PHONE = "+254 711 {:06d}"


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def user(self, name: str):
        # A fresh instance per request: the visibility helpers cache memberships on the user.
        return get_user_model().objects.get(pk=self.users[name])

    def client(self, role: str, owner: str = "ngo") -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(self.user(self.username(role, owner)))
        return client

    @staticmethod
    def username(role: str, owner: str = "ngo") -> str:
        if role.startswith("owner_"):
            return f"{owner}.{role.removeprefix('owner_')}"
        return role.replace("_", ".")

    def __getitem__(self, name: str):
        return self.objects[name]


def organization_with_contacts(name: str, kind: str, country: str = "KE", **extra) -> Organization:
    """An organization not yet verified, with private contact details the matrices look for."""
    number = Organization.objects.count() + 1
    return OrganizationFactory(
        name=name,
        kind=kind,
        country=country,
        contact_email=CONTACT_EMAIL.format(number),
        contact_phone=CONTACT_PHONE.format(number),
        verified=False,
        **extra,
    )


def need_with_item(organization: Organization, status: str, title: str) -> Need:
    """A need for 50 laptops that affects the community's group."""
    need = NeedFactory(
        organization=organization,
        status=status,
        title=title,
        description="Secondary schools without devices.",
        vulnerable_groups=["persons-with-disabilities"],
    )
    NeedItemFactory(need=need)
    return need


def proposal(run: MatchRun, need: Need, offer: Offer, quantity: int) -> Proposal:
    """A proposal of `quantity` laptops from `offer` for the need's one item."""
    return proposal_for([(offer, Decimal(quantity))], need=need, run=run, coverage=Decimal("0.2"))


def build_world() -> World:
    """Every record in the state the matrices name; run inside a transaction that rolls back."""
    world = World()
    coordinators, _ = Group.objects.get_or_create(name="coordinators")
    User = get_user_model()

    def person(username: str, *memberships: tuple[Organization, str]):
        user = UserFactory(username=username)
        for member_of, role in memberships:
            MembershipFactory(user=user, organization=member_of, role=role)
        world.users[username] = user.pk
        return user

    ngo = organization_with_contacts("Digital Bridges", Organization.Kind.NGO)
    dormant = organization_with_contacts(
        "Digital Bridges (dormant)", Organization.Kind.NGO, is_active=False
    )
    county = organization_with_contacts("Baringo County", Organization.Kind.LOCAL_GOVERNMENT)
    ministry = organization_with_contacts("Ministry of ICT", Organization.Kind.GOVERNMENT)
    community = organization_with_contacts("Union of the Blind", Organization.Kind.COMMUNITY)
    company = organization_with_contacts("Other Company", Organization.Kind.COMPANY, "UG")
    for role in Membership.Role.values:
        person(f"ngo.{role}", (ngo, role), (dormant, role))
        person(f"county.{role}", (county, role))
    person("other.member", (company, Membership.Role.EDITOR))
    person("government.member", (ministry, Membership.Role.EDITOR))
    person("community.member", (community, Membership.Role.EDITOR))
    coordinator = person("coordinator")
    coordinator.groups.add(coordinators)
    leaver = person("ngo.leaver", (ngo, Membership.Role.VIEWER), (dormant, Membership.Role.VIEWER))
    person("newcomer")
    person("token.holder")
    # Checked by a coordinator: only verified governments' needs are matched and accepted.
    Organization.objects.filter(
        pk__in=[ngo.pk, dormant.pk, county.pk, ministry.pk, community.pk, company.pk]
    ).update(verified_at=timezone.now(), verified_by=coordinator)
    community.represented_groups.set(["persons-with-disabilities"])

    published = OfferFactory(organization=ngo, title="Laptops for schools")
    draft = OfferFactory(organization=ngo, status=Offer.Status.DRAFT, title="Tablets (draft)")
    run = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)
    need_open = need_with_item(county, Need.Status.OPEN, "Devices for rural schools")
    need_draft = need_with_item(county, Need.Status.DRAFT, "Devices (draft)")
    proposed = proposal(run, need_open, published, 5)
    accepted = proposal(run, need_with_item(county, Need.Status.OPEN, "Devices B"), published, 5)
    review.accept_proposal(actor=coordinator, proposal_id=accepted.pk)
    formed = proposal(run, need_with_item(county, Need.Status.OPEN, "Devices C"), published, 5)
    review.accept_proposal(actor=coordinator, proposal_id=formed.pk)
    editor = User.objects.get(username="ngo.editor")
    review.confirm_lines(actor=editor, proposal_id=formed.pk)
    # the need's own organization consents: the partnership forms
    review.confirm_lines(actor=User.objects.get(username="county.editor"), proposal_id=formed.pk)
    partnership = Partnership.objects.get(proposal=formed)

    def report(submit: bool, approve: bool = False) -> ProgressReport:
        filed = reports.file_report(
            actor=editor,
            partnership=partnership,
            data={
                "period_end": timezone.localdate(),  # not before the partnership formed
                "indicator_value": Decimal(10),
                "narrative": "Forty laptops delivered.",
            },
            submit=submit,
        )
        if approve:
            filed = reports.review_report(actor=coordinator, report=filed, approve=True)
        return filed

    world.objects.update(
        ngo=ngo,
        dormant=dormant,
        county=county,
        community=community,
        company=company,
        offer_published=published,
        offer_draft=draft,
        need_open=need_open,
        need_draft=need_draft,
        run=run,
        proposal_proposed=proposed,
        proposal_accepted=accepted,
        partnership=partnership,
        report_draft=report(submit=False),
        report_submitted=report(submit=True),
        report_approved=report(submit=True, approve=True),
        leaver=leaver,
        # an acceptance to confirm, in the inbox of ngo.editor alone
        notification=Notification.objects.filter(user=editor).order_by("pk").first(),
        # a background import of the NGO's offers, uploaded by ngo.editor, not yet run
        import_job=ImportJob.objects.create(
            kind=ImportJob.Kind.OFFERS,
            organization=ngo,
            user=editor,
            filename="pledges.csv",
            content=b"key,title\r\nP-1,Laptops\r\n",
            rows=1,
        ),
        # the NGO's webhook, added by its admin
        webhook=Webhook.objects.create(
            url="https://hooks.example.org/registry",
            organization_id=ngo.pk,
            created_by=User.objects.get(username="ngo.admin"),
            secret=new_secret(),
        ),
    )
    return world
