"""What each export reads, with everything the writers use prefetched. Which rows a caller may
see is the caller's business (the API scopes each list); these narrow and prefetch."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from matching.models import Partnership, ProgressReport, Proposal
from registry.models import Need, Offer, Organization

NEED_RELATIONS = [
    "need__focus_areas",
    "need__vulnerable_groups",
    "need__sdg_targets",
]
LINE_RELATIONS = [
    "lines__organization",
    "lines__need_item__category",
    "lines__commitment__need_item__category",
]


@dataclass(frozen=True)
class ActivityFilter:
    """The IATI activity export's filters; None means not filtered."""

    partnership: Partnership | None = None
    organization: Organization | None = None
    area: str | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None


def activity_partnerships(*, selection: ActivityFilter) -> QuerySet[Partnership]:
    """Partnerships (public) matching the filters, prefetched for the activity writer."""
    queryset = Partnership.objects.all()
    if selection.partnership is not None:
        queryset = queryset.filter(pk=selection.partnership.pk)
    if selection.organization is not None:
        queryset = queryset.filter(partners__organization=selection.organization).distinct()
    if selection.area is not None:
        queryset = queryset.filter(need__in=Need.objects.within(selection.area))
    if selection.period_start is not None:
        queryset = queryset.exclude(closed_at__date__lt=selection.period_start)
    if selection.period_end is not None:
        queryset = queryset.filter(formed_at__date__lte=selection.period_end)
    approved = ProgressReport.objects.filter(status=ProgressReport.Status.APPROVED)
    return (
        queryset.select_related("need__organization", "proposal")
        .prefetch_related(
            *NEED_RELATIONS,
            "partners__organization",
            *(f"proposal__{relation}" for relation in LINE_RELATIONS),
            Prefetch("reports", queryset=approved, to_attr="approved_reports"),
        )
        .order_by("pk")
    )


def activity_proposals(
    *, queryset: QuerySet[Proposal], selection: ActivityFilter
) -> QuerySet[Proposal]:
    """The accepted proposals of `queryset` (those the caller may see) matching the filters,
    prefetched for the writer."""
    if selection.partnership is not None:
        return Proposal.objects.none()
    queryset = queryset.filter(status=Proposal.Status.ACCEPTED)
    if selection.organization is not None:
        involving = Proposal.objects.filter(
            Q(need__organization=selection.organization)
            | Q(lines__organization=selection.organization)
        )
        queryset = queryset.filter(pk__in=involving.values("pk"))
    if selection.area is not None:
        queryset = queryset.filter(need__in=Need.objects.within(selection.area))
    if selection.period_start is not None:
        queryset = queryset.exclude(need__deadline__lt=selection.period_start)
    if selection.period_end is not None:
        queryset = queryset.filter(decided_at__date__lte=selection.period_end)
    return (
        queryset.select_related("need__organization")
        .prefetch_related(*NEED_RELATIONS, *LINE_RELATIONS)
        .order_by("pk")
    )


def offers_for_export(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    """Offers with their organization, category and taxonomies read in a fixed number of queries."""
    return queryset.select_related("organization", "category").prefetch_related(
        "focus_areas", "vulnerable_groups"
    )


def needs_for_export(queryset: QuerySet[Need]) -> QuerySet[Need]:
    """Needs with their organization, taxonomies and items read in a fixed number of queries."""
    return queryset.select_related("organization").prefetch_related(
        "focus_areas", "vulnerable_groups", "items__category"
    )


def partnerships_for_export(queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Partnerships with their need, partners and commitments read in a fixed number of queries."""
    return queryset.select_related("need", "proposal").prefetch_related(
        "need__focus_areas",
        "partners__organization",
        *(f"proposal__{relation}" for relation in LINE_RELATIONS),
    )


def organizations_with_visible_offers(
    queryset: QuerySet[Organization], *, user
) -> QuerySet[Organization]:
    """Organizations with the offers the caller may see as `visible_offers` (HSDS services)."""
    offers = offers_for_export(Offer.objects.visible_to(user).order_by("-created_at", "-id"))
    return queryset.prefetch_related(Prefetch("offers", queryset=offers, to_attr="visible_offers"))
