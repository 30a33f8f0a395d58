"""Each export reads a fixed number of queries however many rows it writes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.services import review
from tests.conftest import member
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory, proposal_for

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/exports/iati-activities/",
    "/api/v1/exports/hxl/offers/",
    "/api/v1/exports/hxl/needs/",
    "/api/v1/exports/hxl/partnerships/",
    "/api/v1/exports/hsds/organizations/",
    "/api/v1/exports/lists/offers/",
    "/api/v1/exports/lists/needs/",
]


def add_partnership(coordinator) -> None:
    """Two organizations, each with an offer, joined in a partnership on a new need."""
    offers = [
        OfferFactory(organization=OrganizationFactory()),
        OfferFactory(organization=OrganizationFactory(), category_id="trainer-days", kind="human"),
    ]
    need = NeedFactory()
    proposal = proposal_for([(offer, Decimal(5)) for offer in offers], need=need)
    review.accept_proposal(actor=coordinator, proposal_id=proposal.pk)
    for offer in offers:
        review.confirm_lines(actor=member(offer.organization), proposal_id=proposal.pk)


def queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
        assert response.status_code == 200, response.content
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", PATHS)
def test_an_export_reads_as_many_queries_for_many_rows_as_for_few(setting, api, path):
    add_partnership(setting["coordinator"])
    few = queries(api, path)
    for _ in range(4):
        add_partnership(setting["coordinator"])
    assert queries(api, path) == few
