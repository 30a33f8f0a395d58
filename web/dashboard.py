"""The gap dashboard's reads: how much of the published needs partners have closed.

Quantities are summed only within one category and currency (never across units); areas and
groups are compared by share, the mean over their items of the part reserved or committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, F, Sum
from django.db.models.functions import Cast, Substr

from registry.areas import localized_area_name
from registry.models import Need, NeedItem

SHARE = DecimalField(max_digits=20, decimal_places=6)


@dataclass(frozen=True)
class Row:
    label: str
    needs: int
    committed_share: float
    reserved_share: float
    needed: Decimal | None = None
    reserved: Decimal | None = None
    committed: Decimal | None = None
    unit: str = ""

    @property
    def committed_percent(self) -> int:
        return round(self.committed_share * 100)

    @property
    def reserved_percent(self) -> int:
        return round(self.reserved_share * 100)


def _public_items():
    return NeedItem.objects.filter(need__status__in=Need.PUBLIC_STATUSES)


def by_category() -> list[Row]:
    """Needed, reserved and committed per category, each in its own unit or currency."""
    rows = (
        _public_items()
        .values("category__name", "category__unit", "currency")
        .annotate(
            needs=Count("need", distinct=True),
            needed=Sum("quantity"),
            reserved_total=Sum("reserved"),
            committed_total=Sum("committed"),
        )
        .order_by("category__name", "currency")
    )
    return [
        Row(
            label=row["category__name"],
            needs=row["needs"],
            needed=row["needed"],
            reserved=row["reserved_total"],
            committed=row["committed_total"],
            unit=row["currency"] or row["category__unit"],
            committed_share=float(row["committed_total"] / row["needed"]) if row["needed"] else 0,
            reserved_share=float(row["reserved_total"] / row["needed"]) if row["needed"] else 0,
        )
        for row in rows
    ]


def _shares(items, group: str) -> list[dict]:
    return list(
        items.values(group=F(group))
        .annotate(
            needs=Count("need", distinct=True),
            committed_share=Avg(Cast(F("committed"), SHARE) / F("quantity")),
            reserved_share=Avg(Cast(F("reserved"), SHARE) / F("quantity")),
        )
        .order_by("group")
    )


def by_country() -> list[Row]:
    """Share of each country's need items closed (its subdivisions included)."""
    items = _public_items().annotate(country=Substr("need__area", 1, 2))
    return [
        Row(
            label=localized_area_name(row["group"]) or row["group"],
            needs=row["needs"],
            committed_share=float(row["committed_share"] or 0),
            reserved_share=float(row["reserved_share"] or 0),
        )
        for row in _shares(items, "country")
    ]


def by_group() -> list[Row]:
    """Share closed of the needs that name each vulnerable group."""
    items = _public_items().exclude(need__vulnerable_groups__isnull=True)
    return [
        Row(
            label=row["group"],
            needs=row["needs"],
            committed_share=float(row["committed_share"] or 0),
            reserved_share=float(row["reserved_share"] or 0),
        )
        for row in _shares(items, "need__vulnerable_groups__name")
    ]
