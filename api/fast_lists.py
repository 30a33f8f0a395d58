"""The hot lists' JSON from `.values()` rows: what the serializers write, without per-field work.

Each function returns exactly what its ModelSerializer returns for the same rows (tests compare
them); the serializers remain the schema and serve writes and everything else.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework.fields import DateTimeField
from rest_framework.serializers import ModelSerializer

from api.serializers.matching import ProposalSerializer
from api.serializers.needs import matching_blocked
from api.serializers.offers import OfferSerializer
from matching.explanations import Labels, localize_representation
from matching.models import ProposalLine
from registry.services.needs import NEED_TEXTS
from registry.user_content import translations_from


def model_columns(serializer: type[ModelSerializer]) -> tuple[str, ...]:
    """The columns behind a serializer's fields, for `.values()`: a foreign key by its column
    (run → run_id); relations, read by other queries or subqueries, are left out."""
    model = serializer.Meta.model
    fields = [model._meta.get_field(name) for name in serializer.Meta.fields]
    return tuple(field.attname for field in fields if field.concrete and not field.many_to_many)


# The serializers declare the fields; the fast lists read the columns behind them.
PROPOSAL_VALUES = model_columns(ProposalSerializer)
OFFER_VALUES = model_columns(OfferSerializer)
# Unpacked by position in represent_proposals, with the proposal each line belongs to.
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


def decimal(value: Decimal | None) -> str | None:
    # The column's scale is the serializer field's decimal_places, so no quantizing is needed.
    return None if value is None else f"{value:f}"


_DATETIME = DateTimeField()


def moment(value: datetime.datetime | None, zone: datetime.tzinfo | None = None) -> str | None:
    """DRF's DateTimeField output: ISO 8601 in the current time zone, "Z" for UTC. `zone` is
    the current time zone, read once by callers that format many values."""
    if value is None:
        return None
    if not (settings.USE_TZ and timezone.is_aware(value)):
        return _DATETIME.to_representation(value)
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def proposal_values(queryset: QuerySet) -> QuerySet:
    """The columns represent_proposals reads (prefetches dropped: lines are read in one query)."""
    return queryset.prefetch_related(None).values(*PROPOSAL_VALUES)


def represent_proposals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ProposalSerializer's output for proposal_values() rows: one more query for all lines."""
    zone = timezone.get_current_timezone()
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    line_rows = (
        ProposalLine.objects.filter(proposal_id__in=[row["id"] for row in rows])
        .order_by("pk")
        .values_list(*LINE_VALUES)
    )
    for (
        key,
        proposal_id,
        offer_id,
        need_item_id,
        organization_id,
        quantity,
        offer_quantity,
        score,
        terms,
        explanation,
        confirmation,
        confirmed_at,
    ) in line_rows:
        lines[proposal_id].append(
            {
                "id": key,
                "offer": offer_id,
                "need_item": need_item_id,
                "organization": organization_id,
                "quantity": decimal(quantity),
                "offer_quantity": decimal(offer_quantity),
                "score": decimal(score),
                "terms": terms,
                "explanation": explanation,
                "confirmation": confirmation,
                "confirmed_at": moment(confirmed_at, zone),
            }
        )
    labels = Labels()  # the taxonomy's names read once for the whole page
    return [
        localize_representation(
            {
                "id": row["id"],
                "run": row["run_id"],
                "need": row["need_id"],
                "status": row["status"],
                "score": decimal(row["score"]),
                "coverage": decimal(row["coverage"]),
                "explanation": row["explanation"],
                "lines": lines[row["id"]],
                "created_at": moment(row["created_at"], zone),
                "decided_at": moment(row["decided_at"], zone),
                "reason": row["reason"],
                "respond_by": moment(row["respond_by"], zone),
                "owner_consent": row["owner_consent"],
                "override_reason": row["override_reason"],
            },
            labels,
        )
        for row in rows
    ]


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def slugs_of(relation, ids: list[int], order: str | None = None) -> dict[int, list[str]]:
    """{owner id: [target keys]} of an M2M relation, in the target's ordering (slug unless named)."""
    owner, target = relation.field.m2m_column_name(), relation.field.m2m_reverse_name()
    found: dict[int, list[str]] = defaultdict(list)
    rows = relation.through.objects.filter(**{f"{owner}__in": ids}).order_by(order or target)
    for owner_id, key in rows.values_list(owner, target):
        found[owner_id].append(key)
    return found


def related_keys(relation, order: str | None = None) -> ArraySubquery:
    """The keys of a row's M2M relation as an array column, in the target's ordering.

    Computed in the page's own query, for the page's rows only (the limit comes first).
    """
    owner, target = relation.field.m2m_column_name(), relation.field.m2m_reverse_name()
    keys = relation.through.objects.filter(**{owner: OuterRef("pk")}).order_by(order or target)
    return ArraySubquery(keys.values(target))


def offer_values(queryset: QuerySet) -> QuerySet:
    from registry.models import Offer

    return queryset.prefetch_related(None).values(
        *OFFER_VALUES,
        focus=related_keys(Offer.focus_areas),
        groups=related_keys(Offer.vulnerable_groups),
    )


def represent_offers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OfferSerializer's output for offer_values() rows (no further query)."""
    zone = timezone.get_current_timezone()
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
            "focus_areas": row["focus"],
            "vulnerable_groups": row["groups"],
            "available_from": day(row["available_from"]),
            "available_until": day(row["available_until"]),
            "min_allocation": decimal(row["min_allocation"]),
            "status": row["status"],
            "reserved": decimal(row["reserved"]),
            "committed": decimal(row["committed"]),
            "remaining": decimal(row["remaining"]),
            "created_at": moment(row["created_at"], zone),
            "updated_at": moment(row["updated_at"], zone),
        }
        for row in rows
    ]


