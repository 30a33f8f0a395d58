"""Organization identifiers: `PREFIX-localid`, PREFIX a list of the org-id.guide register."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

REGISTER_PATH = Path(__file__).parent / "data" / "org-id" / "register.json"
# Lists that identify organizations wherever they are (IATI's own, the OECD DAC's, DUNS, LEI...).
INTERNATIONAL_PREFIXES = ("XI-", "XM-")
LOCAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


@dataclass(frozen=True)
class IdentifierList:
    """One list of the register: its prefix, name and the countries it covers."""

    code: str
    name: str
    coverage: frozenset[str]
    deprecated: bool

    @property
    def is_international(self) -> bool:
        return self.code.startswith(INTERNATIONAL_PREFIXES) or "XI" in self.coverage

    def covers(self, country: str) -> bool:
        return self.is_international or country in self.coverage


@cache
def register() -> dict[str, IdentifierList]:
    """The register's lists by prefix, read once from the copy shipped with the project."""
    rows = json.loads(REGISTER_PATH.read_text(encoding="utf-8"))
    return {
        row["code"]: IdentifierList(
            code=row["code"],
            name=row.get("name") or row["code"],
            coverage=frozenset(row.get("coverage") or ()),
            deprecated=bool(row.get("deprecated")),
        )
        for row in rows
    }


def list_of(identifier: str) -> IdentifierList | None:
    """The register list whose prefix starts the identifier (the longest one), or None."""
    matches = [
        entry
        for code, entry in register().items()
        if identifier.startswith(f"{code}-") and len(identifier) > len(code) + 1
    ]
    return max(matches, key=lambda entry: len(entry.code), default=None)


def identifier_problem(identifier: str, *, country: str) -> str | None:
    """Why the identifier is not valid for an organization of `country`, or None when it is."""
    entry = list_of(identifier)
    if entry is None:
        return _(
            "%(identifier)s does not start with a prefix of the org-id.guide register "
            "(PREFIX-localid, e.g. GB-COH-09506232)."
        ) % {"identifier": identifier}
    local_id = identifier[len(entry.code) + 1 :]
    if not LOCAL_ID.match(local_id):
        return _("%(local)s is not a valid local identifier.") % {"local": local_id}
    if entry.deprecated:
        return _("%(code)s (%(name)s) is a deprecated list; use its successor.") % {
            "code": entry.code,
            "name": entry.name,
        }
    if not entry.covers(country):
        return _("%(code)s (%(name)s) does not cover %(country)s.") % {
            "code": entry.code,
            "name": entry.name,
            "country": country,
        }
    return None
