"""The coordinator's review queue and the proposal page, where partners also confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from matching import explanations
from matching.models import Proposal, ProposalLine
from matching.services import comments, review
from registry.errors import Conflict
from registry.models import Membership
from registry.models.visibility import is_coordinator
from web import proposals as reads
from web.access import coordinator_required, may_open_proposal, visible_proposals
from web.forms import CommentForm, QueueFilterForm, ReasonForm, RespondByForm
from web.paging import page_of


@require_safe
@coordinator_required
def queue(request):
    """Proposals to decide, oldest waiting first; filter by area, category, status, text."""
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Proposal.Status.PROPOSED
    form = QueueFilterForm(data)
    if not form.is_valid():
        return render(request, "web/review/queue.html", {"form": form}, status=400)
    rows = reads.filtered_queue(Proposal.objects.all(), form.cleaned_data)
    page, query = page_of(request, rows)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "entries": reads.queue_rows(list(page.object_list)),
    }
    return render(request, "web/review/queue.html", context)


def _override_form(data=None) -> ReasonForm:
    return ReasonForm(
        data,
        required=False,
        prefix="override",
        label=_("Why accept partners that are not yet verified"),
        help_text=_("Needed when a partner is not verified; recorded in the history."),
    )


def _revoke_form(data=None) -> ReasonForm:
    return ReasonForm(
        data,
        prefix="revoke",
        label=_("Why revoke the acceptance"),
        help_text=_("The reservations are released and the need is matched again."),
        required_message=_("Say why the acceptance is revoked."),
    )


def _writes_for(user, organization_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organization_id=organization_id, role__in=Membership.WRITERS
    ).exists()


def _render_proposal(request, proposal: Proposal, status: int = 200, **forms):
    lines = reads.proposal_lines(proposal, request.user)
    own = [line for line in lines if line.writable]
    unverified = sorted(
        {line.organization.name for line in lines if not line.organization.verified_at}
    )
    coordinator = is_coordinator(request.user)
    competing, competing_count = reads.competing(proposal, lines)
    # The engine's sentences in the reader's language, from the facts stored beside them.
    explanation = explanations.localized(proposal.explanation)
    texts = explanations.line_texts(explanation)
    for line in lines:
        key = (line.offer_id, line.need_item_id)
        line.explanation_text = texts.get(key, line.explanation)
    context = {
        "proposal": proposal,
        "lines": lines,
        "terms": reads.score_terms(lines),
        "coverage": reads.share(proposal.coverage),
        "uncovered": explanation.get("uncovered", []),
        "summary": explanation.get("summary", ""),
        "competing": competing,
        "competing_count": competing_count,
        "history": reads.history(proposal, lines),
        "can_decide": coordinator and proposal.status == Proposal.Status.PROPOSED,
        "can_confirm": proposal.status == Proposal.Status.ACCEPTED
        and any(line.confirmation == ProposalLine.Confirmation.PENDING for line in own),
        "own_line_ids": {line.pk for line in own},
        "unverified_partners": unverified,
        "override_form": forms.get("override_form") or _override_form(),
        "respond_by_form": forms.get("respond_by_form") or RespondByForm(),
        "can_revoke": coordinator and proposal.status == Proposal.Status.ACCEPTED,
        "revoke_form": forms.get("revoke_form") or _revoke_form(),
        # The need's own organization consents to the coalition before a partnership forms.
        "can_consent": proposal.status == Proposal.Status.ACCEPTED
        and proposal.owner_consent == Proposal.Consent.PENDING
        and _writes_for(request.user, proposal.need.organization_id),
        "reject_form": forms.get("reject_form") or ReasonForm(),
        "decline_form": forms.get("decline_form")
        or ReasonForm(required=False, label=_("Reason (optional)")),
        "can_comment": (can_comment := comments.may_comment(request.user, proposal=proposal)),
        "comments": list(comments.comments_on(proposal=proposal)) if can_comment else [],
        "comment_form": forms.get("comment_form") or CommentForm(prefix="comment"),
        **reads.need_context(proposal),
    }
    return render(request, "web/review/proposal.html", context, status=status)


def _read(proposals) -> QuerySet[Proposal]:
    return reads.with_need_context(
        proposals.select_related("need", "need__organization").defer(
            "need__search", "need__organization__description"
        )
    )


def _visible(request, proposal_id: int) -> Proposal:
    """The proposal, if it is visible to the user (the API's rule); 404 otherwise."""
    return get_object_or_404(_read(visible_proposals(request.user)), pk=proposal_id)


def _readable(request, proposal_id: int) -> Proposal:
    """The proposal, if the user may open its page (also to comment); 404 otherwise."""
    proposal = get_object_or_404(_read(Proposal.objects.all()), pk=proposal_id)
    if not may_open_proposal(request.user, proposal):
        raise Http404
    return proposal


@require_safe
@login_required
def proposal(request, proposal_id: int):
    """The need in context, the lines, the score, competing proposals, the decisions, history."""
    return _render_proposal(request, _readable(request, proposal_id))


def _attach(error: ValidationError, forms) -> bool:
    """Show a service's refusal of a field beside that field, linked from the error summary."""
    if not hasattr(error, "error_dict"):
        return False
    attached = False
    for name, errors in error.message_dict.items():
        for form in forms:
            if name in form.fields:
                form.add_error(name, errors)
                form.style_fields()
                attached = True
    return attached


def _decide(request, proposal: Proposal, call, **forms):
    """Run one review service; its refusal is shown on the page, never half-applied."""
    try:
        decision = call()
    except Conflict as error:
        messages.error(request, error.detail)
        return _render_proposal(request, proposal, status=409, **forms)
    except ValidationError as error:
        if not _attach(error, forms.values()):
            messages.error(request, " ".join(error.messages))
        return _render_proposal(request, proposal, status=400, **forms)
    messages.success(request, decision.message)
    return redirect("web:proposal", proposal_id=proposal.pk)


@require_POST
@coordinator_required
def accept(request, proposal_id: int):
    proposal = _visible(request, proposal_id)
    form = _override_form(request.POST)
    timing = RespondByForm(request.POST)
    if not (form.is_valid() & timing.is_valid()):
        return _render_proposal(
            request, proposal, status=400, override_form=form, respond_by_form=timing
        )
    reason = form.cleaned_data["reason"]
    respond_by = timing.cleaned_data["respond_by"]
    return _decide(
        request,
        proposal,
        lambda: review.accept_proposal(
            actor=request.user,
            proposal_id=proposal.pk,
            override_reason=reason,
            respond_by=respond_by,
        ),
        override_form=form,
        respond_by_form=timing,
    )


@require_POST
@coordinator_required
def revoke(request, proposal_id: int):
    """Revoke an acceptance before the partnership forms, with a reason (the API's service)."""
    proposal = _visible(request, proposal_id)
    form = _revoke_form(request.POST)
    if not form.is_valid():
        return _render_proposal(request, proposal, status=400, revoke_form=form)
    reason = form.cleaned_data["reason"]
    return _decide(
        request,
        proposal,
        lambda: review.revoke_proposal(actor=request.user, proposal_id=proposal.pk, reason=reason),
        revoke_form=form,
    )


@require_POST
@coordinator_required
def reject(request, proposal_id: int):
    proposal = _visible(request, proposal_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _render_proposal(request, proposal, status=400, reject_form=form)
    reason = form.cleaned_data["reason"]
    return _decide(
        request,
        proposal,
        lambda: review.reject_proposal(actor=request.user, proposal_id=proposal.pk, reason=reason),
        reject_form=form,
    )


@require_POST
@login_required
def confirm(request, proposal_id: int):
    proposal = _visible(request, proposal_id)
    return _decide(
        request,
        proposal,
        lambda: review.confirm_lines(actor=request.user, proposal_id=proposal.pk),
    )


@require_POST
@login_required
def decline(request, proposal_id: int):
    proposal = _visible(request, proposal_id)
    form = ReasonForm(request.POST, required=False, label=_("Reason (optional)"))
    if not form.is_valid():
        return _render_proposal(request, proposal, status=400, decline_form=form)
    reason = form.cleaned_data["reason"]
    return _decide(
        request,
        proposal,
        lambda: review.decline_lines(actor=request.user, proposal_id=proposal.pk, reason=reason),
        decline_form=form,
    )


@require_POST
@login_required
def comment(request, proposal_id: int):
    """Comment on the proposal (the comment service says who may)."""
    proposal = _readable(request, proposal_id)
    form = CommentForm(request.POST, prefix="comment")
    if not form.is_valid():
        return _render_proposal(request, proposal, status=400, comment_form=form)
    try:
        comments.add_comment(actor=request.user, proposal=proposal, body=form.cleaned_data["body"])
    except ValidationError as error:
        if not _attach(error, [form]):
            messages.error(request, " ".join(error.messages))
        return _render_proposal(request, proposal, status=400, comment_form=form)
    messages.success(request, _("Your comment is added."))
    return redirect("web:proposal", proposal_id=proposal.pk)
