"""Assertions shared by the API tests: problem details and unchanged row counts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from knox.models import AuthToken

from registry.models import (
    Consultation,
    Endorsement,
    Membership,
    Need,
    NeedItem,
    Offer,
    Organization,
)

PROBLEM = "application/problem+json"
COUNTED = (
    get_user_model(),
    AuthToken,
    Organization,
    Membership,
    Offer,
    Need,
    NeedItem,
    Consultation,
    Endorsement,
)


def row_counts() -> dict[str, int]:
    """Rows in every table the API writes."""
    return {model.__name__: model.objects.count() for model in COUNTED}


def problem(response, status: int) -> dict:
    """The body of a problem-details response with `status`, after checking its shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    return body


def field_errors(response) -> dict[str, list[str]]:
    """A 400 problem's `errors` as {field: [codes]}, after checking each entry's shape."""
    body = problem(response, 400)
    assert body["errors"], body
    by_field: dict[str, list[str]] = {}
    for error in body["errors"]:
        assert set(error) == {"field", "code", "detail"}, error
        assert error["code"] and error["detail"]
        by_field.setdefault(error["field"], []).append(error["code"])
    return by_field
