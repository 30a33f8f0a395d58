"""Importing an organization's offers from a spreadsheet: a dry run first, then one transaction.

Each row is keyed by the identifier the user gave it (`key`); importing the same file again
finds its offers by those keys and changes nothing. Every row goes through the registry's own
offer services (create_offer, update_offer), so an import obeys exactly the rules the API does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from interchange.imports.offer_rows import STATUSES, RowError, parse_row
from interchange.imports.reading import Row
from interchange.models import ImportKey
from registry import services
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Category, FocusArea, Offer, Organization, VulnerableGroup
from registry.services.permissions import ensure_writer

SHEET = "offers"
COLUMNS = [
    "key",
    "title",
    "description",
    "category",
    "quantity",
    "currency",
    "areas",
    "focus_areas",
    "vulnerable_groups",
    "available_from",
    "available_until",
    "min_allocation",
    "status",
]
CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


@dataclass
class RowOutcome:
    """What the import does (or would do) with one row, and why not when it cannot."""

    row: int
    key: str
    outcome: str
    errors: list[dict[str, str]] = field(default_factory=list)
    offer: int | None = None


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


@dataclass
class _Context:
    """What every row of one import looks up, read once: taxonomies and the keyed offers."""

    categories: dict[str, Category]
    focus_areas: dict[str, FocusArea]
    groups: dict[str, VulnerableGroup]
    keyed: dict[str, Offer]
    seen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, organization: Organization) -> _Context:
        keys = dict(
            ImportKey.objects.filter(
                organization=organization, kind=ImportKey.Kind.OFFER
            ).values_list("object_id", "key")
        )
        offers = Offer.objects.filter(organization=organization, pk__in=list(keys))
        return cls(
            categories={row.pk: row for row in Category.objects.all()},
            focus_areas={row.pk: row for row in FocusArea.objects.all()},
            groups={row.pk: row for row in VulnerableGroup.objects.all()},
            keyed={
                keys[offer.pk]: offer
                for offer in offers.prefetch_related("focus_areas", "vulnerable_groups")
            },
        )


def import_offers(
    *, actor, organization: Organization, rows: list[Row], dry_run: bool
) -> ImportReport:
    """Create or update the organization's offers from `rows`, all or nothing.

    A dry run does everything a real import does, inside a transaction that is rolled back,
    so its outcomes are the real ones. A real import with any row in error imports nothing.
    """
    ensure_writer(actor, organization)
    outcomes: list[RowOutcome] = []
    with transaction.atomic():
        context = _Context.load(organization)
        for row in rows:
            outcomes.append(_import_row(actor, organization, row, context))
        failed = any(outcome.outcome == ERROR for outcome in outcomes)
        if dry_run or failed:
            transaction.set_rollback(True)
    return ImportReport(dry_run=dry_run, imported=not dry_run and not failed, rows=outcomes)


def _import_row(actor, organization: Organization, row: Row, context: _Context) -> RowOutcome:
    key = row.cells.get("key", "")
    outcome = RowOutcome(row=row.number, key=key, outcome=ERROR)
    errors: list[RowError] = [
        RowError(column, _("A formula: type the value itself.")) for column in row.formulas
    ]
    data: dict[str, Any] = {}
    if not errors:
        data, errors = parse_row(row.cells, context)
    seen = context.seen
    if key and key in seen:
        errors.append(RowError("key", _("Row %(row)s has the same key.") % {"row": seen[key]}))
    if key:
        seen.setdefault(key, row.number)
    if errors:
        outcome.errors = [{"column": e.column, "reason": e.reason} for e in errors]
        return outcome
    existing = context.keyed.get(key)
    if existing is not None and _unchanged(existing, data):
        outcome.outcome, outcome.offer = UNCHANGED, existing.pk
        return outcome
    try:
        with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
            if existing is None:
                offer = services.create_offer(actor=actor, organization=organization, data=data)
                ImportKey.objects.create(
                    organization=organization,
                    kind=ImportKey.Kind.OFFER,
                    key=key,
                    object_id=offer.pk,
                )
                outcome.outcome = CREATE
            else:
                offer = services.update_offer(actor=actor, offer=existing, data=data)
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
    outcome.offer = offer.pk
    return outcome


def _messages(error) -> dict[str, list[str]]:
    if hasattr(error, "message_dict"):
        return error.message_dict
    return {"": list(error.messages)}


def _unchanged(offer: Offer, data: dict[str, Any]) -> bool:
    for name, value in data.items():
        current = getattr(offer, name)
        if name in ("focus_areas", "vulnerable_groups"):
            if {row.pk for row in current.all()} != {row.pk for row in value}:
                return False
        elif name == "category":
            if offer.category_id != value.pk:
                return False
        elif current != value:
            return False
    return True


def template_rows() -> list[list[str]]:
    """The template: the columns, then for each column the values it accepts."""
    categories = "; ".join(Category.objects.values_list("slug", flat=True))
    focus = "; ".join(FocusArea.objects.values_list("slug", flat=True))
    groups = "; ".join(VulnerableGroup.objects.values_list("slug", flat=True))
    allowed = {
        "key": _("your own identifier of the row, unique in your organization"),
        "title": _("required, at most 200 characters"),
        "category": categories,
        "quantity": _("a number greater than zero, in the category's unit"),
        "currency": _("ISO 4217 code for money (USD, EUR, KES ...), empty otherwise"),
        "areas": _("global, ISO 3166-1 (KE) or ISO 3166-2 (KE-30) codes, separated by ;"),
        "focus_areas": focus,
        "vulnerable_groups": groups,
        "available_from": "YYYY-MM-DD",
        "available_until": "YYYY-MM-DD",
        "min_allocation": _("optional: the smallest useful piece"),
        "status": "; ".join(STATUSES),
    }
    return [COLUMNS, [str(allowed.get(column, "")) for column in COLUMNS]]
