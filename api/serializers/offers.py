"""Offers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.fields import QUANTITY, AreaCodeField, taxonomy_field
from registry.models import Category, FocusArea, Offer, Organization, VulnerableGroup


class OfferSerializer(serializers.ModelSerializer):
    """An offer of human, financial or technical resources; `remaining` is computed by the database."""

    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        help_text=_(
            "The offering organization (set on creation; you must be its admin or editor)."
        ),
    )
    category = taxonomy_field(Category.objects.all(), "category", help_text=_("A category slug."))
    quantity = serializers.DecimalField(
        min_value=0,
        help_text=_("How much is offered, in the category's unit or the currency."),
        **QUANTITY,
    )
    currency = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("ISO 4217 code; financial offers only."),
    )
    areas = serializers.ListField(
        child=AreaCodeField(),
        min_length=1,
        max_length=50,
        help_text=_("Where the offer applies: 'global', countries (KE) or subdivisions (KE-30)."),
    )
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
        help_text=_("Slugs of the groups the offer reaches first."),
    )
    min_allocation = serializers.DecimalField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text=_("The smallest useful piece of this offer, if any."),
        **QUANTITY,
    )
    reserved = serializers.DecimalField(
        read_only=True, help_text=_("Reserved by accepted proposals."), **QUANTITY
    )
    committed = serializers.DecimalField(
        read_only=True, help_text=_("Committed to formed partnerships."), **QUANTITY
    )
    remaining = serializers.DecimalField(
        read_only=True, help_text=_("quantity − reserved − committed."), **QUANTITY
    )

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
        read_only_fields = ["kind", "created_at", "updated_at"]
        extra_kwargs = {
            "title": {"help_text": "A short title."},
            "description": {"help_text": "What is offered, to whom, on what terms."},
            "kind": {"help_text": "financial, human or technical (from the category)."},
            "available_from": {"help_text": "First day the resources can be used."},
            "available_until": {"help_text": "Last day the resources can be used."},
            "status": {"help_text": "draft, published or paused; withdraw with DELETE."},
        }

    def validate_currency(self, value: str | None) -> str:
        return (value or "").upper()
