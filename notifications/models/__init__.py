"""The outbox of events, each user's inbox, their preference, and the webhooks."""

from notifications.models.events import (
    UN_LANGUAGES,
    Event,
    Kind,
    Notification,
    Nudge,
    Preference,
)
from notifications.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "UN_LANGUAGES",
    "Event",
    "Kind",
    "Notification",
    "Nudge",
    "Preference",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
