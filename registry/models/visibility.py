"""Who may see what: the queryset scoping shared by every list and detail."""

from __future__ import annotations

from django.db.models import Q


def is_coordinator(user) -> bool:
    """Staff of a coordinating body: members of the `coordinators` group."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_coordinator", None)
    if cached is None:
        cached = user.groups.filter(name="coordinators").exists()
        user._is_coordinator = cached
    return cached


def member_organization_ids(user) -> list[int]:
    """Ids of the organizations the user belongs to (any role), cached on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_member_organization_ids", None)
    if cached is None:
        cached = list(user.memberships.values_list("organization_id", flat=True))
        user._member_organization_ids = cached
    return cached


def public_or_own(user, public: Q, organization_field: str = "organization") -> Q | None:
    """A filter for rows that are public or belong to the user's organizations (None: no filter)."""
    if is_coordinator(user):
        return None
    own = member_organization_ids(user)
    if own:
        return public | Q(**{f"{organization_field}__in": own})
    return public
