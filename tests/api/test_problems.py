"""Bad input answers RFC 9457 problem details with field errors, and writes nothing."""

from __future__ import annotations

import json

import pytest

from registry.models import Need, Offer
from tests.api.checks import field_errors, problem, row_counts
from tests.conftest import client_for
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory

pytestmark = pytest.mark.django_db


def good_offer(organization) -> dict:
    return {
        "organization": organization.pk,
        "title": "Trainers for digital-skills clubs",
        "category": "trainer-days",
        "quantity": "40",
        "areas": ["KE"],
        "focus_areas": ["digital-skills"],
        "vulnerable_groups": ["youth"],
    }


def good_need(organization) -> dict:
    return {
        "organization": organization.pk,
        "title": "Laptops for county libraries",
        "area": "KE-30",
        "status": "open",
        "items": [
            {"category": "laptops", "quantity": "80"},
            {"category": "grant", "quantity": "10000", "currency": "KES"},
        ],
    }


def without(payload: dict, key: str) -> dict:
    return {name: value for name, value in payload.items() if name != key}


BAD_OFFERS = [
    ("missing title", lambda p: without(p, "title"), "title"),
    ("blank title", lambda p: {**p, "title": ""}, "title"),
    ("negative quantity", lambda p: {**p, "quantity": "-5"}, "quantity"),
    ("zero quantity", lambda p: {**p, "quantity": 0}, "quantity"),
    ("quantity abc", lambda p: {**p, "quantity": "abc"}, "quantity"),
    ("quantity with three decimals", lambda p: {**p, "quantity": "1.005"}, "quantity"),
    ("quantity NaN", lambda p: {**p, "quantity": "NaN"}, "quantity"),
    ("unknown country subdivision XX-99", lambda p: {**p, "areas": ["XX-99"]}, "areas.0"),
    ("unknown Kenyan subdivision KE-999", lambda p: {**p, "areas": ["KE", "KE-999"]}, "areas.1"),
    ("no area", lambda p: {**p, "areas": []}, "areas"),
    ("areas as a string", lambda p: {**p, "areas": "KE"}, "areas"),
    ("area as a number", lambda p: {**p, "areas": [404]}, "areas.0"),
    ("unknown category", lambda p: {**p, "category": "nope"}, "category"),
    ("category as a list", lambda p: {**p, "category": ["laptops"]}, "category"),
    ("unknown focus area", lambda p: {**p, "focus_areas": ["nope"]}, "focus_areas"),
    ("unknown group", lambda p: {**p, "vulnerable_groups": ["nope"]}, "vulnerable_groups"),
    ("currency on person-days", lambda p: {**p, "currency": "USD"}, "currency"),
    ("grant without currency", lambda p: {**p, "category": "grant"}, "currency"),
    ("grant in an unknown currency", lambda p: {**p, "category": "grant", "currency": "XYZ"}, "currency"),
    ("withdrawn from the start", lambda p: {**p, "status": "withdrawn"}, "status"),
    ("unknown status", lambda p: {**p, "status": "nope"}, "status"),
    ("min_allocation above quantity", lambda p: {**p, "min_allocation": "41"}, "min_allocation"),
    (
        "availability ends before it starts",
        lambda p: {**p, "available_from": "2026-05-01", "available_until": "2026-04-01"},
        "available_until",
    ),
    ("date not a date", lambda p: {**p, "available_from": "next spring"}, "available_from"),
    ("unknown organization", lambda p: {**p, "organization": 999999}, "organization"),
    ("organization as text", lambda p: {**p, "organization": "Digital Bridges"}, "organization"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "field"), [pytest.param(m, f, id=case) for case, m, f in BAD_OFFERS]
)
def test_a_bad_offer_is_a_field_error_and_writes_nothing(mutate, field, ngo_editor, ngo):
    counts = row_counts()
    response = client_for(ngo_editor).post(
        "/api/v1/offers/", mutate(good_offer(ngo)), format="json"
    )
    assert field in field_errors(response)
    assert row_counts() == counts


def test_the_good_offer_of_these_tests_is_accepted(ngo_editor, ngo):
    response = client_for(ngo_editor).post("/api/v1/offers/", good_offer(ngo), format="json")
    assert response.status_code == 201, response.content


