"""The hot lists' JSON from `.values()` rows: what the serializers write, without per-field work.

Each list's shape is derived from its serializer's declaration (`Meta.fields` and the declared
fields): the columns read, the keys written and their order, and how each value is written. Only
what has no column of its own (relations read by other queries, computed values) is written by
hand, and a serializer field with neither a column nor a writer is refused when the module is
imported. Tests compare the output with the serializers'; the serializers remain the schema and
serve writes and everything else.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
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
from rest_framework import serializers
from rest_framework.fields import DateTimeField
from rest_framework.settings import api_settings

from api.serializers.matching import ProposalLineSerializer, ProposalSerializer
from api.serializers.needs import (
    ConsultationSerializer,
    IndicatorSerializer,
    NeedItemSerializer,
    NeedSerializer,
    matching_blocked,
)
from api.serializers.offers import OfferSerializer
from matching.explanations import Labels, localize_representation
from matching.models import ProposalLine
from registry.models import Consultation, Endorsement, Need, NeedItem, Offer
from registry.models.needs import share_of_gap_closed
from registry.services.needs import NEED_TEXTS
from registry.user_content import translations_from

Row = dict[str, Any]
Zone = datetime.tzinfo
Writer = Callable[[Row, Zone], Any]


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


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


# Fields whose output is the stored value itself (a relation's is its key, read from its column).
_AS_STORED = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
)


def _decimal_text(value: Decimal | None, zone: Zone) -> str | None:
    return decimal(value)


def _day_text(value: datetime.date | None, zone: Zone) -> str | None:
    return day(value)


def column_converter(field: serializers.Field) -> Callable[[Any, Zone], Any] | None:
    """How `field` writes a stored value: None when as it is, else a converter that writes it
    as the field would."""
    if isinstance(field, serializers.DecimalField) and getattr(
        field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING
    ):
        return _decimal_text
    if isinstance(field, serializers.DateTimeField):
        return moment
    if isinstance(field, serializers.DateField):
        return _day_text
    if type(field) in _AS_STORED or isinstance(field, serializers.RelatedField):
        return None
    if isinstance(field, serializers.JSONField) and not field.binary:
        return None
    if isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField):
        return None  # an array of text columns: its items are strings already
    convert = field.to_representation
    return lambda value, zone: None if value is None else convert(value)


@dataclass(frozen=True)
class Shape:
    """A serializer's output written from `.values()` rows: `columns` to select, then `write`.

    Each of `writers` is (key, column, converter): the column's value as stored when there is
    no converter, else converted; with no column, the converter writes the key from the row.
    """

    columns: tuple[str, ...]
    writers: tuple[tuple[str, str | None, Callable[[Any, Zone], Any] | None], ...]

    def write(self, row: Row, zone: Zone) -> dict[str, Any]:
        written = {}
        for key, column, convert in self.writers:
            if column is None:
                written[key] = convert(row, zone)  # a computed value: always a writer
            elif convert is None:
                written[key] = row[column]
            else:
                written[key] = convert(row[column], zone)
        return written


def shape_of(
    serializer: type[serializers.ModelSerializer] | type[serializers.Serializer],
    computed: Mapping[str, Writer | Shape] | None = None,
    *,
    model: Any = None,
) -> Shape:
    """The shape of `serializer`'s output, field by field in its declared order.

    A field backed by a column of the model is read from that column (a foreign key by its id
    column); a field named in `computed` is written by its writer, or by a nested Shape read
    from the same row. Any other field is a mistake, refused here. `model` is the rows' model
    when the serializer names none (a nested serializer reading its parent's row).
    """
    computed = computed or {}
    model = model or serializer.Meta.model
    columns: list[str] = []
    writers: list[tuple[str, str | None, Callable[[Any, Zone], Any] | None]] = []
    for name, field in serializer().fields.items():
        how = computed.get(name)
        if isinstance(how, Shape):
            columns.extend(how.columns)
            writers.append((name, None, how.write))
            continue
        if how is not None:
            writers.append((name, None, how))
            continue
        column = _column_of(model, field)
        if column is None:
            raise ImproperlyConfigured(
                f"{serializer.__name__}.{name} has no column of its own: give the fast list a "
                "writer for it."
            )
        columns.append(column)
        writers.append((name, column, column_converter(field)))
    unknown = set(computed) - {key for key, _, _ in writers}
    if unknown:
        raise ImproperlyConfigured(f"{serializer.__name__} has no field {sorted(unknown)}.")
    return Shape(columns=tuple(dict.fromkeys(columns)), writers=tuple(writers))


def _column_of(model: Any, field: serializers.Field) -> str | None:
    """The column behind a field: its source's, when that is a concrete, single-valued model
    field."""
    if field.source == "*" or "." in field.source:
        return None
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None
    if not model_field.concrete or model_field.many_to_many:
        return None
    return model_field.attname


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


def read(annotation: str) -> Writer:
    """A writer of a value the query computes, as is."""
    return lambda row, zone: row[annotation]


# Proposals and their lines.

LINE = shape_of(ProposalLineSerializer)
PROPOSAL = shape_of(ProposalSerializer, {"lines": read("lines")})


def proposal_values(queryset: QuerySet) -> QuerySet:
    """The columns represent_proposals reads (prefetches dropped: lines are read in one query)."""
    return queryset.prefetch_related(None).values(*PROPOSAL.columns)


def lines_of(proposal_ids: list[int], zone: Zone) -> dict[int, list[dict[str, Any]]]:
    """ProposalLineSerializer's output per proposal, in the lines' order (one query)."""
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        ProposalLine.objects.filter(proposal_id__in=proposal_ids)
        .order_by("pk")
        .values(*LINE.columns, "proposal_id")
    )
    for row in rows:
        lines[row["proposal_id"]].append(LINE.write(row, zone))
    return lines


def represent_proposals(rows: list[Row]) -> list[dict[str, Any]]:
    """ProposalSerializer's output for proposal_values() rows: one more query for all lines."""
    zone = timezone.get_current_timezone()
    lines = lines_of([row["id"] for row in rows], zone)
    labels = Labels()  # the taxonomy's names read once for the whole page
    return [
        localize_representation(PROPOSAL.write({**row, "lines": lines[row["id"]]}, zone), labels)
        for row in rows
    ]


# Offers.

OFFER = shape_of(
    OfferSerializer, {"focus_areas": read("focus"), "vulnerable_groups": read("groups")}
)


def offer_values(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(None).values(
        *OFFER.columns,
        focus=related_keys(Offer.focus_areas),
        groups=related_keys(Offer.vulnerable_groups),
    )


def represent_offers(rows: list[Row]) -> list[dict[str, Any]]:
    """OfferSerializer's output for offer_values() rows (no further query)."""
    zone = timezone.get_current_timezone()
    return [OFFER.write(row, zone) for row in rows]


# Needs, their items and consultations.


def gap_closed(row: Row, zone: Zone) -> str | None:
    share = share_of_gap_closed(
        row["indicator_baseline"], row["indicator_current"], row["indicator_target"]
    )
    return None if share is None else str(share)


ITEM = shape_of(NeedItemSerializer)
CONSULTATION = shape_of(
    ConsultationSerializer, {"groups": read("groups"), "organizations": read("organizations")}
)
INDICATOR = shape_of(IndicatorSerializer, {"gap_closed": gap_closed}, model=Need)
NEED = shape_of(
    NeedSerializer,
    {
        "translations": lambda row, zone: translations_from(row["i18n"], tuple(NEED_TEXTS)),
        "focus_areas": read("focus"),
        "vulnerable_groups": read("groups"),
        "sdg_targets": read("targets"),
        "indicator": INDICATOR,
        "items": read("items"),
        "consultations": read("consultations"),
        "endorsements": read("endorsement_count"),
        "in_progress": read("in_progress"),
        "matching_blocked": lambda row, zone: matching_blocked(
            row["status"], row["organization_verified"]
        ),
    },
)


def need_values(queryset: QuerySet) -> QuerySet:
    """The columns represent_needs reads; the taxonomies, the endorsement count and the ids of
    the consultations are computed in the page's own query, for the page's rows only."""
    endorsements = (
        Endorsement.objects.filter(need_id=OuterRef("pk"), organization__verified_at__isnull=False)
        .order_by()
        .values("need_id")
        .annotate(count=Count("*"))
        .values("count")
    )
    consultations = Consultation.objects.filter(need_id=OuterRef("pk")).order_by().values("pk")
    return queryset.prefetch_related(None).values(
        *NEED.columns,
        "i18n",
        focus=related_keys(Need.focus_areas),
        groups=related_keys(Need.vulnerable_groups),
        targets=related_keys(Need.sdg_targets, order="sdgtarget__position"),
        endorsement_count=Coalesce(Subquery(endorsements, output_field=IntegerField()), Value(0)),
        consultation_ids=ArraySubquery(consultations),
        organization_verified=ExpressionWrapper(
            Q(organization__verified_at__isnull=False), output_field=BooleanField()
        ),
    )


def consultations_of(consultation_ids: list[int], zone: Zone) -> dict[int, list[dict[str, Any]]]:
    """ConsultationSerializer's output per need, in the model's order (no query for none)."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not consultation_ids:
        return found
    rows = list(
        Consultation.objects.filter(pk__in=consultation_ids).values(
            *CONSULTATION.columns, "id", "need_id"
        )
    )
    if not rows:
        return found
    keys = [row["id"] for row in rows]
    groups = slugs_of(Consultation.groups, keys)
    organizations = slugs_of(Consultation.organizations, keys, order="organization__name")
    for row in rows:
        row.update(groups=groups[row["id"]], organizations=organizations[row["id"]])
        found[row["need_id"]].append(CONSULTATION.write(row, zone))
    return found


def items_of(need_ids: list[int], zone: Zone) -> tuple[dict[int, list[dict[str, Any]]], set[int]]:
    """NeedItemSerializer's output per need, in the items' order, and the needs with an item
    reserved (one query)."""
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    reserved: set[int] = set()
    rows = NeedItem.objects.filter(need_id__in=need_ids).order_by("need_id", "id")
    for row in rows.values(*ITEM.columns, "need_id"):
        items[row["need_id"]].append(ITEM.write(row, zone))
        if row["reserved"]:
            reserved.add(row["need_id"])
    return items, reserved


def represent_needs(rows: list[Row]) -> list[dict[str, Any]]:
    """NeedSerializer's output for need_values() rows: the items of all rows in one query, their
    consultations in one more when there are any."""
    zone = timezone.get_current_timezone()
    ids = [row["id"] for row in rows]
    items, in_progress = items_of(ids, zone)
    consultations = consultations_of([key for row in rows for key in row["consultation_ids"]], zone)
    return [
        NEED.write(
            {
                **row,
                "items": items[row["id"]],
                "consultations": consultations[row["id"]],
                "in_progress": row["id"] in in_progress,
            },
            zone,
        )
        for row in rows
    ]
