"""Coverage statistics (reads): how much of the published needs is needed, reserved, committed
and delivered, by area, category, vulnerable group, focus area or SDG target.

Read by the API's `stats/coverage/` and by the console's gap dashboard alike. The rules:

- Quantities are added only within one category: each figure is in its category's unit, and
  money is converted to US dollars at the dated rates of `registry.currency_rates` (an amount in
  a currency without a rate stays a figure of its own, in that currency).
- Reserved (accepted, awaiting the partners' confirmation), committed (confirmed) and delivered
  (given by a partnership that completed on its approved final report) are separate figures,
  summed from the commitments in each state, in the need item's unit.
- `gap_closed` is the indicator's progress from approved reports: the mean, over the needs that
  measure a baseline and a target, of the share of the way from baseline to target that the
  current value has come (0 where nothing is reported yet).
- Areas roll up: a country's row includes its subdivisions' needs; `global` is a row apart.
  A need counts in every focus area, group or SDG target it names, so those rows overlap.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import F, Q, Sum

from matching.models import Commitment
from registry.area_codes import GLOBAL, country_of
from registry.areas import localized_area_name
from registry.currency_rates import Rates, current_rates
from registry.models import FocusArea, Need, NeedItem, SdgTarget, VulnerableGroup
from registry.models.needs import share_of_gap_closed

DIMENSIONS = ("area", "category", "vulnerable_group", "focus_area", "sdg_target")
CURRENCY = "USD"
ZERO = Decimal(0)
STATES = {
    Commitment.State.RESERVED: "reserved",
    Commitment.State.COMMITTED: "committed",
    Commitment.State.DELIVERED: "delivered",
}


@dataclass
class Figure:
    """One category's quantities in one unit (US dollars for converted money)."""

    category: str
    category_name: str
    unit: str
    needed: Decimal = ZERO
    reserved: Decimal = ZERO
    committed: Decimal = ZERO
    delivered: Decimal = ZERO

    def share(self, amount: Decimal) -> float:
        """`amount` as a share of what is needed, at most 1."""
        return min(1.0, float(amount / self.needed)) if self.needed else 0.0


@dataclass
class CoverageRow:
    """One area, category, group, focus area or SDG target, with a figure per category."""

    key: str
    name: str
    level: str = ""  # areas: "global", "country" or "subdivision"
    parent: str | None = None  # a subdivision's country
    need_ids: set[int] = field(default_factory=set)
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)
    gap_shares: dict[int, Decimal] = field(default_factory=dict)

    @property
    def needs(self) -> int:
        return len(self.need_ids)

    @property
    def figure_list(self) -> list[Figure]:
        return [self.figures[key] for key in sorted(self.figures)]

    @property
    def measured_needs(self) -> int:
        return len(self.gap_shares)

    @property
    def gap_closed(self) -> float | None:
        """Mean share of the indicator gap closed by approved reports, None when none measures."""
        if not self.gap_shares:
            return None
        return round(float(sum(self.gap_shares.values()) / len(self.gap_shares)), 4)

    def _mean_share(self, state: str) -> float:
        figures = self.figure_list
        if not figures:
            return 0.0
        return round(sum(f.share(getattr(f, state)) for f in figures) / len(figures), 4)

    @property
    def shares(self) -> dict[str, float]:
        """Reserved, committed and delivered as the mean over categories of their share of the
        need (units never mix: each share is taken within one category first)."""
        return {state: self._mean_share(state) for state in STATES.values()}


@dataclass(frozen=True)
class Coverage:
    by: str
    currency: str
    rates_as_of: datetime.date
    rates_source: str
    rows: list[CoverageRow]


@dataclass(frozen=True)
class _Item:
    need_id: int
    area: str
    figure_key: tuple[str, str]
    category_name: str
    needed: Decimal
    amounts: dict[str, Decimal]


