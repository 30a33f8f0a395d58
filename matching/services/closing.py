"""Closing partnerships: completed with a final report, or cancelled with a reason."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Commitment, Partner, Partnership, ProgressReport
from matching.services import capacity
from matching.services.coverage import refresh_need_status
from matching.services.decisions import save_counters
from matching.services.history import transition
from matching.services.runs import request_event_run
from registry.actors import Actor
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Membership, Need
from registry.services.permissions import ensure_coordinator


def _lock_active(actor: User, partnership_id: int) -> tuple[Need, Partnership]:
    ensure_coordinator(actor)
    need_id = Partnership.objects.values_list("need_id", flat=True).get(pk=partnership_id)
    need = Need.objects.select_for_update().select_related("organization").get(pk=need_id)
    partnership = Partnership.objects.select_for_update().get(pk=partnership_id)
    involved = set(
        Partner.objects.filter(partnership=partnership).values_list("organization_id", flat=True)
    )
    own = sorted(
        Membership.objects.filter(user=actor, organization_id__in=involved).values_list(
            "organization__name", flat=True
        )
    )
    if own:
        raise PermissionDenied(
            _("Conflict of interest: you are a member of %(names)s, a partner in it.")
            % {"names": ", ".join(own)}
        )
    if partnership.status != Partnership.Status.ACTIVE:
        raise Conflict(
            _("This partnership is %(status)s already.") % {"status": partnership.status},
            code="not_active",
        )
    return need, partnership


def _commitments(partnership: Partnership) -> list[Commitment]:
    return list(
        Commitment.objects.select_for_update()
        .filter(line__proposal_id=partnership.proposal_id, state=Commitment.State.COMMITTED)
        .order_by("pk")
    )


def _close(
    partnership: Partnership, status: str, *, actor: Actor, reason: str, reached: bool | None
) -> None:
    transition(
        partnership,
        status,
        actor=actor,
        reason=reason,
        also={"closed_at": timezone.now(), "close_reason": reason, "reached_target": reached},
    )


@transaction.atomic
def complete_partnership(*, actor: User, partnership_id: int, reason: str = "") -> Partnership:
    """Complete an active partnership whose final report is approved. What it committed is
    delivered; when the need's target is not reached, the need's items open again for matching."""
    need, partnership = _lock_active(actor, partnership_id)
    if not ProgressReport.objects.filter(
        partnership=partnership, status=ProgressReport.Status.APPROVED
    ).exists():
        raise Conflict(
            _("Approve a final progress report before completing the partnership."),
            code="final_report_missing",
        )
    reached = need.target_reached
    commitments = _commitments(partnership)
    items = capacity.lock_items(c.need_item_id for c in commitments)
    for commitment in commitments:
        if not reached:  # delivered but the gap remains: the item is open to others again
            items[commitment.need_item_id].committed -= commitment.item_quantity
        transition(
            commitment,
            Commitment.State.DELIVERED,
            field="state",
            actor=actor,
            reason="partnership completed",
            also={"updated_at": timezone.now()},
        )
    save_counters(items.values(), "committed")
    words = reason.strip() or "completed"
    if not reached:
        words = f"{words} (target not reached: the remaining gap is matched again)"
    _close(partnership, Partnership.Status.COMPLETED, actor=actor, reason=words, reached=reached)
    refresh_need_status(
        need_id=need.pk, actor=actor, reason=f"partnership {partnership.pk} completed"
    )
    if not reached and need.organization.is_verified:
        request_event_run(reason=f"partnership {partnership.pk} completed short of the target")
    return partnership


@transaction.atomic
def cancel_partnership(*, actor: User, partnership_id: int, reason: str) -> Partnership:
    """Cancel an active partnership with a reason: what it had not delivered is released to the
    offers, and the need's items open again for matching."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Say why the partnership is cancelled.")]})
    need, partnership = _lock_active(actor, partnership_id)
    commitments = _commitments(partnership)
    offers = capacity.lock_offers(c.offer_id for c in commitments)
    items = capacity.lock_items(c.need_item_id for c in commitments)
    for commitment in commitments:
        offers[commitment.offer_id].committed -= commitment.quantity
        items[commitment.need_item_id].committed -= commitment.item_quantity
        transition(
            commitment,
            Commitment.State.RELEASED,
            field="state",
            actor=actor,
            reason=f"partnership cancelled: {reason.strip()}",
            also={"updated_at": timezone.now()},
        )
    save_counters(offers.values(), "committed")
    save_counters(items.values(), "committed")
    _close(
        partnership, Partnership.Status.CANCELLED, actor=actor, reason=reason.strip(), reached=None
    )
    refresh_need_status(
        need_id=need.pk, actor=actor, reason=f"partnership {partnership.pk} cancelled"
    )
    if need.is_open and need.organization.is_verified:
        request_event_run(reason=f"partnership {partnership.pk} cancelled")
    return partnership


__all__ = ["cancel_partnership", "complete_partnership"]
