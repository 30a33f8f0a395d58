"""Writes on organizations and memberships."""

from __future__ import annotations

from typing import Any

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services.events import record_event
from registry.errors import Conflict, ValidationError
from registry.identifiers import identifier_problem
from registry.models import Membership, Organization
from registry.services.permissions import ensure_admin, ensure_coordinator, ensure_writer
from registry.services.recipients import writers_of
from registry.signals import organization_verified
from registry.user_content import apply_translations

ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "country",
    "identifier",
    "website",
    "description",
    "contact_email",
    "contact_phone",
    "language",
)
# The texts translated into the other languages, and their longest length.
ORGANIZATION_TEXTS: dict[str, int | None] = {"name": 200, "description": 5000}
# What a coordinator checked when verifying: changing one of these makes the check void.
IDENTITY_FIELDS = ("name", "kind", "country", "identifier")


def _ensure_identifier_free(identifier: str | None, exclude_id: int | None = None) -> None:
    if not identifier:
        return
    taken = Organization.objects.filter(identifier=identifier).exclude(pk=exclude_id).exists()
    if taken:
        raise ValidationError(
            {
                "identifier": [
                    _("An organization with identifier %(identifier)s exists.")
                    % {"identifier": identifier}
                ]
            }
        )


def _check_identifier(identifier: str | None, *, country: str) -> None:
    if not identifier:
        return
    problem = identifier_problem(identifier, country=country)
    if problem:
        raise ValidationError({"identifier": [problem]})


def _write_groups(organization: Organization, data: dict[str, Any]) -> bool:
    """Set the groups a community organization represents; True when they changed."""
    if "represented_groups" not in data:
        return False
    groups = {getattr(group, "slug", group) for group in data["represented_groups"]}
    if groups and organization.kind != Organization.Kind.COMMUNITY:
        raise ValidationError(
            {"represented_groups": [_("Only community organizations represent groups.")]}
        )
    before = set(organization.represented_groups.values_list("slug", flat=True))
    organization.represented_groups.set(sorted(groups))
    return before != groups


@transaction.atomic
def create_organization(*, actor, data: dict[str, Any]) -> Organization:
    """Register an organization; the user who creates it becomes its admin."""
    values = {field: data[field] for field in ORGANIZATION_FIELDS if field in data}
    values["identifier"] = values.get("identifier") or None
    _check_identifier(values["identifier"], country=values.get("country", ""))
    _ensure_identifier_free(values["identifier"])
    organization = Organization(**values)
    apply_translations(organization, data, max_lengths=ORGANIZATION_TEXTS)
    organization.save()
    _write_groups(organization, data)
    Membership.objects.create(user=actor, organization=organization, role=Membership.Role.ADMIN)
    return organization


@transaction.atomic
def update_organization(*, actor, organization: Organization, data: dict[str, Any]) -> Organization:
    """Edit an organization's profile (admins and editors).

    Changing a verified organization's name, kind, country or identifier voids its verification:
    a coordinator checked who it is, and it is now someone else on paper.
    """
    ensure_writer(actor, organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    changed = [field for field in ORGANIZATION_FIELDS if field in data]
    if "identifier" in data:
        data = {**data, "identifier": data["identifier"] or None}
    country = data.get("country", organization.country)
    if "identifier" in data or "country" in data:
        _check_identifier(data.get("identifier", organization.identifier), country=country)
    if "identifier" in data:
        _ensure_identifier_free(data["identifier"], exclude_id=organization.pk)
    identity = [f for f in IDENTITY_FIELDS if f in data and data[f] != getattr(organization, f)]
    for field in changed:
        setattr(organization, field, data[field])
    if apply_translations(organization, data, max_lengths=ORGANIZATION_TEXTS):
        changed.append("i18n")
    if _write_groups(organization, data):
        identity.append("represented_groups")
    if identity and organization.is_verified:
        organization.verified_at = organization.verified_by = None
        changed += ["verified_at", "verified_by"]
        reason = _("identity changed (%(fields)s): verification withdrawn") % {
            "fields": ", ".join(identity)
        }
        with pghistory.context(user=actor.pk, action="unverified", reason=reason):
            organization.save(update_fields=[*changed, "updated_at"])
        record_event(
            kind=Kind.ORGANIZATION_UNVERIFIED,
            subject=organization,
            link=f"/api/v1/organizations/{organization.pk}/",
            recipients=writers_of([organization.pk]),
            organizations=[organization.pk],
        )
        return organization
    organization.save(update_fields=[*changed, "updated_at"])
    return organization


@transaction.atomic
def verify_organization(*, actor, organization: Organization) -> Organization:
    """Mark an organization as verified by a coordinator."""
    ensure_coordinator(actor)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.verified_at is None:
        organization.verified_at = timezone.now()
        organization.verified_by = actor
        with pghistory.context(user=actor.pk, action="verified", reason=_("identity checked")):
            organization.save(update_fields=["verified_at", "verified_by", "updated_at"])
        organization_verified.send(
            sender=Organization, organization_id=organization.pk, actor=actor
        )
        record_event(
            kind=Kind.ORGANIZATION_VERIFIED,
            subject=organization,
            link=f"/api/v1/organizations/{organization.pk}/",
            recipients=writers_of([organization.pk]),
            organizations=[organization.pk],
        )
    return organization


@transaction.atomic
def add_member(*, actor, organization: Organization, username: str, role: str) -> Membership:
    """Add a user to an organization, or change their role (org admins)."""
    ensure_admin(actor, organization)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError(
            {"username": [_("There is no user named %(username)s.") % {"username": username}]}
        )
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if not created and membership.role != role:
        _ensure_an_admin_remains(organization, leaving=membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, actor, organization: Organization, user_id: int) -> None:
    """Remove a user from an organization (org admins); the last admin cannot leave."""
    ensure_admin(actor, organization)
    membership = (
        Membership.objects.select_for_update()
        .filter(organization=organization, user_id=user_id)
        .first()
    )
    if membership is None:
        raise ValidationError(
            {
                "user": [
                    _("User %(user)s is not a member of %(name)s.")
                    % {"user": user_id, "name": organization.name}
                ]
            }
        )
    _ensure_an_admin_remains(organization, leaving=membership)
    membership.delete()


def _ensure_an_admin_remains(organization: Organization, *, leaving: Membership) -> None:
    if leaving.role != Membership.Role.ADMIN:
        return
    admins = Membership.objects.select_for_update().filter(
        organization=organization, role=Membership.Role.ADMIN
    )
    if admins.exclude(pk=leaving.pk).count() == 0:
        raise Conflict(
            _("%(name)s must keep at least one admin.") % {"name": organization.name},
            code="last_admin",
        )