def _items() -> list[_Item]:
    """Item by item, what SQL does not add up (`_unit_sums`): each amount of money, converted
    to US dollars item by item at the dated rates, and the commitments of the items counted in
    their category's unit (with nothing needed: their quantities are in the sums)."""
    rates = current_rates()
    committed = Commitment.objects.filter(
        need_item__need__status__in=Need.PUBLIC_STATUSES, state__in=list(STATES)
    )
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in committed.values("need_item_id", "state").annotate(total=Sum("item_quantity")):
        sums[row["need_item_id"]][STATES[row["state"]]] = row["total"]
    items = []
    for row in (
        NeedItem.objects.filter(need__status__in=Need.PUBLIC_STATUSES)
        .filter(~Q(currency="") | Q(pk__in=committed.values("need_item_id")))
        .values(
            "id",
            "need_id",
            "need__area",
            "category_id",
            "category__name",
            "category__unit",
            "currency",
            "quantity",
        )
    ):
        amounts = {state: sums[row["id"]].get(state, ZERO) for state in STATES.values()}
        needed, unit = row["quantity"], row["category__unit"]
        if not row["currency"]:
            needed = ZERO  # added up by `_unit_sums`
        else:
            in_usd = rates.to_usd(needed, row["currency"])
            if in_usd is None:  # no rate: kept apart, in its own currency
                unit = row["currency"]
            else:
                unit, needed = CURRENCY, in_usd
                amounts = {
                    state: rates.to_usd(amount, row["currency"]) or ZERO
                    for state, amount in amounts.items()
                }
        items.append(
            _Item(
                need_id=row["need_id"],
                area=row["need__area"],
                figure_key=(row["category_id"], unit),
                category_name=row["category__name"],
                needed=needed,
                amounts=amounts,
            )
        )
    return items


@dataclass(frozen=True)
class _UnitSum:
    """The quantity needed by the items in a category's own unit, per grouping key."""

    key: str | None  # None: a need without a group, focus area or SDG target
    figure_key: tuple[str, str]
    category_name: str
    needed: Decimal
    need_ids: list[int]


# The column each grouping reads its key from, seen from a need item.
KEY_COLUMNS = {
    "area": "need__area",
    "category": "category_id",
    "vulnerable_group": "need__vulnerable_groups",
    "focus_area": "need__focus_areas",
    "sdg_target": "need__sdg_targets",
}


def _unit_sums(by: str) -> list[_UnitSum]:
    """The public needs' items in their category's unit (not money), added up per key of `by`
    and category in SQL, with the needs they come from."""
    return [
        _UnitSum(
            key=row["row_key"],
            figure_key=(row["category_id"], row["category__unit"]),
            category_name=row["category__name"],
            needed=row["needed"],
            need_ids=row["need_ids"],
        )
        for row in NeedItem.objects.filter(need__status__in=Need.PUBLIC_STATUSES, currency="")
        .values("category_id", "category__name", "category__unit", row_key=F(KEY_COLUMNS[by]))
        .annotate(needed=Sum("quantity"), need_ids=ArrayAgg("need_id", distinct=True))
        .order_by()
    ]


def _need_labels(through, column: str) -> dict[int, list[str]]:
    """The public needs' labels (a join on their status, never a list of ids as parameters)."""
    labels: dict[int, list[str]] = defaultdict(list)
    for need_id, key in through.objects.filter(need__status__in=Need.PUBLIC_STATUSES).values_list(
        "need_id", column
    ):
        labels[need_id].append(key)
    return labels


def _area_rows(area: str) -> list[tuple[str, str, str | None]]:
    """(key, level, parent) of the rows an item of `area` counts in: its country rolls it up."""
    if area == GLOBAL:
        return [(GLOBAL, "global", None)]
    country = country_of(area) or area
    if country == area:
        return [(country, "country", None)]
    return [(country, "country", None), (area, "subdivision", country)]


def _gap_shares() -> dict[int, Decimal]:
    """The public needs' shares of the gap closed, for those that measure one."""
    shares = {}
    for need_id, baseline, current, target in Need.objects.filter(
        status__in=Need.PUBLIC_STATUSES,
        indicator_baseline__isnull=False,
        indicator_target__isnull=False,
    ).values_list("pk", "indicator_baseline", "indicator_current", "indicator_target"):
        share = share_of_gap_closed(baseline, baseline if current is None else current, target)
        if share is not None:
            shares[need_id] = share
    return shares


