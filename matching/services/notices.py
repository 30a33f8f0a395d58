"""The events the workflow records for the people who must act or know: each called once, from
the service that makes the change, inside its transaction."""

from __future__ import annotations

from matching.models import Comment, MatchRun, Partnership, ProgressReport, Proposal
from notifications.models import Kind
from notifications.services.events import record_event
from registry.actors import Actor
from registry.models import Need
from registry.services.recipients import coordinators, writers_of


def _proposal_link(proposal: Proposal) -> str:
    return f"/api/v1/proposals/{proposal.pk}/"


def _partners(proposal: Proposal) -> set[int]:
    return set(proposal.lines.values_list("organization_id", flat=True))


def _decider(proposal: Proposal) -> list[int]:
    return [proposal.decided_by_id] if proposal.decided_by_id else []


def proposals_to_review(*, run: MatchRun, created: int) -> None:
    """A run that proposed something new gives the coordinators proposals to review: one event
    per run, not one per proposal, so that a large run does not flood their inboxes."""
    if not created:
        return
    record_event(
        kind=Kind.PROPOSALS_TO_REVIEW,
        subject=run,
        link=f"/api/v1/proposals/?run={run.pk}&status=proposed",
        recipients=coordinators(),
    )


def proposal_accepted(*, proposal: Proposal, need: Need) -> None:
    """Partners have an acceptance to confirm; the need's organization a coalition to consent to."""
    link = _proposal_link(proposal)
    partners = _partners(proposal) - {need.organization_id}
    record_event(
        kind=Kind.ACCEPTANCE_TO_CONFIRM,
        subject=proposal,
        link=link,
        recipients=writers_of(partners),
        organizations=partners,
    )
    record_event(
        kind=Kind.COALITION_TO_CONSENT,
        subject=proposal,
        link=link,
        recipients=writers_of([need.organization_id]),
        organizations=[need.organization_id],
    )


def confirmation_received(*, proposal: Proposal, need: Need, actor: Actor) -> None:
    """The coordinator who accepted and the need's organization hear of a confirmation (or the
    need's organization's consent); the person who gave it is not told of their own answer."""
    recipients = {*_decider(proposal), *writers_of([need.organization_id])} - {actor.pk}
    record_event(
        kind=Kind.CONFIRMATION_RECEIVED,
        subject=proposal,
        link=_proposal_link(proposal),
        recipients=recipients,
        organizations=[*_partners(proposal), need.organization_id],
    )


def lines_declined(*, proposal: Proposal, need: Need) -> None:
    """The coordinator who accepted and the need's organization hear of a partner's decline."""
    record_event(
        kind=Kind.LINE_DECLINED,
        subject=proposal,
        link=_proposal_link(proposal),
        recipients=[*_decider(proposal), *writers_of([need.organization_id])],
        organizations=[*_partners(proposal), need.organization_id],
    )


def proposal_expired(*, proposal: Proposal, need: Need) -> None:
    """Past `respond_by`: every partner, the need's organization and the accepting coordinator
    hear that what was unanswered is released."""
    organizations = {*_partners(proposal), need.organization_id}
    record_event(
        kind=Kind.PROPOSAL_EXPIRED,
        subject=proposal,
        link=_proposal_link(proposal),
        recipients=[*_decider(proposal), *writers_of(organizations)],
        organizations=organizations,
    )


def acceptance_revoked(*, proposal: Proposal, need: Need) -> None:
    """The partners and the need's organization no longer have anything to answer."""
    organizations = {*_partners(proposal), need.organization_id}
    record_event(
        kind=Kind.ACCEPTANCE_REVOKED,
        subject=proposal,
        link=_proposal_link(proposal),
        recipients=writers_of(organizations),
        organizations=organizations,
    )


def partnership_formed(*, partnership: Partnership) -> None:
    """Every partner, the need's organization among them, hears the partnership is formed."""
    partners = list(partnership.partners.values_list("organization_id", flat=True))
    record_event(
        kind=Kind.PARTNERSHIP_FORMED,
        subject=partnership,
        link=f"/api/v1/partnerships/{partnership.pk}/",
        recipients=writers_of(partners),
        organizations=partners,
    )


def report_changed(*, report: ProgressReport) -> None:
    """A submitted report waits for the coordinators; an approved or returned one is news for
    the reporting organization."""
    kinds: dict[str, Kind] = {
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
        organizations=[report.organization_id],
    )


def need_met(*, need: Need) -> None:
    """The need's organization hears that partners committed all it asked for."""
    record_event(
        kind=Kind.NEED_MET,
        subject=need,
        link=f"/api/v1/needs/{need.pk}/",
        recipients=writers_of([need.organization_id]),
        organizations=[need.organization_id],
    )


def comment_posted(*, comment: Comment, organizations: set[int]) -> None:
    """The other participants hear of a comment: the writers of the organizations it concerns
    (`organizations`), and the coordinators who have the object in hand — all of them while a
    proposal waits for review or a report for approval, else the one who decided the proposal.
    The author is not told of their own comment."""
    recipients = set(writers_of(organizations))
    subject: Proposal | ProgressReport
    if comment.proposal_id is not None:
        # As it is now, not as the caller's copy last saw it.
        proposal = Proposal.objects.only("status", "decided_by_id").get(pk=comment.proposal_id)
        subject = proposal
        link = _proposal_link(proposal)
        if proposal.status == Proposal.Status.PROPOSED:
            recipients.update(coordinators())
        else:
            recipients.update(_decider(proposal))
    else:
        # A comment is on a proposal or on a report, never neither (a check constraint).
        assert comment.report_id is not None
        report = ProgressReport.objects.only("status", "reviewed_by_id", "partnership_id").get(
            pk=comment.report_id
        )
        subject = report
        link = f"/api/v1/partnerships/{report.partnership_id}/reports/"
        if report.status == ProgressReport.Status.SUBMITTED:
            recipients.update(coordinators())
        elif report.reviewed_by_id:
            recipients.add(report.reviewed_by_id)
    recipients.discard(comment.author_id)
    record_event(
        kind=Kind.COMMENT_POSTED,
        subject=subject,
        link=link,
        recipients=recipients,
        organizations=organizations,
    )
