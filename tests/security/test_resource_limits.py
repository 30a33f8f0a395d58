"""Unrestricted resource consumption: every input has a size limit, and so has every query and task."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from drf_spectacular.generators import SchemaGenerator

from matching.models import MatchRun
from matching.services import run_parameters
from tests.api.checks import field_errors, problem
from tests.security.routes import OPERATIONS

pytestmark = pytest.mark.django_db
# Formats whose length the format itself bounds.
BOUNDED_FORMATS = {"date", "date-time", "uuid"}


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def unbounded_inputs(schema: dict, components: dict, path: str) -> tuple[list[str], int]:
    """(paths of strings, lists and objects without a maximum, number of values walked)."""
    schema = _resolve(schema, components)
    problems: list[str] = []
    walked = 1
    for key in ("allOf", "oneOf", "anyOf"):
        for option in schema.get(key, []):
            found, count = unbounded_inputs(option, components, path)
            problems, walked = problems + found, walked + count
    if any(key in schema for key in ("allOf", "oneOf", "anyOf")):
        return problems, walked
    kind = schema.get("type")
    if kind is None and "enum" not in schema:
        problems.append(f"{path}: free-form value")
    elif kind == "string":
        bounded = "maxLength" in schema or "enum" in schema or "pattern" in schema
        if not bounded and schema.get("format") not in BOUNDED_FORMATS:
            problems.append(f"{path}: string without maxLength")
    elif kind == "array":
        if "maxItems" not in schema:
            problems.append(f"{path}: array without maxItems")
        found, count = unbounded_inputs(schema.get("items", {}), components, f"{path}[]")
        problems, walked = problems + found, walked + count
    elif kind == "object":
        for name, member in schema.get("properties", {}).items():
            if not member.get("readOnly"):
                found, count = unbounded_inputs(member, components, f"{path}.{name}")
                problems, walked = problems + found, walked + count
        extra = schema.get("additionalProperties")
        if extra not in (None, False):
            if "maxProperties" not in schema:
                problems.append(f"{path}: object without maxProperties")
            found, count = unbounded_inputs(
                extra if isinstance(extra, dict) else {}, components, f"{path}.*"
            )
            problems, walked = problems + found, walked + count
    return problems, walked


def test_every_string_list_and_object_of_every_request_body_has_a_maximum():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    problems, walked, bodies = [], 0, 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                bodies += 1
                found, count = unbounded_inputs(content["schema"], components, f"{method} {path}")
                problems, walked = problems + found, walked + count
    assert problems == []
    assert bodies >= 30 and walked >= 300  # the walk reached the bodies (figures for the report)


def test_page_size_is_capped_at_100_on_every_list():
    from django.urls import resolve

    lists = [
        path for (path, method), op in OPERATIONS.items() if method == "get" and "{" not in path
    ]
    paginated = 0
    for path in lists:
        view = resolve(path).func
        actions = getattr(view, "actions", None) or {}
        if actions.get("get") != "list":
            continue
        paginator = view.cls.pagination_class()
        assert paginator.max_page_size is not None and paginator.max_page_size <= 100, path
        paginated += 1
    assert paginated >= 10


def test_asking_for_a_thousand_rows_answers_a_hundred(api):
    body = api.get("/api/v1/taxonomy/sdg-targets/", {"page_size": 1000}).json()
    assert body["count"] > 100
    assert len(body["results"]) == 100


def test_a_body_over_the_limit_answers_413_problem_details_before_parsing(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    oversize = b'{"name": "' + b"x" * 2048 + b'"}'
    response = api.generic(
        "POST", "/api/v1/organizations/", oversize, content_type="application/json"
    )
    problem(response, 413)


def _statement_timeout(cursor) -> int:
    cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
    return int(cursor.fetchone()[0])


def test_the_connection_that_serves_a_request_has_the_statement_timeout(api):
    assert api.get("/api/v1/offers/").status_code == 200
    with connection.cursor() as cursor:
        assert _statement_timeout(cursor) == settings.STATEMENT_TIMEOUT_MS > 0


def test_a_fresh_connection_like_a_workers_has_the_statement_timeout():
    seen: list[int] = []

    def worker() -> None:
        try:
            with connections["default"].cursor() as cursor:
                seen.append(_statement_timeout(cursor))
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=60)
    assert seen == [settings.STATEMENT_TIMEOUT_MS]


def test_every_celery_task_has_time_limits_and_acknowledges_late():
    from config.celery import app

    app.loader.import_default_modules()
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert len(tasks) >= 5
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft and hard and 0 < soft < hard, name
        assert task.acks_late, name


@pytest.fixture
def coordinator(world):
    return world.client("coordinator")


def test_a_huge_matching_scope_is_capped(coordinator, settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    response = coordinator.post(
        "/api/v1/match-runs/",
        {"parameters": {"scope": {"max_needs": 10**12, "max_offers": 10**12}}},
        format="json",
    )
    assert response.status_code == 202, response.content
    scope = MatchRun.objects.get(pk=response.json()["id"]).parameters["scope"]
    assert (scope["max_needs"], scope["max_offers"]) == (
        run_parameters.MAX_SCOPE_NEEDS,
        run_parameters.MAX_SCOPE_OFFERS,
    )


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"scope": {"everything": True}}, "parameters.scope"),
        ({"wieght_text": 1}, "parameters"),
        ("all of them", "parameters"),
        ({"scope": "everything"}, "parameters.scope"),
        ({"scope": {"need_ids": list(range(1, 1002))}}, "parameters.scope.need_ids"),
        ({"scope": {"max_needs": "many"}}, "parameters.scope.max_needs"),
        ({"scope": {"area": "XX-99"}}, "parameters.scope.area"),
        ({"time_limit": 10**6}, "parameters.time_limit"),
        ({"workers": 64}, "parameters.workers"),
        ({"seed": "seven"}, "parameters.seed"),
        ({"weight_text": True}, "parameters.weight_text"),
    ],
)
def test_unknown_or_unbounded_run_parameters_are_refused(coordinator, parameters, field):
    before = MatchRun.objects.count()
    response = coordinator.post("/api/v1/match-runs/", {"parameters": parameters}, format="json")
    assert field in field_errors(response)
    assert MatchRun.objects.count() == before
