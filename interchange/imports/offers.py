"""Importing an organization's offers from a spreadsheet, through the shared import engine.

Each row is keyed by the identifier the user gave it (`key`); every row goes through the
registry's own offer services (create_offer, update_offer).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from interchange.imports.engine import ImportKind, ImportReport, run_import
from interchange.imports.lookups import Lookups
from interchange.imports.offer_rows import STATUSES, parse_row
from interchange.imports.reading import Row
from interchange.models import ImportKey
from registry import services
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
    "organization",
]


class OfferKind(ImportKind):
    kind = ImportKey.Kind.OFFER
    sheet = SHEET
    columns = COLUMNS

    def authorize(self, *, actor: User, organization) -> None:
        ensure_writer(actor, organization)

    def load(self, *, actor: User, organization) -> Lookups:
        return Lookups.load(
            organization,
            kind=ImportKey.Kind.OFFER,
            model=Offer,
            related=("focus_areas", "vulnerable_groups"),
        )

    def parse(self, cells, context):
        return parse_row(cells, context)

    def unchanged(self, record, data) -> bool:
        return _unchanged(record, data)

    def create(self, *, actor: User, organization, data):
        return services.create_offer(actor=actor, organization=organization, data=data)

    def update(self, *, actor: User, record, data):
        return services.update_offer(actor=actor, offer=record, data=data)

    def allowed_values(self) -> dict[str, str]:
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
            "organization": _("optional: the organization's id or identifier, if not the upload's"),
        }
        return allowed


OFFERS = OfferKind()


def import_offers(
    *, actor: User, organization: Organization, rows: list[Row], dry_run: bool
) -> ImportReport:
    """Create or update the organization's offers from `rows`, all or nothing (see engine)."""
    return run_import(
        kind=OFFERS, actor=actor, organization=organization, rows=rows, dry_run=dry_run
    )


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
    return OFFERS.template_rows()
