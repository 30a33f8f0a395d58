"""Partners confirm or decline their lines; the need's organization consents or declines; a
partnership forms when every line is answered and the need's organization has consented."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import (
    Commitment,
    Partner,
    Partnership,
    Proposal,
    ProposalLine,
    StateChange,
)
from matching.services import capacity, notices
from matching.services.coverage import refresh_need_status
from matching.services.decisions import (
    Decision,
    ensure_need_open,
    lock_need_and_proposal,
    save_counters,
)
from matching.services.history import record, transition
from matching.services.release import release_lines, withdraw_proposal
from matching.services.runs import request_event_run
from registry.actors import Actor
from registry.errors import Conflict, PermissionDenied
from registry.models import Membership, Need
from registry.models.taxonomy import ResourceKind

PENDING = ProposalLine.Confirmation.PENDING


def _writable_organizations(actor: User) -> set[int]:
    return set(
        Membership.objects.filter(user=actor, role__in=Membership.WRITERS).values_list(
            "organization_id", flat=True
        )
    )


def _own_lines(actor: User, proposal: Proposal, need: Need) -> tuple[list[ProposalLine], bool]:
    """The caller's organizations' pending lines, and whether the caller speaks for the need's
    organization; PermissionDenied when the caller has no part in the proposal at all."""
    writable = _writable_organizations(actor)
    lines = list(
        proposal.lines.select_for_update().filter(organization_id__in=writable).order_by("pk")
    )
    owner = need.organization_id in writable
    if not lines and not owner:
        raise PermissionDenied(
            _(
                "None of this proposal's lines belong to an organization you administer or edit, "
                "and you do not act for the need's organization."
            )
        )
    return [line for line in lines if line.confirmation == PENDING], owner


def _answer(lines: list[ProposalLine], answer: str, actor: User, reason: str) -> None:
    for line in lines:
        transition(
            line,
            answer,
            field="confirmation",
            actor=actor,
            reason=reason,
            also={"confirmed_at": timezone.now(), "confirmed_by": actor},
        )


# The consent is recorded apart from the proposal's status, under a subject type of its own.
CONSENT_SUBJECT = "proposalconsent"


def _consent(proposal: Proposal, answer: str, actor: User, reason: str) -> None:
    previous = proposal.owner_consent
    proposal.owner_consent, proposal.owner_consent_at = answer, timezone.now()
    proposal.owner_consent_by = actor
    proposal.save(update_fields=["owner_consent", "owner_consent_at", "owner_consent_by"])
    StateChange.objects.create(
        subject_type=CONSENT_SUBJECT,
        subject_id=proposal.pk,
        from_state=previous,
        to_state=answer,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def confirm_lines(*, actor: User, proposal_id: int) -> Decision:
    """Confirm the caller's organizations' lines, or, for the need's organization, consent to the
    coalition; the partnership forms when every line is answered and consent is given."""
    need, proposal = lock_need_and_proposal(proposal_id)
    if proposal.status not in (Proposal.Status.ACCEPTED, Proposal.Status.FORMED):
        raise Conflict(_("Only an accepted proposal can be confirmed."), code="not_accepted")
    pending, owner = _own_lines(actor, proposal, need)
    consents = owner and proposal.owner_consent == Proposal.Consent.PENDING
    if not pending and not consents:
        return Decision(proposal, False, _("Your part was already answered; nothing changed."))
    ensure_need_open(need)
    _answer(pending, ProposalLine.Confirmation.CONFIRMED, actor, "confirmed")
    if consents:
        _consent(proposal, Proposal.Consent.GIVEN, actor, "the need's organization consented")
    notices.confirmation_received(proposal=proposal, need=need, actor=actor)
    formed = form_partnership_when_ready(proposal, actor)
    parts = []
    if pending:
        parts.append(_("Confirmed %(count)s line(s).") % {"count": len(pending)})
    if consents:
        parts.append(_("Consent of the need's organization recorded."))
    parts.append(_("The partnership is formed.") if formed else _("Waiting for the other answers."))
    return Decision(proposal, True, " ".join(parts))


@transaction.atomic
def decline_lines(*, actor: User, proposal_id: int, reason: str = "") -> Decision:
    """Decline the caller's lines (their reservations are released), or, for the need's
    organization, decline the coalition: the whole proposal is withdrawn."""
    need, proposal = lock_need_and_proposal(proposal_id)
    # A replay after the last decline withdrew the proposal (or a confirmation formed it) is a
    # repeated call: it says nothing changed, like every other repeated decision.
    decided = (Proposal.Status.ACCEPTED, Proposal.Status.FORMED, Proposal.Status.WITHDRAWN)
    if proposal.status not in decided:
        raise Conflict(_("Only an accepted proposal can be declined."), code="not_accepted")
    pending, owner = _own_lines(actor, proposal, need)
    declines_coalition = owner and proposal.owner_consent == Proposal.Consent.PENDING
    if not pending and not declines_coalition:
        return Decision(proposal, False, _("Your part was already answered; nothing changed."))
    if proposal.status != Proposal.Status.ACCEPTED:
        raise Conflict(_("Only an accepted proposal can be declined."), code="not_accepted")
    if declines_coalition:
        cause = _("the need's organization declined the coalition")
        _consent(proposal, Proposal.Consent.DECLINED, actor, reason or cause)
        withdraw_proposal(proposal, actor=actor, reason=f"{cause}: {reason}" if reason else cause)
        refresh_need_status(need_id=need.pk, actor=actor, reason=cause)
        _requeue(need, f"proposal {proposal.pk} declined by the need's organization")
        return Decision(proposal, True, _withdrawn_message(need))
    release_lines(pending, actor=actor, reason="line declined")
    _answer(pending, ProposalLine.Confirmation.DECLINED, actor, reason)
    notices.lines_declined(proposal=proposal, need=need)
    form_partnership_when_ready(proposal, actor)
    refresh_need_status(need_id=need.pk, actor=actor, reason="line declined")
    _requeue(need, f"lines of proposal {proposal.pk} declined")
    message = _("Declined %(count)s line(s); their capacity is released.") % {"count": len(pending)}
    if proposal.status == Proposal.Status.WITHDRAWN:
        return Decision(proposal, True, f"{message} {_withdrawn_message(need)}")
    return Decision(proposal, True, message)


def _requeue(need: Need, reason: str) -> None:
    if need.is_open and need.organization.is_verified:
        request_event_run(reason=reason)


def _withdrawn_message(need: Need) -> str:
    if need.is_open and need.organization.is_verified:
        return _("The proposal is withdrawn; the need goes back to matching.")
    return _("The proposal is withdrawn; the need is not matched while %(why)s.") % {
        "why": _("it is not open") if not need.is_open else _("its organization is not verified")
    }


def hold_reason(proposal: Proposal, need: Need) -> str | None:
    """Why an answered proposal may not form yet (an organization lost its verification)."""
    if not need.organization.is_verified:
        return _("%(name)s, the need's organization, is not verified") % {
            "name": need.organization.name
        }
    if proposal.override_reason:
        return None
    unverified = sorted(
        {
            line.organization.name
            for line in proposal.lines.select_related("organization")
            if line.confirmation == ProposalLine.Confirmation.CONFIRMED
            and not line.organization.is_verified
        }
    )
    if unverified:
        return _("%(names)s not verified") % {"names": ", ".join(unverified)}
    return None


def form_partnership_when_ready(proposal: Proposal, actor: Actor | None) -> bool:
    """Once no line is pending and the need's organization consented, commit the confirmed lines
    as a partnership; withdraw the proposal when every partner declined. True when formed."""
    lines = list(proposal.lines.select_related("need_item").order_by("pk"))
    if any(line.confirmation == PENDING for line in lines):
        return False
    confirmed = [line for line in lines if line.confirmation == ProposalLine.Confirmation.CONFIRMED]
    if not confirmed:
        withdraw_proposal(proposal, actor=actor, reason="every partner declined")
        return False
    need = Need.objects.select_related("organization").get(pk=proposal.need_id)
    if proposal.owner_consent != Proposal.Consent.GIVEN or hold_reason(proposal, need):
        return False
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
            reason="every line answered and the need's organization consented",
            also={"updated_at": timezone.now()},
        )
    save_counters(offers.values(), "reserved", "committed")
    save_counters(items.values(), "reserved", "committed")
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
    notices.partnership_formed(partnership=partnership)
    transition(proposal, Proposal.Status.FORMED, actor=actor, reason="every answer given")
    refresh_need_status(need_id=need.pk, actor=actor, reason="partnership formed")
    return True


def form_held_proposals(*, organization_id: int, actor: Actor) -> list[int]:
    """An organization was verified again: form the answered proposals that waited for it."""
    ids = (
        Proposal.objects.filter(status=Proposal.Status.ACCEPTED)
        .filter(need__organization_id=organization_id)
        .values_list("pk", flat=True)
        .union(
            Proposal.objects.filter(
                status=Proposal.Status.ACCEPTED, lines__organization_id=organization_id
            ).values_list("pk", flat=True)
        )
    )
    formed = []
    for proposal_id in sorted(ids):
        need, proposal = lock_need_and_proposal(proposal_id)
        if need.is_open and form_partnership_when_ready(proposal, actor):
            formed.append(proposal_id)
    return formed
