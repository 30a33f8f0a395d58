"""Celery tasks of the notifications: thin wrappers over one service each, safe to run twice."""

from celery import shared_task

from notifications.services import email


@shared_task(name="notifications.send_emails", acks_late=True, soft_time_limit=540, time_limit=600)
def send_emails(event_id: int | None = None) -> int:
    """E-mail the unsent notifications of one event (or of all, on the schedule)."""
    return email.send_pending_emails(event_id=event_id)