def test_a_validation_problem_lists_every_field_error(ngo_editor, ngo):
    payload = {"organization": ngo.pk, "quantity": "abc", "areas": ["XX-99"]}
    body = problem(client_for(ngo_editor).post("/api/v1/offers/", payload, format="json"), 400)
    fields = {error["field"] for error in body["errors"]}
    assert {"title", "category", "quantity", "areas.0"} <= fields
    assert body["detail"] == f"{len(body['errors'])} fields are invalid."
    assert "XX-99" in next(e["detail"] for e in body["errors"] if e["field"] == "areas.0")


BAD_NEEDS = [
    ("missing title", lambda p: without(p, "title"), "title"),
    ("missing items", lambda p: without(p, "items"), "items"),
    ("no items", lambda p: {**p, "items": []}, "items"),
    ("items as an object", lambda p: {**p, "items": {"category": "laptops"}}, "items"),
    ("unknown area XX-99", lambda p: {**p, "area": "XX-99"}, "area"),
    ("unknown subdivision KE-999", lambda p: {**p, "area": "KE-999"}, "area"),
    ("area outside the government's country", lambda p: {**p, "area": "UG"}, "area"),
    ("priority above 5", lambda p: {**p, "priority": 9}, "priority"),
    ("population zero", lambda p: {**p, "population": 0}, "population"),
    ("status set by coverage", lambda p: {**p, "status": "met"}, "status"),
    (
        "duplicate category",
        lambda p: {**p, "items": [{"category": "laptops", "quantity": 1}] * 2},
        "items",
    ),
    (
        "second item with zero quantity",
        lambda p: {**p, "items": [p["items"][0], {"category": "tablets", "quantity": 0}]},
        "items.1.quantity",
    ),
    (
        "second item without its currency",
        lambda p: {**p, "items": [p["items"][0], {"category": "grant", "quantity": 5}]},
        "items.1.currency",
    ),
    (
        "item with a currency on laptops",
        lambda p: {**p, "items": [{"category": "laptops", "quantity": 5, "currency": "USD"}]},
        "items.0.currency",
    ),
    (
        "item of an unknown category",
        lambda p: {**p, "items": [p["items"][0], {"category": "nope", "quantity": 5}]},
        "items.1.category",
    ),
    (
        "item quantity abc",
        lambda p: {**p, "items": [{"category": "laptops", "quantity": "abc"}]},
        "items.0.quantity",
    ),
    (
        "indicator baseline abc",
        lambda p: {**p, "indicator": {"baseline": "abc"}},
        "indicator.baseline",
    ),
    (
        "consultation of an unknown group",
        lambda p: {**p, "consultations": [{"held_on": "2025-01-01", "summary": "x", "groups": ["nope"]}]},
        "consultations.0.groups",
    ),
    ("unknown SDG target", lambda p: {**p, "sdg_targets": ["99.z"]}, "sdg_targets"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "field"), [pytest.param(m, f, id=case) for case, m, f in BAD_NEEDS]
)
def test_a_bad_need_is_a_field_error_and_creates_neither_need_nor_item(
    mutate, field, gov_editor, government
):
    counts = row_counts()
    payload = mutate(good_need(government))
    response = client_for(gov_editor).post("/api/v1/needs/", payload, format="json")
    assert field in field_errors(response)
    assert row_counts() == counts


def test_the_good_need_of_these_tests_is_accepted(gov_editor, government):
    response = client_for(gov_editor).post("/api/v1/needs/", good_need(government), format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["items"]) == 2


def test_an_ngo_cannot_post_a_need(ngo_editor, ngo):
    counts = row_counts()
    response = client_for(ngo_editor).post("/api/v1/needs/", good_need(ngo), format="json")
    assert "organization" in field_errors(response)
    assert row_counts() == counts


