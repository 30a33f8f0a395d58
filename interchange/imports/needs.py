"""Importing a government organization's needs, with their items, from a spreadsheet.

One row per item: the rows that give the same `key` are one need, each naming one category
with its quantity (and currency for money). The need's own columns (title, area, deadline ...)
are given on the need's first row; a later row of the same need may leave them empty, and may
not contradict them. The import works like the engine's (interchange/imports/engine.py): a dry
run runs everything inside a transaction that is rolled back, a real import is one transaction
that writes nothing when any row has an error, and every need goes through the registry's own
services (create_need, update_need). Each row gets an outcome: the outcome of its need, or the
errors that keep its need out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from interchange.imports.engine import (
    CREATE,
    ERROR,
    UNCHANGED,
    UPDATE,
    ImportKind,
    ImportReport,
    RowError,
    RowOutcome,
    save_keys,
)
from interchange.imports.lookups import Lookups
from interchange.imports.offer_rows import _category, _date, _decimal, _limited, _slugs
from interchange.imports.progress import advance
from interchange.imports.reading import Row
from interchange.models import ImportKey
from registry import area_codes, services
from registry.area_codes import GLOBAL
from registry.areas import validate_area_code
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Category, FocusArea, Need, Organization, VulnerableGroup
from registry.services.needs import SETTABLE_STATUSES
from registry.services.permissions import ensure_writer, importing_for, remembering_writers

SHEET = "needs"
NEED_COLUMNS = [
    "key",
    "title",
    "description",
    "area",
    "population",
    "deadline",
    "priority",
    "status",
    "focus_areas",
    "vulnerable_groups",
]
ITEM_COLUMNS = ["category", "quantity", "currency"]
COLUMNS = [*NEED_COLUMNS, *ITEM_COLUMNS, "organization"]


@dataclass
class _Group:
    """The rows of one need: the first row gives the need's columns, each row one item."""

    key: str
    first: Row
    data: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)


class NeedKind(ImportKind):
    """The needs sheet: its columns, template and permission (rows are grouped, see module)."""

    kind = ImportKey.Kind.NEED
    sheet = SHEET
    columns = COLUMNS

    def authorize(self, *, actor: User, organization) -> None:
        ensure_writer(actor, organization)
        if not organization.is_government:
            raise ValidationError(
                {
                    "organization": [
                        _("Only government organizations post needs; %(name)s is not one.")
                        % {"name": organization.name}
                    ]
                }
            )

    def allowed_values(self) -> dict[str, str]:
        return {
            "key": _("your own identifier of the need: the rows of one need share it"),
            "title": _("required on the need's first row, at most 200 characters"),
            "description": _("optional, at most 5000 characters"),
            "area": _("an ISO 3166-1 (KE) or ISO 3166-2 (KE-30) code in your country"),
            "population": _("optional: the number of people affected"),
            "deadline": "YYYY-MM-DD",
            "priority": _("1 (low) to 5 (critical); 3 when empty"),
            "status": "; ".join(SETTABLE_STATUSES),
            "focus_areas": "; ".join(FocusArea.objects.values_list("slug", flat=True)),
            "vulnerable_groups": "; ".join(VulnerableGroup.objects.values_list("slug", flat=True)),
            "category": "; ".join(Category.objects.values_list("slug", flat=True)),
            "quantity": _("a number greater than zero, in the category's unit"),
            "currency": _("ISO 4217 code for money (USD, EUR, KES ...), empty otherwise"),
            "organization": _("optional: the organization's id or identifier, if not the upload's"),
        }


NEEDS = NeedKind()


def template_rows() -> list[list[str]]:
    return NEEDS.template_rows()


def import_needs(
    *, actor: User, organization: Organization, rows: list[Row], dry_run: bool
) -> ImportReport:
    """Create or update the organization's needs from `rows`, all or nothing (see module). A
    coordinator imports for any government organization (see `importing_for`)."""
    with importing_for(actor, organization), remembering_writers():
        return _import_needs(actor=actor, organization=organization, rows=rows, dry_run=dry_run)


