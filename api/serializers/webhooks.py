"""Webhooks: the subscription (its secret shown once, at creation) and its delivery log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.models import Kind, Webhook, WebhookAttempt, WebhookDelivery


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices),
        required=False,
        max_length=len(Kind.choices),
        help_text=_("The kinds of events to send; empty or absent: every kind."),
    )
    organization = serializers.IntegerField(
        source="organization_id",
        required=False,
        allow_null=True,
        min_value=1,
        help_text=(
            _(
                "The organization whose events it hears (an admin's; may be left out by the admin of "
                "one organization). A coordinator leaves it out for every event."
            )
        ),
    )

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "organization", "is_active", "disabled_at", "created_at"]
        read_only_fields = ["id", "is_active", "disabled_at", "created_at"]
        extra_kwargs = {
            "url": {"help_text": "Where deliveries are POSTed (http or https, a public address)."},
            "is_active": {"help_text": "False once disabled after repeated failures."},
            "disabled_at": {"help_text": "When it was disabled; null while active."},
            "created_at": {"help_text": "When it was added."},
        }


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text=_("The signing secret (whsec_…), shown only in this answer."),
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = [*WebhookSerializer.Meta.read_only_fields, "secret"]


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "error", "duration_ms"]
        read_only_fields = fields
        extra_kwargs = {
            "status_code": {"help_text": "The receiver's HTTP status; null when none answered."},
            "error": {"help_text": "Why no status came back (refused target, timeout, ...)."},
            "attempted_at": {"help_text": "When the attempt was made."},
            "duration_ms": {"help_text": "How long the receiver took to answer, in milliseconds."},
        }


class WebhookDeliverySerializer(serializers.ModelSerializer):
    message_id = serializers.CharField(read_only=True, help_text=_("The webhook-id header."))
    kind = serializers.ChoiceField(
        source="event.kind", choices=Kind.choices, read_only=True, help_text=_("The event's kind.")
    )
    log = WebhookAttemptSerializer(many=True, read_only=True, help_text=_("Each attempt."))

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event",
            "kind",
            "status",
            "attempts",
            "last_status_code",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "log",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "event": {"help_text": "The event delivered (its id in the outbox)."},
            "status": {
                "help_text": "pending, sending (claimed by a worker), delivered or failed (retries exhausted)."
            },
            "attempts": {"help_text": "How many attempts were made."},
            "last_status_code": {"help_text": "The receiver's status at the last attempt."},
            "next_attempt_at": {"help_text": "When the next retry is due; null when none is."},
            "delivered_at": {"help_text": "When a receiver answered 2xx; null until then."},
        }
