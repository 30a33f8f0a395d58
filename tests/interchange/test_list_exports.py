"""Any API list as CSV or XLSX: the list's filters and visibility, every row, formulas defused."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from registry.models import Offer
from tests.conftest import client_for
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(client, name: str, **query) -> list[dict[str, str]]:
    response = client.get(f"/api/v1/exports/lists/{name}/", query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(client, name: str, **query) -> list[dict]:
    response = client.get(f"/api/v1/exports/lists/{name}/", {"format": "xlsx", **query})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_whole_offer_list_comes_as_csv_and_xlsx_beyond_one_page(setting, api):
    for _ in range(30):
        OfferFactory(organization=setting["company"])
    published = Offer.objects.filter(status="published").count()
    assert published > 25  # more than one page of the JSON list
    rows = csv_rows(api, "offers")
    assert len(rows) == published
    assert {"id", "title", "organization", "quantity", "remaining", "areas"} <= set(rows[0])
    by_id = {row["id"]: row for row in rows}
    laptops = by_id[str(setting["laptops"].pk)]
    assert laptops["areas"] == "KE"
    assert laptops["remaining"] == "30.00"  # 60 committed and 10 reserved of 100
    sheet = xlsx_rows(api, "offers")
    assert len(sheet) == published
    assert {str(row["id"]) for row in sheet} == set(by_id)


def test_the_lists_filters_and_visibility_apply(setting, api):
    draft = OfferFactory(organization=setting["company"], status=Offer.Status.DRAFT)
    grants = csv_rows(api, "offers", category="grant")
    assert [row["title"] for row in grants] == [setting["grant"].title]
    assert str(draft.pk) not in {row["id"] for row in csv_rows(api, "offers")}
    own = csv_rows(client_for(setting["company_editor"]), "offers")
    assert str(draft.pk) in {row["id"] for row in own}
    needs = csv_rows(api, "needs", area="UG")
    assert len(needs) == 1 and needs[0]["area"] == "UG"


def test_coordinator_lists_stay_with_coordinators(setting, api):
    assert api.get("/api/v1/exports/lists/match-runs/").status_code in (401, 403)
    runs = csv_rows(client_for(setting["coordinator"]), "match-runs")
    assert len(runs) >= 1


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("offers", {"colour": "blue"}, 400),
        ("offers", {"area": "XX-99"}, 400),
        ("offers", {"category": "spaceships"}, 400),
        ("offers", {"format": "pdf"}, 404),
        ("spaceships", {}, 404),
    ],
)
def test_bad_requests_answer_problems(setting, api, path, query, status):
    response = api.get(f"/api/v1/exports/lists/{path}/", query)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


def test_formulas_are_defused_in_csv_and_xlsx(setting, api):
    OfferFactory(organization=setting["company"], title='=HYPERLINK("http://x.example","a")')
    OfferFactory(organization=setting["company"], title="+1+1")
    titles = {row["title"] for row in csv_rows(api, "offers")}
    assert {'\'=HYPERLINK("http://x.example","a")', "'+1+1"} <= titles
    sheet_titles = {row["title"] for row in xlsx_rows(api, "offers")}
    assert {'\'=HYPERLINK("http://x.example","a")', "'+1+1"} <= sheet_titles
    response = api.get("/api/v1/exports/lists/offers/", {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert not [
        cell.coordinate
        for row in workbook.active.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_control_characters_are_left_out_of_xlsx_cells(setting, api):
    OfferFactory(organization=setting["company"], title="Tablets\x0b for\x01 schools")
    titles = {row["title"] for row in xlsx_rows(api, "offers")}
    assert "Tablets for schools" in titles
