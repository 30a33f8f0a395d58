"""Reads the review pages show: the queue's rows and a proposal in context."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.db.models.functions import JSONObject
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from matching.models import Proposal, ProposalLine, StateChange
from registry.area_codes import GLOBAL
from registry.areas import localized_area_name
from registry.models import Consultation, Endorsement, Membership, SdgTarget, VulnerableGroup
from registry.user_content import Shown, shown

TERM_LABELS = {
    "focus": _("Focus areas shared"),
    "groups": _("Vulnerable groups shared"),
    "geography": _("Geographic precision"),
    "verified": _("Organization verified"),
    "track_record": _("Track record"),
    "text": _("Similar descriptions"),
}


# What a queue row shows, read as plain values: no model instance is built for a row.
QUEUE_FIELDS = (
    "pk",
    "status",
    "score",
    "coverage",
    "created_at",
    "need__title",
    "need__language",
    "need__i18n",
    "need__area",
    "need__organization__name",
    "need__organization__language",
    "need__organization__i18n",
)


def filtered_queue(proposals: QuerySet[Proposal], filters: dict) -> QuerySet:
    """The review queue, oldest waiting first, narrowed by the filter form's cleaned values: the
    values of `QUEUE_FIELDS` per proposal."""
    if filters.get("status"):
        proposals = proposals.filter(status=filters["status"])
    if filters.get("area"):
        area = filters["area"].upper() if filters["area"] != GLOBAL else GLOBAL
        if area != GLOBAL:
            proposals = proposals.filter(Q(need__area=area) | Q(need__area__startswith=f"{area}-"))
    if filters.get("category"):
        proposals = proposals.filter(
            pk__in=ProposalLine.objects.filter(need_item__category_id=filters["category"]).values(
                "proposal_id"
            )
        )
    if filters.get("group"):
        proposals = proposals.filter(need__vulnerable_groups=filters["group"])
    if filters.get("sdg"):
        proposals = proposals.filter(need__sdg_targets=filters["sdg"])
    if filters.get("min_score") is not None:
        proposals = proposals.filter(score__gte=filters["min_score"])
    if filters.get("min_days"):
        waited_since = timezone.now() - datetime.timedelta(days=filters["min_days"])
        proposals = proposals.filter(created_at__lte=waited_since)
    if filters.get("q"):
        query = SearchQuery(filters["q"], search_type="websearch", config="english")
        proposals = proposals.filter(need__search=query)
    return proposals.order_by("created_at", "id").values(*QUEUE_FIELDS)


@dataclass(frozen=True)
class Partner:
    name: Shown
    verified: bool


@dataclass(frozen=True)
class QueueRow:
    """One proposal of the queue, every cell ready to print."""

    url: str
    title: SafeString  # in the reader's language, or the original marked with its own
    organization: SafeString
    area: str
    status: str
    partners: SafeString  # each name with its verified tag, one a line
    covered: int  # per cent
    score: str
    waiting: str


def partners_by_proposal(proposal_ids: list[int]) -> dict[int, list[Partner]]:
    """Each proposal's organizations by name, once each, in line order: one query of values."""
    seen: dict[int, dict[int, Partner]] = defaultdict(dict)
    for proposal_id, organization_id, name, language, i18n, verified_at in (
        ProposalLine.objects.filter(proposal_id__in=proposal_ids)
        .order_by("pk")
        .values_list(
            "proposal_id",
            "organization_id",
            "organization__name",
            "organization__language",
            "organization__i18n",
            "organization__verified_at",
        )
    ):
        if organization_id not in seen[proposal_id]:
            text = shown_value("name", name, language, i18n)
            seen[proposal_id][organization_id] = Partner(text, verified_at is not None)
    return {proposal_id: list(partners.values()) for proposal_id, partners in seen.items()}


def partners_cell(partners: list[Partner], tags: dict[bool, SafeString]) -> SafeString:
    """The partners' names, each followed by its verified tag, separated by line breaks."""
    return format_html_join(
        mark_safe("<br>"),
        "{} {}",
        ((user_text_html(partner.name), tags[partner.verified]) for partner in partners),
    )


def shown_value(field: str, text: str, language: str, i18n: dict | None) -> Shown:
    """`shown` for a text read as plain values with its record's `language` and `i18n`."""
    return shown(SimpleNamespace(**{field: text, "language": language, "i18n": i18n}), field)


def user_text_html(text: Shown) -> SafeString:
    """What `{% user_text %}` prints, for cells formatted in Python."""
    return format_html(
        '<span lang="{}" dir="{}">{}</span>', text.language, text.direction, text.text
    )


def verified_tags() -> dict[bool, SafeString]:
    """The two tags, translated once per page rather than once per partner."""
    return {
        True: format_html(
            '<strong class="govuk-tag govuk-tag--green">{}</strong>', gettext("verified")
        ),
        False: format_html(
            '<strong class="govuk-tag govuk-tag--yellow">{}</strong>', gettext("not verified")
        ),
    }


