"""Offers: public when published; their organization's admins and editors write."""

from __future__ import annotations

from rest_framework import viewsets
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.fast_lists import offer_values, represent_offers
from api.filters import OfferFilterSet, UnfilteredWithoutParametersMixin
from api.idempotency import IdempotentCreateMixin
from api.permissions import ReadOnlyOrAuthenticated
from api.renderers import ORJSONRenderer
from api.serializers.offers import OfferSerializer
from api.views.base import ConditionalUpdateMixin, refuse_organization_change, validated
from registry import services
from registry.models import Offer


class OfferViewSet(
    UnfilteredWithoutParametersMixin,
    IdempotentCreateMixin,
    ConditionalUpdateMixin,
    viewsets.ModelViewSet,
):
    """Human, financial and technical resources offered. DELETE withdraws an offer."""

    serializer_class = OfferSerializer
    filterset_class = OfferFilterSet
    permission_classes = [ReadOnlyOrAuthenticated]
    ordering_fields = [
        "created_at",
        "updated_at",
        "quantity",
        "remaining",
        "title",
        "available_until",
    ]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]

    def list(self, request: Request, *args, **kwargs) -> Response:
        # The serializer's JSON from `.values()` rows: four queries for any page size.
        page = self.paginate_queryset(offer_values(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(represent_offers(page))

    def get_queryset(self):
        return (
            Offer.objects.visible_to(self.request.user)
            .prefetch_related("focus_areas", "vulnerable_groups")
            .order_by("-created_at", "-id")
        )

    def perform_create(self, serializer):
        data = validated(serializer)
        organization = data.pop("organization")
        serializer.instance = services.create_offer(
            actor=self.request.user, organization=organization, data=data
        )

    def perform_update(self, serializer):
        data = refuse_organization_change(validated(serializer), serializer.instance)
        offer = services.update_offer(actor=self.request.user, offer=serializer.instance, data=data)
        # Re-read: `remaining` is computed by the database and not refreshed by save().
        serializer.instance = self.get_queryset().get(pk=offer.pk)

    def perform_destroy(self, instance):
        services.withdraw_offer(actor=self.request.user, offer=instance)
