"""E-mail the outbox's notifications to the recipients who want them, each exactly once: at once,
or in a daily digest at the recipient's local hour."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import CharField, F, Func, QuerySet, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import Kind, Notification, Preference
from notifications.services.language import language_of
from notifications.services.unsubscribe import unsubscribe_token


def _choice() -> Coalesce:
    """How a notification's recipient wants to hear of it: their choice for the event's kind,
    else their choice for all, else (no preference saved) immediately."""
    preference = "user__notification_preference__"
    per_kind = Func(
        F(preference + "kinds"),
        F("event__kind"),
        template="(%(expressions)s)",
        arg_joiner=" ->> ",
        output_field=CharField(),
    )
    return Coalesce(
        per_kind,
        F(preference + "email"),
        Value(Preference.Email.IMMEDIATELY),
        output_field=CharField(),
    )


def _wanted(choice: str) -> QuerySet[Notification]:
    """The unsent notifications, with an address to send to, whose recipient wants them so."""
    return (
        Notification.objects.filter(emailed_at__isnull=True, email_skipped_at__isnull=True)
        .exclude(user__email="")
        .alias(choice=_choice())
        .filter(choice=choice)
    )


def _pending(event_id: int | None) -> QuerySet[Notification, int]:
    pending = _wanted(Preference.Email.IMMEDIATELY)
    if event_id is not None:
        pending = pending.filter(event_id=event_id)
    return pending.order_by("pk").values_list("pk", flat=True)


def _absolute(path: str) -> str:
    return settings.NOTIFICATIONS_BASE_URL.rstrip("/") + path


def _message(
    user: User, notifications: list[Notification], connection: BaseEmailBackend
) -> EmailMultiAlternatives:
    """One message to the user about the notifications, in the user's language."""
    unsubscribe_url = _absolute(
        reverse("web:unsubscribe", args=[unsubscribe_token(user_id=user.pk)])
    )
    with translation.override(language_of(user.pk)):
        items = [
            {"title": str(Kind(n.event.kind).label), "url": _absolute(n.event.link)}
            for n in notifications
        ]
        digest = len(notifications) > 1
        context: dict[str, Any] = {
            "user": user,
            "items": items,
            "title": _("Your daily digest") if digest else items[0]["title"],
            "url": items[0]["url"],
            "digest": digest,
            "unsubscribe_url": unsubscribe_url,
        }
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=context["title"],
        body=text,
        to=[user.email],
        connection=connection,
        # RFC 8058: a mail client's one-click unsubscribe POSTs to the same link.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_pending_emails(*, event_id: int | None = None) -> int:
    """Send each unsent notification (of one event, or all) to users who want its kind at once.

    Each is claimed under a row lock (skipping rows another worker holds) and marked sent in
    the same transaction, so a second run sends nothing more. Answers the number sent.
    """
    sent = 0
    with get_connection() as connection:
        for notification_id in list(_pending(event_id)):
            with transaction.atomic():
                notification = (
                    _wanted(Preference.Email.IMMEDIATELY)
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("event", "user")
                    .filter(pk=notification_id)
                    .first()
                )
                if notification is None:
                    continue
                _message(notification.user, [notification], connection).send()
                notification.emailed_at = timezone.now()
                notification.save(update_fields=["emailed_at"])
                sent += 1
    return sent


def _local_today(preference: Preference, now: datetime.datetime) -> datetime.date | None:
    """The user's local date if their digest hour has come today, else None."""
    try:
        local = now.astimezone(zoneinfo.ZoneInfo(preference.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = now.astimezone(datetime.UTC)
    return local.date() if local.hour >= preference.digest_hour else None


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """Send each user who wants some kinds in a daily digest, once their local hour has come and
    once a day, one message with their unsent notifications of those kinds. Answers the number of messages sent."""
    now = now or timezone.now()
    candidates = (
        _wanted(Preference.Email.DAILY)
        .values_list("user__notification_preference", flat=True)
        .distinct()
        .order_by("user__notification_preference")
    )
    sent = 0
    with get_connection() as connection:
        for preference_id in list(candidates):
            with transaction.atomic():
                preference = (
                    Preference.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("user")
                    .filter(pk=preference_id)
                    .first()
                )
                if preference is None:
                    continue
                today = _local_today(preference, now)
                if today is None or preference.last_digest_on == today:
                    continue
                notifications = list(
                    _wanted(Preference.Email.DAILY)
                    .select_for_update(of=("self",))
                    .select_related("event")
                    .filter(user_id=preference.user_id)
                    .order_by("pk")
                )
                if not notifications:
                    continue
                _message(preference.user, notifications, connection).send()
                Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
                    emailed_at=now
                )
                preference.last_digest_on = today
                preference.save(update_fields=["last_digest_on"])
                sent += 1
    return sent
