"""A notification in the signed-in user's inbox."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import bounded_dict
from notifications.models import Kind, Notification, Preference


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        source="event.kind",
        choices=Kind.choices,
        read_only=True,
        help_text=_("What happened (acceptance_to_confirm, coalition_to_consent, ...)."),
    )
    title = serializers.SerializerMethodField(help_text=_("The kind in the request's language."))
    read = serializers.BooleanField(read_only=True, help_text=_("Whether the user marked it read."))
    subject_type = serializers.CharField(
        source="event.subject_type",
        read_only=True,
        help_text=_("The kind of object it is about: proposal, partnership, progressreport, ..."),
    )
    subject_id = serializers.IntegerField(
        source="event.subject_id", read_only=True, help_text=_("The id of that object.")
    )
    link = serializers.SerializerMethodField(help_text=_("The object's URL in the API."))

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "read",
            "read_at",
            "created_at",
            "subject_type",
            "subject_id",
            "link",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The notification's id."},
            "read_at": {"help_text": "When the user marked it read; null while unread."},
            "created_at": {"help_text": "When the event happened."},
        }

    @extend_schema_field(serializers.CharField())
    def get_title(self, notification: Notification) -> str:
        """The kind in the request's language."""
        return str(Kind(notification.event.kind).label)

    @extend_schema_field(serializers.URLField())
    def get_link(self, notification: Notification) -> str:
        """The absolute URL of the object the notification is about."""
        return self.context["request"].build_absolute_uri(notification.event.link)


class PreferenceSerializer(serializers.ModelSerializer):
    # The kinds named are checked by the service (notifications.services.preferences).
    kinds = bounded_dict(
        len(Kind.choices),
        child=serializers.ChoiceField(choices=Preference.Email.choices),
        required=False,
        help_text=(
            _(
                "Choices per kind of event that override `email`: {kind: off|immediately|daily}. "
                "PATCH replaces the whole mapping ({} clears it); a kind not named follows `email`."
            )
        ),
    )

    class Meta:
        model = Preference
        fields = ["email", "language", "nudges", "time_zone", "digest_hour", "kinds"]
        extra_kwargs = {
            "time_zone": {
                "help_text": "The user's IANA time zone (Africa/Nairobi), for the digest."
            },
            "digest_hour": {
                "min_value": 0,
                "max_value": 23,
                "help_text": "The local hour (0-23) at which the daily digest goes out.",
            },
            "nudges": {"help_text": "Whether to be reminded of answers, reports and reviews due."},
            "email": {
                "help_text": "off, immediately or daily: whether and when notifications are e-mailed."
            },
            "language": {"help_text": "The language of the e-mails (ar, zh-hans, en, fr, ru, es)."},
        }
