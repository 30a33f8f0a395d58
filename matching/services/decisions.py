"""What review calls share: their answer, the locks they take, and who may decide."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from matching.models import Proposal
from registry.errors import Conflict, PermissionDenied
from registry.models import Membership, Need, NeedItem, Offer
from registry.services.permissions import ensure_coordinator


@dataclass(frozen=True)
class Decision:
    """What a review call did: the proposal after it, and whether anything changed."""

    proposal: Proposal
    changed: bool
    message: str


def lock_need_and_proposal(proposal_id: int) -> tuple[Need, Proposal]:
    """Lock the proposal's need, then the proposal: every review path takes them in this order."""
    need_id = Proposal.objects.values_list("need_id", flat=True).get(pk=proposal_id)
    need = Need.objects.select_for_update().select_related("organization").get(pk=need_id)
    return need, Proposal.objects.select_for_update().get(pk=proposal_id)


def save_counters(rows: Iterable[Offer | NeedItem], *fields: str) -> None:
    for row in rows:
        row.save(update_fields=list(fields))


def ensure_need_open(need: Need) -> None:
    """409 when the need no longer takes partners (cancelled, closed, back to draft)."""
    if not need.is_open:
        raise Conflict(
            _("Need %(id)s is %(status)s: it no longer takes partners.")
            % {"id": need.pk, "status": need.status},
            code="need_not_open",
        )


def ensure_impartial_coordinator(actor: User, proposal: Proposal, need: Need) -> None:
    """Coordinators decide; never on a proposal of their own organization or of a partner's."""
    ensure_coordinator(actor)
    involved = {need.organization_id, *proposal.lines.values_list("organization_id", flat=True)}
    own = set(
        Membership.objects.filter(user=actor, organization_id__in=involved).values_list(
            "organization__name", flat=True
        )
    )
    if own:
        raise PermissionDenied(
            _(
                "Conflict of interest: you are a member of %(names)s, which this proposal "
                "involves; another coordinator must decide."
            )
            % {"names": ", ".join(sorted(own))}
        )