def test_a_rejected_need_edit_changes_nothing_it_carried(gov_editor, government):
    need = NeedFactory(organization=government, title="Original")
    NeedItemFactory(need=need, category_id="laptops", quantity=40)
    items = [{"category": "tablets", "quantity": 3}, {"category": "tablets", "quantity": 4}]
    body = {"title": "Renamed", "items": items, "focus_areas": ["devices"]}
    counts = row_counts()

    response = client_for(gov_editor).patch(f"/api/v1/needs/{need.pk}/", body, format="json")

    assert "items" in field_errors(response)
    assert row_counts() == counts
    need.refresh_from_db()
    assert need.title == "Original"
    assert list(need.items.values_list("category_id", "quantity")) == [("laptops", 40)]
    assert not need.focus_areas.exists()


def test_a_rejected_offer_edit_changes_nothing(ngo_editor, ngo):
    offer = OfferFactory(organization=ngo, title="Original", quantity=100)
    body = {"title": "Renamed", "quantity": "50", "currency": "USD"}
    response = client_for(ngo_editor).patch(f"/api/v1/offers/{offer.pk}/", body, format="json")
    assert "currency" in field_errors(response)
    offer.refresh_from_db()
    assert (offer.title, offer.quantity) == ("Original", 100)


@pytest.mark.parametrize(
    ("path", "payload"),
    [("/api/v1/offers/", "{bad json"), ("/api/v1/needs/", '{"title": "x",}')],
)
def test_malformed_json_is_a_problem_and_writes_nothing(path, payload, gov_editor):
    counts = row_counts()
    response = client_for(gov_editor).post(path, payload, content_type="application/json")
    assert "JSON" in problem(response, 400)["detail"]
    assert row_counts() == counts


@pytest.mark.parametrize("body", ["[]", "null", '"offer"', "42"])
def test_a_json_body_that_is_not_an_object_is_a_problem(body, ngo_editor):
    counts = row_counts()
    response = client_for(ngo_editor).post("/api/v1/offers/", body, content_type="application/json")
    problem(response, 400)
    assert row_counts() == counts


def test_a_body_that_is_not_json_is_refused_as_unsupported(ngo_editor):
    response = client_for(ngo_editor).post("/api/v1/offers/", "title=x", content_type="text/plain")
    problem(response, 415)


def test_an_oversize_body_answers_413_before_anything_is_read(ngo_editor, ngo):
    counts = row_counts()
    payload = {**good_offer(ngo), "description": "x" * (256 * 1024 + 1)}
    response = client_for(ngo_editor).post(
        "/api/v1/offers/", json.dumps(payload), content_type="application/json"
    )
    problem(response, 413)
    assert row_counts() == counts


def test_a_body_just_under_the_limit_is_read(ngo_editor, ngo):
    # The description is too long for the model (5000), but the body is read and validated.
    payload = {**good_offer(ngo), "description": "x" * (200 * 1024)}
    response = client_for(ngo_editor).post(
        "/api/v1/offers/", json.dumps(payload), content_type="application/json"
    )
    assert "description" in field_errors(response)


BAD_FILTERS = [
    "/api/v1/offers/?category=nope",
    "/api/v1/offers/?status=nope",
    "/api/v1/offers/?area=ZZ",
    "/api/v1/offers/?area=KE-999",
    "/api/v1/offers/?kind=money",
    "/api/v1/offers/?focus_area=nope",
    "/api/v1/offers/?vulnerable_group=nope",
    "/api/v1/offers/?organization=999999",
    "/api/v1/offers/?organization=abc",
    "/api/v1/offers/?available_on=tomorrow",
    "/api/v1/needs/?category=nope",
    "/api/v1/needs/?status=nope",
    "/api/v1/needs/?area=ZZ",
    "/api/v1/needs/?priority=high",
    "/api/v1/needs/?kind=money",
    "/api/v1/organizations/?kind=nope",
    "/api/v1/organizations/?country=ZZ",
    "/api/v1/organizations/?country=KE-30",
    "/api/v1/taxonomy/categories/?kind=nope",
]


@pytest.mark.parametrize("url", BAD_FILTERS)
def test_a_filter_value_that_names_nothing_is_a_400_problem(url, api):
    name = url.split("?")[1].split("=")[0]
    assert name in field_errors(api.get(url))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/offers/abc/",
        "/api/v1/offers/999999/",
        "/api/v1/needs/999999/endorsements/",
        "/api/v1/partnerships/999999/reports/",
        "/api/v1/taxonomy/categories/nope/",
        "/api/v1/nowhere/",
    ],
)
def test_unknown_addresses_answer_404_problems(url, api):
    problem(api.get(url), 404)


