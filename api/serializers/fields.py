"""Serializer fields for the registry's vocabularies."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.area_codes import GLOBAL
from registry.areas import validate_area_code
from registry.user_content import translations_of

SLUG_LENGTH = 64
MAX_LIST_ITEMS = 50


@extend_schema_field({"type": "string", "maxLength": SLUG_LENGTH})
class TaxonomySlugField(serializers.PrimaryKeyRelatedField):
    """A slug of a taxonomy (slugs are primary keys, so reading needs no query)."""

    def to_internal_value(self, data):
        # PostgreSQL refuses NUL in text: such a value names nothing, it must not reach a query.
        if isinstance(data, str) and (len(data) > SLUG_LENGTH or "\x00" in data):
            self.fail("does_not_exist", pk_value=data[:SLUG_LENGTH].replace("\x00", "") + "…")
        return super().to_internal_value(data)


class BoundedManyRelatedField(serializers.ManyRelatedField):
    """A list of related records, refused before any lookup when it is longer than `max_items`."""

    def __init__(self, *args, max_items: int = MAX_LIST_ITEMS, **kwargs):
        self.max_items = max_items
        # The validator puts maxItems in the schema; the check below runs before the lookups.
        super().__init__(*args, validators=[MaxLengthValidator(max_items)], **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > self.max_items:
            raise serializers.ValidationError(
                _("At most %(count)s entries.") % {"count": self.max_items}, code="max_items"
            )
        return super().to_internal_value(data)


class BoundedListSerializer(serializers.ListSerializer):
    """A nested list whose `max_length` also appears in the schema as maxItems."""

    def get_validators(self):
        return [MaxLengthValidator(self.max_length)] if self.max_length is not None else []


def taxonomy_field(queryset, label: str, *, many: bool = False, **kwargs):
    """A taxonomy slug, or with many=True a list of at most MAX_LIST_ITEMS of them."""
    slug = {
        "queryset": queryset,
        "pk_field": serializers.CharField(max_length=SLUG_LENGTH),
        "error_messages": {
            "does_not_exist": f'Unknown {label} "{{pk_value}}"; see /api/v1/taxonomy/.',
            "incorrect_type": f"A {label} is a slug string.",
        },
    }
    if not many:
        return TaxonomySlugField(**slug, **kwargs)
    return BoundedManyRelatedField(child_relation=TaxonomySlugField(**slug), **kwargs)


class BoundedDictField(serializers.DictField):
    """A JSON object with short keys free of NUL (PostgreSQL's jsonb refuses it)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            for key in data:
                if len(key) > SLUG_LENGTH or "\x00" in key:
                    raise serializers.ValidationError(
                        _("Keys are at most %(count)s characters, without NUL.")
                        % {"count": SLUG_LENGTH},
                        code="key",
                    )
        return super().to_internal_value(data)


def bounded_dict(max_properties: int, **kwargs) -> BoundedDictField:
    """A JSON object of at most `max_properties` members (maxProperties in the schema)."""
    return BoundedDictField(validators=[MaxLengthValidator(max_properties)], **kwargs)


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


def _translations_schema(fields: dict[str, int | None]) -> dict[str, object]:
    texts = {
        "type": "object",
        "properties": {
            field: {"type": "string", **({"maxLength": limit} if limit else {})}
            for field, limit in fields.items()
        },
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {code: texts for code, _name in settings.LANGUAGES},
        "additionalProperties": False,
    }


def translations_field(fields: dict[str, int | None], **kwargs) -> serializers.Field:
    """`translations: {"fr": {"title": …}}`: the texts in languages other than the record's
    `language` (the fields themselves hold the original). Written whole: a language or text left
    out is removed; an empty text is none. Checked by the services (registry.user_content)."""

    @extend_schema_field(_translations_schema(fields))
    class TranslationsField(serializers.Field):
        def to_representation(self, value) -> dict[str, dict[str, str]]:
            return translations_of(value, tuple(fields))

        def to_internal_value(self, data) -> dict[str, object]:
            return {"translations": data}

    return TranslationsField(source="*", required=False, **kwargs)
