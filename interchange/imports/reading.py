"""Spreadsheets read into rows of text: CSV (UTF-8) or XLSX, within limits, formulas refused.

openpyxl parses XLSX through defusedxml when it is installed (it is a dependency), so a file
cannot expand entities or reach the network.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_ROWS = 50_000


class UnreadableFile(Exception):
    """The file as a whole cannot be imported (its type, size, sheet or headings)."""


@dataclass
class Row:
    """A data row: its number as the spreadsheet shows it, and its cells by column name."""

    number: int
    cells: dict[str, str]
    formulas: list[str] = field(default_factory=list)


def read_table(*, content: bytes, filename: str, sheet: str, columns: list[str]) -> list[Row]:
    """The rows of a CSV or XLSX file whose first row names `columns` (in any order)."""
    if len(content) > settings.MAX_UPLOAD_BYTES:
        raise UnreadableFile(
            _("The file has %(size)s bytes; the limit is %(limit)s.")
            % {"size": len(content), "limit": settings.MAX_UPLOAD_BYTES}
        )
    name = filename.lower()
    if not name.endswith((".csv", ".xlsx")):
        raise UnreadableFile(_("Send a .csv or .xlsx file."))
    try:
        lines = iter(
            list(_csv_lines(content) if name.endswith(".csv") else _xlsx_lines(content, sheet))
        )
    except UnreadableFile:
        raise
    except Exception as error:  # a malformed file fails in the parser in many ways
        raise UnreadableFile(
            _("The file cannot be read as %(type)s.") % {"type": name.rsplit(".", 1)[-1].upper()}
        ) from error
    header = next(lines, None)
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    header = [(text or "").strip().lower() for text, _formula in header]
    unknown = [heading for heading in header if heading and heading not in columns]
    if unknown:
        raise UnreadableFile(
            _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(columns)}
        )
    rows: list[Row] = []
    for number, line in enumerate(lines, start=2):
        if len(rows) >= MAX_ROWS:
            raise UnreadableFile(_("More than %(limit)s rows.") % {"limit": MAX_ROWS})
        cells = {h: (text or "").strip() for h, (text, _f) in zip(header, line, strict=False) if h}
        if not any(cells.values()):
            continue  # blank lines between blocks of rows
        formulas = [h for h, (_t, formula) in zip(header, line, strict=False) if h and formula]
        rows.append(Row(number=number, cells=cells, formulas=formulas))
    return rows


def _csv_lines(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The CSV file is not UTF-8 text.")) from error
    for line in csv.reader(io.StringIO(text)):
        # A cell that would run as a formula in a spreadsheet is refused, not imported as text.
        yield [(cell, cell.startswith(("=", "+", "@")) and len(cell) > 1) for cell in line]


def _xlsx_lines(content: bytes, sheet: str):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except zipfile.BadZipFile as error:
        raise UnreadableFile(_("The file is not an XLSX workbook.")) from error
    if sheet not in workbook.sheetnames:
        raise UnreadableFile(
            _("The workbook has no sheet named %(sheet)s (it has: %(sheets)s).")
            % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
        )
    for line in workbook[sheet].iter_rows():
        yield [(_xlsx_text(cell.value), cell.data_type == "f") for cell in line]


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
