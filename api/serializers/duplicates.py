"""Likely duplicate organizations and their merges."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from interchange.models import OrganizationMerge
from registry.models import Organization


class OrganizationSummarySerializer(serializers.ModelSerializer):
    """Who an organization is, in a line."""

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "country", "identifier", "is_active"]
        read_only_fields = fields
        extra_kwargs = {
            "name": {"help_text": "The organization's name."},
            "kind": {"help_text": "Stakeholder kind."},
            "country": {"help_text": "ISO 3166-1 alpha-2 code."},
            "identifier": {"help_text": "org-id.guide identifier."},
            "is_active": {"help_text": "False once merged into another record."},
        }


class DuplicateCandidateSerializer(serializers.Serializer):
    """An organization already registered that may be the one being registered."""

    organization = OrganizationSummarySerializer(
        read_only=True, help_text=_("The organization already registered.")
    )
    score = serializers.IntegerField(read_only=True, help_text=_("How alike, 0-100."))
    evidence = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Why it may be the same one.")
    )


class LikelyDuplicatesSerializer(serializers.Serializer):
    """The 409 problem of a registration that looks like an organization already registered."""

    type = serializers.CharField(help_text=_("about:blank"))
    title = serializers.CharField(help_text=_("Conflict"))
    status = serializers.IntegerField(help_text=_("409"))
    detail = serializers.CharField(help_text=_("What to do, in words."))
    code = serializers.CharField(help_text=_("likely_duplicates"))
    duplicates = DuplicateCandidateSerializer(
        many=True, help_text=_("The organizations it may be, the most alike first.")
    )


class DuplicatePairSerializer(serializers.Serializer):
    """Two organizations that may be one, with the evidence."""

    first = OrganizationSummarySerializer(read_only=True, help_text=_("One organization."))
    second = OrganizationSummarySerializer(
        read_only=True, help_text=_("The other, registered later.")
    )
    score = serializers.IntegerField(read_only=True, help_text=_("How alike, 0-100."))
    evidence = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Why they may be one.")
    )


class MergeRequestSerializer(serializers.Serializer):
    """Merge this organization into `into`."""

    into = serializers.IntegerField(
        min_value=1, help_text=_("Id of the organization that survives.")
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Why they are one.")
    )


class OrganizationMergeSerializer(serializers.ModelSerializer):
    """A merge: which record merged into which, by whom, why, and what moved."""

    merged = OrganizationSummarySerializer(read_only=True, help_text=_("The record merged."))
    into = OrganizationSummarySerializer(read_only=True, help_text=_("The record that survives."))
    merged_by = serializers.IntegerField(
        source="merged_by_id", read_only=True, help_text=_("The coordinator's user id.")
    )
    moved = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_("How many records of each kind moved."),
    )

    class Meta:
        model = OrganizationMerge
        fields = ["merged", "into", "merged_by", "reason", "moved", "merged_at"]
        # `reason` is what the request gave; the rest the merge decided.
        read_only_fields = ["merged", "into", "merged_by", "moved", "merged_at"]
        extra_kwargs = {
            "reason": {"help_text": "Why the coordinator merged them."},
            "merged_at": {"help_text": "When."},
        }
