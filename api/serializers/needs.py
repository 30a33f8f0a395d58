"""Needs, their items, consultations and endorsements."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.fields import (
    QUANTITY,
    AreaCodeField,
    BoundedListSerializer,
    BoundedManyRelatedField,
    bounded_dict,
    taxonomy_field,
    translations_field,
)
from registry.models import (
    Category,
    Consultation,
    Endorsement,
    FocusArea,
    Need,
    NeedItem,
    Organization,
    SdgTarget,
    VulnerableGroup,
)
from registry.services.needs import NEED_TEXTS


def matching_blocked(status: str, organization_verified: bool) -> str | None:
    """Why the engine leaves an open need out, as a code a client can act on."""
    if status in Need.MATCHABLE_STATUSES and not organization_verified:
        return "organization_not_verified"
    return None


class NeedItemSerializer(serializers.ModelSerializer):
    """One resource the need asks for: `committed` by partners who confirmed, `reserved` by
    accepted proposals still awaiting answers, `covered` the two together."""

    category = taxonomy_field(Category.objects.all(), "category", help_text=_("A category slug."))
    quantity = serializers.DecimalField(min_value=0, help_text=_("How much is needed."), **QUANTITY)
    currency = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("ISO 4217 code; financial items only."),
    )
    reserved = serializers.DecimalField(
        read_only=True,
        help_text=_("Held by accepted proposals whose partners have not all answered."),
        **QUANTITY,
    )
    committed = serializers.DecimalField(
        read_only=True, help_text=_("Committed by partners in formed partnerships."), **QUANTITY
    )
    covered = serializers.DecimalField(
        read_only=True, help_text=_("Reserved plus committed by partners."), **QUANTITY
    )

    class Meta:
        model = NeedItem
        fields = [
            "id",
            "category",
            "kind",
            "quantity",
            "currency",
            "reserved",
            "committed",
            "covered",
        ]
        read_only_fields = ["id", "kind"]
        list_serializer_class = BoundedListSerializer
        extra_kwargs = {"kind": {"help_text": "financial, human or technical (from the category)."}}

    def validate_currency(self, value: str | None) -> str:
        return (value or "").upper()


class IndicatorSerializer(serializers.Serializer):
    """The measured gap: an indicator with baseline, target, source and disaggregation."""

    name = serializers.CharField(
        source="indicator_name",
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_("What is measured."),
    )
    unit = serializers.CharField(
        source="indicator_unit",
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=_("Unit of the measure (%, people, schools ...)."),
    )
    baseline = serializers.DecimalField(
        source="indicator_baseline",
        max_digits=16,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text=_("Value today."),
    )
    target = serializers.DecimalField(
        source="indicator_target",
        max_digits=16,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text=_("Value to reach."),
    )
    source = serializers.CharField(
        source="indicator_source",
        max_length=300,
        required=False,
        allow_blank=True,
        help_text=_("Where the baseline comes from."),
    )
    date = serializers.DateField(
        source="indicator_date",
        required=False,
        allow_null=True,
        help_text=_("Date of the baseline measurement."),
    )
    current = serializers.DecimalField(
        source="indicator_current",
        max_digits=16,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text=_("Value in the latest approved progress report (null before one)."),
    )
    current_date = serializers.DateField(
        source="indicator_current_date",
        read_only=True,
        allow_null=True,
        help_text=_("End of the period of the latest approved progress report."),
    )
    current_disaggregation = serializers.DictField(
        source="indicator_current_disaggregation",
        read_only=True,
        child=serializers.DictField(child=serializers.CharField(allow_null=True), allow_null=True),
        help_text=_("The latest approved values by dimension and group."),
    )
    gap_closed = serializers.SerializerMethodField(
        help_text=_("Share of the gap from baseline to target closed so far (0–1), or null.")
    )
    disaggregation = bounded_dict(
        10,
        source="indicator_disaggregation",
        required=False,
        child=bounded_dict(20, child=serializers.CharField(max_length=40)),
        help_text=_(
            "Baseline by sex, age band, disability, urban/rural: {dimension: {group: value}}."
        ),
    )

    def get_gap_closed(self, need: Need) -> str | None:
        share = need.gap_closed
        return None if share is None else str(share)

    def validate_disaggregation(self, value: dict) -> dict:
        if len(value) > 10 or any(len(groups) > 20 for groups in value.values()):
            raise serializers.ValidationError(_("At most 10 dimensions of 20 groups each."))
        return value


class ConsultationSerializer(serializers.ModelSerializer):
    """Which groups and representative organizations were consulted, and when."""

    groups = taxonomy_field(
        VulnerableGroup.objects.all(),
        "vulnerable group",
        many=True,
        required=False,
        help_text=_("Slugs of the groups consulted."),
    )
    organizations = BoundedManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all()),
        max_items=20,
        required=False,
        help_text=_("Ids of the organizations that represented them."),
    )

    class Meta:
        model = Consultation
        fields = ["held_on", "summary", "groups", "organizations"]
        list_serializer_class = BoundedListSerializer
        extra_kwargs = {
            "held_on": {"help_text": "Date of the consultation."},
            "summary": {"help_text": "What was said and agreed."},
        }


class NeedSerializer(serializers.ModelSerializer):
    """A need: a measured gap in an area and the resources to close it, posted by a government."""

    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        help_text=_("The posting government organization (you must be its admin or editor)."),
    )
    area = AreaCodeField(help_text=_("Where the gap is: a country (KE) or subdivision (KE-30)."))
    focus_areas = taxonomy_field(
        FocusArea.objects.all(),
        "focus area",
        many=True,
        required=False,
        help_text=_("Focus-area slugs."),
    )
    vulnerable_groups = taxonomy_field(
        VulnerableGroup.objects.all(),
        "vulnerable group",
        many=True,
        required=False,
        help_text=_("Slugs of the groups affected."),
    )
    sdg_targets = taxonomy_field(
        SdgTarget.objects.all(),
        "SDG target",
        many=True,
        required=False,
        help_text=_("SDG target codes, e.g. 9.c."),
    )
    indicator = IndicatorSerializer(source="*", required=False, help_text=_("The measured gap."))
    items = NeedItemSerializer(
        many=True, max_length=20, help_text=_("The resources needed; one per category.")
    )
    consultations = ConsultationSerializer(
        many=True,
        max_length=20,
        required=False,
        help_text=_("Consultations of the groups affected."),
    )
    endorsements = serializers.IntegerField(
        source="endorsement_count",
        read_only=True,
        help_text=_("Endorsements by verified community organizations."),
    )
    in_progress = serializers.SerializerMethodField(
        help_text=_("Partners hold capacity for it that they have not yet confirmed (reserved).")
    )
    matching_blocked = serializers.SerializerMethodField(
        help_text=_(
            "Why an open need is left out of matching (organization_not_verified), or null."
        )
    )

    translations = translations_field(
        NEED_TEXTS,
        help_text=_(
            "The texts in other languages than `language`, e.g. "
            '{"fr": {"title": …}}; written whole (a language left out is removed).'
        ),
    )

    class Meta:
        model = Need
        fields = [
            "id",
            "organization",
            "title",
            "description",
            "language",
            "translations",
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
            "in_progress",
            "matching_blocked",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "title": {"help_text": "A short title."},
            "description": {"help_text": "The gap, who it affects, and what closing it means."},
            "population": {"help_text": "People affected.", "min_value": 1},
            "deadline": {"help_text": "When the resources are needed by."},
            "priority": {"help_text": "1 low … 5 critical.", "min_value": 1, "max_value": 5},
            "status": {
                "help_text": "draft, open or closed; coverage sets partially_met and met; "
                "cancel with DELETE."
            },
        }

    def get_in_progress(self, need: Need) -> bool:
        return any(item.reserved for item in need.items.all())

    def get_matching_blocked(self, need: Need) -> str | None:
        return matching_blocked(need.status, need.organization.is_verified)

    def validate_items(self, items: list) -> list:
        if len(items) > 20:
            raise serializers.ValidationError(_("At most 20 items."))
        return items

    def validate_consultations(self, consultations: list) -> list:
        if len(consultations) > 20:
            raise serializers.ValidationError(_("At most 20 consultations."))
        return consultations


class EndorsementSerializer(serializers.ModelSerializer):
    """A community organization's endorsement of a need."""

    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        help_text=_("The endorsing community organization (you must be its admin or editor)."),
    )

    class Meta:
        model = Endorsement
        fields = ["id", "organization", "comment", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"comment": {"help_text": "Why the group supports this need."}}
