"""Celery tasks of the notifications: thin wrappers over one service each, safe to run twice."""

from celery import shared_task

from matching.services import nudges
from notifications.services import email, webhooks


@shared_task(name="notifications.send_emails", acks_late=True, soft_time_limit=540, time_limit=600)
def send_emails(event_id: int | None = None) -> int:
    """E-mail the unsent notifications of one event (or of all, on the schedule)."""
    return email.send_pending_emails(event_id=event_id)


@shared_task(
    name="notifications.deliver_webhook", acks_late=True, soft_time_limit=120, time_limit=150
)
def deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery if it is due and nobody else holds it."""
    return webhooks.deliver(delivery_id=delivery_id)


@shared_task(
    name="notifications.dispatch_webhooks", acks_late=True, soft_time_limit=50, time_limit=60
)
def dispatch_webhooks() -> int:
    """Queue again the deliveries that are due (lost messages, workers that died)."""
    return len(webhooks.dispatch_due_deliveries())


@shared_task(name="notifications.send_nudges", acks_late=True, soft_time_limit=540, time_limit=600)
def send_nudges() -> int:
    """Record the reminders that are due (each once per object, occasion and user)."""
    return nudges.send_nudges()


@shared_task(name="notifications.send_digests", acks_late=True, soft_time_limit=540, time_limit=600)
def send_digests() -> int:
    """E-mail the daily digests whose local hour has come (each once a day)."""
    return email.send_digests()
