"""The events the workflow records for the people who must act or know: each called once, from
the service that makes the change, inside its transaction."""

from __future__ import annotations

from matching.models import Partnership, ProgressReport, Proposal
from notifications.models import Kind
from notifications.services.events import record_event
from registry.models import Need
from registry.services.recipients import coordinators, writers_of


def _proposal_link(proposal: Proposal) -> str:
    return f"/api/v1/proposals/{proposal.pk}/"


def _partners(proposal: Proposal) -> set[int]:
    return set(proposal.lines.values_list("organization_id", flat=True))


def proposal_accepted(*, proposal: Proposal, need: Need) -> None:
    """Partners have an acceptance to confirm; the need's organization a coalition to consent to."""
    link = _proposal_link(proposal)
    record_event(
        kind=Kind.ACCEPTANCE_TO_CONFIRM,
        subject=proposal,
        link=link,
        recipients=writers_of(_partners(proposal) - {need.organization_id}),
    )
    record_event(
        kind=Kind.COALITION_TO_CONSENT,
        subject=proposal,
        link=link,
        recipients=writers_of([need.organization_id]),
    )


def lines_declined(*, proposal: Proposal, need: Need) -> None:
    """The coordinator who accepted and the need's organization hear of a partner's decline."""
    deciders = [proposal.decided_by_id] if proposal.decided_by_id else []
    record_event(
        kind=Kind.LINE_DECLINED,
        subject=proposal,
        link=_proposal_link(proposal),
        recipients=[*deciders, *writers_of([need.organization_id])],
    )


def partnership_formed(*, partnership: Partnership) -> None:
    """Every partner, the need's organization among them, hears the partnership is formed."""
    partners = partnership.partners.values_list("organization_id", flat=True)
    record_event(
        kind=Kind.PARTNERSHIP_FORMED,
        subject=partnership,
        link=f"/api/v1/partnerships/{partnership.pk}/",
        recipients=writers_of(partners),
    )


def report_changed(*, report: ProgressReport) -> None:
    """A submitted report waits for the coordinators; an approved or returned one is news for
    the reporting organization."""
    kinds = {
        ProgressReport.Status.SUBMITTED: Kind.REPORT_SUBMITTED,
        ProgressReport.Status.APPROVED: Kind.REPORT_APPROVED,
        ProgressReport.Status.RETURNED: Kind.REPORT_RETURNED,
    }
    if report.status == ProgressReport.Status.SUBMITTED:
        recipients = coordinators()
    else:
        recipients = writers_of([report.organization_id])
    record_event(
        kind=kinds[report.status],
        subject=report,
        link=f"/api/v1/partnerships/{report.partnership_id}/reports/",
        recipients=recipients,
    )
