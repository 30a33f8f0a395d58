"""What the schedule reminds people of: answers due before `respond_by` (three days and one day
before), progress reports due and overdue, and proposals that wait for review too long."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from matching.models import Partnership, Proposal, ProposalLine
from notifications.models import Kind
from notifications.services.nudges import record_nudge
from registry.services.recipients import coordinators, writers_of

# Days before `respond_by` at which the people who still owe an answer are reminded.
RESPONSE_REMINDER_DAYS = (3, 1)


def _remind_answers(now: datetime.datetime) -> int:
    horizon = now + datetime.timedelta(days=max(RESPONSE_REMINDER_DAYS))
    due = Proposal.objects.filter(
        status=Proposal.Status.ACCEPTED, respond_by__gt=now, respond_by__lte=horizon
    ).select_related("need")
    sent = 0
    for proposal in due.order_by("pk"):
        # respond_by is filtered on above, never None; the model field is nullable
        left = proposal.respond_by - now  # type: ignore[operator]
        # The nearest reminder whose day has come: at 20 hours left, the one-day one only.
        days = min(day for day in RESPONSE_REMINDER_DAYS if left <= datetime.timedelta(days=day))
        owing = set(
            proposal.lines.filter(confirmation=ProposalLine.Confirmation.PENDING).values_list(
                "organization_id", flat=True
            )
        )
        if proposal.owner_consent == Proposal.Consent.PENDING:
            owing.add(proposal.need.organization_id)
        event = record_nudge(
            kind=Kind.RESPONSE_DUE,
            key=f"respond_by:{days}d:proposal:{proposal.pk}:{proposal.respond_by.isoformat()}",  # type: ignore[union-attr]
            subject=proposal,
            link=f"/api/v1/proposals/{proposal.pk}/",
            recipients=writers_of(owing),
            organizations=owing,
        )
        sent += event is not None
    return sent


def _remind_reports(today: datetime.date) -> int:
    horizon = today + datetime.timedelta(days=settings.REPORT_DUE_REMINDER_DAYS)
    active = Partnership.objects.filter(
        status=Partnership.Status.ACTIVE, next_report_due__lte=horizon
    )
    sent = 0
    for partnership in active.order_by("pk"):
        partners = list(partnership.partners.values_list("organization_id", flat=True))
        overdue = partnership.next_report_due < today
        recipients = writers_of(partners)
        if overdue:
            recipients += coordinators()
        occasion = "report_overdue" if overdue else "report_due"
        event = record_nudge(
            kind=Kind.REPORT_OVERDUE if overdue else Kind.REPORT_DUE,
            key=f"{occasion}:partnership:{partnership.pk}:{partnership.next_report_due}",
            subject=partnership,
            link=f"/api/v1/partnerships/{partnership.pk}/reports/",
            recipients=recipients,
            organizations=partners,
        )
        sent += event is not None
    return sent


def _remind_reviews(now: datetime.datetime) -> int:
    waited = now - datetime.timedelta(hours=settings.PROPOSAL_REVIEW_REMINDER_HOURS)
    waiting = Proposal.objects.filter(status=Proposal.Status.PROPOSED, created_at__lte=waited)
    reviewers = coordinators()
    sent = 0
    for proposal in waiting.order_by("pk").only("pk"):
        event = record_nudge(
            kind=Kind.REVIEW_WAITING,
            key=f"review:proposal:{proposal.pk}",
            subject=proposal,
            link=f"/api/v1/proposals/{proposal.pk}/",
            recipients=reviewers,
        )
        sent += event is not None
    return sent


def send_nudges(*, now: datetime.datetime | None = None) -> int:
    """Record every reminder that is due and not yet given; answer how many events it took."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return _remind_answers(now) + _remind_reports(today) + _remind_reviews(now)
