"""Webhooks: a URL subscribed to kinds of events, each event's delivery to it, and its attempts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from notifications.models.events import Event, Kind


class Webhook(models.Model):
    """A URL that hears of events: an organization's (its events) or a coordinator's (all)."""

    url = models.URLField(max_length=2000)
    # Empty: every kind.
    events = ArrayField(models.CharField(max_length=40, choices=Kind.choices), default=list)
    # The organization whose events it hears; null for a coordinator's webhook, which hears all.
    organization_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    # "whsec_" and the base64 of the signing key, per the Standard Webhooks specification.
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Deliveries given up in a row since the last success; past the limit the webhook is disabled.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [
            # The fan-out of each event: WHERE is_active AND organization_id IN (...) OR IS NULL.
            models.Index(
                fields=["organization_id"], condition=Q(is_active=True), name="webhook_active"
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook: claimed in the database, so it is sent by one worker at a time,
    and delivered at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENDING = "sending", "sending"
        DELIVERED = "delivered", "delivered"
        FAILED = "failed", "failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A sending delivery whose worker died is sent again after this (same webhook-id).
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="webhook_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "delivered", "failed"]),
                name="webhook_delivery_status_valid",
            ),
        ]
        indexes = [
            # The sweep of due deliveries: WHERE status IN ('pending', 'sending') ORDER BY id.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} to webhook {self.webhook_id}: {self.status}"

    @property
    def message_id(self) -> str:
        """The `webhook-id`: the same for every attempt of an event, so receivers can dedupe."""
        return f"msg_event_{self.event_id}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status_code or self.error}"
