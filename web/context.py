"""What every console page needs to know about the person looking at it."""

from __future__ import annotations

from notifications.models import Notification
from registry.models.visibility import is_coordinator, member_organization_ids


def console(request) -> dict[str, object]:
    """The visitor's roles, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_coordinator": False, "is_member": False, "unread_notifications": 0}
    return {
        "is_coordinator": is_coordinator(user),
        "is_member": bool(member_organization_ids(user)),
        # The inbox's unread count in the navigation: one indexed count per page.
        "unread_notifications": Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count(),
    }