def _names(by: str) -> dict[str, str]:
    if by == "vulnerable_group":
        return dict(VulnerableGroup.objects.values_list("slug", "name"))
    if by == "focus_area":
        return dict(FocusArea.objects.values_list("slug", "name"))
    if by == "sdg_target":
        return {code: code for code in SdgTarget.objects.values_list("code", flat=True)}
    return {}


def coverage(*, by: str = "category") -> Coverage:
    """Needed, reserved, committed and delivered per `by` (one of DIMENSIONS), each category in
    its own unit and money in US dollars."""
    return coverage_by(dimensions=[by])[by]


def coverage_by(*, dimensions: list[str]) -> dict[str, Coverage]:
    """`coverage` for several groupings, reading the items and their commitments once."""
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}")
    items = _items()
    gap = _gap_shares()
    rates = current_rates()
    return {by: _grouped(by, _unit_sums(by), items, gap, rates) for by in dimensions}


def _grouped(
    by: str,
    unit_sums: list[_UnitSum],
    items: list[_Item],
    gap: dict[int, Decimal],
    rates: Rates,
) -> Coverage:
    through = {
        "vulnerable_group": (Need.vulnerable_groups.through, "vulnerablegroup_id"),
        "focus_area": (Need.focus_areas.through, "focusarea_id"),
        "sdg_target": (Need.sdg_targets.through, "sdgtarget_id"),
    }
    labels = _need_labels(*through[by]) if by in through else {}
    names = _names(by)
    rows: dict[str, CoverageRow] = {}

    def row_keys(area: str, need_id: int) -> list[tuple[str, str, str | None]]:
        if by == "area":
            return _area_rows(area)
        return [(key, "", None) for key in labels.get(need_id, [])]

    def figure(key: str, level: str, parent: str | None, figure_key, category_name) -> Figure:
        row = rows.get(key)
        if row is None:
            name = category_name if by == "category" else names.get(key, key)
            if by == "area":
                name = localized_area_name(key) or key
            row = rows[key] = CoverageRow(key=key, name=name, level=level, parent=parent)
        found = row.figures.get(figure_key)
        if found is None:
            found = row.figures[figure_key] = Figure(
                category=figure_key[0], category_name=category_name, unit=figure_key[1]
            )
        return found

    need_ids: dict[str, set[int]] = defaultdict(set)
    for total in unit_sums:
        if total.key is None:
            continue
        keys = _area_rows(total.key) if by == "area" else [(total.key, "", None)]
        for key, level, parent in keys:
            figure(key, level, parent, total.figure_key, total.category_name).needed += total.needed
            need_ids[key].update(total.need_ids)
    for item in items:
        if by == "category":
            keys = [(item.figure_key[0], "", None)]
        else:
            keys = row_keys(item.area, item.need_id)
        for key, level, parent in keys:
            found = figure(key, level, parent, item.figure_key, item.category_name)
            found.needed += item.needed
            found.reserved += item.amounts["reserved"]
            found.committed += item.amounts["committed"]
            found.delivered += item.amounts["delivered"]
            need_ids[key].add(item.need_id)
    for key, row in rows.items():
        row.need_ids = need_ids[key]
        row.gap_shares = {need: gap[need] for need in sorted(row.need_ids) if need in gap}
    return Coverage(
        by=by,
        currency=CURRENCY,
        rates_as_of=rates.as_of,
        rates_source=rates.source,
        rows=sorted(rows.values(), key=_order(by)),
    )


def _order(by: str):
    if by == "area":  # global apart, first; then each country followed by its subdivisions
        return lambda row: (
            row.level != "global",
            row.parent or row.key,
            row.parent is not None,
            row.key,
        )
    if by == "sdg_target":
        return lambda row: tuple(
            int(p) if p.isdigit() else 100 + ord(p[0]) for p in row.key.split(".")
        )
    return lambda row: row.key
