"""Coordinators' review of proposals: accept (reserving capacity), reject, revoke; and the
expiry of what partners left unanswered. Confirmations and consent are in `consent`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Commitment, Proposal, ProposalLine
from matching.services import capacity, notices
from matching.services.consent import (
    confirm_lines,
    decline_lines,
    form_partnership_when_ready,
)
from matching.services.coverage import refresh_need_status
from matching.services.decisions import (
    Decision,
    ensure_impartial_coordinator,
    ensure_need_open,
    lock_need_and_proposal,
    save_counters,
)
from matching.services.history import transition
from matching.services.release import release_lines, withdraw_proposal
from matching.services.runs import request_event_run
from registry.errors import Conflict, ValidationError

__all__ = [
    "Decision",
    "accept_proposal",
    "confirm_lines",
    "decline_lines",
    "expire_unanswered_proposals",
    "refresh_need_status",
    "reject_proposal",
    "revoke_proposal",
]


def _unverified_partners(proposal: Proposal) -> list[str]:
    return sorted(
        {
            line.organization.name
            for line in proposal.lines.select_related("organization")
            if not line.organization.is_verified
        }
    )


def _respond_by(respond_by: datetime.datetime | None) -> datetime.datetime:
    now = timezone.now()
    if respond_by is None:
        return now + datetime.timedelta(days=settings.PROPOSAL_RESPONSE_DAYS)
    if respond_by <= now:
        raise ValidationError({"respond_by": [_("Give the partners a time in the future.")]})
    return respond_by


@transaction.atomic
def accept_proposal(
    *,
    actor: User,
    proposal_id: int,
    override_reason: str = "",
    respond_by: datetime.datetime | None = None,
) -> Decision:
    """Accept a proposal: reserve every line's quantity on its offer, or refuse with 409.

    Lines of organizations not yet verified need the coordinator's override, with a reason.
    """
    need, proposal = lock_need_and_proposal(proposal_id)
    ensure_impartial_coordinator(actor, proposal, need)
    if proposal.status in (Proposal.Status.ACCEPTED, Proposal.Status.FORMED):
        return Decision(proposal, False, _("The proposal was already accepted; nothing changed."))
    if proposal.status != Proposal.Status.PROPOSED:
        raise Conflict(
            _("A %(status)s proposal cannot be accepted.") % {"status": proposal.status},
            code="not_proposed",
        )
    ensure_need_open(need)
    if not need.organization.is_verified:
        raise Conflict(
            _("%(name)s, which posted this need, is not verified; verify it first.")
            % {"name": need.organization.name},
            code="organization_not_verified",
        )
    override_reason = (override_reason or "").strip()
    unverified = _unverified_partners(proposal)
    if unverified and not override_reason:
        raise Conflict(
            _(
                "%(names)s not verified: accept with an override_reason saying why the "
                "coordinating body takes the risk, or verify them first."
            )
            % {"names": ", ".join(unverified)},
            code="override_required",
        )
    respond_by = _respond_by(respond_by)
    lines = list(proposal.lines.order_by("pk"))
    offers = capacity.lock_offers(line.offer_id for line in lines)
    items = capacity.lock_items(line.need_item_id for line in lines)
    demand: dict[int, Decimal] = {}
    for line in lines:
        demand[line.offer_id] = demand.get(line.offer_id, Decimal(0)) + line.offer_quantity
    for offer_id, quantity in sorted(demand.items()):
        offer = offers[offer_id]
        free = offer.quantity - offer.reserved - offer.committed
        if offer.status != offer.Status.PUBLISHED or quantity > free:
            raise Conflict(
                _("Offer %(id)s (%(title)s) has %(free)s left; this proposal needs %(quantity)s.")
                % {"id": offer_id, "title": offer.title, "free": free, "quantity": quantity},
                code="capacity_taken",
            )
    for line in lines:
        item = items[line.need_item_id]
        if line.quantity > item.quantity - item.reserved - item.committed:
            raise Conflict(
                _("Need item %(id)s is already covered by another partnership.") % {"id": item.pk},
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
    save_counters(offers.values(), "reserved")
    save_counters(items.values(), "reserved")
    reason = "accepted"
    if unverified:
        reason = f"accepted with an override for {', '.join(unverified)}: {override_reason}"
    transition(
        proposal,
        Proposal.Status.ACCEPTED,
        actor=actor,
        reason=reason,
        also={
            "decided_at": timezone.now(),
            "decided_by": actor,
            "respond_by": respond_by,
            "override_reason": override_reason if unverified else "",
        },
    )
    notices.proposal_accepted(proposal=proposal, need=need)
    return Decision(
        proposal,
        True,
        _(
            "Accepted: the partners' capacity is reserved until %(respond_by)s; the partners "
            "confirm their lines and the need's organization gives its consent."
        )
        % {"respond_by": respond_by.isoformat(timespec="minutes")},
    )


@transaction.atomic
def reject_proposal(*, actor: User, proposal_id: int, reason: str) -> Decision:
    """Reject a proposal that nobody has accepted, with a reason."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Say why the proposal is rejected.")]})
    need, proposal = lock_need_and_proposal(proposal_id)
    ensure_impartial_coordinator(actor, proposal, need)
    if proposal.status == Proposal.Status.REJECTED:
        return Decision(proposal, False, _("The proposal was already rejected; nothing changed."))
    if proposal.status != Proposal.Status.PROPOSED:
        raise Conflict(
            _("A %(status)s proposal cannot be rejected.") % {"status": proposal.status},
            code="not_proposed",
        )
    transition(
        proposal,
        Proposal.Status.REJECTED,
        actor=actor,
        reason=reason.strip(),
        also={"reason": reason.strip(), "decided_at": timezone.now(), "decided_by": actor},
    )
    return Decision(proposal, True, _("Rejected."))


