"""Taxonomies: read-only, public."""

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from api.ordering import TranslatedOrderingFilter
from api.serializers.taxonomy import (
    CategorySerializer,
    FocusAreaSerializer,
    SdgGoalSerializer,
    SdgTargetSerializer,
    VulnerableGroupSerializer,
)
from registry.models import Category, FocusArea, SdgGoal, SdgTarget, VulnerableGroup


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Resource categories, with their kind (financial, human, technical) and unit."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    permission_classes = [AllowAny]
    filterset_fields = ["kind"]
    filter_backends = [DjangoFilterBackend, TranslatedOrderingFilter]
    ordering_fields = ["slug", "name"]


class FocusAreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Themes of digital inclusion."""

    queryset = FocusArea.objects.all()
    serializer_class = FocusAreaSerializer
    permission_classes = [AllowAny]
    filterset_fields: list[str] = []
    filter_backends = [DjangoFilterBackend, TranslatedOrderingFilter]
    ordering_fields = ["slug", "name"]


class VulnerableGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Groups of people that needs and offers reach first."""

    queryset = VulnerableGroup.objects.all()
    serializer_class = VulnerableGroupSerializer
    permission_classes = [AllowAny]
    filterset_fields: list[str] = []
    filter_backends = [DjangoFilterBackend, TranslatedOrderingFilter]
    ordering_fields = ["slug", "name"]


class SdgTargetViewSet(viewsets.ReadOnlyModelViewSet):
    """The 169 targets of the Sustainable Development Goals, each with its goal's title."""

    queryset = SdgTarget.objects.all()
    serializer_class = SdgTargetSerializer
    permission_classes = [AllowAny]
    lookup_value_regex = r"\d{1,2}\.[0-9a-z]{1,2}"  # codes like 9.c: the default refuses dots
    filterset_fields = ["goal"]
    ordering_fields = ["position", "goal", "code"]

    def get_serializer_context(self) -> dict[str, Any]:
        # The goals' titles in the request's language: one query, not one per target.
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no database
            return context
        return {**context, "goal_titles": SdgGoal.titles()}


class SdgGoalViewSet(viewsets.ReadOnlyModelViewSet):
    """The 17 Sustainable Development Goals, each with the codes of its targets."""

    # The targets' codes come in the same query, as an array per goal.
    queryset = SdgGoal.objects.annotate(
        targets=ArraySubquery(
            SdgTarget.objects.filter(goal=OuterRef("goal")).order_by("position").values("code")
        )
    )
    serializer_class = SdgGoalSerializer
    permission_classes = [AllowAny]
    lookup_value_regex = r"\d{1,2}"
    filterset_fields: list[str] = []
    filter_backends = [DjangoFilterBackend, TranslatedOrderingFilter]
    ordering_fields = ["goal", "title"]
