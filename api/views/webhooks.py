"""Webhooks of an organization's admins and of coordinators: add, list, remove, delivery log."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.webhooks import (
    WebhookCreatedSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
)
from notifications.models import WebhookDelivery
from notifications.services import webhooks


class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The webhooks the caller manages; another's answers 404."""

    serializer_class = WebhookSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None
    ordering_fields: list[str] = []
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return webhooks.Webhook.objects.none()
        return webhooks.visible_webhooks(user=self.request.user).order_by("-id")

    @extend_schema(request=WebhookSerializer, responses={201: WebhookCreatedSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Subscribe a URL; the answer carries the signing secret, shown this once."""
        serializer = WebhookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        webhook = webhooks.create_webhook(
            actor=request.user,
            url=data["url"],
            events=data.get("events", []),
            organization_id=data.get("organization_id"),
        )
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance) -> None:
        try:
            webhooks.delete_webhook(actor=self.request.user, webhook_id=instance.pk)
        except ObjectDoesNotExist as error:
            raise Http404 from error

    @extend_schema(request=None, responses=WebhookDeliverySerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        serializer_class=WebhookDeliverySerializer,
        filterset_class=None,
        ordering_fields=[],
    )
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The webhook's deliveries, newest first, each with its attempts' status codes."""
        webhook = self.get_object()
        deliveries = (
            WebhookDelivery.objects.filter(webhook=webhook)
            .select_related("event")
            .prefetch_related("log")
            .order_by("-id")
        )
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
