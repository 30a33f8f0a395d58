"""Webhooks: subscribing a URL, fanning each event out to its subscribers, and delivering it.

A delivery is a row claimed with a conditional UPDATE (pending, or sending with an expired
lease → sending), so one worker sends it at a time; a worker that dies mid-request leaves the
lease to expire, and the retry carries the same `webhook-id`, which the receiver dedupes.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterable

import orjson
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Event, Kind, Webhook, WebhookAttempt, WebhookDelivery
from notifications.services import webhook_signing, webhook_targets
from registry.errors import PermissionDenied, ValidationError
from registry.models import Membership
from registry.models.visibility import is_coordinator

DELIVER_TASK = "notifications.deliver_webhook"


def visible_webhooks(*, user: User) -> QuerySet[Webhook]:
    """The webhooks a user manages: those of the organizations they administer, and, for a
    coordinator, the coordinators' webhooks (which hear every event)."""
    administered = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values(
        "organization_id"
    )
    scope = Q(organization_id__in=administered)
    if is_coordinator(user):
        scope |= Q(organization_id__isnull=True)
    return Webhook.objects.filter(scope)


def _organization_for(actor: User, organization_id: int | None) -> int | None:
    administered = list(
        Membership.objects.filter(user=actor, role=Membership.Role.ADMIN).values_list(
            "organization_id", flat=True
        )
    )
    if organization_id is None:
        if is_coordinator(actor):
            return None
        if len(administered) == 1:
            return administered[0]
        if not administered:
            raise PermissionDenied(_("Only organization admins and coordinators add webhooks."))
        raise ValidationError({"organization": [_("Say which of your organizations it is for.")]})
    if organization_id not in administered:
        raise PermissionDenied(_("Only the organization's admins add its webhooks."))
    return organization_id


def _check_url(url: str) -> None:
    try:
        webhook_targets.resolve(url)
    except ValueError as error:
        raise ValidationError({"url": [str(error)]}) from error
    except webhook_targets.TargetRefused as error:
        raise ValidationError({"url": [str(error)]}) from error
    except OSError:
        pass  # a name that does not resolve now is tried, and checked again, at each delivery


@transaction.atomic
def create_webhook(
    *, actor: User, url: str, events: Iterable[str] = (), organization_id: int | None = None
) -> Webhook:
    """Subscribe a URL to kinds of events (none: all) for an organization its admin names, or,
    for a coordinator who names none, to every event. The answer carries the signing secret."""
    organization_id = _organization_for(actor, organization_id)
    kinds = sorted(set(events))
    unknown = [kind for kind in kinds if kind not in Kind.values]
    if unknown:
        raise ValidationError({"events": [_("Unknown kinds: %s.") % ", ".join(unknown)]})
    _check_url(url)
    return Webhook.objects.create(
        url=url,
        events=kinds,
        organization_id=organization_id,
        created_by=actor,
        secret=webhook_signing.new_secret(),
    )


@transaction.atomic
def delete_webhook(*, actor: User, webhook_id: int) -> None:
    """Remove a webhook the actor manages (its deliveries and their log go with it)."""
    visible_webhooks(user=actor).get(pk=webhook_id).delete()


def queue_deliveries(event: Event) -> list[int]:
    """In the event's transaction: a delivery for each active webhook that hears of it; each is
    sent once the transaction commits."""
    hears = Q(organization_id__isnull=True)
    if event.organizations:
        hears |= Q(organization_id__in=event.organizations)
    webhooks = Webhook.objects.filter(hears, is_active=True).filter(
        Q(events=[]) | Q(events__contains=[event.kind])
    )
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(webhook_id=webhook_id, event=event, next_attempt_at=now)
        for webhook_id in webhooks.values_list("pk", flat=True)
    )
    ids = [delivery.pk for delivery in deliveries]
    for delivery_id in ids:
        # mypy infers no type for a lambda's default argument
        transaction.on_commit(lambda pk=delivery_id: send_delivery(pk), robust=True)  # type: ignore[misc]
    return ids


def send_delivery(delivery_id: int, countdown: float = 0) -> None:
    from config.celery import app

    app.send_task(
        DELIVER_TASK,
        args=[delivery_id],
        countdown=countdown,
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,
    )


