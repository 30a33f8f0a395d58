"""E-mail the outbox's notifications to the recipients who want them, each exactly once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Kind, Notification, Preference


def _pending(event_id: int | None):
    pending = Notification.objects.filter(emailed_at__isnull=True).exclude(
        user__notification_preference__email=Preference.Email.OFF
    )
    pending = pending.exclude(user__email="")
    if event_id is not None:
        pending = pending.filter(event_id=event_id)
    return pending.order_by("pk").values_list("pk", flat=True)


def _message(notification: Notification, connection) -> EmailMultiAlternatives:
    preference = Preference.objects.filter(user_id=notification.user_id).first()
    language = preference.language if preference else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": notification.user,
            "title": str(Kind(notification.event.kind).label),
            "url": settings.NOTIFICATIONS_BASE_URL.rstrip("/") + notification.event.link,
        }
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=context["title"],
        body=text,
        to=[notification.user.email],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_pending_emails(*, event_id: int | None = None) -> int:
    """Send each unsent notification (of one event, or all) to users who did not opt out.

    Each is claimed under a row lock (skipping rows another worker holds) and marked sent in
    the same transaction, so a second run sends nothing more. Answers the number sent.
    """
    sent = 0
    with get_connection() as connection:
        for notification_id in list(_pending(event_id)):
            with transaction.atomic():
                notification = (
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("event", "user")
                    .filter(pk=notification_id, emailed_at__isnull=True)
                    .first()
                )
                if notification is None:
                    continue
                _message(notification, connection).send()
                notification.emailed_at = timezone.now()
                notification.save(update_fields=["emailed_at"])
                sent += 1
    return sent
