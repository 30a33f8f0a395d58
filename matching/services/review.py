"""Review of proposals: coordinators accept or reject; partners confirm or decline their lines."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from matching.models import Commitment, Partner, Partnership, Proposal, ProposalLine
from matching.services import capacity
from matching.services.history import record, transition
from matching.services.runs import request_event_run
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Membership, Need, NeedItem, Offer
from registry.models.taxonomy import ResourceKind
from registry.services.permissions import ensure_coordinator

PENDING = ProposalLine.Confirmation.PENDING


@dataclass(frozen=True)
class Decision:
    """What a review call did: the proposal after it, and whether anything changed."""

    proposal: Proposal
    changed: bool
    message: str


def _lock_proposal(proposal_id: int) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal_id)


def _save_counters(rows: Iterable[Offer | NeedItem], *fields: str) -> None:
    for row in rows:
        row.save(update_fields=list(fields))


@transaction.atomic
def accept_proposal(*, actor, proposal_id: int) -> Decision:
    """Accept a proposal: reserve every line's quantity on its offer, or refuse with 409."""
    ensure_coordinator(actor)
    proposal = _lock_proposal(proposal_id)
    if proposal.status in (Proposal.Status.ACCEPTED, Proposal.Status.FORMED):
        return Decision(proposal, False, "The proposal was already accepted; nothing changed.")
    if proposal.status != Proposal.Status.PROPOSED:
        raise Conflict(f"A {proposal.status} proposal cannot be accepted.", code="not_proposed")
    lines = list(proposal.lines.order_by("pk"))
    offers = capacity.lock_offers(line.offer_id for line in lines)
    items = capacity.lock_items(line.need_item_id for line in lines)
    demand: dict[int, Decimal] = {}
    for line in lines:
        demand[line.offer_id] = demand.get(line.offer_id, Decimal(0)) + line.offer_quantity
    for offer_id, quantity in sorted(demand.items()):
        offer = offers[offer_id]
        free = offer.quantity - offer.reserved - offer.committed
        if offer.status != Offer.Status.PUBLISHED or quantity > free:
            raise Conflict(
                f"Offer {offer_id} ({offer.title}) has {free} left; this proposal needs {quantity}.",
                code="capacity_taken",
            )
    for line in lines:
        item = items[line.need_item_id]
        if line.quantity > item.quantity - item.reserved - item.committed:
            raise Conflict(
                f"Need item {item.pk} is already covered by another partnership.",
                code="item_covered",
            )
    for line in lines:
        offer, item = offers[line.offer_id], items[line.need_item_id]
        offer.reserved += line.offer_quantity
        item.reserved += line.quantity
        Commitment.objects.create(
            line=line,
            offer=offer,
            need_item=item,
            quantity=line.offer_quantity,
            item_quantity=line.quantity,
        )
    _save_counters(offers.values(), "reserved")
    _save_counters(items.values(), "reserved")
    transition(
        proposal,
        Proposal.Status.ACCEPTED,
        actor=actor,
        reason="accepted",
        also={"decided_at": timezone.now(), "decided_by": actor},
    )
    refresh_need_status(need_id=proposal.need_id)
    return Decision(proposal, True, "Accepted: the partners' capacity is reserved.")


@transaction.atomic
def reject_proposal(*, actor, proposal_id: int, reason: str) -> Decision:
    """Reject a proposal that nobody has accepted, with a reason."""
    ensure_coordinator(actor)
    if not reason or not reason.strip():
        raise ValidationError({"reason": ["Say why the proposal is rejected."]})
    proposal = _lock_proposal(proposal_id)
    if proposal.status == Proposal.Status.REJECTED:
        return Decision(proposal, False, "The proposal was already rejected; nothing changed.")
    if proposal.status != Proposal.Status.PROPOSED:
        raise Conflict(f"A {proposal.status} proposal cannot be rejected.", code="not_proposed")
    transition(
        proposal,
        Proposal.Status.REJECTED,
        actor=actor,
        reason=reason.strip(),
        also={"reason": reason.strip(), "decided_at": timezone.now(), "decided_by": actor},
    )
    return Decision(proposal, True, "Rejected.")


def _own_pending_lines(actor, proposal: Proposal) -> list[ProposalLine]:
    """The caller's organizations' undecided lines; PermissionDenied when it has none at all."""
    writable = Membership.objects.filter(user=actor, role__in=Membership.WRITERS)
    lines = list(
        proposal.lines.select_for_update()
        .filter(organization_id__in=writable.values("organization_id"))
        .order_by("pk")
    )
    if not lines:
        raise PermissionDenied(
            "None of this proposal's lines belong to an organization you administer or edit."
        )
    return [line for line in lines if line.confirmation == PENDING]


def _decide(lines: list[ProposalLine], answer: str, actor, reason: str) -> None:
    for line in lines:
        transition(
            line,
            answer,
            field="confirmation",
            actor=actor,
            reason=reason,
            also={"confirmed_at": timezone.now(), "confirmed_by": actor},
        )