NEED_VALUES = (
    "id",
    "organization_id",
    "title",
    "description",
    "language",
    "i18n",
    "area",
    "population",
    "indicator_name",
    "indicator_unit",
    "indicator_baseline",
    "indicator_target",
    "indicator_source",
    "indicator_date",
    "indicator_disaggregation",
    "indicator_current",
    "indicator_current_date",
    "indicator_current_disaggregation",
    "deadline",
    "priority",
    "status",
    "created_at",
    "updated_at",
)


def need_values(queryset: QuerySet) -> QuerySet:
    """The columns represent_needs reads; the taxonomies, the endorsement count and the ids of
    the consultations are computed in the page's own query, for the page's rows only."""
    from registry.models import Consultation, Endorsement, Need

    endorsements = (
        Endorsement.objects.filter(need_id=OuterRef("pk"), organization__verified_at__isnull=False)
        .order_by()
        .values("need_id")
        .annotate(count=Count("*"))
        .values("count")
    )
    consultations = Consultation.objects.filter(need_id=OuterRef("pk")).order_by().values("pk")
    return queryset.prefetch_related(None).values(
        *NEED_VALUES,
        focus=related_keys(Need.focus_areas),
        groups=related_keys(Need.vulnerable_groups),
        targets=related_keys(Need.sdg_targets, order="sdgtarget__position"),
        endorsement_count=Coalesce(Subquery(endorsements, output_field=IntegerField()), Value(0)),
        consultation_ids=ArraySubquery(consultations),
        organization_verified=ExpressionWrapper(
            Q(organization__verified_at__isnull=False), output_field=BooleanField()
        ),
    )


def disaggregation(value: dict) -> dict:
    # DictField(child=DictField(child=CharField)): keys and values as strings, None kept.
    return {
        str(dimension): None
        if groups is None
        else {str(group): None if share is None else str(share) for group, share in groups.items()}
        for dimension, groups in value.items()
    }


def consultations_of(consultation_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """ConsultationSerializer's output per need, in the model's order (no query for none)."""
    from registry.models import Consultation

    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not consultation_ids:
        return found
    rows = list(
        Consultation.objects.filter(pk__in=consultation_ids).values(
            "id", "need_id", "held_on", "summary"
        )
    )
    if not rows:
        return found
    keys = [row["id"] for row in rows]
    groups = slugs_of(Consultation.groups, keys)
    organizations = slugs_of(Consultation.organizations, keys, order="organization__name")
    for row in rows:
        found[row["need_id"]].append(
            {
                "held_on": day(row["held_on"]),
                "summary": row["summary"],
                "groups": groups[row["id"]],
                "organizations": organizations[row["id"]],
            }
        )
    return found


def gap_closed(row: dict[str, Any]) -> str | None:
    from registry.models.needs import share_of_gap_closed

    share = share_of_gap_closed(
        row["indicator_baseline"], row["indicator_current"], row["indicator_target"]
    )
    return None if share is None else str(share)


def represent_needs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """NeedSerializer's output for need_values() rows: the items of all rows in one query, their
    consultations in one more when there are any."""
    from registry.models import NeedItem

    zone = timezone.get_current_timezone()
    ids = [row["id"] for row in rows]
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    item_rows = (
        NeedItem.objects.filter(need_id__in=ids)
        .order_by("need_id", "id")
        .values_list(
            "need_id",
            "id",
            "category_id",
            "kind",
            "quantity",
            "currency",
            "reserved",
            "committed",
            "covered",
        )
    )
    in_progress: set[int] = set()
    for need_id, key, category, kind, quantity, currency, reserved, committed, covered in item_rows:
        if reserved:
            in_progress.add(need_id)
        items[need_id].append(
            {
                "id": key,
                "category": category,
                "kind": kind,
                "quantity": decimal(quantity),
                "currency": currency,
                "reserved": decimal(reserved),
                "committed": decimal(committed),
                "covered": decimal(covered),
            }
        )
    consultations = consultations_of([key for row in rows for key in row["consultation_ids"]])
    return [
        {
            "id": row["id"],
            "organization": row["organization_id"],
            "title": row["title"],
            "description": row["description"],
            "language": row["language"],
            "translations": translations_from(row["i18n"], tuple(NEED_TEXTS)),
            "area": row["area"],
            "focus_areas": row["focus"],
            "vulnerable_groups": row["groups"],
            "sdg_targets": row["targets"],
            "population": row["population"],
            "indicator": {
                "name": row["indicator_name"],
                "unit": row["indicator_unit"],
                "baseline": decimal(row["indicator_baseline"]),
                "target": decimal(row["indicator_target"]),
                "source": row["indicator_source"],
                "date": day(row["indicator_date"]),
                "current": decimal(row["indicator_current"]),
                "current_date": day(row["indicator_current_date"]),
                "current_disaggregation": disaggregation(row["indicator_current_disaggregation"]),
                "gap_closed": gap_closed(row),
                "disaggregation": disaggregation(row["indicator_disaggregation"]),
            },
            "deadline": day(row["deadline"]),
            "priority": row["priority"],
            "status": row["status"],
            "items": items[row["id"]],
            "consultations": consultations[row["id"]],
            "endorsements": row["endorsement_count"],
            "in_progress": row["id"] in in_progress,
            "matching_blocked": matching_blocked(row["status"], row["organization_verified"]),
            "created_at": moment(row["created_at"], zone),
            "updated_at": moment(row["updated_at"], zone),
        }
        for row in rows
    ]
