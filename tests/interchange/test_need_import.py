"""Bulk import of needs with their items: one row per item, rows grouped by the need's key."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interchange.imports.needs import COLUMNS
from interchange.models import ImportKey
from registry.models import Need, NeedItem
from tests.conftest import client_for
from tests.interchange.spreadsheets import csv_upload, post_upload, refused, template, xlsx_upload

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/needs/"
HEADER = "key,title,area,deadline,priority,status,vulnerable_groups,category,quantity,currency"
GOOD = [
    "N-1,Devices for Trans Nzoia schools,KE-42,2027-06-30,4,open,children,laptops,40,",
    "N-1,,,,,,,grant,25000,USD",
    "N-2,Trainers for Nandi,KE-32,2027-09-30,3,draft,,trainer-days,60,",
]


def csv_file(*lines: str) -> SimpleUploadedFile:
    return csv_upload("needs.csv", HEADER, lines)


def xlsx_file(rows: list[list], sheet: str = "needs") -> SimpleUploadedFile:
    return xlsx_upload("needs.xlsx", HEADER, rows, sheet)


def upload(client, file, organization, dry_run: bool = False):
    return post_upload(client, URL, file, organization, dry_run)


@pytest.fixture
def editor(gov_editor):
    return client_for(gov_editor)


def test_a_dry_run_shows_each_rows_outcome_and_writes_nothing(government, editor):
    response = upload(editor, csv_file(*GOOD), government, dry_run=True)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"] is True and body["imported"] is False
    assert [(row["row"], row["key"], row["outcome"]) for row in body["rows"]] == [
        (2, "N-1", "create"),
        (3, "N-1", "create"),
        (4, "N-2", "create"),
    ]
    assert Need.objects.count() == 0 and ImportKey.objects.count() == 0


def test_rows_sharing_a_key_make_one_need_and_the_same_file_again_changes_nothing(
    government, editor
):
    first = upload(editor, csv_file(*GOOD), government)
    assert first.status_code == 201, first.json()
    nzoia = Need.objects.get(title="Devices for Trans Nzoia schools")
    assert nzoia.organization == government and nzoia.area == "KE-42"
    assert nzoia.status == "open" and nzoia.priority == 4
    assert {(i.category_id, i.quantity, i.currency) for i in nzoia.items.all()} == {
        ("laptops", Decimal(40), ""),
        ("grant", Decimal(25000), "USD"),
    }
    assert [row["record"] for row in first.json()["rows"][:2]] == [nzoia.pk, nzoia.pk]
    assert Need.objects.get(title="Trainers for Nandi").status == "draft"
    stamps = dict(Need.objects.values_list("pk", "updated_at"))
    again = upload(editor, csv_file(*GOOD), government)
    assert again.status_code == 201
    assert again.json()["counts"] == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    assert dict(Need.objects.values_list("pk", "updated_at")) == stamps
    assert NeedItem.objects.count() == 3


def test_the_same_file_again_changes_nothing_once_partners_cover_part_of_a_need(government, editor):
    """Coverage moves an open need to partially_met; the file still says open, which the need
    still is, so the second import leaves it alone (and its status as coverage set it)."""
    assert upload(editor, csv_file(*GOOD), government).status_code == 201
    nzoia = Need.objects.get(title="Devices for Trans Nzoia schools")
    Need.objects.filter(pk=nzoia.pk).update(status=Need.Status.PARTIALLY_MET)
    stamps = dict(Need.objects.values_list("pk", "updated_at"))
    again = upload(editor, csv_file(*GOOD), government)
    assert again.json()["counts"] == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    assert dict(Need.objects.values_list("pk", "updated_at")) == stamps
    assert Need.objects.get(pk=nzoia.pk).status == Need.Status.PARTIALLY_MET


def test_a_changed_item_updates_the_need_its_key_names(government, editor):
    assert upload(editor, csv_file(*GOOD), government).status_code == 201
    changed = [GOOD[0].replace("laptops,40", "laptops,55"), GOOD[2]]  # the grant item goes
    response = upload(editor, csv_file(*changed), government)
    assert response.status_code == 201, response.json()
    assert [row["outcome"] for row in response.json()["rows"]] == ["update", "unchanged"]
    nzoia = Need.objects.get(title="Devices for Trans Nzoia schools")
    assert {(i.category_id, i.quantity) for i in nzoia.items.all()} == {("laptops", 55)}
    assert Need.objects.count() == 2


def test_a_file_with_every_kind_of_error_names_row_and_column_and_imports_nothing(
    government, editor
):
    lines = [
        GOOD[2],
        "B-1,Bad area,XX-99,2027-06-30,3,draft,,laptops,10,",
        "B-2,Unknown category,KE-30,2027-06-30,3,draft,,spaceships,10,",
        "B-3,Negative,KE-30,2027-06-30,3,draft,,laptops,-5,",
        "B-4,No currency,KE-30,2027-06-30,3,draft,,grant,1000,",
        "B-5,Two rows,KE-30,2027-06-30,3,draft,,laptops,10,",
        "B-5,,,,,,,laptops,12,",
        'B-6,=HYPERLINK("http://x.example"),KE-30,2027-06-30,3,draft,,laptops,10,',
        "B-7,Outside the country,UG,2027-06-30,3,draft,,laptops,10,",
        "B-8,First row,KE-30,2027-06-30,3,draft,,laptops,10,",
        "B-8,Another title,,,,,,grant,10,USD",
        "K" * 65 + ",Long key,KE-30,2027-06-30,3,draft,,laptops,10,",
        ",No key,KE-30,2027-06-30,3,draft,,laptops,10,",
        "B-9,Huge quantity,KE-30,2027-06-30,3,draft,,laptops,1000000000000000000000000,",
    ]
    body, errors = refused(upload(editor, csv_file(*lines), government))
    assert errors == {
        (3, "area"),
        (4, "category"),
        (5, "quantity"),
        (6, "currency"),
        (7, ""),  # the first row of B-5: its need is held back by row 8
        (8, "category"),
        (9, "title"),
        (10, "area"),
        (11, ""),
        (12, "title"),
        (13, "key"),
        (14, "key"),
        (15, "quantity"),
    }
    reasons = {row["row"]: row["errors"][0]["reason"] for row in body["rows"] if row["errors"]}
    assert "XX-99" in reasons[3] and "spaceships" in reasons[4]
    assert "row 7" in reasons[8].lower() and "row 8" in reasons[7].lower()
    assert "formula" in reasons[9].lower() and "UG" in reasons[10]
    assert "row 11" in reasons[12].lower()
    assert body["rows"][0]["outcome"] == "create"  # valid, but nothing is written
    assert Need.objects.count() == 0 and ImportKey.objects.count() == 0
    assert any(error["field"] == "row 3: area" for error in body["errors"])


def test_an_xlsx_formula_or_a_wrong_sheet_is_refused(government, editor):
    rows = [line.split(",") for line in GOOD]
    rows[1][8] = "=20000+5000"
    response = upload(editor, xlsx_file(rows), government)
    assert response.status_code == 400
    bad = [row for row in response.json()["rows"] if row["errors"]]
    assert [(row["row"], row["errors"][0]["column"]) for row in bad] == [(2, ""), (3, "quantity")]
    wrong = upload(editor, xlsx_file(rows, sheet="Sheet1"), government)
    assert wrong.status_code == 400
    assert "needs" in wrong.json()["detail"]
    rows[1][8] = 25000  # a number cell
    assert upload(editor, xlsx_file(rows), government).status_code == 201
    assert Need.objects.count() == 2


def test_only_writers_of_a_government_organization_import(
    government, ngo, ngo_editor, other_editor, api
):
    assert upload(client_for(other_editor), csv_file(*GOOD), government).status_code == 403
    assert upload(api, csv_file(*GOOD), government).status_code == 401
    refused = upload(client_for(ngo_editor), csv_file(*GOOD), ngo)
    assert refused.status_code == 400
    assert "government" in refused.json()["errors"][0]["detail"]
    assert Need.objects.count() == 0


def test_the_template_lists_the_columns_and_the_values_they_accept(api):
    first_line, columns, allowed = template(api, URL, "needs")
    assert first_line == ",".join(COLUMNS) and columns == COLUMNS
    assert "laptops" in allowed["category"] and "open" in allowed["status"]


def test_a_coordinator_imports_needs_for_a_government_organization(government, coordinator):
    from registry.errors import PermissionDenied
    from registry.services.permissions import ensure_writer

    client = client_for(coordinator)
    response = upload(client, csv_file(*GOOD), government)
    assert response.status_code == 201, response.json()
    assert Need.objects.filter(organization=government).count() == 2
    with pytest.raises(PermissionDenied):
        ensure_writer(coordinator, government)
