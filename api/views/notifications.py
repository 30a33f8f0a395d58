"""The signed-in user's inbox: list (with an unread filter) and mark read."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import FilterSet
from api.serializers.notifications import NotificationSerializer
from api.views.base import detail_command
from notifications.models import Notification
from notifications.services import inbox

YES, NO = ("1", "true"), ("0", "false")


class NotificationFilterSet(FilterSet):
    unread = filters.ChoiceFilter(
        choices=[(value, value) for value in (*YES, *NO)],
        method="filter_unread",
        help_text=gettext_lazy("1 (or true): only unread; 0 (or false): only read."),
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value in YES)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's notifications, newest first; nobody sees another's."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return (
            Notification.objects.filter(user=self.request.user)
            .select_related("event")
            .order_by("-id")
        )

    @extend_schema(request=None, responses=NotificationSerializer)
    @detail_command(
        methods=["post"],
    )
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark the notification read (again is harmless)."""
        notification = inbox.mark_read(user=request.user, notification_id=self.get_object().pk)
        return Response(self.get_serializer(notification).data)