def _import_needs(
    *, actor: User, organization: Organization, rows: list[Row], dry_run: bool
) -> ImportReport:
    NEEDS.authorize(actor=actor, organization=organization)
    outcomes = {
        row.number: RowOutcome(row=row.number, key=row.cells.get("key", ""), outcome=ERROR)
        for row in rows
    }
    errors: dict[int, list[RowError]] = {row.number: [] for row in rows}
    with transaction.atomic():
        context = Lookups.load(
            organization,
            kind=ImportKey.Kind.NEED,
            model=Need,
            related=("focus_areas", "vulnerable_groups", "items"),
        )
        groups = _group(rows, context, errors)
        keys: list[ImportKey] = []
        for group in groups:
            _import_group(actor, organization, group, context, errors, outcomes, keys)
            advance(len(group.rows))
        save_keys(keys)
        for number, row_errors in errors.items():
            if row_errors:
                outcomes[number].outcome = ERROR
                outcomes[number].record = None
                outcomes[number].errors = [
                    {"column": error.column, "reason": error.reason} for error in row_errors
                ]
        failed = any(outcome.outcome == ERROR for outcome in outcomes.values())
        if dry_run or failed:
            transaction.set_rollback(True)
    return ImportReport(
        dry_run=dry_run, imported=not dry_run and not failed, rows=list(outcomes.values())
    )


def _group(rows: list[Row], context: Lookups, errors: dict[int, list[RowError]]) -> list[_Group]:
    """The needs the rows give, in order of their first row; cell errors go to `errors`."""
    groups: dict[str, _Group] = {}
    for row in rows:
        row_errors = errors[row.number]
        row_errors.extend(
            RowError(column, _("A formula: type the value itself.")) for column in row.formulas
        )
        key = row.cells.get("key", "")
        if not key:
            row_errors.append(RowError("key", _("Required.")))
            continue
        if len(key) > 64:
            row_errors.append(RowError("key", _("At most %(most)s characters.") % {"most": 64}))
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(key=key, first=row)
            if not row.formulas:
                group.data, need_errors = _parse_need(row.cells, context)
                row_errors.extend(need_errors)
        else:
            for column in NEED_COLUMNS:
                text = row.cells.get(column, "")
                if text and text != group.first.cells.get(column, ""):
                    row_errors.append(
                        RowError(
                            column,
                            _("Differs from row %(row)s, the first row of this need.")
                            % {"row": group.first.number},
                        )
                    )
        group.rows.append(row)
        if not row.formulas:
            row_errors.extend(_parse_item(row, group, context))
    return list(groups.values())


def _parse_need(cells: dict[str, str], context: Lookups) -> tuple[dict[str, Any], list[RowError]]:
    errors = [
        RowError(column, _("Required.")) for column in ("title", "area") if not cells.get(column)
    ]
    parsers = {
        "title": lambda text: _limited(text, 200),
        "description": lambda text: _limited(text, 5000),
        "area": _area,
        "population": _whole,
        "deadline": _date,
        "priority": _priority,
        "status": _status,
        "focus_areas": lambda text: _slugs(text, context.focus_areas, _("focus area")),
        "vulnerable_groups": lambda text: _slugs(text, context.groups, _("vulnerable group")),
    }
    data: dict[str, Any] = {}
    for column, parse in parsers.items():
        text = cells.get(column, "")
        if not text:
            continue
        try:
            data[column] = parse(text)
        except RowError as error:
            error.column = column
            errors.append(error)
    return data, errors


def _parse_item(row: Row, group: _Group, context: Lookups) -> list[RowError]:
    cells, errors = row.cells, []
    item: dict[str, Any] = {"currency": cells.get("currency", "").upper()}
    for column, parse in (
        ("category", lambda text: _category(text, context.categories)),
        ("quantity", _decimal),
    ):
        text = cells.get(column, "")
        if not text:
            errors.append(RowError(column, _("Required.")))
            continue
        try:
            item[column] = parse(text)
        except RowError as error:
            error.column = column
            errors.append(error)
    if errors:
        return errors
    for earlier in group.data.setdefault("items", []):
        if earlier["category"] == item["category"]:
            return [
                RowError(
                    "category",
                    _("Row %(row)s already gives this need's %(category)s.")
                    % {"row": earlier["row"], "category": item["category"].slug},
                )
            ]
    group.data["items"].append({**item, "row": row.number})
    return []


