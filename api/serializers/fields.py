"""Serializer fields for the registry's vocabularies."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.areas import GLOBAL, validate_area_code


def taxonomy_field(queryset, label: str, **kwargs) -> serializers.PrimaryKeyRelatedField:
    """A slug of a taxonomy (slugs are primary keys, so reading needs no query)."""
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset,
        pk_field=serializers.CharField(max_length=64),
        error_messages={
            "does_not_exist": f'Unknown {label} "{{pk_value}}"; see /api/v1/taxonomy/.',
            "incorrect_type": f"A {label} is a slug string.",
        },
        **kwargs,
    )


@extend_schema_field(
    {
        "type": "string",
        "example": "KE-30",
        "description": "'global', ISO 3166-1 alpha-2 or ISO 3166-2.",
    }
)
class AreaCodeField(serializers.CharField):
    """`global`, an ISO 3166-1 alpha-2 code or an ISO 3166-2 code, checked with pycountry."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        value = value if value == GLOBAL else value.upper()  # stored as ISO writes it: KE-30
        try:
            validate_area_code(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code="unknown_area") from error
        return value


QUANTITY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}
