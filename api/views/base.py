"""What every catalogue viewset shares: services do the writes, the serializer only parses."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def validated(serializer: serializers.Serializer) -> dict[str, Any]:
    """The serializer's validated data as a plain dict."""
    return dict(serializer.validated_data)


def refuse_organization_change(data: dict[str, Any], instance) -> dict[str, Any]:
    """An existing record's organization cannot be changed."""
    organization = data.pop("organization", None)
    if organization is not None and organization.pk != instance.organization_id:
        raise serializers.ValidationError(
            {"organization": ["A record cannot move to another organization."]}
        )
    return data