def queue_rows(rows: list[dict]) -> list[QueueRow]:
    """The queue's rows (values of `QUEUE_FIELDS`) with their partners, formatted once here
    rather than by tags, filters and a nested loop per row in the template."""
    partners = partners_by_proposal([row["pk"] for row in rows])
    tags = verified_tags()
    statuses = {value: str(label) for value, label in Proposal.Status.choices}
    now = timezone.now()
    return [
        QueueRow(
            url=reverse("web:proposal", args=[row["pk"]]),
            title=user_text_html(
                shown_value("title", row["need__title"], row["need__language"], row["need__i18n"])
            ),
            organization=user_text_html(
                shown_value(
                    "name",
                    row["need__organization__name"],
                    row["need__organization__language"],
                    row["need__organization__i18n"],
                )
            ),
            area=row["need__area"],
            status=statuses.get(row["status"], row["status"]),
            partners=partners_cell(partners.get(row["pk"], []), tags),
            covered=share(row["coverage"]),
            score=floatformat(row["score"], 2),
            waiting=timesince(row["created_at"], now),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Term:
    name: str
    label: str
    value: float

    @property
    def percent(self) -> int:
        return round(self.value * 100)


def score_terms(lines: list[ProposalLine]) -> list[Term]:
    """Each score term averaged over the lines, in the engine's order."""
    totals: dict[str, float] = defaultdict(float)
    for line in lines:
        for name, value in (line.terms or {}).items():
            totals[name] += float(value)
    count = len(lines) or 1
    return [
        Term(name, str(TERM_LABELS.get(name, name)), round(totals[name] / count, 4))
        for name in TERM_LABELS
        if name in totals
    ]


COMPETING_SHOWN = 20


def proposal_lines(proposal: Proposal, user) -> list[ProposalLine]:
    """The lines as the page shows them, each with `writable`: whether `user` may answer for
    its organization (an editor or an admin of it)."""
    answers_for = Membership.objects.filter(
        user_id=user.pk, organization_id=OuterRef("organization_id"), role__in=Membership.WRITERS
    )
    return list(
        proposal.lines.select_related("organization", "offer", "need_item", "need_item__category")
        .only(*LINE_FIELDS)
        .annotate(writable=Exists(answers_for))
        .order_by("pk")
    )


# What the page reads of a line and of the rows it joins (no search vector, no description).
LINE_FIELDS = (
    "proposal_id",
    "offer_id",
    "need_item_id",
    "organization_id",
    "quantity",
    "explanation",
    "confirmation",
    "terms",
    "organization__name",
    "organization__language",
    "organization__i18n",
    "organization__verified_at",
    "offer__title",
    "need_item__currency",
    "need_item__category__unit",
)


@dataclass(frozen=True)
class Rival:
    """A proposal competing for the same offers, as the page lists it."""

    url: str
    title: SafeString  # in the reader's language, or the original marked with its own
    status: str


def competing(proposal: Proposal, lines: list[ProposalLine]) -> tuple[list[Rival], int]:
    """Other live proposals that would draw on the same offers: the oldest few, and how many
    (counted by the same query, over the whole set, before the limit)."""
    offers = {line.offer_id for line in lines}
    rivals = (
        Proposal.objects.filter(
            status__in=Proposal.LIVE_STATUSES,
            pk__in=ProposalLine.objects.filter(offer_id__in=offers).values("proposal_id"),
        )
        .exclude(pk=proposal.pk)
        .order_by("created_at", "id")
        .values_list(
            "pk", "need__title", "need__language", "need__i18n", "status", Window(Count("pk"))
        )
    )
    statuses = {value: str(label) for value, label in Proposal.Status.choices}
    listed = list(rivals[:COMPETING_SHOWN])
    return [
        Rival(
            reverse("web:proposal", args=[pk]),
            user_text_html(shown_value("title", title, language, i18n)),
            statuses.get(status, status),
        )
        for pk, title, language, i18n, status, _total in listed
    ], (listed[0][5] if listed else 0)


def history(proposal: Proposal, lines: list[ProposalLine]) -> QuerySet[StateChange]:
    """Every state change of the proposal, its lines and their commitments."""
    line_ids = [line.pk for line in lines]
    return (
        StateChange.objects.filter(
            Q(subject_type="proposal", subject_id=proposal.pk)
            | Q(subject_type="proposalline", subject_id__in=line_ids)
            | Q(
                subject_type="commitment",
                subject_id__in=proposal.lines.filter(commitment__isnull=False).values(
                    "commitment__id"
                ),
            )
        )
        .select_related("actor")
        .order_by("at", "id")
    )


@dataclass(frozen=True)
class Consulted:
    held_on: datetime.date
    summary: str


def with_need_context(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The proposals with what the page shows of their need beside its own columns: its
    groups (named in the active language), endorsing organizations and consultations, read by
    the same query as the proposal."""
    need = OuterRef("need_id")
    return proposals.annotate(
        need_group_names=ArraySubquery(
            VulnerableGroup.objects.filter(needs=need).order_by("name_i18n").values("name_i18n")
        ),
        need_endorser_names=ArraySubquery(
            Endorsement.objects.filter(need=need).order_by("pk").values("organization__name")
        ),
        need_consultations=ArraySubquery(
            Consultation.objects.filter(need=need)
            .order_by("held_on", "pk")
            .values(entry=JSONObject(held_on="held_on", summary="summary"))
        ),
    )


def need_context(proposal: Proposal) -> dict[str, object]:
    """The need the proposal answers, as the proposal page shows it (`proposal` read through
    `with_need_context`)."""
    need = proposal.need
    return {
        "need": need,
        "area_name": localized_area_name(need.area) or need.area,
        "groups": proposal.need_group_names,  # type: ignore[attr-defined]
        "endorsements": proposal.need_endorser_names,  # type: ignore[attr-defined]
        "consultations": [
            Consulted(datetime.date.fromisoformat(entry["held_on"]), entry["summary"])
            for entry in proposal.need_consultations  # type: ignore[attr-defined]
        ],
        "sdg_targets": SdgTarget.with_goal_titles(need.sdg_targets.all()),
    }


def share(value: Decimal | float) -> int:
    return round(float(value) * 100)
