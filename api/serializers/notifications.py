"""A notification in the signed-in user's inbox."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.models import Kind, Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(source="event.kind", choices=Kind.choices, read_only=True)
    title = serializers.SerializerMethodField()
    read = serializers.BooleanField(read_only=True)
    subject_type = serializers.CharField(source="event.subject_type", read_only=True)
    subject_id = serializers.IntegerField(source="event.subject_id", read_only=True)
    link = serializers.SerializerMethodField()

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

    @extend_schema_field(serializers.CharField())
    def get_title(self, notification: Notification) -> str:
        """The kind in the request's language."""
        return str(Kind(notification.event.kind).label)

    @extend_schema_field(serializers.URLField())
    def get_link(self, notification: Notification) -> str:
        """The absolute URL of the object the notification is about."""
        return self.context["request"].build_absolute_uri(notification.event.link)
