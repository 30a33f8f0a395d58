"""Partnerships made the way users make them: a matching run, acceptance, every partner's
confirmation, and approved progress reports."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

from django.utils import timezone

from matching.models import MatchRun, Partnership, Proposal
from matching.services import reports, review, run_execution, runs
from registry.errors import Conflict, PermissionDenied
from registry.models import Membership


def writer_of(organization_id: int):
    membership = (
        Membership.objects.filter(organization_id=organization_id, role__in=Membership.WRITERS)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user


def form_partnerships(*, coordinator, leave_in_pipeline: int = 3) -> list[Proposal]:
    """Run matching, accept every proposal that still fits, and have every partner confirm all
    but each `leave_in_pipeline`-th accepted one (those stay accepted: pipeline activities)."""
    run = run_execution.execute_match_run(run_id=runs.request_match_run(trigger="manual").pk)
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    accepted = []
    for proposal in Proposal.objects.filter(run=run).order_by("pk"):
        try:
            review.accept_proposal(actor=coordinator, proposal_id=proposal.pk)
        except Conflict:
            continue
        accepted.append(proposal)
    for position, proposal in enumerate(accepted, start=1):
        if position % leave_in_pipeline == 0:
            continue
        organizations = sorted(set(proposal.lines.values_list("organization_id", flat=True)))
        for organization_id in organizations:
            review.confirm_lines(actor=writer_of(organization_id), proposal_id=proposal.pk)
        # The need's own organization consents, where the workflow asks it to.
        with contextlib.suppress(Conflict, PermissionDenied):
            review.confirm_lines(
                actor=writer_of(proposal.need.organization_id), proposal_id=proposal.pk
            )
    return accepted


def approve_reports(*, coordinator, partnership: Partnership, values: list[str]) -> None:
    """A partner files one report a quarter with a value disaggregated by sex; all approved."""
    partner = partnership.partners.order_by("pk").first()
    # Reports cover past periods after the formation: the partnership formed a quarter per report ago.
    formed_at = timezone.now() - datetime.timedelta(days=91 * len(values) + 1)
    Partnership.objects.filter(pk=partnership.pk).update(formed_at=formed_at)
    partnership.refresh_from_db()
    start = timezone.localdate(formed_at)
    by_sex = "sex" in (partnership.need.indicator_disaggregation or {})
    for quarter, value in enumerate(values, start=1):
        report = reports.file_report(
            actor=writer_of(partner.organization_id),
            partnership=partnership,
            data={
                "period_end": start + datetime.timedelta(days=91 * quarter),
                "indicator_value": Decimal(value),
                "disaggregation": {"sex": {"female": value, "male": value}} if by_sex else {},
                "narrative": f"Quarter {quarter}.",
                "organization": partner.organization_id,
            },
            submit=True,
        )
        reports.review_report(actor=coordinator, report=report, approve=True)