def test_pages_past_the_end_answer_404_problems(api):
    problem(api.get("/api/v1/taxonomy/categories/?page=999"), 404)


@pytest.mark.parametrize(
    "path",
    [
        "organizations",
        "offers",
        "needs",
        "match-runs",
        "proposals",
        "partnerships",
        "taxonomy/categories",
        "taxonomy/focus-areas",
        "taxonomy/vulnerable-groups",
        "taxonomy/sdg-targets",
    ],
)
@pytest.mark.parametrize("page", ["40339173027297533952", str(2**63 // 25)])
def test_pages_beyond_what_the_database_can_address_answer_404_problems(path, page, coordinator):
    OfferFactory()
    NeedItemFactory(need=NeedFactory())
    response = client_for(coordinator).get(f"/api/v1/{path}/?page={page}")
    assert problem(response, 404)["detail"] == "Invalid page."


ODD_REQUESTS = [
    ("post", "/api/v1/offers/", {"quantity": "1e400", "areas": [None]}),
    ("post", "/api/v1/offers/", {"areas": [["KE"]], "focus_areas": "devices"}),
    ("post", "/api/v1/offers/", {"min_allocation": "-1", "available_until": 20260101}),
    ("post", "/api/v1/needs/", {"items": [None], "consultations": "yesterday"}),
    ("post", "/api/v1/needs/", {"items": [{"category": None, "quantity": None}]}),
    ("post", "/api/v1/needs/", {"indicator": {"disaggregation": {"sex": ["f", "m"]}}}),
    ("post", "/api/v1/needs/", {"indicator": "12%", "sdg_targets": [9]}),
    ("post", "/api/v1/organizations/", {"kind": "pirates", "country": "KE-30"}),
    ("post", "/api/v1/organizations/", {"name": "x" * 500, "website": "not a url"}),
    ("get", "/api/v1/offers/?q=" + "laptop%20" * 60, None),
    ("get", "/api/v1/offers/?q=%22%26%7C!%3A*", None),
    ("get", "/api/v1/offers/?ordering=nope,-remaining", None),
    ("get", "/api/v1/offers/?page_size=-3&page=0", None),
    ("get", "/api/v1/needs/?min_priority=1e400", None),
]


@pytest.mark.parametrize(("method", "url", "body"), ODD_REQUESTS)
def test_odd_requests_never_answer_500(method, url, body, gov_editor, government):
    if body is not None:
        body = {"organization": government.pk, **body}
    counts = row_counts()
    response = getattr(client_for(gov_editor), method)(url, body, format="json")
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        problem(response, response.status_code)
    assert row_counts() == counts
    assert not Offer.objects.exists() and not Need.objects.exists()


def test_a_form_with_more_fields_than_django_reads_is_a_400_problem_and_queues_no_run(
    coordinator,
):
    """Found by the fuzzer: 1,001 `scope[need_ids][i]` form fields raised Django's
    TooManyFieldsSent inside DRF's parser, which answered 500."""
    from matching.models import MatchRun

    form = "&".join(f"scope%5Bneed_ids%5D%5B{i}%5D=1" for i in range(1001))
    runs = MatchRun.objects.count()
    response = client_for(coordinator).post(
        "/api/v1/match-runs/", form, content_type="application/x-www-form-urlencoded"
    )
    assert "more than 1000 fields" in problem(response, 400)["detail"]
    assert MatchRun.objects.count() == runs


def test_a_query_string_with_more_fields_than_django_reads_is_a_400_problem(api):
    query = "&".join(f"f{i}=1" for i in range(1001))
    problem(api.get(f"/api/v1/needs/?{query}"), 400)


def test_a_body_read_past_the_limit_without_a_content_length_is_a_413_problem():
    """A chunked body has no Content-Length for the middleware to refuse; Django stops reading
    it at DATA_UPLOAD_MAX_MEMORY_SIZE with RequestDataTooBig."""
    from django.core.exceptions import RequestDataTooBig

    from api.problems import problem_exception_handler

    response = problem_exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413 and response.data["status"] == 413
