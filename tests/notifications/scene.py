"""A small scene for the notification tests: a partner, a government, one proposal to review."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from matching.models import MatchRun, Proposal
from notifications.models import Preference
from registry.models import Membership, Organization
from tests.security.world import _need, _offer, _organization, _proposal


@dataclass
class Scene:
    people: dict
    partner: Organization
    government: Organization
    proposal: Proposal


def build_scene() -> Scene:
    """Verified organizations with members in each role, a coordinator and a proposal."""
    coordinators, _created = Group.objects.get_or_create(name="coordinators")
    users = get_user_model().objects
    partner = _organization("Digital Bridges", Organization.Kind.NGO)
    government = _organization("Baringo County", Organization.Kind.LOCAL_GOVERNMENT)
    people = {}
    for organization, prefix in ((partner, "ngo"), (government, "county")):
        for role in Membership.Role.values:
            user = users.create_user(f"{prefix}.{role}", f"{prefix}.{role}@example.org")
            Membership.objects.create(user=user, organization=organization, role=role)
            people[f"{prefix}.{role}"] = user
    people["coordinator"] = users.create_user("coordinator", "coordinator@example.org")
    people["coordinator"].groups.add(coordinators)
    Organization.objects.filter(pk__in=[partner.pk, government.pk]).update(
        verified_at=timezone.now(), verified_by=people["coordinator"]
    )
    offer = _offer(partner, "published", "Laptops for schools")
    need = _need(government, "open", "Devices for rural schools")
    run = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)
    return Scene(people, partner, government, _proposal(run, need, offer, 5))


def prefer(user, *, email: str = Preference.Email.IMMEDIATELY, language: str = "en") -> None:
    Preference.objects.update_or_create(user=user, defaults={"email": email, "language": language})
