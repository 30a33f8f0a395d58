"""A user's inbox: marking a notification read."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification


@transaction.atomic
def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (again is harmless); another user's
    notification does not exist for them (Notification.DoesNotExist)."""
    notification = Notification.objects.select_for_update().get(pk=notification_id, user=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
