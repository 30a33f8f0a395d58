"""Reads for matching: the engine's problem, loaded from PostgreSQL in a few set-based queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from matching.engine import NeedInput, NeedItemInput, OfferInput, Parameters, Problem
from matching.models import Partner, Partnership
from matching.services.report_checks import PERCENT_UNITS
from registry.area_codes import country_of, covering_areas
from registry.areas import area_name
from registry.models import Category, CurrencyRate, Need, NeedItem, Offer
from registry.models.needs import share_of_gap_closed
from registry.models.offers import OfferReach


def _track_records(organization_ids: set[int]) -> dict[int, int]:
    """Partnerships completed per organization."""
    rows = (
        Partner.objects.filter(
            organization_id__in=organization_ids, partnership__status=Partnership.Status.COMPLETED
        )
        .values("organization_id")
        .annotate(completed=Count("partnership_id", distinct=True))
    )
    return {row["organization_id"]: row["completed"] for row in rows}


class _EqualsAny(Func):
    """`expression = ANY(array)`."""

    arity = 2
    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def _shared(field: str, slugs: list[str]) -> Expression:
    """How many of `slugs` the offer names in one of its taxonomies (its denormalised array)."""
    hits = [
        Case(When(**{f"{field}__contains": [slug]}, then=Value(1)), default=Value(0))
        for slug in slugs
    ]
    return ExpressionWrapper(sum(hits[1:], hits[0]), output_field=IntegerField())


def best_offers_for(
    need: dict[str, Any], offers: QuerySet[Any, Any], per_category: int
) -> QuerySet[Any, Any]:
    """Ids of the `per_category` offers of each category that best suit one need (a query, so
    that the offers are ranked and read in one statement).

    Ranked in SQL by the score terms that need no text (focus and group overlap, geographic
    precision, verification), with the engine's default weights. The engine keeps its top_k
    candidates per item from these; `per_category` is a few times top_k, so only offers whose
    text similarity would have to make up a large gap are left to the next global run.
    """
    weights = Parameters().score_weights()
    focus, groups = sorted(filter(None, need["focus"])), sorted(filter(None, need["groups"]))
    country = country_of(need["area"]) or need["area"]
    terms = [
        Case(
            When(areas__contains=[need["area"]], then=Value(1.0)),
            When(areas__contains=[country], then=Value(Parameters.geography_country)),
            default=Value(Parameters.geography_global),
        )
        * weights["geography"],
        Case(
            When(organization__verified_at__isnull=False, then=Value(weights["verified"])),
            default=Value(0.0),
        ),
    ]
    if focus:
        terms.append(_shared("focus_area_slugs", focus) * (weights["focus"] / len(focus)))
    if groups:
        share = weights["groups"] / len(groups)
        terms.append(_shared("vulnerable_group_slugs", groups) * share)
    proxy = ExpressionWrapper(sum(terms[1:], terms[0]), output_field=FloatField())
    ranked = offers.exclude(organization_id=need["organization_id"])
    if need["deadline"]:
        ranked = ranked.exclude(available_from__gt=need["deadline"])
    ranked = ranked.annotate(
        proxy=proxy,
        rank=Window(
            RowNumber(),
            partition_by=[F("category_id")],
            order_by=[F("proxy").desc(), F("id").asc()],
        ),
    ).filter(rank__lte=per_category)
    ids: QuerySet[Any, Any] = ranked.order_by().values("id")  # annotate() answers Any here
    return ids


def load_problem(
    *, scope: dict[str, Any] | None = None, today: datetime.date | None = None
) -> Problem:
    """Open needs with uncovered items and published offers with remaining capacity.

    scope may name `need_ids` (match only those needs), `area` (needs within it), and caps
    `max_needs` / `max_offers` that bound a run's size; with one need, `offers_per_category`
    keeps only that many offers per category, the best suited to it (best_offers_for).
    """
    scope = scope or {}
    today = today or timezone.localdate()
    # A hard rule: only verified organizations' needs draw resources.
    needs = Need.objects.open().filter(
        organization__is_active=True, organization__verified_at__isnull=False
    )
    if scope.get("need_ids"):
        needs = needs.filter(pk__in=scope["need_ids"])
    if scope.get("area"):
        needs = needs.within(scope["area"])
    needs = needs.exclude(deadline__lt=today).order_by("-priority", "id")
    if scope.get("max_needs"):
        needs = needs[: int(scope["max_needs"])]
    need_rows = list(
        needs.annotate(
            focus=ArrayAgg("focus_areas__slug", distinct=True, default=[]),
            groups=ArrayAgg("vulnerable_groups__slug", distinct=True, default=[]),
        ).values(
            "id",
            "organization_id",
            "area",
            "priority",
            "deadline",
            "title",
            "description",
            "focus",
            "groups",
        )
    )
    items_by_need: dict[int, list[NeedItemInput]] = defaultdict(list)
    item_rows = (
        NeedItem.objects.filter(
            need_id__in=[row["id"] for row in need_rows], quantity__gt=F("covered")
        )
        .order_by("id")
        .values("id", "need_id", "category_id", "quantity", "covered", "currency")
    )
    for row in item_rows:
        items_by_need[row["need_id"]].append(
            NeedItemInput(
                id=row["id"],
                category=row["category_id"],
                remaining=float(row["quantity"] - row["covered"]),
                currency=row["currency"] or None,
            )
        )

    offers = (
        Offer.objects.published()
        .filter(organization__is_active=True, remaining__gt=0)
        .exclude(available_until__lt=today)
    )
    if scope.get("need_ids") or scope.get("area"):
        # Only offers that can reach these needs: their categories, covering their areas.
        categories = {item.category for items in items_by_need.values() for item in items}
        areas = {code for row in need_rows for code in covering_areas(row["area"])}
        # One exact condition on offer_reach_gin: (category, area) pairs, not a category scan.
        offers = offers.alias(reach=OfferReach("category", "areas")).filter(
            reach__overlap=OfferReach.keys(categories, areas)
        )
        if scope.get("offers_per_category") and len(need_rows) == 1:
            best = best_offers_for(need_rows[0], offers, int(scope["offers_per_category"]))
            # id = ANY(ARRAY(ranking)): the ranking runs once and its few ids are read by primary
            # key, in the same statement (as `id IN (ranking)` the planner, which cannot tell
            # how few rows the ranking keeps, would scan the whole table to join them).
            offers = Offer.objects.filter(_EqualsAny(F("pk"), ArraySubquery(best)))
    offers = offers.order_by("id")
    if scope.get("max_offers"):
        offers = offers[: int(scope["max_offers"])]
    offer_rows = list(
        offers.annotate(
            focus=F("focus_area_slugs"),
            groups=F("vulnerable_group_slugs"),
            organization_kind=F("organization__kind"),
            organization_name=F("organization__name"),
            verified=ExpressionWrapper(
                Q(organization__verified_at__isnull=False), output_field=BooleanField()
            ),
        ).values(
            "id",
            "organization_id",
            "organization_kind",
            "organization_name",
            "verified",
            "category_id",
            "remaining",
            "areas",
            "currency",
            "focus",
            "groups",
            "available_from",
            "available_until",
            "min_allocation",
            "title",
            "description",
        )
    )
    records = _track_records({row["organization_id"] for row in offer_rows})
    return Problem(
        offers=tuple(
            OfferInput(
                id=row["id"],
                organization_id=row["organization_id"],
                organization_kind=row["organization_kind"],
                organization_name=row["organization_name"],
                category=row["category_id"],
                remaining=float(row["remaining"]),
                areas=tuple(row["areas"]),
                currency=row["currency"] or None,
                focus_areas=frozenset(filter(None, row["focus"])),
                vulnerable_groups=frozenset(filter(None, row["groups"])),
                available_from=row["available_from"],
                available_until=row["available_until"],
                min_allocation=float(row["min_allocation"]) if row["min_allocation"] else None,
                verified=bool(row["verified"]),
                track_record=records.get(row["organization_id"], 0),
                text=f"{row['title']}. {row['description']}",
            )
            for row in offer_rows
        ),
        needs=tuple(
            NeedInput(
                id=row["id"],
                organization_id=row["organization_id"],
                area=row["area"],
                area_name=area_name(row["area"]) or row["area"],
                priority=row["priority"],
                deadline=row["deadline"],
                items=tuple(items_by_need[row["id"]]),
                focus_areas=frozenset(filter(None, row["focus"])),
                vulnerable_groups=frozenset(filter(None, row["groups"])),
                text=f"{row['title']}. {row['description']}",
            )
            for row in sorted(need_rows, key=lambda row: row["id"])
            if items_by_need[row["id"]]
        ),
        usd_rates={
            currency: float(per_usd)
            for currency, per_usd in CurrencyRate.objects.values_list("currency", "per_usd")
        },
        category_kinds=dict(Category.objects.values_list("slug", "kind")),
        area_names=_area_names(need_rows, offer_rows),
    )


def _area_names(
    need_rows: list[dict[str, Any]], offer_rows: list[dict[str, Any]]
) -> dict[str, str]:
    codes = {row["area"] for row in need_rows}
    codes.update(code for row in offer_rows for code in row["areas"])
    return {code: name for code in sorted(codes) if (name := area_name(code))}


def _number(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def indicator_progress(need: Need) -> list[dict[str, Any]]:
    """Where each group of the baseline's disaggregation stands, from the latest approved report:
    baseline → current → target and the share of the gap closed. A rate (a percentage) has the
    indicator's target for every group, so the share is the group's way to it; a count's target
    is not split between groups, so the share is what the group's change closed of the whole gap."""
    baseline = need.indicator_disaggregation or {}
    current = need.indicator_current_disaggregation or {}
    rate = need.indicator_unit.strip().lower() in PERCENT_UNITS
    whole = (
        need.indicator_target - need.indicator_baseline
        if need.indicator_target is not None and need.indicator_baseline is not None
        else None
    )
    rows = []
    for dimension in sorted(baseline):
        for group in sorted(baseline[dimension] or {}):
            start = _number(baseline[dimension][group])
            now = _number((current.get(dimension) or {}).get(group))
            if rate:
                target, share = (
                    need.indicator_target,
                    share_of_gap_closed(start, now, need.indicator_target),
                )
            else:
                target = None
                share = (
                    None
                    if start is None or now is None or not whole
                    else min(Decimal(1), max(Decimal(0), (now - start) / whole)).quantize(
                        Decimal("0.0001")
                    )
                )
            rows.append(
                {
                    "dimension": dimension,
                    "group": group,
                    "baseline": start,
                    "current": now,
                    "target": target,
                    "share": share,
                }
            )
    return rows
