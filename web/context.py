"""What every console page needs to know about the person looking at it."""

from __future__ import annotations

from urllib.parse import urlencode

from notifications.models import Notification
from registry.models.visibility import is_coordinator, member_organization_ids


def this_page_without_lang(request) -> str:
    """The page's address without `?lang=`, where the language switcher comes back to."""
    query = [(key, value) for key, value in request.GET.lists() if key != "lang"]
    return request.path + (f"?{urlencode(query, doseq=True)}" if query else "")


def console(request) -> dict[str, object]:
    """The visitor's roles, for the navigation, and the page the language switcher returns to."""
    user = getattr(request, "user", None)
    here = this_page_without_lang(request)
    if user is None or not user.is_authenticated:
        return {
            "is_coordinator": False,
            "is_member": False,
            "this_page": here,
            "unread_notifications": 0,
        }
    return {
        "is_coordinator": is_coordinator(user),
        "is_member": bool(member_organization_ids(user)),
        "this_page": here,
        # The inbox's unread count in the navigation: one indexed count per page.
        "unread_notifications": Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count(),
    }
