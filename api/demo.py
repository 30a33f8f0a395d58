"""Load fixtures/demo.json through the API's own serializers and the registry's services.

The demo catalogue therefore passes exactly the validation that API input passes.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework import serializers

from api.serializers.needs import EndorsementSerializer, NeedSerializer
from api.serializers.offers import OfferSerializer
from api.serializers.organizations import OrganizationSerializer
from registry import services
from registry.models import Organization
from registry.services.accounts import make_coordinator

DEMO_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "demo.json"


def _valid(serializer_class, data: dict[str, Any], label: str) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise serializers.ValidationError({label: serializer.errors})
    return dict(serializer.validated_data)


@transaction.atomic
def load_demo(path: Path = DEMO_FILE, *, password: str | None = None) -> dict[str, int]:
    """Create the demo users, organizations, offers and needs; skip when already loaded.

    Every demo user gets `password` (a fresh random one when not given): no password is fixed
    in the code or the fixture.
    """
    demo = json.loads(path.read_text(encoding="utf-8"))
    users = get_user_model().objects
    first = demo["organizations"][0]
    if Organization.objects.filter(identifier=first.get("identifier"), name=first["name"]).exists():
        return {"organizations": 0, "offers": 0, "needs": 0}
    password = password or secrets.token_urlsafe(12)
    for person in demo["users"]:
        user = users.create_user(
            username=person["username"],
            email=person["email"],
            password=password,
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        user.save()
    coordinator = None
    for person in demo["coordinators"]:
        coordinator, _ = make_coordinator(
            username=person["username"], email=person["email"], password=password
        )

    organizations: dict[str, Organization] = {}
    for entry in demo["organizations"]:
        members = entry["members"]
        admin = next(m for m in members if m["role"] == "admin")
        actor = users.get(username=admin["username"])
        data = _valid(OrganizationSerializer, entry, f"organization {entry['key']}")
        organization = services.create_organization(actor=actor, data=data)
        for membership in members:
            if membership["username"] != admin["username"]:
                services.add_member(
                    actor=actor,
                    organization=organization,
                    username=membership["username"],
                    role=membership["role"],
                )
        if entry.get("verified") and coordinator is not None:
            services.verify_organization(actor=coordinator, organization=organization)
        organizations[entry["key"]] = organization

    def writer_of(organization: Organization):
        return (
            organization.memberships.filter(role__in=("admin", "editor"))
            .order_by("pk")
            .first()
            .user
        )

    for entry in demo["offers"]:
        organization = organizations[entry["organization"]]
        data = _valid(
            OfferSerializer, {**entry, "organization": organization.pk}, f"offer {entry['title']}"
        )
        data.pop("organization")
        services.create_offer(actor=writer_of(organization), organization=organization, data=data)

    for entry in demo["needs"]:
        organization = organizations[entry["organization"]]
        consultations = [
            {**c, "organizations": [organizations[key].pk for key in c.get("organizations", [])]}
            for c in entry.get("consultations", [])
        ]
        payload = {**entry, "organization": organization.pk, "consultations": consultations}
        payload.pop("endorsements", None)
        data = _valid(NeedSerializer, payload, f"need {entry['title']}")
        data.pop("organization")
        need = services.create_need(
            actor=writer_of(organization), organization=organization, data=data
        )
        for endorsement in entry.get("endorsements", []):
            endorser = organizations[endorsement["organization"]]
            values = _valid(
                EndorsementSerializer, {**endorsement, "organization": endorser.pk}, "endorsement"
            )
            services.endorse_need(
                actor=writer_of(endorser),
                need=need,
                organization=endorser,
                comment=values.get("comment", ""),
            )
    return {
        "organizations": len(organizations),
        "offers": len(demo["offers"]),
        "needs": len(demo["needs"]),
    }


DEMO_ROLES = ("government", "ngo", "company", "donor", "community")


def demo_users_by_role(demo: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(role, username, organization) of one demo user per role: an admin or editor of the first
    verified organization of each kind, then the first coordinator."""
    found = []
    for kind in DEMO_ROLES:
        for organization in demo["organizations"]:
            writers = [
                member["username"]
                for member in organization.get("members", [])
                if member["role"] in ("admin", "editor")
            ]
            if organization["kind"] == kind and organization.get("verified") and writers:
                found.append((kind, writers[0], organization["name"]))
                break
    found.append(("coordinator", demo["coordinators"][0]["username"], ""))
    return found
