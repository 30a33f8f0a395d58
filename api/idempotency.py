"""Idempotency-Key on creates: a retry with the same key and body gets the first answer again."""

from __future__ import annotations

import json
from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from access.services import Answer, answer_once, fingerprint_of

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value per intended create, such as a UUID. Sending the same key and body again "
        "within a day answers the first response (with `Idempotent-Replayed: true`) and creates "
        "nothing; the same key with another body answers 422."
    ),
)


def _plain(data):
    """The parsed body as plain JSON data (form bodies as lists of values)."""
    return {key: data.getlist(key) for key in data} if hasattr(data, "getlist") else data


def respond_once(request: Request, produce: Callable[[], Response]) -> Response:
    """`produce()`'s response, or, for a retried Idempotency-Key, the first one replayed."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return produce()
    fingerprint = fingerprint_of(
        method=request.method, path=request.path, body=_plain(request.data)
    )
    produced: list[Response] = []

    def first_answer() -> Answer:
        response = produce()
        produced.append(response)
        return Answer(response.status_code, json.loads(json.dumps(response.data, cls=JSONEncoder)))

    answer = answer_once(user=request.user, key=key, fingerprint=fingerprint, produce=first_answer)
    if not answer.replayed:
        return produced[0]
    return Response(answer.body, status=answer.status_code, headers={"Idempotent-Replayed": "true"})


class IdempotentCreateMixin:
    """POST to the collection accepts an Idempotency-Key."""

    @extend_schema(parameters=[IDEMPOTENCY_KEY])
    def create(self, request: Request, *args, **kwargs) -> Response:
        parent = super()
        return respond_once(request, lambda: parent.create(request, *args, **kwargs))
