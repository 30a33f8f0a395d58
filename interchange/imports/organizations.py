"""Importing organizations from a spreadsheet, through the shared import engine.

A new row registers an organization (its importer becomes its admin, as on registration); a row
whose key names an organization the importer edits updates it, and so does a row whose
`organization` column (id or identifier) names a registered organization: its admins and editors
may, and coordinators for any organization, as they import offers and needs for any. A new row that looks like an
organization already registered (interchange.services.duplicates) says so in the dry run, so
that the user can drop the row, or confirm that it is another organization by importing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from interchange.imports.by_organization import COLUMN, find_organization
from interchange.imports.engine import ImportKind, ImportReport, RowError, run_import
from interchange.imports.reading import Row
from interchange.models import ImportKey
from interchange.services.duplicates import find_duplicates
from registry import services
from registry.areas import validate_country_code
from registry.errors import PermissionDenied
from registry.models import Membership, Organization
from registry.models.visibility import is_coordinator
from registry.services.permissions import importing_for, role_in

SHEET = "organizations"
COLUMNS = [
    "key",
    "name",
    "kind",
    "country",
    "identifier",
    "website",
    "description",
    "contact_email",
    "contact_phone",
    "organization",
]
REQUIRED = ("key", "name", "kind", "country")
LIMITS = {
    "key": 64,
    "name": 200,
    "identifier": 64,
    "website": 300,
    "description": 5000,
    "contact_phone": 40,
}


@dataclass
class _Context:
    actor: Any
    keyed: dict[str, Organization]
    found: dict[str, Organization | None] = field(default_factory=dict)


class OrganizationKind(ImportKind):
    kind = ImportKey.Kind.ORGANIZATION
    sheet = SHEET
    columns = COLUMNS

    def authorize(self, *, actor: User, organization) -> None:
        if not actor.is_authenticated:
            raise PermissionDenied(_("Sign in to import organizations."))

    def load(self, *, actor: User, organization) -> _Context:
        """The organizations the importer's keys name, among those the importer edits."""
        keys = ImportKey.objects.filter(
            kind=ImportKey.Kind.ORGANIZATION,
            organization__memberships__user=actor,
            organization__memberships__role__in=Membership.WRITERS,
        ).select_related("organization")
        return _Context(actor=actor, keyed={row.key: row.organization for row in keys})

    def parse(self, cells: dict[str, str], context) -> tuple[dict[str, Any], list[RowError]]:
        errors = [RowError(column, _("Required.")) for column in REQUIRED if not cells.get(column)]
        data: dict[str, Any] = {}
        for column in COLUMNS[1:-1]:
            text = cells.get(column, "")
            if column in LIMITS and len(text) > LIMITS[column]:
                errors.append(
                    RowError(column, _("At most %(most)s characters.") % {"most": LIMITS[column]})
                )
                continue
            if not text and column in REQUIRED:
                continue
            try:
                data[column] = _PARSERS.get(column, str)(text) if text else text
            except RowError as error:
                errors.append(RowError(column, error.reason))
        if cells.get("key") and len(cells["key"]) > LIMITS["key"]:
            errors.append(RowError("key", _("At most %(most)s characters.") % {"most": 64}))
        if cells.get(COLUMN) and not errors:
            existing = _name_existing(cells, context)
            if existing:
                errors.append(existing)
        return data, errors

    def unchanged(self, record, data) -> bool:
        return all((getattr(record, name) or "") == (value or "") for name, value in data.items())

    def create(self, *, actor: User, organization, data):
        return services.create_organization(actor=actor, data=data)

    def update(self, *, actor: User, record, data):
        # A coordinator updates any organization by import, as for offers and needs.
        with importing_for(actor, record):
            return services.update_organization(actor=actor, organization=record, data=data)

    def key_owner(self, *, organization, record):
        return record

    def notes(self, data: dict[str, Any], context) -> list[str]:
        candidates = find_duplicates(
            name=data["name"], country=data["country"], identifier=data.get("identifier") or None
        )
        return [
            _("Likely the same as %(name)s (id %(id)s): %(evidence)s.")
            % {
                "name": candidate.organization.name,
                "id": candidate.organization.pk,
                "evidence": "; ".join(candidate.evidence),
            }
            for candidate in candidates
        ]

    def allowed_values(self) -> dict[str, str]:
        return {
            "key": _("your own identifier of the row: the same key updates the same organization"),
            "name": _("required, at most 200 characters"),
            "kind": "; ".join(Organization.Kind.values),
            "country": _("ISO 3166-1 code (KE, UG ...)"),
            "identifier": _("optional: IATI organisation identifier (e.g. KE-NCB-123)"),
            "website": _("optional: https://..."),
            "contact_email": _("optional: an e-mail address"),
            COLUMN: _(
                "optional: the id or identifier of a registered organization this row updates "
                "(its admins and editors, or a coordinator)"
            ),
        }


def _name_existing(cells: dict[str, str], context: _Context) -> RowError | None:
    """Make the row update the organization its `organization` column names, if the importer
    may (a writer of it, or a coordinator); the reason otherwise."""
    text = cells[COLUMN]
    named = find_organization(text, context.found)
    if named is None:
        return RowError(
            COLUMN, _("No organization has the id or identifier %(value)s.") % {"value": text}
        )
    keyed = context.keyed.get(cells["key"])
    if keyed is not None and keyed.pk != named.pk:
        return RowError(
            COLUMN,
            _("The key %(key)s already names %(name)s (id %(id)s).")
            % {"key": cells["key"], "name": keyed.name, "id": keyed.pk},
        )
    actor = context.actor
    if not is_coordinator(actor) and role_in(actor, named) not in Membership.WRITERS:
        return RowError(
            COLUMN,
            _("Only admins and editors of %(name)s, or a coordinator, update it.")
            % {"name": named.name},
        )
    context.keyed[cells["key"]] = named
    return None


def _kind(text: str) -> str:
    kind = text.strip().lower()
    if kind not in Organization.Kind.values:
        raise RowError(
            "",
            _("Unknown kind %(value)s: use one of %(known)s.")
            % {"value": text, "known": ", ".join(Organization.Kind.values)},
        )
    return kind


def _country(text: str) -> str:
    code = text.strip().upper()
    try:
        validate_country_code(code)
    except DjangoValidationError as error:
        raise RowError("", " ".join(error.messages)) from None
    return code


def _validated(validator):
    def parse(text: str) -> str:
        try:
            validator(text)
        except DjangoValidationError as error:
            raise RowError("", " ".join(error.messages)) from None
        return text

    return parse


_PARSERS = {
    "kind": _kind,
    "country": _country,
    "website": _validated(URLValidator(schemes=["http", "https"])),
    "contact_email": _validated(EmailValidator()),
}
ORGANIZATIONS = OrganizationKind()


def import_organizations(*, actor: User, rows: list[Row], dry_run: bool) -> ImportReport:
    """Register or update organizations from `rows`, all or nothing (see engine)."""
    return run_import(
        kind=ORGANIZATIONS, actor=actor, organization=None, rows=rows, dry_run=dry_run
    )
