"""HXL 3W CSV of offers, needs and partnerships, read back with libhxl."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import hxl
import pytest
from hxl.input import InputOptions

from registry.models import FocusArea, Offer, VulnerableGroup
from tests.conftest import client_for
from tests.factories import NeedItemFactory, OfferFactory

pytestmark = pytest.mark.django_db


def read_hxl(client, path: str, **query) -> list[dict[str, str | None]]:
    """The rows of an HXL export, each as {hashtag: value}, through libhxl."""
    response = client.get(f"/api/v1/exports/hxl/{path}/", query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    source = hxl.data(io.BytesIO(body), InputOptions(allow_local=True))
    tags = [column.display_tag for column in source.columns]
    assert all(tag and tag.startswith("#") for tag in tags)
    return [dict(zip(tags, row.values, strict=True)) for row in source]


@pytest.fixture
def school_offer(setting):
    offer = OfferFactory(
        organization=setting["company"],
        title="Tablets for = schools",
        category_id="tablets",
        quantity=Decimal("250.50"),
        areas=["KE-30", "UG", "global"],
        available_from=datetime.date(2026, 2, 1),
        available_until=datetime.date(2027, 1, 31),
    )
    offer.focus_areas.set(FocusArea.objects.filter(pk__in=["devices", "digital-skills"]))
    offer.vulnerable_groups.set(VulnerableGroup.objects.filter(pk="youth"))
    return offer


def test_an_offer_reads_back_from_hxl_without_loss(setting, school_offer, api):
    rows = {row["#activity+code"]: row for row in read_hxl(api, "offers")}
    assert rows[str(school_offer.pk)] == {
        "#activity+code": str(school_offer.pk),
        "#activity+name": "Tablets for = schools",
        "#org+name": "Savanna Devices",
        "#org+code": "KE-RCO-CPR2001",
        "#org+type": "company",
        "#item+code": "tablets",
        "#item+type": "technical",
        "#sector": "devices; digital-skills",
        "#targeted+type": "youth",
        "#loc+code": "KE-30; UG; global",
        "#country+code": "KE; UG",
        "#adm1+code": "KE-30",
        "#value": "250.50",
        "#value+remaining": "250.50",
        "#meta+unit": "units",
        "#currency": "",
        "#status": "published",
        "#date+start": "2026-02-01",
        "#date+end": "2027-01-31",
    }
    assert set(rows) == {
        str(pk) for pk in Offer.objects.filter(status="published").values_list("pk", flat=True)
    }


def test_another_organizations_draft_is_left_out_but_the_owner_sees_it(setting, api):
    draft = OfferFactory(organization=setting["company"], status=Offer.Status.DRAFT)
    assert str(draft.pk) not in {row["#activity+code"] for row in read_hxl(api, "offers")}
    own = read_hxl(client_for(setting["company_editor"]), "offers")
    assert str(draft.pk) in {row["#activity+code"] for row in own}


def test_the_offer_list_filters_apply_and_bad_ones_answer_400(setting, school_offer, api):
    tablets = read_hxl(api, "offers", category="tablets")
    assert [row["#activity+code"] for row in tablets] == [str(school_offer.pk)]
    assert read_hxl(api, "offers", area="UG-102", kind="technical")[0]["#item+code"] == "tablets"
    for query in ({"area": "XX-99"}, {"category": "spaceships"}, {"page_size": "5"}):
        response = api.get("/api/v1/exports/hxl/offers/", query)
        assert response.status_code == 400, query
        assert response["Content-Type"] == "application/problem+json"


def test_a_need_gives_one_row_per_item_with_what_is_covered(setting, api):
    need = setting["need"]
    NeedItemFactory(need=need, category_id="trainer-days", kind="human", quantity=Decimal(30))
    rows = [row for row in read_hxl(api, "needs") if row["#activity+code"] == str(need.pk)]
    by_item = {row["#item+code"]: row for row in rows}
    assert set(by_item) == {"laptops", "grant", "trainer-days"}
    assert by_item["laptops"]["#value+needed"] == "60.00"
    assert by_item["laptops"]["#value+covered"] == "60.00"
    assert by_item["grant"]["#currency"] == "USD"
    assert by_item["trainer-days"]["#value+covered"] == "0.00"
    assert {row["#country+code"] for row in rows} == {"KE"}
    assert {row["#adm1+code"] for row in rows} == {"KE-30"}
    assert {row["#targeted+type"] for row in rows} == {"persons-with-disabilities"}


def test_a_partnership_gives_a_row_per_partner_and_commitment(setting, api):
    rows = read_hxl(api, "partnerships", status="active")
    mine = [row for row in rows if row["#activity+code"] == str(setting["partnership"].pk)]
    summary = sorted(
        (row["#org+name"], row["#org+role"], row["#item+code"], row["#value"], row["#currency"])
        for row in mine
    )
    government = setting["need"].organization.name
    assert summary == sorted(
        [
            ("Open Futures", "Funding", "grant", "20000.00", "USD"),
            ("Savanna Devices", "Implementing", "laptops", "60.00", ""),
            (government, "Accountable", "", "", ""),
        ]
    )


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(setting, api):
    OfferFactory(organization=setting["company"], title='=HYPERLINK("http://x.example","a")')
    OfferFactory(organization=setting["company"], title="@SUM(A1:A2)")
    titles = {row["#activity+name"] for row in read_hxl(api, "offers")}
    assert '\'=HYPERLINK("http://x.example","a")' in titles
    assert "'@SUM(A1:A2)" in titles
    assert not any(title.startswith(("=", "@", "+", "-")) for title in titles)
