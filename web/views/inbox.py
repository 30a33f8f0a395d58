"""The signed-in user's inbox in the console: the list, marking read, links to the objects."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from notifications.models import Kind, Notification
from notifications.services import inbox as inbox_service
from web.paging import page_of

# The console's page of each kind of object an event is about (others link to the API).
CONSOLE_PAGES = {
    "proposal": "web:proposal",
    "partnership": "web:partnership",
    "need": "web:need",
}


def console_link(notification: Notification) -> str:
    """Where the notification's object is seen in the console."""
    event = notification.event
    page = CONSOLE_PAGES.get(event.subject_type)
    if page is not None:
        return reverse(page, args=[event.subject_id])
    if event.subject_type == "progressreport":
        return event.link.replace("/api/v1/", "/").removesuffix("reports/")
    return event.link


@require_safe
@login_required
def inbox(request):
    """The user's notifications, newest first, unread ones marked."""
    rows = Notification.objects.filter(user=request.user).select_related("event").order_by("-id")
    page, query = page_of(request, rows)
    items = [
        {
            "notification": notification,
            "title": Kind(notification.event.kind).label,
            "link": console_link(notification),
        }
        for notification in page.object_list
    ]
    return render(
        request, "web/notifications/inbox.html", {"page": page, "query": query, "items": items}
    )


@require_POST
@login_required
def mark_read(request, notification_id: int):
    """Mark one of the user's notifications read (another's does not exist for them: 404)."""
    try:
        inbox_service.mark_read(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None
    return redirect("web:inbox")
