"""Needs: public once open; admins and editors of government organizations write."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.fast_lists import need_values, represent_needs
from api.filters import NeedFilterSet, UnfilteredWithoutParametersMixin
from api.idempotency import IdempotentCreateMixin
from api.permissions import ReadOnlyOrAuthenticated
from api.renderers import ORJSONRenderer
from api.serializers.needs import EndorsementSerializer, NeedSerializer
from api.views.base import (
    ConditionalUpdateMixin,
    detail_command,
    refuse_organization_change,
    validated,
)
from registry import services
from registry.models import Consultation, Endorsement, Need


class NeedViewSet(
    UnfilteredWithoutParametersMixin,
    IdempotentCreateMixin,
    ConditionalUpdateMixin,
    viewsets.ModelViewSet,
):
    """Digital-inclusion gaps with the resources needed to close them. DELETE cancels a need."""

    serializer_class = NeedSerializer
    filterset_class = NeedFilterSet
    permission_classes = [ReadOnlyOrAuthenticated]
    ordering_fields = ["priority", "deadline", "created_at", "updated_at", "population", "title"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]

    def list(self, request: Request, *args, **kwargs) -> Response:
        # The serializer's JSON from `.values()` rows; the page is counted and read without the
        # endorsement count, which is read for the page's needs only.
        visible = Need.objects.visible_to(request.user).order_by("-priority", "deadline", "id")
        page = self.paginate_queryset(need_values(self.filter_queryset(visible)))
        return self.get_paginated_response(represent_needs(page))

    def get_queryset(self):
        return (
            Need.objects.visible_to(self.request.user)
            .select_related("organization")
            .annotate(
                endorsement_count=Count(
                    "endorsements",
                    filter=Q(endorsements__organization__verified_at__isnull=False),
                    distinct=True,
                )
            )
            .prefetch_related(
                "focus_areas",
                "vulnerable_groups",
                "sdg_targets",
                "items",
                Prefetch(
                    "consultations",
                    queryset=Consultation.objects.prefetch_related("groups", "organizations"),
                ),
            )
            .order_by("-priority", "deadline", "id")
        )

    def perform_create(self, serializer):
        data = validated(serializer)
        organization = data.pop("organization")
        need = services.create_need(actor=self.request.user, organization=organization, data=data)
        serializer.instance = self.get_queryset().get(pk=need.pk)

    def perform_update(self, serializer):
        data = refuse_organization_change(validated(serializer), serializer.instance)
        need = services.update_need(actor=self.request.user, need=serializer.instance, data=data)
        serializer.instance = self.get_queryset().get(pk=need.pk)

    def perform_destroy(self, instance):
        services.cancel_need(actor=self.request.user, need=instance)

    @extend_schema(methods=["GET"], responses=EndorsementSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=EndorsementSerializer, responses={201: EndorsementSerializer}
    )
    @detail_command(
        methods=["get", "post"],
        serializer_class=EndorsementSerializer,
    )
    def endorsements(self, request: Request, pk: str | None = None) -> Response:
        """GET the endorsements of a need; POST {organization, comment} as a community organization."""
        need = self.get_object()
        if request.method == "POST":
            serializer = EndorsementSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            endorsement = services.endorse_need(
                actor=request.user,
                need=need,
                organization=serializer.validated_data["organization"],
                comment=serializer.validated_data.get("comment", ""),
            )
            return Response(EndorsementSerializer(endorsement).data, status=status.HTTP_201_CREATED)
        endorsements = Endorsement.objects.filter(need=need)
        return Response(EndorsementSerializer(endorsements, many=True).data)
