"""The coordinators' merge queue: pairs of organizations likely to be one, each pair side by
side, merged into the record that survives or marked as not the same (interchange.services)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from interchange.services.duplicates import duplicate_pair, list_duplicate_pairs
from interchange.services.merge import mark_distinct, merge_organizations, merge_refusals
from matching.models import ProposalLine
from registry.errors import Conflict, ValidationError
from registry.models import Organization
from web.access import coordinator_required
from web.paging import page_of


@require_safe
@coordinator_required
def queue(request):
    """The candidate pairs, the most alike first, with the evidence."""
    page, query = page_of(request, list_duplicate_pairs())
    return render(request, "web/merge/queue.html", {"page": page, "query": query})


def _pair(first_id: int, second_id: int):
    pair = duplicate_pair(first_id=first_id, second_id=second_id)
    if pair is None:
        raise Http404
    return pair


def _side(organization: Organization, other: Organization) -> dict:
    """One record of the pair, with what a merge into the other would move."""
    return {
        "organization": organization,
        "offers": organization.offers.count(),
        "needs": organization.needs.count(),
        "members": organization.memberships.count(),
        "proposal_lines": ProposalLine.objects.filter(organization=organization).count(),
        # Why merging this one into the other would be refused (empty: it may be).
        "refusals": merge_refusals(merged=organization, survivor=other),
    }


def _render_pair(request, pair, *, errors: list[str] | None = None, status: int = 200):
    context = {
        "pair": pair,
        "sides": [_side(pair.first, pair.second), _side(pair.second, pair.first)],
        "errors": errors or [],
    }
    return render(request, "web/merge/pair.html", context, status=status)


@require_safe
@coordinator_required
def pair_detail(request, first_id: int, second_id: int):
    """Both records side by side, with the evidence and what each merge would move."""
    return _render_pair(request, _pair(first_id, second_id))


@require_POST
@coordinator_required
def merge(request, first_id: int, second_id: int):
    """Merge the pair into the record the button names; a refusal is shown with its reason."""
    pair = _pair(first_id, second_id)
    into = request.POST.get("into", "")
    ids = {str(pair.first.pk): pair.second, str(pair.second.pk): pair.first}
    if into not in ids:
        return _render_pair(request, pair, errors=[_("Choose the record that stays.")], status=400)
    merged = ids[into]
    try:
        merge_organizations(actor=request.user, organization_id=merged.pk, into_id=int(into))
    except Conflict as refusal:
        return _render_pair(request, pair, errors=[refusal.detail], status=409)
    except ValidationError as error:
        return _render_pair(request, pair, errors=list(error.messages), status=400)
    messages.success(
        request,
        _("%(merged)s is merged into %(survivor)s.")
        % {"merged": merged.name, "survivor": Organization.objects.get(pk=into).name},
    )
    return redirect("web:merge-queue")


@require_POST
@coordinator_required
def distinct(request, first_id: int, second_id: int):
    """The two are not the same organization: the pair leaves the queue."""
    pair = _pair(first_id, second_id)
    mark_distinct(actor=request.user, organization_id=pair.first.pk, other_id=pair.second.pk)
    messages.success(
        request,
        _("%(first)s and %(second)s are kept as two organizations.")
        % {"first": pair.first.name, "second": pair.second.name},
    )
    return redirect("web:merge-queue")
