"""The cells of an offers spreadsheet row, parsed into the data create_offer takes, or the
reason each cell is refused, in words."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from interchange.imports.engine import RowError
from registry import area_codes
from registry.areas import validate_area_code
from registry.models import Category, Offer
from registry.models.offers import QUANTITY

REQUIRED = ("key", "title", "category", "quantity", "areas")
STATUSES = (Offer.Status.DRAFT, Offer.Status.PUBLISHED, Offer.Status.PAUSED)


def parse_row(cells: dict[str, str], context) -> tuple[dict[str, Any], list[RowError]]:
    """The offer data of a row's cells, or the reason each bad cell is refused. `context` has
    the categories, focus areas and vulnerable groups by slug (`categories`, `focus_areas`,
    `groups`), read once per import."""
    errors: list[RowError] = []
    data: dict[str, Any] = {}
    for column in REQUIRED:
        if not cells.get(column):
            errors.append(RowError(column, _("Required.")))
    parsers = {
        "key": lambda text: _limited(text, 64),
        "title": lambda text: _limited(text, 200),
        "description": lambda text: _limited(text, 5000),
        "category": lambda text: _category(text, context.categories),
        "quantity": _decimal,
        "currency": lambda text: text.upper(),
        "areas": _areas,
        "focus_areas": lambda text: _slugs(text, context.focus_areas, _("focus area")),
        "vulnerable_groups": lambda text: _slugs(text, context.groups, _("vulnerable group")),
        "available_from": _date,
        "available_until": _date,
        "min_allocation": _decimal,
        "status": _status,
    }
    for column, parse in parsers.items():
        text = cells.get(column, "")
        if not text and column not in ("currency", "description"):
            continue
        try:
            data[column] = parse(text)
        except RowError as error:
            error.column = column
            errors.append(error)
    data.pop("key", None)
    if data.get("description") == "":
        data.pop("description")
    return data, errors


def _limited(text: str, most: int) -> str:
    if len(text) > most:
        raise RowError("", _("At most %(most)s characters.") % {"most": most})
    return text


def _category(text: str, categories: dict[str, Category]) -> Category:
    category = categories.get(text.strip().lower())
    if category is None:
        known = ", ".join(sorted(categories))
        raise RowError(
            "",
            _("Unknown category %(value)s: use one of %(known)s.")
            % {"value": text, "known": known},
        )
    return category


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise RowError("", _("%(value)s is not a number.") % {"value": text}) from None
    if not value.is_finite() or value <= 0:
        raise RowError("", _("Must be a number greater than zero."))
    # What the database stores (registry.models.offers.QUANTITY): refused here, not a 500 there.
    places = QUANTITY["decimal_places"]
    if value >= Decimal(10) ** (QUANTITY["max_digits"] - places) or value != round(value, places):
        raise RowError(
            "",
            _("%(value)s does not fit: below %(most)s, with at most %(places)s decimals.")
            % {"value": text, "most": "10^14", "places": places},
        )
    return value


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RowError("", _("%(value)s is not a date (YYYY-MM-DD).") % {"value": text}) from None


def _areas(text: str) -> list[str]:
    areas = []
    for part in text.replace(",", ";").split(";"):
        code = part.strip()
        if not code:
            continue
        code = area_codes.normalise(code)
        try:
            validate_area_code(code)
        except DjangoValidationError as error:
            raise RowError("", " ".join(error.messages)) from None
        areas.append(code)
    return areas


def _slugs(text: str, found: dict, label: str) -> list:
    wanted = [part.strip().lower() for part in text.replace(",", ";").split(";") if part.strip()]
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise RowError(
            "", _("Unknown %(label)s: %(values)s.") % {"label": label, "values": ", ".join(unknown)}
        )
    return [found[slug] for slug in wanted]


def _status(text: str) -> str:
    status = text.strip().lower()
    if status not in STATUSES:
        raise RowError("", _("Status must be one of %(values)s.") % {"values": ", ".join(STATUSES)})
    return status
