"""A need's status follows what partners committed, never what is merely reserved."""

from __future__ import annotations

from django.utils import timezone

from matching.services import notices
from matching.services.history import transition
from registry.actors import Actor
from registry.models import Need, NeedItem


def refresh_need_status(
    *, need_id: int, actor: Actor | None = None, reason: str = "commitments changed"
) -> None:
    """open → partially_met → met, from committed quantities (reservations do not count); a need
    whose indicator reached its target stays met."""
    need = Need.objects.select_for_update().get(pk=need_id)
    if need.status not in (Need.Status.OPEN, Need.Status.PARTIALLY_MET, Need.Status.MET):
        return
    items = list(NeedItem.objects.filter(need_id=need_id).values_list("quantity", "committed"))
    if need.target_reached or (items and all(committed >= q for q, committed in items)):
        status = Need.Status.MET
    elif any(committed for _, committed in items):
        status = Need.Status.PARTIALLY_MET
    else:
        status = Need.Status.OPEN
    if status != need.status:
        transition(need, status, actor=actor, reason=reason, also={"updated_at": timezone.now()})
        if status == Need.Status.MET:
            notices.need_met(need=need)
