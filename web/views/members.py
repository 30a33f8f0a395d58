"""A member's own work: lines to confirm, offers to publish or withdraw, needs posted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from matching.models import Proposal, ProposalLine
from registry.errors import Conflict
from registry.models import Membership, Need, Offer
from registry.models.visibility import is_coordinator, member_organization_ids
from registry.services import offers as offer_services
from web.paging import page_of

PENDING = ProposalLine.Confirmation.PENDING


@require_safe
@login_required
def home(request):
    """The signed-in home: what waits for this person, by role."""
    own = member_organization_ids(request.user)
    context = {
        "to_review": Proposal.objects.filter(status=Proposal.Status.PROPOSED).count()
        if is_coordinator(request.user)
        else None,
        "to_confirm": Proposal.objects.filter(
            status=Proposal.Status.ACCEPTED,
            lines__organization__in=own,
            lines__confirmation=PENDING,
        )
        .distinct()
        .count()
        if own
        else None,
        "memberships": Membership.objects.filter(user=request.user, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name"),
    }
    return render(request, "web/console.html", context)


@require_safe
@login_required
def my_proposals(request):
    """Proposals for the member's needs or with its lines, those waiting for an answer first."""
    own = member_organization_ids(request.user)
    involved = Proposal.objects.filter(
        Q(need__organization__in=own) | Q(lines__organization__in=own)
    ).values("pk")
    rows = (
        Proposal.objects.filter(pk__in=involved)
        .exclude(status=Proposal.Status.SUPERSEDED)
        .annotate(
            pending=Count(
                "lines",
                filter=Q(lines__organization__in=own, lines__confirmation=PENDING),
                distinct=True,
            )
        )
        .select_related("need", "need__organization")
        .order_by("-pending", "-created_at", "-id")
    )
    page, query = page_of(request, rows)
    return render(request, "web/members/proposals.html", {"page": page, "query": query})


@require_safe
@login_required
def my_offers(request):
    own = member_organization_ids(request.user)
    rows = (
        Offer.objects.filter(organization__in=own)
        .select_related("organization", "category")
        .order_by("-updated_at", "-id")
    )
    page, query = page_of(request, rows)
    return render(request, "web/members/offers.html", {"page": page, "query": query})


def _own_offer(request, offer_id: int) -> Offer:
    own = member_organization_ids(request.user)
    return get_object_or_404(
        Offer.objects.select_related("organization"), pk=offer_id, organization__in=own
    )


def _offer_change(request, call, done: str):
    try:
        call()
    except (Conflict, ValidationError) as error:
        detail = error.detail if isinstance(error, Conflict) else " ".join(error.messages)
        messages.error(request, detail)
    else:
        messages.success(request, done)
    return redirect("web:my-offers")


@require_POST
@login_required
def publish_offer(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    return _offer_change(
        request,
        lambda: offer_services.update_offer(
            actor=request.user, offer=offer, data={"status": Offer.Status.PUBLISHED}
        ),
        _("“%(title)s” is published.") % {"title": offer.title},
    )


@require_POST
@login_required
def withdraw_offer(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    return _offer_change(
        request,
        lambda: offer_services.withdraw_offer(actor=request.user, offer=offer),
        _("“%(title)s” is withdrawn.") % {"title": offer.title},
    )


@require_safe
@login_required
def my_needs(request):
    """The needs of the member's organizations and how many live proposals each has."""
    own = member_organization_ids(request.user)
    rows = (
        Need.objects.filter(organization__in=own)
        .annotate(live=Count("proposals", filter=Q(proposals__status__in=Proposal.LIVE_STATUSES)))
        .select_related("organization")
        .order_by("-updated_at", "-id")
    )
    page, query = page_of(request, rows)
    return render(request, "web/members/needs.html", {"page": page, "query": query})
