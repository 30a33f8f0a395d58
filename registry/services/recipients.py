"""Who hears of a change: the user ids that services name as an event's recipients."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from registry.models import Membership


def writers_of(organization_ids: Iterable[int]) -> list[int]:
    """Active admins and editors of the organizations: the people who can act for them."""
    return list(
        Membership.objects.filter(
            organization_id__in=list(organization_ids),
            role__in=Membership.WRITERS,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def coordinators() -> list[int]:
    """Active members of the `coordinators` group."""
    return list(
        get_user_model()
        .objects.filter(groups__name="coordinators", is_active=True)
        .values_list("pk", flat=True)
    )
