"""A partnership's page: partners file progress reports, coordinators approve or return them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from matching.models import Partnership, ProgressReport
from matching.selectors import indicator_progress
from matching.services import comments, reports
from registry.errors import Conflict
from registry.models import Membership
from registry.models.visibility import is_coordinator, member_organization_ids
from web.forms import CommentForm, ReportForm, ReturnReportForm
from web.offer_forms import service_errors


def _is_insider(user, partnership: Partnership) -> bool:
    """Coordinators and members of the partner organizations see every report."""
    if is_coordinator(user):
        return True
    partners = {partner.organization_id for partner in partnership.partners.all()}
    return bool(partners & set(member_organization_ids(user)))


def _can_report(user, partnership: Partnership) -> bool:
    if not user.is_authenticated:
        return False
    partners = {partner.organization_id for partner in partnership.partners.all()}
    writable = Membership.objects.filter(
        user=user, role__in=Membership.WRITERS, organization__in=partners
    )
    return partnership.status == Partnership.Status.ACTIVE and writable.exists()


def _render(request, partnership: Partnership, status: int = 200, **forms):
    insider = _is_insider(request.user, partnership)
    rows = partnership.reports.select_related("organization", "reported_by")
    if not insider:
        rows = rows.filter(status=ProgressReport.Status.APPROVED)
    returned = forms.get("return_form")
    commented = forms.get("comment_form")
    entries = []
    can_comment: bool | None = None
    for report in rows.order_by("-period_end", "-id"):
        report.partnership = partnership
        if can_comment is None:  # who may comment depends on the partnership, not the report
            can_comment = comments.may_comment(request.user, report=report)
        entries.append(
            {
                "report": report,
                "return_form": returned
                if returned is not None and forms.get("return_for") == report.pk
                else ReturnReportForm(prefix=f"report-{report.pk}"),
                "can_comment": can_comment,
                "comments": list(comments.comments_on(report=report)) if can_comment else [],
                "comment_form": commented
                if commented is not None and forms.get("comment_for") == report.pk
                else CommentForm(prefix=f"comment-{report.pk}"),
            }
        )
    context = {
        "partnership": partnership,
        "need": partnership.need,
        "partners": partnership.partners.all(),
        "entries": entries,
        "can_report": _can_report(request.user, partnership),
        "can_review": is_coordinator(request.user),
        "report_form": forms.get("report_form") or ReportForm(need=partnership.need),
        "progress": indicator_progress(partnership.need),
        "gap_closed": partnership.need.gap_closed,
        "return_form": returned,
        "comment_form": commented,
    }
    return render(request, "web/partnerships/detail.html", context, status=status)


def _partnership(partnership_id: int) -> Partnership:
    queryset = Partnership.objects.select_related("need", "need__organization").prefetch_related(
        "partners__organization"
    )
    return get_object_or_404(queryset, pk=partnership_id)


@require_safe
def detail(request, partnership_id: int):
    """Public: the partnership and its approved reports; insiders see every report."""
    return _render(request, _partnership(partnership_id))


def _refused(request, partnership, error, status: int, **forms):
    if isinstance(error, Conflict):
        messages.error(request, error.detail)
    else:
        messages.error(request, " ".join(error.messages))
    return _render(request, partnership, status=status, **forms)


@require_POST
@login_required
def file_report(request, partnership_id: int):
    partnership = _partnership(partnership_id)
    form = ReportForm(request.POST, need=partnership.need)
    if not form.is_valid():
        return _render(request, partnership, status=400, report_form=form)
    try:
        reports.file_report(
            actor=request.user, partnership=partnership, data=form.report_data(), submit=True
        )
    except Conflict as error:
        return _refused(request, partnership, error, 409, report_form=form)
    except ValidationError as error:
        form.add_service_errors(error)
        return _render(request, partnership, status=400, report_form=form)
    messages.success(request, _("Your report is submitted for review."))
    return redirect("web:partnership", partnership_id=partnership.pk)


def _report(partnership: Partnership, report_id: int) -> ProgressReport:
    return get_object_or_404(ProgressReport, pk=report_id, partnership=partnership)


@require_POST
@login_required
def approve_report(request, partnership_id: int, report_id: int):
    partnership = _partnership(partnership_id)
    report = _report(partnership, report_id)
    try:
        reports.review_report(actor=request.user, report=report, approve=True)
    except Conflict as error:
        return _refused(request, partnership, error, 409)
    messages.success(request, _("The report is approved."))
    return redirect("web:partnership", partnership_id=partnership.pk)


@require_POST
@login_required
def return_report(request, partnership_id: int, report_id: int):
    partnership = _partnership(partnership_id)
    report = _report(partnership, report_id)
    form = ReturnReportForm(request.POST, prefix=f"report-{report.pk}")
    if not form.is_valid():
        return _render(request, partnership, 400, return_form=form, return_for=report.pk)
    try:
        reports.review_report(
            actor=request.user, report=report, approve=False, comment=form.cleaned_data["comment"]
        )
    except Conflict as error:
        return _refused(request, partnership, error, 409)
    messages.success(request, _("The report is returned to its partner."))
    return redirect("web:partnership", partnership_id=partnership.pk)


@require_POST
@login_required
def comment_on_report(request, partnership_id: int, report_id: int):
    """Comment on a progress report (the comment service says who may)."""
    partnership = _partnership(partnership_id)
    report = _report(partnership, report_id)
    report.partnership = partnership
    if not comments.may_comment(request.user, report=report):
        raise Http404
    form = CommentForm(request.POST, prefix=f"comment-{report.pk}")
    if not form.is_valid():
        return _render(request, partnership, 400, comment_form=form, comment_for=report.pk)
    try:
        comments.add_comment(actor=request.user, report=report, body=form.cleaned_data["body"])
    except ValidationError as error:
        service_errors(form, error)
        return _render(request, partnership, 400, comment_form=form, comment_for=report.pk)
    messages.success(request, _("Your comment is added."))
    return redirect("web:partnership", partnership_id=partnership.pk)
