"""Progress reports on partnerships, and the freshness flag when they are overdue."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Partner, Partnership, ProgressReport
from matching.services import notices
from matching.services.history import record, record_many, transition
from matching.services.release import withdraw_proposals_of_need
from matching.services.report_checks import check_report
from registry.actors import Actor
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Membership, Need
from registry.services.permissions import ensure_coordinator

REPORT_FIELDS = ("period_end", "indicator_value", "disaggregation", "narrative")


def _partner_organizations(actor: User, partnership: Partnership) -> list[int]:
    """The partner organizations of `partnership` that `actor` writes for."""
    writable = set(
        Membership.objects.filter(user=actor, role__in=Membership.WRITERS).values_list(
            "organization_id", flat=True
        )
    )
    partners = set(
        Partner.objects.filter(partnership=partnership).values_list("organization_id", flat=True)
    )
    return sorted(writable & partners)


def _partner_organization(
    actor: User, partnership: Partnership, organization_id: int | None
) -> int:
    mine = _partner_organizations(actor, partnership)
    if not mine:
        raise PermissionDenied(
            _("Only admins and editors of partner organizations report progress.")
        )
    if organization_id is None:
        return mine[0]
    if organization_id not in mine:
        raise ValidationError(
            {"organization": [_("You do not report for this organization in this partnership.")]}
        )
    return organization_id


@transaction.atomic
def file_report(
    *, actor: User, partnership: Partnership, data: dict[str, Any], submit: bool
) -> ProgressReport:
    """A partner files a progress report, as a draft or submitted for review."""
    organization_id = _partner_organization(actor, partnership, data.get("organization"))
    if partnership.status != Partnership.Status.ACTIVE:
        raise Conflict(_("Reports are filed on active partnerships."), code="not_active")
    check_report(partnership, data)
    report = ProgressReport.objects.create(
        partnership=partnership,
        organization_id=organization_id,
        reported_by=actor,
        status=ProgressReport.Status.SUBMITTED if submit else ProgressReport.Status.DRAFT,
        submitted_at=timezone.now() if submit else None,
        **{field: data[field] for field in REPORT_FIELDS if field in data},
    )
    record(report, report.status, actor=actor, reason="filed")
    if submit:
        notices.report_changed(report=report)
    return report


@transaction.atomic
def submit_report(*, actor: User, report: ProgressReport) -> ProgressReport:
    """Submit a draft or returned report for review."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.organization_id not in _partner_organizations(actor, report.partnership):
        # Another partner's report: the caller may not act on it, whatever it sends.
        raise PermissionDenied(_("Only the reporting organization's admins and editors submit it."))
    if report.status == ProgressReport.Status.SUBMITTED:
        return report
    if report.status not in (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED):
        raise Conflict(
            _("A %(status)s report cannot be submitted.") % {"status": report.status},
            code="not_draft",
        )
    previous, report.status, report.submitted_at = (
        report.status,
        ProgressReport.Status.SUBMITTED,
        timezone.now(),
    )
    report.save(update_fields=["status", "submitted_at"])
    record(report, report.status, from_state=previous, actor=actor, reason="submitted")
    notices.report_changed(report=report)
    return report


@transaction.atomic
def review_report(
    *, actor: User, report: ProgressReport, approve: bool, comment: str = ""
) -> ProgressReport:
    """A coordinator approves a submitted report (the partnership is fresh again, the need's
    current indicator value follows it) or returns it; never on their own partnership."""
    ensure_coordinator(actor)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _ensure_impartial_reviewer(actor, report)
    target = ProgressReport.Status.APPROVED if approve else ProgressReport.Status.RETURNED
    if report.status == target:
        return report
    if report.status != ProgressReport.Status.SUBMITTED:
        raise Conflict(
            _("A %(status)s report cannot be reviewed.") % {"status": report.status},
            code="not_submitted",
        )
    if not approve and not comment.strip():
        raise ValidationError({"comment": [_("Say what to change when returning a report.")]})
    report.status, report.review_comment = target, comment.strip()
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    report.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    record(report, target, from_state=ProgressReport.Status.SUBMITTED, actor=actor, reason=comment)
    notices.report_changed(report=report)
    if approve:
        partnership = Partnership.objects.select_for_update().get(pk=report.partnership_id)
        # One period after the latest period reported, never further: approving several reports
        # on the same period does not push the due date on.
        partnership.next_report_due = max(
            partnership.next_report_due,
            report.period_end + datetime.timedelta(days=partnership.report_every_days),
        )
        partnership.report_overdue = False
        partnership.save(update_fields=["next_report_due", "report_overdue"])
        record_current_value(report=report, actor=actor)
    return report


def _ensure_impartial_reviewer(actor: User, report: ProgressReport) -> None:
    """No coordinator reviews a report of a partnership their own organization is part of."""
    involved = set(
        Partner.objects.filter(partnership_id=report.partnership_id).values_list(
            "organization_id", flat=True
        )
    )
    involved.add(report.organization_id)
    own = sorted(
        Membership.objects.filter(user=actor, organization_id__in=involved).values_list(
            "organization__name", flat=True
        )
    )
    if own:
        raise PermissionDenied(
            _(
                "Conflict of interest: you are a member of %(names)s, a partner in this "
                "partnership; another coordinator must review its reports."
            )
            % {"names": ", ".join(own)}
        )


def record_current_value(*, report: ProgressReport, actor: Actor) -> None:
    """The need's current indicator value follows its latest approved report; reaching the
    target closes the need as met (its live proposals are withdrawn)."""
    need = Need.objects.select_for_update().get(pk=report.partnership.need_id)
    if need.indicator_current_date and need.indicator_current_date > report.period_end:
        return  # an older period approved late does not overwrite a newer value
    need.indicator_current = report.indicator_value
    need.indicator_current_disaggregation = report.disaggregation or {}
    need.indicator_current_date = report.period_end
    need.save(
        update_fields=[
            "indicator_current",
            "indicator_current_disaggregation",
            "indicator_current_date",
            "updated_at",
        ]
    )
    if need.target_reached and need.status in Need.MATCHABLE_STATUSES:
        cause = f"indicator target reached (report {report.pk})"
        withdraw_proposals_of_need(need_id=need.pk, actor=actor, cause=cause)
        transition(
            need, Need.Status.MET, actor=actor, reason=cause, also={"updated_at": timezone.now()}
        )


@transaction.atomic
def flag_overdue_reports(*, today: datetime.date | None = None) -> int:
    """Flag active partnerships whose report is due and not submitted; clear the flag otherwise."""
    today = today or timezone.localdate()
    pending = ProgressReport.objects.filter(
        partnership=OuterRef("pk"), status=ProgressReport.Status.SUBMITTED
    )
    overdue = Partnership.objects.filter(
        status=Partnership.Status.ACTIVE, next_report_due__lt=today, report_overdue=False
    ).exclude(Exists(pending))
    ids = list(overdue.values_list("pk", flat=True))
    Partnership.objects.filter(pk__in=ids).update(report_overdue=True)
    record_many(
        "partnership", ids, "fresh", "report_overdue", reason=f"no report by the due date ({today})"
    )
    return len(ids)
