"""Every operation refuses a query parameter it does not read with a 400 naming the accepted ones
(no silent "all rows"), accepts every parameter the schema documents for it, and `lang` and
`format` everywhere; every refusal an operation can answer is in the schema as problem details."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from api.query_parameters import ALWAYS_ACCEPTED, accepted_query_parameters
from tests.api.checks import problem

pytestmark = pytest.mark.django_db

SCHEMA = yaml.safe_load((Path(__file__).resolve().parents[2] / "api" / "openapi.yaml").read_text())
# Path parameters filled with values of the right shape; the check runs before the view looks
# anything up, so the records need not exist.
SAMPLE_PATH_VALUES = {
    "id": "1",
    "user_id": "1",
    "report_id": "1",
    "slug": "laptops",
    "code": "9.c",
    "name": "offers",
    "goal": "4",
    "job_id": "1",
}
OPERATIONS = [
    (method, path)
    for path, methods in SCHEMA["paths"].items()
    for method in methods
    if method in ("get", "post", "put", "patch", "delete")
]


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: SAMPLE_PATH_VALUES[match.group(1)], path)


def documented_query_parameters(method: str, path: str) -> set[str]:
    operation = SCHEMA["paths"][path][method]
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def view_for(method: str, path: str):
    """The view of one operation, set up as the middleware sets it up."""
    match = resolve(concrete(path))
    view = match.func.cls(**getattr(match.func, "initkwargs", {}))
    if hasattr(match.func, "actions"):
        view.action = match.func.actions[method]
    view.request, view.args, view.kwargs = None, match.args, match.kwargs
    return view


def unknown_parameter_codes(response) -> list[str]:
    if response.status_code != 400:
        return []
    return [error["field"] for error in response.json().get("errors", [])
            if error["code"] == "unknown_parameter"]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_an_unknown_query_parameter_answers_400_listing_the_accepted_ones(method, path):
    response = getattr(APIClient(), method)(f"{concrete(path)}?no_such_filter=1&lang=fr")
    body = problem(response, 400)
    assert body["errors"] == [
        {
            "field": "no_such_filter",
            "code": "unknown_parameter",
            "detail": body["errors"][0]["detail"],
        }
    ]
    expected = documented_query_parameters(method, path) | ALWAYS_ACCEPTED
    if path == "/api/v1/exports/lists/{name}/":  # the filters of the list named in the path
        expected |= {"status", "organization", "area", "ordering"}
        assert set(body["accepted"]) >= expected
    else:
        assert set(body["accepted"]) == expected
    assert (
        "no_such_filter" in body["detail"] and ", ".join(sorted(body["accepted"])) in body["detail"]
    )


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_parameters_an_operation_accepts_are_the_ones_the_schema_documents(method, path):
    accepted = accepted_query_parameters(view_for(method, path)) - ALWAYS_ACCEPTED
    documented = documented_query_parameters(method, path)
    if path == "/api/v1/exports/lists/{name}/":  # documented in words: the list's own filters
        assert accepted > documented - {"format"}
    else:
        assert accepted == documented - ALWAYS_ACCEPTED


@pytest.mark.parametrize(
    ("method", "path"), [(method, path) for method, path in OPERATIONS if method == "get"]
)
def test_documented_parameters_and_lang_are_never_refused_as_unknown(method, path):
    names = documented_query_parameters(method, path) | ALWAYS_ACCEPTED
    query = "&".join(f"{name}=" for name in sorted(names))
    response = APIClient().get(f"{concrete(path)}?{query}")
    assert response.status_code != 500
    assert unknown_parameter_codes(response) == []


def test_a_misspelt_filter_is_refused_rather_than_answering_every_row(api):
    body = problem(api.get("/api/v1/offers/?stauts=published"), 400)
    assert "status" in body["accepted"] and "stauts" in body["detail"]
    body = problem(api.get("/api/v1/needs/1/?status=open"), 400)
    assert body["accepted"] == ["format", "lang"]


def test_every_refusal_of_every_operation_is_documented_as_problem_details():
    for method, path in OPERATIONS:
        operation = SCHEMA["paths"][path][method]
        statuses = {code for code in operation["responses"] if code.startswith("4")}
        expected = {"400", "401", "403", "404", "405", "429"}
        if method != "get":
            expected |= {"409", "413", "415"}
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if "If-Match" in headers:
            expected.add("412")
        assert statuses >= expected, (method, path, expected - statuses)
        for code in statuses:
            content = operation["responses"][code]["content"]
            assert list(content) == ["application/problem+json"], (method, path, code)
    assert set(SCHEMA["components"]["schemas"]["Problem"]["required"]) == {
        "type",
        "title",
        "status",
        "detail",
    }


def test_every_address_a_problem_names_exists(api, ngo_editor):
    """Sweep every operation with a refusal of each kind and resolve each /api/ path in the text."""
    signed_in = APIClient()
    signed_in.force_authenticate(ngo_editor)
    texts = []
    for method, path in OPERATIONS:
        for client in (api, signed_in):
            for suffix in ("", "?no_such_filter=1"):
                response = getattr(client, method)(f"{concrete(path)}{suffix}", {}, format="json")
                if response["Content-Type"].startswith("application/problem+json"):
                    texts.append(response.content.decode())
    addresses = {address for text in texts for address in re.findall(r"/api/[\w/{}.-]*", text)}
    for address in addresses:
        try:
            resolve(re.sub(r"\{\w+\}", "1", address))
        except Resolver404:
            pytest.fail(f"A problem names {address}, which does not exist")
    assert len(texts) > len(OPERATIONS)
