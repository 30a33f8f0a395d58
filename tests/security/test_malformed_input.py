"""Malformed input answers 4xx problem details on every operation, never 500, and writes nothing.

The classes: header bytes that are not UTF-8 (the Authorization header too, on public
operations as well), NUL characters in a path segment, a query parameter or a header (PostgreSQL
refuses NUL in text), and JSON bodies nested deep enough to exhaust the decoder's recursion.
Every operation of the live schema gets each of them; tests/security/test_malformed_http.py sends
the same over real HTTP to gunicorn.
"""

from __future__ import annotations

import re

import pytest
from knox.models import AuthToken

from tests.api.checks import PROBLEM
from tests.security.routes import (
    OPERATIONS as EXAMPLES,
)
from tests.security.routes import _fill as fill
from tests.security.routes import (
    database_state,
    schema_operations,
    url_of,
)

pytestmark = pytest.mark.django_db

OPERATIONS = sorted(schema_operations())
NOT_UTF8 = "Token \xff\xfe\xc3\x28".encode("latin-1").decode("latin-1")  # how WSGI hands bytes over
HEADERS = (
    "HTTP_AUTHORIZATION",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_IF_MATCH",
    "HTTP_IDEMPOTENCY_KEY",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_USER_AGENT",
    "HTTP_COOKIE",
    "HTTP_ORIGIN",
)
DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"title":' * 5_000 + '"x"' + "}" * 5_000


def _concrete(path: str, value: str = "1") -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def _send(client, method: str, url: str, **extra):
    client.raise_request_exception = False
    return getattr(client, method)(url, **extra)


def _assert_refused(response, allowed=(400, 401, 403, 404, 405)) -> None:
    assert response.status_code in allowed, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    assert response.json()["status"] == response.status_code


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_a_header_that_is_not_utf8_answers_400_on_every_operation(world, path, method, header):
    before = database_state()
    response = _send(world.client("anonymous"), method, _concrete(path), **{header: NOT_UTF8})
    _assert_refused(response, allowed=(400,))
    assert (
        header.removeprefix("HTTP_").replace("_", "-").lower() in response.json()["detail"].lower()
    )
    assert database_state() == before


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_an_undecodable_token_answers_400_even_for_a_signed_in_coordinator(world, path, method):
    token = AuthToken.objects.create(world.user("coordinator"))[1]
    before = database_state()
    client = world.client("anonymous")
    response = _send(client, method, _concrete(path), HTTP_AUTHORIZATION=f"Token {token}\xe9\xff")
    _assert_refused(response, allowed=(400,))
    assert database_state() == before


@pytest.mark.parametrize(
    ("path", "method"), [(path, method) for path, method in OPERATIONS if "{" in path]
)
def test_a_nul_in_a_path_segment_answers_400_on_every_operation(world, path, method):
    before = database_state()
    response = _send(world.client("coordinator"), method, _concrete(path, "1%00"))
    _assert_refused(response, allowed=(400,))
    assert database_state() == before


@pytest.mark.parametrize("segment", ["%ff", "%c3%28", "1%e9"])
@pytest.mark.parametrize(
    ("path", "method"), [(path, method) for path, method in OPERATIONS if "{" in path]
)
def test_a_path_segment_that_is_not_utf8_answers_4xx(world, path, method, segment):
    before = database_state()
    response = _send(world.client("coordinator"), method, _concrete(path, segment))
    _assert_refused(response, allowed=(400, 404))
    assert database_state() == before


def _with_nul(body: dict):
    """Each variant of `body` with NUL put into one of its texts (or lists of texts)."""
    for key, value in body.items():
        if isinstance(value, str):
            yield key, {**body, key: value + "\x00"}
        elif isinstance(value, list) and value and isinstance(value[0], str):
            yield key, {**body, key: [value[0] + "\x00", *value[1:]]}
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            first = {name: f"{item}\x00" for name, item in value[0].items()}
            yield key, {**body, key: [first]}


@pytest.mark.parametrize(
    ("path", "method"),
    sorted((path, method) for (path, method), operation in EXAMPLES.items() if operation.body),
)
def test_a_nul_in_any_text_of_a_body_answers_400_and_writes_nothing(world, path, method):
    operation = EXAMPLES[(path, method)]
    target = next(iter(operation.targets))
    client = world.client("coordinator" if "match-runs" in path else "owner_admin", operation.owner)
    url = url_of(world, path, method, target)
    for field, body in _with_nul(fill(operation.body, world)):
        before = database_state()
        response = _send(client, method, url, data=body, format="json")
        assert response.status_code < 500, (field, response.content[:300])
        if response.status_code == 400:
            assert database_state() == before, field


@pytest.mark.parametrize(
    ("path", "method"), [(path, method) for path, method in OPERATIONS if method == "get"]
)
@pytest.mark.parametrize("parameter", ["q", "status", "area", "organization", "ordering"])
def test_a_nul_in_a_query_parameter_answers_400_naming_it(world, path, method, parameter):
    response = _send(world.client("coordinator"), method, f"{_concrete(path)}?{parameter}=a%00b")
    _assert_refused(response, allowed=(400,))
    assert response.json()["errors"][0]["field"] == parameter


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize(
    ("path", "method"),
    [(path, method) for path, method in OPERATIONS if method in ("post", "patch", "put")],
)
def test_a_json_body_nested_too_deep_never_answers_500(world, path, method, body):
    """Operations that read a body refuse it and write nothing; actions that take no body
    (accept, verify) never read it, and answer as they would to an empty one."""
    before = database_state()
    client = world.client("coordinator")
    response = _send(client, method, _concrete(path), data=body, content_type="application/json")
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        # 415: an upload that takes multipart only refuses a JSON body before reading it.
        _assert_refused(response, allowed=(400, 401, 403, 404, 405, 409, 415))
        assert database_state() == before


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize(
    "path", ["/api/v1/offers/", "/api/v1/needs/", "/api/v1/organizations/", "/api/v1/match-runs/"]
)
def test_a_create_with_a_body_nested_too_deep_answers_400(world, path, body):
    before = database_state()
    client = world.client("coordinator")
    response = _send(client, "post", path, data=body, content_type="application/json")
    _assert_refused(response, allowed=(400,))
    assert "nested" in response.json()["detail"]
    assert database_state() == before


def test_a_body_nested_past_the_limit_is_refused_where_the_decoder_would_accept_it(world, settings):
    nested = (
        '{"title":' * (settings.MAX_JSON_DEPTH + 1) + '"x"' + "}" * (settings.MAX_JSON_DEPTH + 1)
    )
    client = world.client("owner_editor")
    response = _send(
        client, "post", "/api/v1/offers/", data=nested, content_type="application/json"
    )
    _assert_refused(response, allowed=(400,))
    assert "nested" in response.json()["detail"]


def test_a_nul_anywhere_in_a_json_body_is_a_field_error_of_its_top_level_field(world):
    offer = {
        "organization": world["ngo"].pk,
        "title": "Tablets",
        "category": "tablets",
        "quantity": "12",
        "areas": ["KE"],
        "terms": {"notes": ["fine", "not\x00fine"]},
    }
    response = world.client("owner_editor").post("/api/v1/offers/", offer, format="json")
    _assert_refused(response, allowed=(400,))
    assert [error["field"] for error in response.json()["errors"]] == ["terms"]
