"""Naive views for the API benchmark: plain DRF generic views with nested ModelSerializers.

What a straightforward DRF implementation of the same JSON costs (prefetching, so no N+1, but
no other care). Frozen here so that the API's own views can change without moving this line.
Their serializers and filter repeat the API's field lists on purpose: a reference written from
the API's answers, not from its code (bench/api.py checks that the JSON is the same).
"""

from __future__ import annotations

import django_filters
from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, Prefetch
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from matching.models import Proposal, ProposalLine
from registry.models import Consultation, Need, NeedItem, Offer

DECIMAL = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True, "read_only": True}
SCORE = {"max_digits": 6, "decimal_places": 4, "coerce_to_string": True, "read_only": True}


class LineSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(**DECIMAL)
    offer_quantity = serializers.DecimalField(**DECIMAL)
    score = serializers.DecimalField(**SCORE)

    class Meta:
        model = ProposalLine
        fields = [
            "id",
            "offer",
            "need_item",
            "organization",
            "quantity",
            "offer_quantity",
            "score",
            "terms",
            "explanation",
            "confirmation",
            "confirmed_at",
        ]


class ProposalSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)
    score = serializers.DecimalField(**SCORE)
    coverage = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=True, read_only=True
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "run",
            "need",
            "status",
            "score",
            "coverage",
            "explanation",
            "lines",
            "created_at",
            "decided_at",
            "reason",
        ]


class OfferSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(**DECIMAL)
    min_allocation = serializers.DecimalField(allow_null=True, **DECIMAL)
    reserved = serializers.DecimalField(**DECIMAL)
    committed = serializers.DecimalField(**DECIMAL)
    remaining = serializers.DecimalField(**DECIMAL)
    focus_areas = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    vulnerable_groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "organization",
            "title",
            "description",
            "category",
            "kind",
            "quantity",
            "currency",
            "areas",
            "focus_areas",
            "vulnerable_groups",
            "available_from",
            "available_until",
            "min_allocation",
            "status",
            "reserved",
            "committed",
            "remaining",
            "created_at",
            "updated_at",
        ]


class ItemSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(**DECIMAL)
    covered = serializers.DecimalField(**DECIMAL)

    class Meta:
        model = NeedItem
        fields = ["id", "category", "kind", "quantity", "currency", "covered"]


class ConsultationSerializer(serializers.ModelSerializer):
    groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    organizations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Consultation
        fields = ["held_on", "summary", "groups", "organizations"]


class IndicatorSerializer(serializers.Serializer):
    name = serializers.CharField(source="indicator_name")
    unit = serializers.CharField(source="indicator_unit")
    baseline = serializers.DecimalField(
        source="indicator_baseline", max_digits=16, decimal_places=4
    )
    target = serializers.DecimalField(source="indicator_target", max_digits=16, decimal_places=4)
    source = serializers.CharField(source="indicator_source")
    date = serializers.DateField(source="indicator_date")
    disaggregation = serializers.DictField(source="indicator_disaggregation")


class NeedSerializer(serializers.ModelSerializer):
    focus_areas = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    vulnerable_groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sdg_targets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    indicator = IndicatorSerializer(source="*", read_only=True)
    items = ItemSerializer(many=True, read_only=True)
    consultations = ConsultationSerializer(many=True, read_only=True)
    endorsements = serializers.IntegerField(source="endorsement_count", read_only=True)

    class Meta:
        model = Need
        fields = [
            "id",
            "organization",
            "title",
            "description",
            "area",
            "focus_areas",
            "vulnerable_groups",
            "sdg_targets",
            "population",
            "indicator",
            "deadline",
            "priority",
            "status",
            "items",
            "consultations",
            "endorsements",
            "created_at",
            "updated_at",
        ]


class Proposals(generics.ListAPIView):
    serializer_class = ProposalSerializer
    filter_backends: list = []
    queryset = Proposal.objects.prefetch_related(
        Prefetch("lines", queryset=ProposalLine.objects.order_by("pk"))
    ).order_by("-created_at", "-id")


class OneProposal(generics.RetrieveAPIView):
    serializer_class = ProposalSerializer
    queryset = Proposals.queryset


class OfferSearch(django_filters.FilterSet):
    """The offers search as a first DRF version would filter it: a plain FilterSet of the three
    parameters the benchmark asks (area, category, q). It repeats the API's filters on purpose,
    like the serializers above repeat its field lists: the naive twin is written from the API's
    documented behaviour, not from the product's code, which it is measured against."""

    area = django_filters.CharFilter(method="filter_area")
    category = django_filters.CharFilter(field_name="category_id")
    q = django_filters.CharFilter(method="filter_text")

    def filter_area(self, queryset, name, value):
        return queryset.covering(value.upper())

    def filter_text(self, queryset, name, value):
        return queryset.filter(search=SearchQuery(value, search_type="websearch", config="english"))


class Offers(generics.ListAPIView):
    serializer_class = OfferSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        queryset = Offer.objects.published().prefetch_related("focus_areas", "vulnerable_groups")
        queryset = OfferSearch(self.request.GET, queryset=queryset).qs
        return queryset.order_by("-created_at", "-id")


class Needs(generics.ListAPIView):
    serializer_class = NeedSerializer
    permission_classes = [AllowAny]
    filter_backends: list = []
    queryset = (
        Need.objects.filter(status__in=Need.PUBLIC_STATUSES)
        .annotate(endorsement_count=Count("endorsements", distinct=True))
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
