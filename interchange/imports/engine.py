"""The import engine every kind of spreadsheet goes through: a dry run first, then one transaction.

A kind (offers, organizations) says which columns it reads, how a row's cells become the data
its registry service takes, and how to create or update a record; the engine does the rest the
same way for every kind. Each row is keyed by the identifier the user gave it (`key`): importing
the same file again finds its records by those keys and changes nothing. Every row goes through
the registry's own services, so an import obeys exactly the rules the API does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from interchange.imports.progress import advance
from interchange.imports.reading import Row
from interchange.models import ImportKey
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Organization
from registry.services.permissions import importing_for, remembering_writers

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


class RowError(Exception):
    """A cell refused: its column and the reason, in words."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


@dataclass
class RowOutcome:
    """What the import does (or would do) with one row, and why not when it cannot."""

    row: int
    key: str
    outcome: str
    errors: list[dict[str, str]] = field(default_factory=list)
    record: int | None = None
    # What the user should look at before confirming (e.g. likely duplicate organizations).
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool
    imported: bool
    rows: list[RowOutcome]

    def counts(self) -> dict[str, int]:
        counted = dict.fromkeys((CREATE, UPDATE, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counted[row.outcome] += 1
        return counted


class ImportKind:
    """One kind of record imported from a spreadsheet. Subclasses fill in the hooks."""

    kind: str  # ImportKey.Kind
    sheet: str
    columns: list[str]

    def authorize(self, *, actor: User, organization) -> None:
        """Raise PermissionDenied unless the actor may import for the organization."""

    def load(self, *, actor: User, organization) -> Any:
        """What every row looks up, read once: taxonomies, the records already keyed (`keyed`)."""
        raise NotImplementedError

    def parse(self, cells: dict[str, str], context) -> tuple[dict[str, Any], list[RowError]]:
        raise NotImplementedError

    def unchanged(self, record, data: dict[str, Any]) -> bool:
        raise NotImplementedError

    def create(self, *, actor: User, organization, data: dict[str, Any]):
        raise NotImplementedError

    def update(self, *, actor: User, record, data: dict[str, Any]):
        raise NotImplementedError

    def key_owner(self, *, organization, record):
        """The organization an ImportKey of a created record belongs to."""
        return organization

    def notes(self, data: dict[str, Any], context) -> list[str]:
        """What a row's data should make the user check before confirming (nothing by default)."""
        return []

    def allowed_values(self) -> dict[str, str]:
        raise NotImplementedError

    def template_rows(self) -> list[list[str]]:
        """The template: the columns, then for each column the values it accepts."""
        allowed = self.allowed_values()
        return [self.columns, [str(allowed.get(column, "")) for column in self.columns]]


def run_import(
    *, kind: ImportKind, actor, organization, rows: list[Row], dry_run: bool
) -> ImportReport:
    """Create or update records of `kind` from `rows`, all or nothing.

    A dry run does everything a real import does, inside a transaction that is rolled back,
    so its outcomes are the real ones. A real import with any row in error imports nothing.
    A coordinator imports for any organization (registry.services.permissions.importing_for).
    """
    with importing_for(actor, organization), remembering_writers():
        return _run(kind=kind, actor=actor, organization=organization, rows=rows, dry_run=dry_run)


def save_keys(keys: list[ImportKey]) -> None:
    """The keys of the records an import created, in one statement at its end; a key another
    import gave meanwhile refuses the import (the whole file is imported again or not at all)."""
    try:
        with transaction.atomic():
            ImportKey.objects.bulk_create(keys, batch_size=2000)
    except IntegrityError as error:
        raise Conflict(
            _("Another import gave the same keys meanwhile; import the file again."),
            code="import_key_taken",
        ) from error


def _run(
    *,
    kind: ImportKind,
    actor: User,
    organization: Organization | None,
    rows: list[Row],
    dry_run: bool,
) -> ImportReport:
    kind.authorize(actor=actor, organization=organization)
    outcomes: list[RowOutcome] = []
    with transaction.atomic():
        context = kind.load(actor=actor, organization=organization)
        seen: dict[str, int] = {}
        keys: list[ImportKey] = []
        for row in rows:
            outcomes.append(_import_row(kind, actor, organization, row, context, seen, keys))
            advance()
        save_keys(keys)
        failed = any(outcome.outcome == ERROR for outcome in outcomes)
        if dry_run or failed:
            transaction.set_rollback(True)
    return ImportReport(dry_run=dry_run, imported=not dry_run and not failed, rows=outcomes)


def _import_row(
    kind: ImportKind,
    actor,
    organization,
    row: Row,
    context,
    seen: dict[str, int],
    keys: list[ImportKey],
) -> RowOutcome:
    key = row.cells.get("key", "")
    outcome = RowOutcome(row=row.number, key=key, outcome=ERROR)
    errors: list[RowError] = [
        RowError(column, _("A formula: type the value itself.")) for column in row.formulas
    ]
    data: dict[str, Any] = {}
    if not errors:
        data, errors = kind.parse(row.cells, context)
    if key and key in seen:
        errors.append(RowError("key", _("Row %(row)s has the same key.") % {"row": seen[key]}))
    if key:
        seen.setdefault(key, row.number)
    if errors:
        outcome.errors = [{"column": e.column, "reason": e.reason} for e in errors]
        return outcome
    existing = context.keyed.get(key)
    if existing is not None and kind.unchanged(existing, data):
        outcome.outcome, outcome.record = UNCHANGED, existing.pk
        return outcome
    if existing is None:
        outcome.notes = kind.notes(data, context)
    # The services write in a savepoint of their own: a refused row leaves nothing behind.
    try:
        if existing is None:
            record = kind.create(actor=actor, organization=organization, data=data)
            keys.append(
                ImportKey(
                    organization=kind.key_owner(organization=organization, record=record),
                    kind=kind.kind,
                    key=key,
                    object_id=record.pk,
                )
            )
            outcome.outcome = CREATE
        else:
            record = kind.update(actor=actor, record=existing, data=data)
            outcome.outcome = UPDATE
    except (ValidationError, DjangoValidationError) as error:
        outcome.errors = [
            {"column": column, "reason": " ".join(reasons)}
            for column, reasons in _messages(error).items()
        ]
        return outcome
    except (PermissionDenied, Conflict) as error:
        outcome.errors = [{"column": "", "reason": str(error)}]
        return outcome
    outcome.record = record.pk
    return outcome


def _messages(error) -> dict[str, list[str]]:
    if hasattr(error, "message_dict"):
        return error.message_dict
    return {"": list(error.messages)}
