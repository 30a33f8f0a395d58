"""Bulk import of offers from CSV and XLSX: dry run, row errors, one transaction, idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interchange.imports.offers import COLUMNS
from interchange.models import ImportKey
from registry.models import Membership, Offer
from tests.conftest import client_for, member
from tests.interchange.spreadsheets import csv_upload, post_upload, refused, template, xlsx_upload

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/offers/"
HEADER = "key,title,category,quantity,currency,areas,focus_areas,status"
GOOD = [
    "P-1,Laptops for libraries,laptops,40,,KE-30; UG,devices,published",
    "P-2,Grant for digital skills,grant,25000,USD,KE,digital-skills,draft",
    "P-3,Trainer days,trainer-days,60,,global,,published",
]


def csv_file(*lines: str, name: str = "pledges.csv") -> SimpleUploadedFile:
    return csv_upload(name, HEADER, lines)


def xlsx_file(rows: list[list], sheet: str = "offers") -> SimpleUploadedFile:
    return xlsx_upload("pledges.xlsx", HEADER, rows, sheet)


def upload(client, file, organization, dry_run: bool = False):
    return post_upload(client, URL, file, organization, dry_run)


@pytest.fixture
def editor(ngo):
    return client_for(member(ngo, Membership.Role.EDITOR))


def test_a_dry_run_shows_each_rows_outcome_and_writes_nothing(ngo, editor):
    response = upload(editor, csv_file(*GOOD), ngo, dry_run=True)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"] is True and body["imported"] is False
    assert [(row["row"], row["key"], row["outcome"]) for row in body["rows"]] == [
        (2, "P-1", "create"),
        (3, "P-2", "create"),
        (4, "P-3", "create"),
    ]
    assert Offer.objects.count() == 0 and ImportKey.objects.count() == 0


def test_an_import_creates_the_offers_and_the_same_file_again_changes_nothing(ngo, editor):
    first = upload(editor, csv_file(*GOOD), ngo)
    assert first.status_code == 201, first.json()
    assert first.json()["counts"] == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    laptops = Offer.objects.get(title="Laptops for libraries")
    assert laptops.areas == ["KE-30", "UG"] and laptops.status == "published"
    assert laptops.organization == ngo and laptops.quantity == Decimal(40)
    assert Offer.objects.get(title="Grant for digital skills").currency == "USD"
    stamps = dict(Offer.objects.values_list("pk", "updated_at"))
    again = upload(editor, csv_file(*GOOD), ngo)
    assert again.status_code == 201
    assert again.json()["counts"] == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    assert dict(Offer.objects.values_list("pk", "updated_at")) == stamps


def test_a_changed_row_updates_the_offer_its_key_names(ngo, editor):
    upload(editor, csv_file(*GOOD), ngo)
    changed = GOOD[0].replace(",40,", ",55,")
    response = upload(editor, csv_file(changed, *GOOD[1:]), ngo)
    assert [row["outcome"] for row in response.json()["rows"]] == [
        "update",
        "unchanged",
        "unchanged",
    ]
    assert Offer.objects.get(title="Laptops for libraries").quantity == Decimal(55)
    assert Offer.objects.count() == 3


def test_a_file_with_every_kind_of_error_names_row_and_column_and_imports_nothing(ngo, editor):
    lines = [
        GOOD[0],
        "B-1,Bad area,laptops,10,,XX-99,,draft",
        "B-2,Unknown category,spaceships,10,,KE,,draft",
        "B-3,Negative,laptops,-5,,KE,,draft",
        "B-4,No currency,grant,1000,,KE,,draft",
        "P-1,Same key again,laptops,10,,KE,,draft",
        'B-5,=HYPERLINK("http://x.example"),laptops,10,,KE,,draft',
        "B-6,Unknown focus,laptops,10,,KE,teleportation,draft",
        "B-7,Too large for the database,laptops,1e20,,KE,,draft",
    ]
    body, errors = refused(upload(editor, csv_file(*lines), ngo))
    assert errors == {
        (3, "areas"),
        (4, "category"),
        (5, "quantity"),
        (6, "currency"),
        (7, "key"),
        (8, "title"),
        (9, "focus_areas"),
        (10, "quantity"),
    }
    reasons = {row["row"]: row["errors"][0]["reason"] for row in body["rows"] if row["errors"]}
    assert "XX-99" in reasons[3] and "spaceships" in reasons[4]
    assert "row 2" in reasons[7].lower()
    assert body["rows"][0]["outcome"] == "create"  # valid, but nothing is written
    assert Offer.objects.count() == 0 and ImportKey.objects.count() == 0
    assert any(error["field"] == "row 3: areas" for error in body["errors"])


def test_an_xlsx_workbook_imports_like_a_csv_file(ngo, editor):
    rows = [line.split(",") for line in GOOD]
    rows[0][3] = 40  # a number cell
    response = upload(editor, xlsx_file(rows), ngo)
    assert response.status_code == 201, response.json()
    assert Offer.objects.count() == 3
    again = upload(editor, xlsx_file(rows), ngo)
    assert again.json()["counts"]["unchanged"] == 3


def test_an_xlsx_formula_or_a_wrong_sheet_is_refused(ngo, editor):
    rows = [line.split(",") for line in GOOD]
    rows[1][3] = "=20000+5000"
    response = upload(editor, xlsx_file(rows), ngo)
    assert response.status_code == 400
    (bad,) = [row for row in response.json()["rows"] if row["errors"]]
    assert bad["row"] == 3 and bad["errors"][0]["column"] == "quantity"
    wrong = upload(editor, xlsx_file(rows, sheet="Sheet1"), ngo)
    assert wrong.status_code == 400
    assert "offers" in wrong.json()["detail"]
    assert Offer.objects.count() == 0


def test_a_ten_megabyte_file_is_refused_before_it_is_read(ngo, editor):
    big = csv_file(*GOOD, *(["X-1,x,laptops,1,,KE,,draft"] * 400_000))
    assert big.size > 10 * 1024 * 1024
    response = upload(editor, big, ngo)
    assert response.status_code == 413
    assert Offer.objects.count() == 0


def test_a_file_larger_than_the_json_body_limit_is_imported(ngo, editor, settings):
    """Uploads have their own limit (MAX_UPLOAD_BYTES): a file of 300 KB passes where the JSON
    body limit (256 KB) stops any other request, which keeps that limit."""
    long = "x" * 3000
    file = csv_file(*(f"L-{n},Laptops {n},laptops,1,,KE,,draft" for n in range(100)))
    lines = file.read().decode().splitlines()
    header = lines[0] + ",description"
    content = "\r\n".join([header, *(line + "," + long for line in lines[1:])]).encode()
    assert len(content) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE > 0
    response = upload(editor, SimpleUploadedFile("pledges.csv", content), ngo, dry_run=True)
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["create"] == 100
    assert Offer.objects.count() == 0
    body = {"title": long * 90, "category": "laptops", "quantity": "1", "areas": ["KE"]}
    assert editor.post("/api/v1/offers/", body, format="json").status_code == 413


def test_only_the_organizations_writers_import(ngo, other_editor, ngo_viewer, api):
    for client in (client_for(other_editor), client_for(ngo_viewer)):
        assert upload(client, csv_file(*GOOD), ngo).status_code == 403
    assert upload(api, csv_file(*GOOD), ngo).status_code == 401
    assert Offer.objects.count() == 0


def test_the_template_lists_the_columns_and_the_values_they_accept(api):
    first_line, columns, allowed = template(api, URL, "offers")
    assert first_line == ",".join(COLUMNS) and columns == COLUMNS
    assert "laptops" in allowed["category"] and "published" in allowed["status"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pledges.xlsx", b"PK\x03\x04 not really a workbook"),
        ("pledges.xlsx", b"plain text"),
        ("pledges.csv", b"key,title\x00\r\nP-1,x\r\n"),
        ("pledges.csv", "key,title\r\nP-1,caf\xe9\r\n".encode("latin-1")),
        ("pledges.pdf", b"%PDF-1.7"),
        ("pledges.csv", b"key,colour\r\nP-1,blue\r\n"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400_problem_and_writes_nothing(ngo, editor, name, content):
    response = upload(editor, SimpleUploadedFile(name, content), ngo)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "file"
    assert Offer.objects.count() == 0


def test_a_coordinator_imports_for_any_organization_and_gains_no_other_write(ngo, coordinator):
    from registry.errors import PermissionDenied
    from registry.services.permissions import ensure_writer
    from tests.api.test_offers_crud import full_offer

    client = client_for(coordinator)
    response = upload(client, csv_file(*GOOD), ngo)
    assert response.status_code == 201, response.json()
    assert Offer.objects.filter(organization=ngo).count() == 3
    assert upload(client, csv_file(*GOOD), ngo).json()["counts"]["unchanged"] == 3
    # Outside the import, the coordinator is no writer of the organization.
    assert client.post("/api/v1/offers/", full_offer(ngo), format="json").status_code == 403
    with pytest.raises(PermissionDenied):
        ensure_writer(coordinator, ngo)
    assert Offer.objects.count() == 3


def test_a_coordinator_imports_one_file_for_several_organizations(ngo, other_org, coordinator):
    ngo.identifier = "KE-RCO-CPR2001"
    ngo.save(update_fields=["identifier"])
    lines = [
        GOOD[0] + ",ke-rco-cpr2001",
        GOOD[1] + f",{other_org.pk}",
        GOOD[2] + ",",  # the upload's organization
    ]
    header = HEADER + ",organization"
    file = SimpleUploadedFile("pledges.csv", "\r\n".join([header, *lines, ""]).encode())
    client = client_for(coordinator)
    response = client.post(URL, {"file": file, "organization": ngo.pk}, format="multipart")
    assert response.status_code == 201, response.json()
    assert [row["row"] for row in response.json()["rows"]] == [2, 3, 4]
    assert sorted(Offer.objects.values_list("organization_id", "title")) == sorted(
        [
            (ngo.pk, "Laptops for libraries"),
            (other_org.pk, "Grant for digital skills"),
            (ngo.pk, "Trainer days"),
        ]
    )
    file = SimpleUploadedFile(
        "pledges.csv", "\r\n".join([header, lines[1], GOOD[2] + ",XX-NOPE", ""]).encode()
    )
    again = client.post(URL, {"file": file}, format="multipart")
    assert again.status_code == 400
    assert [(row["row"], row["outcome"]) for row in again.json()["rows"]] == [
        (2, "unchanged"),
        (3, "error"),
    ]
    assert "XX-NOPE" in again.json()["rows"][1]["errors"][0]["reason"]
    assert Offer.objects.count() == 3


def test_a_member_cannot_import_rows_for_another_organization(ngo, other_org, editor):
    header = HEADER + ",organization"
    lines = [GOOD[0] + ",", GOOD[1] + f",{other_org.pk}"]
    file = SimpleUploadedFile("pledges.csv", "\r\n".join([header, *lines, ""]).encode())
    response = editor.post(URL, {"file": file, "organization": ngo.pk}, format="multipart")
    assert response.status_code == 403
    assert Offer.objects.count() == 0