@transaction.atomic
def revoke_proposal(*, actor: User, proposal_id: int, reason: str) -> Decision:
    """Revoke an acceptance before the partnership forms: reservations are released and the
    need goes back to matching."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Say why the acceptance is revoked.")]})
    need, proposal = lock_need_and_proposal(proposal_id)
    ensure_impartial_coordinator(actor, proposal, need)
    if proposal.status != Proposal.Status.ACCEPTED:
        raise Conflict(
            _("Only an accepted proposal not yet formed can be revoked; this one is %(status)s.")
            % {"status": proposal.status},
            code="not_accepted",
        )
    cause = f"revoked: {reason.strip()}"
    withdraw_proposal(proposal, actor=actor, reason=cause, also={"reason": reason.strip()})
    notices.acceptance_revoked(proposal=proposal, need=need)
    refresh_need_status(need_id=need.pk, actor=actor, reason=cause)
    if need.is_open and need.organization.is_verified:
        request_event_run(reason=f"acceptance of proposal {proposal.pk} revoked")
        return Decision(
            proposal, True, _("Revoked: the reservations are released; the need is matched again.")
        )
    return Decision(proposal, True, _("Revoked: the reservations are released."))


def expire_unanswered_proposals(*, now: datetime.datetime | None = None) -> list[int]:
    """Past `respond_by`: missing confirmations expire and are released; without the need's
    organization's consent the whole proposal is withdrawn. Each proposal in its own transaction."""
    now = now or timezone.now()
    due = list(
        Proposal.objects.filter(status=Proposal.Status.ACCEPTED, respond_by__lt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    expired = []
    for proposal_id in due:
        with transaction.atomic():
            need, proposal = lock_need_and_proposal(proposal_id)
            # an accepted proposal has a respond_by; the model field is nullable
            if proposal.status != Proposal.Status.ACCEPTED or proposal.respond_by >= now:  # type: ignore[operator]
                continue
            cause = f"no answer by {proposal.respond_by.isoformat(timespec='minutes')}"  # type: ignore[union-attr]
            notices.proposal_expired(proposal=proposal, need=need)
            if proposal.owner_consent != Proposal.Consent.GIVEN:
                withdraw_proposal(proposal, actor=None, reason=f"{cause} (consent missing)")
            else:
                pending = list(
                    proposal.lines.select_for_update().filter(
                        confirmation=ProposalLine.Confirmation.PENDING
                    )
                )
                release_lines(pending, actor=None, reason=cause)
                for line in pending:
                    transition(
                        line, ProposalLine.Confirmation.DECLINED, field="confirmation", reason=cause
                    )
                form_partnership_when_ready(proposal, None)
            refresh_need_status(need_id=need.pk, reason=cause)
            if need.is_open and need.organization.is_verified:
                request_event_run(reason=f"proposal {proposal.pk} expired")
            expired.append(proposal_id)
    return expired