@transaction.atomic
def confirm_lines(*, actor, proposal_id: int) -> Decision:
    """Confirm the caller's organizations' lines; when every line is decided, form the partnership."""
    proposal = _lock_proposal(proposal_id)
    if proposal.status not in (Proposal.Status.ACCEPTED, Proposal.Status.FORMED):
        raise Conflict("Only an accepted proposal can be confirmed.", code="not_accepted")
    pending = _own_pending_lines(actor, proposal)
    if not pending:
        return Decision(proposal, False, "Your lines were already decided; nothing changed.")
    _decide(pending, ProposalLine.Confirmation.CONFIRMED, actor, "confirmed")
    _form_partnership_when_decided(proposal, actor)
    return Decision(proposal, True, f"Confirmed {len(pending)} line(s).")


@transaction.atomic
def decline_lines(*, actor, proposal_id: int, reason: str = "") -> Decision:
    """Decline the caller's lines: their reservations are released and the need re-matched."""
    proposal = _lock_proposal(proposal_id)
    # A replay after the last decline withdrew the proposal (or a confirmation formed it) is a
    # repeated call: it says nothing changed, like every other repeated decision.
    decided = (Proposal.Status.ACCEPTED, Proposal.Status.FORMED, Proposal.Status.WITHDRAWN)
    if proposal.status not in decided:
        raise Conflict("Only an accepted proposal's lines can be declined.", code="not_accepted")
    pending = _own_pending_lines(actor, proposal)
    if not pending:
        return Decision(proposal, False, "Your lines were already decided; nothing changed.")
    if proposal.status != Proposal.Status.ACCEPTED:
        raise Conflict("Only an accepted proposal's lines can be declined.", code="not_accepted")
    commitments = list(
        Commitment.objects.select_for_update().filter(line__in=pending).order_by("pk")
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
            reason="line declined",
            also={"updated_at": timezone.now()},
        )
    _save_counters(offers.values(), "reserved")
    _save_counters(items.values(), "reserved")
    _decide(pending, ProposalLine.Confirmation.DECLINED, actor, reason)
    _form_partnership_when_decided(proposal, actor)
    refresh_need_status(need_id=proposal.need_id)
    request_event_run(reason=f"lines of proposal {proposal.pk} declined")
    return Decision(
        proposal, True, f"Declined {len(pending)} line(s); the need will be matched again."
    )


def _form_partnership_when_decided(proposal: Proposal, actor) -> None:
    """Once no line is pending: commit the confirmed lines as a partnership, or withdraw."""
    lines = list(proposal.lines.select_related("need_item").order_by("pk"))
    if any(line.confirmation == PENDING for line in lines):
        return
    confirmed = [line for line in lines if line.confirmation == ProposalLine.Confirmation.CONFIRMED]
    if not confirmed:
        transition(
            proposal, Proposal.Status.WITHDRAWN, actor=actor, reason="every partner declined"
        )
        return
    commitments = list(
        Commitment.objects.select_for_update().filter(line__in=confirmed).order_by("pk")
    )
    offers = capacity.lock_offers(c.offer_id for c in commitments)
    items = capacity.lock_items(c.need_item_id for c in commitments)
    for commitment in commitments:
        offer, item = offers[commitment.offer_id], items[commitment.need_item_id]
        offer.reserved -= commitment.quantity
        offer.committed += commitment.quantity
        item.reserved -= commitment.item_quantity
        item.committed += commitment.item_quantity
        transition(
            commitment,
            Commitment.State.COMMITTED,
            field="state",
            actor=actor,
            reason="every line decided",
            also={"updated_at": timezone.now()},
        )
    _save_counters(offers.values(), "reserved", "committed")
    _save_counters(items.values(), "reserved", "committed")
    need = Need.objects.get(pk=proposal.need_id)
    partnership = Partnership.objects.create(
        need=need,
        proposal=proposal,
        next_report_due=timezone.localdate() + datetime.timedelta(days=90),
    )
    roles = {(need.organization_id, Partner.Role.ACCOUNTABLE)}
    for line in confirmed:
        funding = line.need_item.kind == ResourceKind.FINANCIAL
        roles.add(
            (line.organization_id, Partner.Role.FUNDING if funding else Partner.Role.IMPLEMENTING)
        )
    Partner.objects.bulk_create(
        Partner(partnership=partnership, organization_id=org, role=role)
        for org, role in sorted(roles)
    )
    record(
        partnership, partnership.status, actor=actor, reason=f"formed from proposal {proposal.pk}"
    )
    transition(proposal, Proposal.Status.FORMED, actor=actor, reason="every line decided")
    refresh_need_status(need_id=need.pk)


def refresh_need_status(*, need_id: int) -> None:
    """Need status follows coverage: open → partially_met → met."""
    need = Need.objects.select_for_update().get(pk=need_id)
    if need.status not in (Need.Status.OPEN, Need.Status.PARTIALLY_MET, Need.Status.MET):
        return
    items = list(NeedItem.objects.filter(need_id=need_id).values_list("quantity", "covered"))
    if all(covered >= quantity for quantity, covered in items):
        status = Need.Status.MET
    elif any(covered for _, covered in items):
        status = Need.Status.PARTIALLY_MET
    else:
        status = Need.Status.OPEN
    if status != need.status:
        transition(need, status, reason="coverage changed", also={"updated_at": timezone.now()})
