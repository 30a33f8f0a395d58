"""Tables written as CSV or XLSX, with cells that a spreadsheet would run as formulas defused."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google
# Sheets (OWASP "CSV injection"); a leading apostrophe makes it text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Column:
    """A column: its heading for people, its HXL hashtag, and how a row gives its value."""

    heading: str
    tag: str
    value: Callable[[Any], Any]


def escape_formula(text: str) -> str:
    """Text that no spreadsheet evaluates: '=1+1' becomes "'=1+1"."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> str:
    """A value as the text of a cell: numbers plainly, dates in ISO 8601, lists joined."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(cell(item) for item in value)
    return escape_formula(str(value))


def csv_lines(columns: list[Column], rows: Iterable[Any], *, tags: bool) -> Iterator[str]:
    """The lines of a CSV file: headings, the HXL hashtag row when `tags`, then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line([escape_formula(str(column.heading)) for column in columns])
    if tags:
        yield line([column.tag for column in columns])
    for row in rows:
        yield line([cell(column.value(row)) for column in columns])


def xlsx_bytes(columns: list[Column], rows: Iterable[Any], *, title: str) -> bytes:
    """An XLSX workbook of one sheet: headings, then the rows, every cell as text or number."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([escape_formula(str(column.heading)) for column in columns])
    for row in rows:
        sheet.append([_xlsx_cell(column.value(row)) for column in columns])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return value
    # XLSX cannot hold control characters; the rest of the text is kept.
    return ILLEGAL_CHARACTERS_RE.sub("", cell(value))
