"""Bulk import of organizations: the same engine as offers (dry run, row errors, one transaction,
the same file twice changes nothing), and likely duplicates shown in the dry run."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from interchange.imports.organizations import COLUMNS
from interchange.models import ImportKey
from registry.models import Membership, Organization
from tests.conftest import client_for, member
from tests.factories import UserFactory
from tests.interchange.spreadsheets import refused

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/organizations/"
HEADER = "key,name,kind,country,identifier,contact_email"
GOOD = [
    "O-1,Lake Region Libraries,ngo,KE,,info@lakeregion.example",
    "O-2,Ministry of ICT Uganda,government,UG,,",
]


def csv_file(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("orgs.csv", ("\r\n".join([HEADER, *lines]) + "\r\n").encode())


def upload(client, file, dry_run: bool = False):
    return client.post(URL + ("?dry_run=1" if dry_run else ""), {"file": file}, format="multipart")


@pytest.fixture
def importer():
    return UserFactory(username="importer")


def test_a_dry_run_shows_the_likely_duplicates_of_a_new_row_and_writes_nothing(ngo, importer):
    before = Organization.objects.count()
    response = upload(
        client_for(importer), csv_file(*GOOD, "O-3,Digital Bridges Ltd,ngo,KE,,"), True
    )
    assert response.status_code == 200, response.json()
    rows = response.json()["rows"]
    assert [(row["key"], row["outcome"]) for row in rows] == [
        ("O-1", "create"),
        ("O-2", "create"),
        ("O-3", "create"),
    ]
    assert rows[0]["notes"] == [] and rows[1]["notes"] == []
    (note,) = rows[2]["notes"]
    assert "Digital Bridges" in note and f"id {ngo.pk}" in note
    assert Organization.objects.count() == before and ImportKey.objects.count() == 0


def test_an_import_registers_the_organizations_and_the_same_file_again_changes_nothing(importer):
    client = client_for(importer)
    first = upload(client, csv_file(*GOOD))
    assert first.status_code == 201, first.json()
    created = Organization.objects.filter(
        name__in=["Lake Region Libraries", "Ministry of ICT Uganda"]
    )
    assert created.count() == 2
    assert all(
        Membership.objects.filter(user=importer, organization=org, role="admin").exists()
        for org in created
    )
    again = upload(client, csv_file(*GOOD))
    assert again.status_code == 201
    assert again.json()["counts"] == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    changed = upload(client, csv_file(GOOD[0].replace("info@", "hello@"), GOOD[1]))
    assert [row["outcome"] for row in changed.json()["rows"]] == ["update", "unchanged"]
    assert created.get(name="Lake Region Libraries").contact_email == "hello@lakeregion.example"
    # Another user's rows with the same keys are theirs: they register new organizations.
    other = upload(client_for(UserFactory()), csv_file(GOOD[0]), dry_run=True)
    assert other.json()["rows"][0]["outcome"] == "create"


def test_a_file_with_every_kind_of_error_names_row_and_column_and_imports_nothing(importer):
    lines = [
        GOOD[0],
        "B-1,Nowhere Trust,ngo,XX,,",
        "B-2,Spaceship Co,starship,KE,,",
        "B-3,Bad Mail Society,ngo,KE,,not-an-address",
        "O-1,Same key again,ngo,KE,,",
        'B-4,=HYPERLINK("http://x.example"),ngo,KE,,',
        "B-5,,ngo,KE,,",
    ]
    before = Organization.objects.count()
    body, errors = refused(upload(client_for(importer), csv_file(*lines)))
    assert errors == {
        (3, "country"),
        (4, "kind"),
        (5, "contact_email"),
        (6, "key"),
        (7, "name"),
        (8, "name"),
    }
    reasons = {row["row"]: row["errors"][0]["reason"] for row in body["rows"] if row["errors"]}
    assert "starship" in reasons[4] and "row 2" in reasons[6].lower()
    assert Organization.objects.count() == before and ImportKey.objects.count() == 0


def test_a_workbook_without_the_organizations_sheet_is_refused(importer):
    workbook = Workbook()
    workbook.active.title = "offers"
    workbook.active.append(HEADER.split(","))
    output = io.BytesIO()
    workbook.save(output)
    response = upload(client_for(importer), SimpleUploadedFile("orgs.xlsx", output.getvalue()))
    assert response.status_code == 400
    assert "organizations" in response.json()["detail"]


def test_the_template_lists_the_columns_and_the_kinds_they_accept(api):
    assert api.get(URL + "template/").content.decode().strip() == ",".join(COLUMNS)
    workbook = load_workbook(
        io.BytesIO(api.get(URL + "template/", {"format": "xlsx"}).content), read_only=True
    )
    allowed = dict(workbook["allowed values"].iter_rows(values_only=True))
    assert "government" in allowed["kind"] and "ngo" in allowed["kind"]


def test_only_signed_in_users_import(api):
    assert upload(api, csv_file(*GOOD)).status_code == 401


def test_a_row_naming_a_registered_organization_updates_it_for_its_writers_and_coordinators(
    ngo, coordinator
):
    header = "key,name,kind,country,website,organization"
    row = f"N-1,{ngo.name},ngo,KE,https://bridges.example,{ngo.pk}"

    def named(client, line, dry_run=False):
        file = SimpleUploadedFile("orgs.csv", f"{header}\r\n{line}\r\n".encode())
        return upload(client, file, dry_run)

    # Neither a writer of the organization nor a coordinator: refused, nothing written.
    outsider = named(client_for(UserFactory()), row)
    body, errors = refused(outsider)
    assert errors == {(2, "organization")}
    assert "coordinator" in body["rows"][0]["errors"][0]["reason"]
    unknown = named(client_for(coordinator), row.replace(f",{ngo.pk}", ",XX-NOBODY-1"))
    assert refused(unknown)[1] == {(2, "organization")}
    # A coordinator, a member of nothing, updates it by its id.
    client = client_for(coordinator)
    dry = named(client, row, dry_run=True)
    assert dry.status_code == 200 and dry.json()["rows"][0]["outcome"] == "update"
    done = named(client, row)
    assert done.status_code == 201, done.json()
    assert done.json()["rows"][0]["record"] == ngo.pk
    ngo.refresh_from_db()
    assert ngo.website == "https://bridges.example"
    assert named(client, row).json()["rows"][0]["outcome"] == "unchanged"
    assert Organization.objects.count() == 1
    assert not Membership.objects.filter(user=coordinator).exists()
    # Its editors too.
    editor = client_for(member(ngo))
    again = named(editor, row.replace("https://bridges.example", "https://b.example"))
    assert again.status_code == 201 and again.json()["rows"][0]["outcome"] == "update"
