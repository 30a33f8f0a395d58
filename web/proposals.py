"""Reads the review pages show: the queue's rows and a proposal in context."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Proposal, ProposalLine, StateChange
from registry.area_codes import GLOBAL
from registry.areas import localized_area_name
from registry.models import SdgTarget
from registry.user_content import Shown, shown

TERM_LABELS = {
    "focus": _("Focus areas shared"),
    "groups": _("Vulnerable groups shared"),
    "geography": _("Geographic precision"),
    "verified": _("Organization verified"),
    "track_record": _("Track record"),
    "text": _("Similar descriptions"),
}


def filtered_queue(proposals: QuerySet[Proposal], filters: dict) -> QuerySet[Proposal]:
    """The review queue: oldest waiting first, narrowed by the filter form's cleaned values."""
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
    partners = (
        ProposalLine.objects.select_related("organization")
        .only(
            "proposal_id",
            "organization__name",
            "organization__language",
            "organization__i18n",
            "organization__verified_at",
        )
        .order_by("pk")
    )
    return (
        proposals.select_related("need", "need__organization")
        # Neither the explanation nor the need's search vector is shown in the queue.
        .defer("explanation", "need__search", "need__description")
        .prefetch_related(Prefetch("lines", queryset=partners))
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Partner:
    name: Shown
    verified: bool


def partners_of(proposal: Proposal) -> list[Partner]:
    """The proposal's organizations by name, once each, in line order."""
    seen: dict[int, Partner] = {}
    for line in proposal.lines.all():
        organization = line.organization
        seen.setdefault(
            organization.pk,
            Partner(shown(organization, "name"), organization.verified_at is not None),
        )
    return list(seen.values())


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


def proposal_lines(proposal: Proposal) -> list[ProposalLine]:
    return list(
        proposal.lines.select_related("organization", "offer", "need_item", "need_item__category")
        # The offers' search vectors and long descriptions are not shown.
        .defer("offer__search", "offer__description", "organization__description")
        .order_by("pk")
    )


def competing(proposal: Proposal, lines: list[ProposalLine]) -> tuple[list[Proposal], int]:
    """Other live proposals that would draw on the same offers: the oldest few, and how many."""
    offers = {line.offer_id for line in lines}
    rivals = (
        Proposal.objects.filter(
            status__in=Proposal.LIVE_STATUSES,
            pk__in=ProposalLine.objects.filter(offer_id__in=offers).values("proposal_id"),
        )
        .exclude(pk=proposal.pk)
        .select_related("need")
        .only("status", "created_at", "need__title")
        .order_by("created_at", "id")
    )
    shown = list(rivals[:COMPETING_SHOWN])
    return shown, len(shown) if len(shown) < COMPETING_SHOWN else rivals.count()


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


def need_context(proposal: Proposal) -> dict[str, object]:
    """The need the proposal answers, as the proposal page shows it."""
    need = proposal.need
    return {
        "need": need,
        "area_name": localized_area_name(need.area) or need.area,
        "groups": list(need.vulnerable_groups.order_by("name_i18n")),
        "focus_areas": list(need.focus_areas.order_by("name_i18n")),
        "items": list(need.items.select_related("category").order_by("pk")),
        "endorsements": list(need.endorsements.select_related("organization").order_by("pk")),
        "consultations": list(need.consultations.order_by("held_on")),
        "sdg_targets": SdgTarget.with_goal_titles(need.sdg_targets.all()),
    }


def share(value: Decimal | float) -> int:
    return round(float(value) * 100)
