"""Role checks shared by the registry's services."""

from __future__ import annotations

from registry.errors import PermissionDenied
from registry.models import Membership, Organization
from registry.models.visibility import is_coordinator


def role_in(user, organization: Organization) -> str | None:
    """The user's role in the organization, or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def ensure_writer(user, organization: Organization) -> None:
    """Raise PermissionDenied unless the user is an admin or editor of the organization."""
    if role_in(user, organization) not in Membership.WRITERS:
        raise PermissionDenied(
            f"Only admins and editors of {organization.name} may change its records."
        )


def ensure_admin(user, organization: Organization) -> None:
    """Raise PermissionDenied unless the user is an admin of the organization."""
    if role_in(user, organization) != Membership.Role.ADMIN:
        raise PermissionDenied(f"Only admins of {organization.name} may manage its members.")


def ensure_coordinator(user) -> None:
    """Raise PermissionDenied unless the user is in the coordinators group."""
    if not is_coordinator(user):
        raise PermissionDenied("Only coordinators may do this.")
