"""The hot lists' shortcuts answer what the generic paths answer.

The page and its total in one query (api.pagination), the filter backends skipped when no
parameter names them (api.filters.UnfilteredWithoutParametersMixin), datetimes formatted
without DRF's field (api.fast_lists.moment).
"""

from __future__ import annotations

import datetime
import zoneinfo
from unittest import mock

import pytest
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.fields import DateTimeField

from api.fast_lists import moment, offer_values
from api.filters import NeedFilterSet, OfferFilterSet, filter_parameters
from api.pagination import CountInPageQueryPaginator
from api.views.matching import ProposalFilterSet
from registry.models import Offer
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(ngo):
    made = [OfferFactory(organization=ngo, status="published") for _ in range(7)]
    OfferFactory(organization=ngo, status="draft")
    return made


def test_the_paginator_reads_the_same_pages_and_total_as_djangos(offers):
    rows = offer_values(Offer.objects.order_by("-created_at", "-id"))
    for per_page in (1, 3, 7, 10):
        expected = Paginator(rows, per_page)
        counted = CountInPageQueryPaginator(rows, per_page)
        for number in range(1, expected.num_pages + 1):
            page = CountInPageQueryPaginator(rows, per_page).page(number)
            assert list(page) == list(expected.page(number))
            assert page.paginator.count == expected.count == 8
            assert page.has_next() == expected.page(number).has_next()
        with pytest.raises(EmptyPage):
            counted.page(expected.num_pages + 1)


def test_one_query_reads_the_page_and_its_total(offers):
    rows = offer_values(Offer.objects.order_by("-created_at", "-id"))
    with CaptureQueriesContext(connection) as captured:
        page = CountInPageQueryPaginator(rows, 3).page(2)
        assert page.paginator.count == 8 and page.paginator.num_pages == 3
    assert len(captured.captured_queries) == 1
    assert all("_page_total" not in row for row in page)


def test_an_empty_list_has_page_1_and_no_page_2(api):
    body = api.get("/api/v1/offers/?page_size=5").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert api.get("/api/v1/offers/?page=2").status_code == 404


@pytest.mark.parametrize(
    "page", ["0", "-1", "abc", "1.5", "4", "40339173027297533952", str(2**63 // 3), "1e30"]
)
def test_pages_out_of_range_or_not_numbers_answer_404(api, offers, page):
    response = api.get(f"/api/v1/offers/?page_size=3&page={page}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid page."


def test_the_envelope_of_the_last_and_middle_pages(api, offers):
    last = api.get("/api/v1/offers/?page_size=3&page=last").json()
    assert last["count"] == 7 and len(last["results"]) == 1 and last["next"] is None
    assert last["previous"].endswith("/api/v1/offers/?page=2&page_size=3")
    third = api.get("/api/v1/offers/?page_size=3&page=3").json()
    assert third == last
    middle = api.get("/api/v1/offers/?page_size=3&page=2").json()
    assert middle["count"] == 7 and len(middle["results"]) == 3
    assert middle["next"].endswith("page=3&page_size=3")
    assert middle["previous"].endswith("/api/v1/offers/?page_size=3")


def test_the_total_of_a_distinct_filter_counts_each_need_once(api, government):
    for _ in range(3):
        need = NeedFactory(organization=government, status="open")
        NeedItemFactory(need=need, category_id="laptops", kind="technical")
        NeedItemFactory(need=need, category_id="tablets", kind="technical")
    NeedFactory(organization=government, status="open")
    body = api.get("/api/v1/needs/?kind=technical&page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert len({need["id"] for need in body["results"]}) == 2


@pytest.mark.parametrize("filterset", [ProposalFilterSet, OfferFilterSet, NeedFilterSet])
def test_the_hot_filtersets_list_their_parameters(filterset):
    # None would send every request through the backends: still right, only slower.
    names = filter_parameters(filterset)
    assert names is not None and set(filterset.base_filters) == names


def test_a_request_naming_no_filter_skips_the_backends(api, offers):
    with mock.patch.object(
        DjangoFilterBackend, "filter_queryset", autospec=True, side_effect=AssertionError
    ):
        assert api.get("/api/v1/offers/?page_size=3&page=2").status_code == 200


@pytest.mark.parametrize(
    "query, status, count",
    [
        ("status=published", 200, 7),
        ("status=", 200, 7),
        ("status=bogus", 400, None),
        ("category=no-such-category", 400, None),
        ("ordering=-title", 200, 7),
        ("ordering=", 200, 7),
    ],
)
def test_a_request_naming_a_filter_takes_the_backends(api, offers, query, status, count):
    original = DjangoFilterBackend.filter_queryset
    with mock.patch.object(
        DjangoFilterBackend, "filter_queryset", autospec=True, side_effect=original
    ) as backend:
        response = api.get(f"/api/v1/offers/?page_size=3&{query}")
    assert response.status_code == status
    assert backend.called
    if count is not None:
        assert response.json()["count"] == count


def test_ordering_by_a_parameter_still_orders(api, offers):
    titles = [
        offer["title"] for offer in api.get("/api/v1/offers/?ordering=title").json()["results"]
    ]
    assert titles == sorted(titles)


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        datetime.datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=datetime.UTC),
        datetime.datetime(2026, 7, 2, 3, 4, 5, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        datetime.datetime(2026, 1, 2, 3, 4, 5),
    ],
)
@pytest.mark.parametrize("zone", [None, "America/Bogota"])
def test_moment_writes_what_drfs_datetime_field_writes(value, zone):
    if zone is None:
        assert moment(value) == DateTimeField().to_representation(value)
        assert moment(value, timezone.get_current_timezone()) == moment(value)
        return
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        assert moment(value) == DateTimeField().to_representation(value)
    assert moment(None) is None
