"""Record an event in the outbox, in the caller's transaction, with one inbox row per recipient."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from notifications.models import Event, Kind, Notification
from notifications.services import webhooks

SEND_EMAILS_TASK = "notifications.send_emails"


# No savepoint of its own: inside a service's transaction it adds only its own statements.
@transaction.atomic(savepoint=False)
def record_event(
    *,
    kind: Kind | str,
    subject: Model,
    link: str,
    recipients: Iterable[int],
    organizations: Iterable[int] = (),
) -> Event:
    """Write the event and a notification for each recipient (user ids, duplicates ignored);
    the organizations it concerns are kept for their webhooks. Once the caller's transaction
    commits, the e-mail sender and the webhook deliverer are asked to look at the outbox."""
    event = Event.objects.create(
        kind=kind,
        subject_type=subject._meta.model_name,  # type: ignore[misc]  # never None for a model
        subject_id=subject.pk,
        link=link,
        organizations=sorted(set(organizations)),
    )
    Notification.objects.bulk_create(
        Notification(event=event, user_id=user_id) for user_id in sorted(set(recipients))
    )
    webhooks.queue_deliveries(event)
    # robust: a broker outage must not fail the committed change; the schedule sends it later.
    transaction.on_commit(lambda: _send_emails(event.pk), robust=True)
    return event


def _send_emails(event_id: int) -> None:
    from config.celery import app

    app.send_task(SEND_EMAILS_TASK, args=[event_id], queue=settings.CELERY_TASK_DEFAULT_QUEUE)
