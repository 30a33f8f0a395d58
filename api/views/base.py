"""What every catalogue viewset shares: services do the writes, the serializer only parses."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response


def detail_command(*, methods: list[str], **options: Any):
    """A detail @action (a command or a sub-list of one record): no filtering, pagination or
    ordering applies to it; `options` are the action's own (url_path, permissions, serializer).

    A viewset that declares `filterset_fields` passes `filterset_fields=[]` too: DRF accepts only
    the attributes a viewset has, and most have none."""
    return action(
        detail=True,
        methods=methods,
        filterset_class=None,
        pagination_class=None,
        ordering_fields=[],
        **options,
    )


def validated(serializer: serializers.Serializer) -> dict[str, Any]:
    """The serializer's validated data as a plain dict."""
    return dict(serializer.validated_data)


def refuse_organization_change(data: dict[str, Any], instance) -> dict[str, Any]:
    """An existing record's organization cannot be changed."""
    organization = data.pop("organization", None)
    if organization is not None and organization.pk != instance.organization_id:
        raise serializers.ValidationError(
            {"organization": [_("A record cannot move to another organization.")]}
        )
    return data


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The record changed since you read it: fetch it again and reapply your change."
    default_code = "stale"


def etag_of(instance) -> str:
    """A weak validator that changes whenever the record's content changes."""
    return f'W/"{instance.pk}-{int(instance.updated_at.timestamp() * 1_000_000)}"'


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ETag of the version you read: the write answers 412 and changes nothing when the "
        "record changed since. Of concurrent writers holding the same ETag, exactly one succeeds."
    ),
)


class ConditionalUpdateMixin:
    """ETag on reads; a write with a stale If-Match answers 412 (no lost updates)."""

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return super().partial_update(request, *args, **kwargs)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_of(instance)
        return response

    def check_precondition(self, instance) -> None:
        expected = self.request.headers.get("If-Match")
        if expected is None or expected.strip() == "*":
            return
        tags = {tag.strip() for tag in expected.split(",")}
        current = etag_of(instance)
        if current not in tags and current.removeprefix("W/") not in tags:
            raise PreconditionFailed()

    def lock_and_check_precondition(self) -> None:
        """Lock the row, then compare If-Match with what is stored now.

        Called inside the write's transaction: a concurrent writer holding the same ETag waits
        for the lock, then sees the new version and answers 412, so exactly one of them writes.
        """
        instance = self.get_object()  # visibility and object permissions, as for any write
        locked = type(instance).objects.select_for_update().only("pk", "updated_at")
        self.check_precondition(locked.get(pk=instance.pk))

    def update(self, request: Request, *args, **kwargs) -> Response:
        with transaction.atomic():
            self.lock_and_check_precondition()
            response = super().update(request, *args, **kwargs)
            # Still under the lock: the ETag of the version this write made.
            response["ETag"] = etag_of(self.get_object())
        return response

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        with transaction.atomic():
            self.lock_and_check_precondition()
            return super().destroy(request, *args, **kwargs)