def _area(text: str) -> str:
    code = area_codes.normalise(text)
    if code == GLOBAL:
        raise RowError("", _("A need is in one country or region: global is not an area here."))
    try:
        validate_area_code(code)
    except DjangoValidationError as error:
        raise RowError("", " ".join(error.messages)) from None
    return code


def _whole(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise RowError("", _("%(value)s is not a whole number below a billion.") % {"value": text})
    return int(text)


def _priority(text: str) -> int:
    if text not in ("1", "2", "3", "4", "5"):
        raise RowError("", _("Priority is a whole number from 1 to 5."))
    return int(text)


def _status(text: str) -> str:
    status = text.strip().lower()
    if status not in SETTABLE_STATUSES:
        raise RowError(
            "", _("Status must be one of %(values)s.") % {"values": ", ".join(SETTABLE_STATUSES)}
        )
    return status


def _import_group(
    actor,
    organization: Organization,
    group: _Group,
    context: Lookups,
    errors: dict[int, list[RowError]],
    outcomes: dict[int, RowOutcome],
    keys: list[ImportKey],
) -> None:
    """Create, update or leave the group's need; a row in error keeps the whole need out."""
    numbers = [row.number for row in group.rows]
    if any(errors[number] for number in numbers):
        _group_refused(group, errors)
        return
    rows_of_items = [item.pop("row") for item in group.data["items"]]
    existing = context.keyed.get(group.key)
    if existing is not None and _unchanged(existing, group.data):
        _settle(outcomes, numbers, UNCHANGED, existing.pk)
        return
    # The services write in a savepoint of their own: a refused need leaves nothing behind.
    try:
        if existing is None:
            need = services.create_need(actor=actor, organization=organization, data=group.data)
            keys.append(
                ImportKey(
                    organization=organization,
                    kind=ImportKey.Kind.NEED,
                    key=group.key,
                    object_id=need.pk,
                )
            )
            _settle(outcomes, numbers, CREATE, need.pk)
        else:
            need = services.update_need(actor=actor, need=existing, data=group.data)
            _settle(outcomes, numbers, UPDATE, need.pk)
    except (ValidationError, DjangoValidationError) as error:
        messages = error.message_dict if hasattr(error, "message_dict") else {"": error.messages}
        for name, reasons in messages.items():
            number, column = _place(name, group.first.number, rows_of_items)
            errors[number].append(RowError(column, " ".join(reasons)))
        _group_refused(group, errors)
    except (PermissionDenied, Conflict) as error:
        errors[group.first.number].append(RowError("", str(error)))
        _group_refused(group, errors)


def _group_refused(group: _Group, errors: dict[int, list[RowError]]) -> None:
    broken = next(row.number for row in group.rows if errors[row.number])
    for row in group.rows:
        if not errors[row.number]:
            errors[row.number].append(
                RowError(
                    "",
                    _("Row %(row)s of this need has errors; the need is not imported.")
                    % {"row": broken},
                )
            )


def _place(name: str, first: int, rows_of_items: list[int]) -> tuple[int, str]:
    """The row and column of a service error's field name (`items.1.currency` is an item's)."""
    parts = name.split(".")
    if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit():
        return rows_of_items[int(parts[1])], parts[2]
    if parts[0] == "items":
        return first, "category"
    return first, name


def _settle(outcomes: dict[int, RowOutcome], numbers: list[int], outcome: str, pk: int) -> None:
    for number in numbers:
        outcomes[number].outcome, outcomes[number].record = outcome, pk


def _unchanged(need: Need, data: dict[str, Any]) -> bool:
    for name, value in data.items():
        if name in ("focus_areas", "vulnerable_groups"):
            if {row.pk for row in getattr(need, name).all()} != {row.pk for row in value}:
                return False
        elif name == "items":
            current = {
                item.category_id: (item.quantity, item.currency) for item in need.items.all()
            }
            wanted = {
                item["category"].pk: (Decimal(item["quantity"]), item["currency"]) for item in value
            }
            if current != wanted:
                return False
        elif name == "status" and value == Need.Status.OPEN and need.is_open:
            continue  # coverage keeps an open need partially met; the service leaves it so
        elif getattr(need, name) != value:
            return False
    return True
