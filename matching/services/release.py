"""Releasing held capacity: withdrawn, revoked and expired proposals give back what they held."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from matching.models import Commitment, Proposal, ProposalLine
from matching.services import capacity
from matching.services.coverage import refresh_need_status
from matching.services.decisions import save_counters
from matching.services.history import transition
from registry.actors import Actor
from registry.models import Offer


def release_lines(lines: Iterable[ProposalLine], *, actor: Actor | None, reason: str) -> None:
    """Release the reserved commitments of these lines, giving offers and items their capacity."""
    commitments = list(
        Commitment.objects.select_for_update()
        .filter(line__in=list(lines), state=Commitment.State.RESERVED)
        .order_by("pk")
    )
    offers = capacity.lock_offers(c.offer_id for c in commitments)
    items = capacity.lock_items(c.need_item_id for c in commitments)
    for commitment in commitments:
        offers[commitment.offer_id].reserved -= commitment.quantity
        items[commitment.need_item_id].reserved -= commitment.item_quantity
        transition(
            commitment,
            Commitment.State.RELEASED,
            field="state",
            actor=actor,
            reason=reason,
            also={"updated_at": timezone.now()},
        )
    save_counters(offers.values(), "reserved")
    save_counters(items.values(), "reserved")


def withdraw_proposal(
    proposal: Proposal, *, actor: Actor | None, reason: str, also: dict[str, Any] | None = None
) -> None:
    """Withdraw a live proposal (locked by the caller) and release what it reserved."""
    release_lines(proposal.lines.all(), actor=actor, reason=reason)
    transition(proposal, Proposal.Status.WITHDRAWN, actor=actor, reason=reason, also=also)


def _live_proposals(**filters: Any) -> list[Proposal]:
    ids = (
        Proposal.objects.filter(status__in=Proposal.LIVE_STATUSES, **filters)
        .values_list("pk", flat=True)
        .distinct()
    )
    return list(Proposal.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"))


def withdraw_proposals_of_need(*, need_id: int, actor: Actor, cause: str) -> list[int]:
    """A need left the open statuses: every live proposal for it is withdrawn, its capacity freed."""
    proposals = _live_proposals(need_id=need_id)
    for proposal in proposals:
        withdraw_proposal(proposal, actor=actor, reason=cause)
    return [proposal.pk for proposal in proposals]


def held_on_offer(offer_id: int) -> Decimal:
    """What live proposals hold on an offer: reserved and committed, plus lines only proposed."""
    proposed = ProposalLine.objects.filter(
        offer_id=offer_id, proposal__status=Proposal.Status.PROPOSED
    ).aggregate(total=Sum("offer_quantity"))["total"] or Decimal(0)
    reserved, committed = (
        Offer.objects.filter(pk=offer_id).values_list("reserved", "committed").get()
    )
    return proposed + reserved + committed


def withdraw_proposals_of_offer(
    *, offer_id: int, actor: Actor, cause: str, quantity: Decimal | None
) -> list[int]:
    """An offer left `published` (quantity None) or was lowered below what its live proposals
    hold: every live proposal with a line on it is withdrawn and its reservations released."""
    if quantity is not None and quantity >= held_on_offer(offer_id):
        return []
    proposals = _live_proposals(lines__offer_id=offer_id)
    for proposal in proposals:
        withdraw_proposal(proposal, actor=actor, reason=cause)
        refresh_need_status(need_id=proposal.need_id, actor=actor, reason=cause)
    return [proposal.pk for proposal in proposals]
