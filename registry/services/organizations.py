"""Writes on organizations and memberships."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from registry.errors import Conflict, ValidationError
from registry.models import Membership, Organization
from registry.services.permissions import ensure_admin, ensure_coordinator, ensure_writer

ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "country",
    "identifier",
    "website",
    "description",
    "contact_email",
    "contact_phone",
)


def _ensure_identifier_free(identifier: str | None, exclude_id: int | None = None) -> None:
    if not identifier:
        return
    taken = Organization.objects.filter(identifier=identifier).exclude(pk=exclude_id).exists()
    if taken:
        raise ValidationError(
            {"identifier": [f"An organization with identifier {identifier} exists."]}
        )


@transaction.atomic
def create_organization(*, actor, data: dict[str, Any]) -> Organization:
    """Register an organization; the user who creates it becomes its admin."""
    values = {field: data[field] for field in ORGANIZATION_FIELDS if field in data}
    values["identifier"] = values.get("identifier") or None
    _ensure_identifier_free(values["identifier"])
    organization = Organization.objects.create(**values)
    Membership.objects.create(user=actor, organization=organization, role=Membership.Role.ADMIN)
    return organization


@transaction.atomic
def update_organization(*, actor, organization: Organization, data: dict[str, Any]) -> Organization:
    """Edit an organization's profile (admins and editors)."""
    ensure_writer(actor, organization)
    changed = [field for field in ORGANIZATION_FIELDS if field in data]
    if "identifier" in data:
        data = {**data, "identifier": data["identifier"] or None}
        _ensure_identifier_free(data["identifier"], exclude_id=organization.pk)
    for field in changed:
        setattr(organization, field, data[field])
    organization.save(update_fields=[*changed, "updated_at"])
    return organization


@transaction.atomic
def verify_organization(*, actor, organization: Organization) -> Organization:
    """Mark an organization as verified by a coordinator."""
    ensure_coordinator(actor)
    if organization.verified_at is None:
        organization.verified_at = timezone.now()
        organization.verified_by = actor
        organization.save(update_fields=["verified_at", "verified_by", "updated_at"])
    return organization


@transaction.atomic
def add_member(*, actor, organization: Organization, username: str, role: str) -> Membership:
    """Add a user to an organization, or change their role (org admins)."""
    ensure_admin(actor, organization)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": [f"There is no user named {username}."]})
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
        raise ValidationError({"user": [f"User {user_id} is not a member of {organization.name}."]})
    _ensure_an_admin_remains(organization, leaving=membership)
    membership.delete()


def _ensure_an_admin_remains(organization: Organization, *, leaving: Membership) -> None:
    if leaving.role != Membership.Role.ADMIN:
        return
    admins = Membership.objects.select_for_update().filter(
        organization=organization, role=Membership.Role.ADMIN
    )
    if admins.exclude(pk=leaving.pk).count() == 0:
        raise Conflict(f"{organization.name} must keep at least one admin.", code="last_admin")