def _claim(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, webhook__is_active=True)
        .filter(
            Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=WebhookDelivery.Status.SENDING, lease_until__lt=now)
        )
        .update(
            status=WebhookDelivery.Status.SENDING, lease_until=lease, attempts=F("attempts") + 1
        )
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("webhook", "event").get(pk=delivery_id)


def payload(event: Event) -> bytes:
    """The message body: the event's kind as `type`, and what it is about."""
    return orjson.dumps(
        {
            "type": event.kind,
            "timestamp": event.created_at.isoformat(),
            "data": {
                "id": event.pk,
                "subject_type": event.subject_type,
                "subject_id": event.subject_id,
                "link": settings.NOTIFICATIONS_BASE_URL.rstrip("/") + event.link,
                "organizations": event.organizations,
            },
        }
    )


def _request(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = payload(delivery.event)
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "partnership-registry-webhooks",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_signing.signature(
            secret=delivery.webhook.secret,
            message_id=delivery.message_id,
            timestamp=timestamp,
            body=body,
        ),
    }
    try:
        status = webhook_targets.post(
            delivery.webhook.url,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except webhook_targets.TargetRefused as error:
        return None, str(error)[:300]
    except (OSError, ValueError) as error:
        return None, f"{type(error).__name__}: {error}"[:300]
    return status, ""


def backoff(attempts: int) -> float:
    """Seconds before the next attempt: doubling from the base, capped, with equal jitter (half
    fixed, half random) so that the retries of many deliveries spread out."""
    ceiling: float = min(
        settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1),
        settings.WEBHOOK_RETRY_MAX_SECONDS,
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter, not a secret


def deliver(*, delivery_id: int) -> str:
    """Send one delivery if it is due and not held by another worker; record the attempt, and
    schedule the next one with backoff, or give up after WEBHOOK_RETRY_HOURS."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "not due"
    started = time.monotonic()
    status_code, error = _request(delivery)
    duration = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        webhook = Webhook.objects.select_for_update().get(pk=delivery.webhook_id)
        WebhookAttempt.objects.create(
            delivery=delivery, status_code=status_code, error=error, duration_ms=duration
        )
        delivery.last_status_code = status_code
        delivery.lease_until = None
        if status_code is not None and 200 <= status_code < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
            webhook.consecutive_failures = 0
            webhook.save(update_fields=["consecutive_failures"])
        else:
            _failed(delivery, webhook)
        delivery.save(
            update_fields=[
                "status",
                "last_status_code",
                "lease_until",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    return delivery.status


def _failed(delivery: WebhookDelivery, webhook: Webhook) -> None:
    now = timezone.now()
    window = datetime.timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    delay = backoff(delivery.attempts)
    if now + datetime.timedelta(seconds=delay) > delivery.created_at + window:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now + datetime.timedelta(seconds=delay)
        transaction.on_commit(lambda: send_delivery(delivery.pk, delay), robust=True)
    webhook.consecutive_failures += 1
    webhook.save(update_fields=["consecutive_failures"])
    if (
        webhook.is_active
        and webhook.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES
    ):
        _disable(webhook)
        delivery.status = WebhookDelivery.Status.FAILED


def _disable(webhook: Webhook) -> None:
    from notifications.services.events import record_event

    webhook.is_active = False
    webhook.disabled_at = timezone.now()
    webhook.save(update_fields=["is_active", "disabled_at"])
    WebhookDelivery.objects.filter(webhook=webhook, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED
    )
    record_event(
        kind=Kind.WEBHOOK_DISABLED,
        subject=webhook,
        link=f"/api/v1/webhooks/{webhook.pk}/deliveries/",
        recipients=[webhook.created_by_id],
    )


def dispatch_due_deliveries(*, limit: int = 1000) -> list[int]:
    """Send again what is due: retries whose message was lost, and deliveries whose worker died
    mid-request (the lease expired). Claiming makes a second send of the same one harmless."""
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(webhook__is_active=True)
        .filter(
            Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=WebhookDelivery.Status.SENDING, lease_until__lt=now)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        send_delivery(delivery_id)
    return due
