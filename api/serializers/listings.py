"""The hot lists' JSON from `.values()` rows: what the serializers write, without per-field work.

Each function returns exactly what its ModelSerializer returns for the same rows (tests compare
them); the serializers remain the schema and serve writes and everything else.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from rest_framework.fields import DateTimeField

from matching.models import ProposalLine

PROPOSAL_VALUES = (
    "id",
    "run_id",
    "need_id",
    "status",
    "score",
    "coverage",
    "explanation",
    "created_at",
    "decided_at",
    "reason",
)
LINE_VALUES = (
    "id",
    "proposal_id",
    "offer_id",
    "need_item_id",
    "organization_id",
    "quantity",
    "offer_quantity",
    "score",
    "terms",
    "explanation",
    "confirmation",
    "confirmed_at",
)
_DATETIME = DateTimeField()


def decimal(value: Decimal | None) -> str | None:
    # The column's scale is the serializer field's decimal_places, so no quantizing is needed.
    return None if value is None else f"{value:f}"


def moment(value: datetime.datetime | None) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def proposal_values(queryset: QuerySet) -> QuerySet:
    """The columns represent_proposals reads (prefetches dropped: lines are read in one query)."""
    return queryset.prefetch_related(None).values(*PROPOSAL_VALUES)


def represent_proposals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ProposalSerializer's output for proposal_values() rows: one more query for all lines."""
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    line_rows = (
        ProposalLine.objects.filter(proposal_id__in=[row["id"] for row in rows])
        .order_by("pk")
        .values(*LINE_VALUES)
    )
    for line in line_rows:
        lines[line["proposal_id"]].append(
            {
                "id": line["id"],
                "offer": line["offer_id"],
                "need_item": line["need_item_id"],
                "organization": line["organization_id"],
                "quantity": decimal(line["quantity"]),
                "offer_quantity": decimal(line["offer_quantity"]),
                "score": decimal(line["score"]),
                "terms": line["terms"],
                "explanation": line["explanation"],
                "confirmation": line["confirmation"],
                "confirmed_at": moment(line["confirmed_at"]),
            }
        )
    return [
        {
            "id": row["id"],
            "run": row["run_id"],
            "need": row["need_id"],
            "status": row["status"],
            "score": decimal(row["score"]),
            "coverage": decimal(row["coverage"]),
            "explanation": row["explanation"],
            "lines": lines[row["id"]],
            "created_at": moment(row["created_at"]),
            "decided_at": moment(row["decided_at"]),
            "reason": row["reason"],
        }
        for row in rows
    ]


OFFER_VALUES = (
    "id",
    "organization_id",
    "title",
    "description",
    "category_id",
    "kind",
    "quantity",
    "currency",
    "areas",
    "available_from",
    "available_until",
    "min_allocation",
    "status",
    "reserved",
    "committed",
    "remaining",
    "created_at",
    "updated_at",
)


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def slugs_of(relation, ids: list[int]) -> dict[int, list[str]]:
    """{offer id: [slugs]} of an offer's M2M taxonomy, in slug order as the serializer lists it."""
    through = relation.through
    target = relation.field.m2m_reverse_name()
    found: dict[int, list[str]] = defaultdict(list)
    rows = through.objects.filter(offer_id__in=ids).order_by(target).values_list("offer_id", target)
    for offer_id, slug in rows:
        found[offer_id].append(slug)
    return found


def offer_values(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(None).values(*OFFER_VALUES)


def represent_offers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OfferSerializer's output for offer_values() rows: one query per taxonomy for all rows."""
    from registry.models import Offer

    ids = [row["id"] for row in rows]
    focus = slugs_of(Offer.focus_areas, ids)
    groups = slugs_of(Offer.vulnerable_groups, ids)
    return [
        {
            "id": row["id"],
            "organization": row["organization_id"],
            "title": row["title"],
            "description": row["description"],
            "category": row["category_id"],
            "kind": row["kind"],
            "quantity": decimal(row["quantity"]),
            "currency": row["currency"],
            "areas": row["areas"],
            "focus_areas": focus[row["id"]],
            "vulnerable_groups": groups[row["id"]],
            "available_from": day(row["available_from"]),
            "available_until": day(row["available_until"]),
            "min_allocation": decimal(row["min_allocation"]),
            "status": row["status"],
            "reserved": decimal(row["reserved"]),
            "committed": decimal(row["committed"]),
            "remaining": decimal(row["remaining"]),
            "created_at": moment(row["created_at"]),
            "updated_at": moment(row["updated_at"]),
        }
        for row in rows
    ]
