"""Spreadsheets the import tests upload, and the template a kind's import offers."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook


def csv_upload(name: str, header: str, lines) -> SimpleUploadedFile:
    """A CSV file of the header line and `lines`, as a user's spreadsheet program writes it."""
    return SimpleUploadedFile(name, ("\r\n".join([header, *lines]) + "\r\n").encode())


def xlsx_upload(name: str, header: str, rows: list[list], sheet: str) -> SimpleUploadedFile:
    """A workbook whose sheet `sheet` holds the header's columns and `rows`."""
    workbook = Workbook()
    workbook.active.title = sheet
    workbook.active.append(header.split(","))
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def post_upload(client, url: str, file, organization, dry_run: bool = False):
    """The upload of `file` for `organization`, as a dry run or an import."""
    query = "?dry_run=1" if dry_run else ""
    return client.post(
        url + query, {"file": file, "organization": organization.pk}, format="multipart"
    )


def template(api, url: str, sheet: str) -> tuple[str, list, dict]:
    """The CSV template's first line, the workbook template's columns and allowed values."""
    response = api.get(url + "template/")
    assert response.status_code == 200
    workbook = api.get(url + "template/", {"format": "xlsx"})
    sheets = load_workbook(io.BytesIO(workbook.content), read_only=True)
    columns = list(next(sheets[sheet].iter_rows(values_only=True)))
    allowed = dict(sheets["allowed values"].iter_rows(values_only=True))
    return response.content.decode().strip(), columns, allowed


def refused(response) -> tuple[dict, set[tuple[int, str]]]:
    """An import refused for its rows' errors (400, nothing imported): the body, and the
    (row, column) of each error."""
    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["imported"] is False
    return body, {(row["row"], error["column"]) for row in body["rows"] for error in row["errors"]}
