"""Merging a duplicate organization into the record that survives, in one transaction.

Everything that belongs to the duplicate moves: offers, needs, memberships, proposal lines,
partnerships' partners, progress reports, endorsements, consultations and import keys. The
duplicate itself stays, inactive, with its own history; its names and identifiers become the
survivor's aliases; every moved row's history records the merge as its actor and reason.
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from interchange.models import (
    DistinctOrganizations,
    ImportKey,
    OrganizationAlias,
    OrganizationMerge,
)
from matching.models import Partner, ProgressReport, Proposal, ProposalLine
from registry.errors import Conflict, ValidationError
from registry.models import Consultation, Endorsement, Membership, Need, Offer, Organization
from registry.services.permissions import ensure_coordinator

LIVE_PROPOSALS = (Proposal.Status.PROPOSED, Proposal.Status.ACCEPTED)
ROLE_RANK: dict[str, int] = {
    Membership.Role.ADMIN: 3,
    Membership.Role.EDITOR: 2,
    Membership.Role.VIEWER: 1,
}


def merge_refusals(*, merged: Organization, survivor: Organization) -> list[str]:
    """Why merging `merged` into `survivor` would break a rule (empty when it would not)."""
    reasons = []
    if merged.needs.exists() and not survivor.is_government:
        reasons.append(
            _("%(merged)s has needs, and only governments post needs: %(survivor)s is not one.")
            % {"merged": merged.name, "survivor": survivor.name}
        )
    if merged.endorsements.exists() and survivor.kind != Organization.Kind.COMMUNITY:
        reasons.append(
            _("%(merged)s endorsed needs, and %(survivor)s is not a community organization.")
            % {"merged": merged.name, "survivor": survivor.name}
        )
    # An organization never supplies its own need: after the merge these lines would.
    own_supply = ProposalLine.objects.filter(
        Q(organization=merged, proposal__need__organization=survivor)
        | Q(organization=survivor, proposal__need__organization=merged),
    ).filter(Q(proposal__status__in=LIVE_PROPOSALS) | Q(proposal__partnership__status="active"))
    for proposal_id in sorted(set(own_supply.values_list("proposal_id", flat=True))):
        reasons.append(
            _(
                "Proposal %(proposal)d would have %(survivor)s supply its own need; resolve the "
                "proposal first."
            )
            % {"proposal": proposal_id, "survivor": survivor.name}
        )
    clashing = ImportKey.objects.filter(organization=survivor).filter(
        key__in=ImportKey.objects.filter(organization=merged).values("key")
    )
    for key in clashing.values_list("key", flat=True):
        reasons.append(
            _("Both organizations imported a record under the key %(key)s.") % {"key": key}
        )
    return reasons


def _move_memberships(merged: Organization, survivor: Organization) -> int:
    """A person in both keeps the stronger of the two roles."""
    moved = 0
    for membership in Membership.objects.select_for_update().filter(organization=merged):
        kept = (
            Membership.objects.select_for_update()
            .filter(organization=survivor, user_id=membership.user_id)
            .first()
        )
        if kept is None:
            membership.organization = survivor
            membership.save(update_fields=["organization"])
        else:
            if ROLE_RANK[membership.role] > ROLE_RANK[kept.role]:
                kept.role = membership.role
                kept.save(update_fields=["role"])
            membership.delete()
        moved += 1
    return moved


def _move_partners(merged: Organization, survivor: Organization) -> int:
    """A partnership where both took the same role keeps the survivor's one entry."""
    partners = Partner.objects.filter(organization=merged)
    moved = partners.count()
    for partner in partners:
        same_role = Partner.objects.filter(
            partnership_id=partner.partnership_id, organization=survivor, role=partner.role
        )
        if same_role.exists():
            partner.delete()
    Partner.objects.filter(organization=merged).update(organization=survivor)
    return moved


def _move_consultations(merged: Organization, survivor: Organization) -> int:
    # the stubs type an auto-created through model as Never: its manager is untyped here
    through: Any = Consultation.organizations.through
    rows = through.objects.filter(organization=merged)
    moved: int = rows.count()
    already = through.objects.filter(organization=survivor).values("consultation_id")
    rows.filter(consultation_id__in=already).delete()
    rows.update(organization=survivor)
    return moved


def _keep_aliases(merged: Organization, survivor: Organization) -> None:
    known: list[tuple[str, str]] = [(OrganizationAlias.Kind.NAME, merged.name)]
    if merged.identifier:
        known.append((OrganizationAlias.Kind.IDENTIFIER, merged.identifier))
    # What the duplicate was itself known by follows it.
    for alias in OrganizationAlias.objects.filter(organization=merged):
        known.append((alias.kind, alias.value))
    for kind, value in known:
        OrganizationAlias.objects.get_or_create(
            organization=survivor, kind=kind, value=value, defaults={"merged_from": merged}
        )


@transaction.atomic
def merge_organizations(
    *, actor: User, organization_id: int, into_id: int, reason: str = ""
) -> OrganizationMerge:
    """Merge one organization into another (coordinators); refused with the reason a rule gives."""
    ensure_coordinator(actor)
    if organization_id == into_id:
        raise ValidationError({"into": [_("An organization cannot be merged into itself.")]})
    # Both rows locked in primary-key order, so two merges of the same pair cannot interleave.
    locked = Organization.objects.select_for_update().filter(pk__in=[organization_id, into_id])
    rows = {organization.pk: organization for organization in locked.order_by("pk")}
    if into_id not in rows:
        raise ValidationError({"into": [_("There is no organization %(id)d.") % {"id": into_id}]})
    merged, survivor = rows[organization_id], rows[into_id]
    for organization in (merged, survivor):
        if OrganizationMerge.objects.filter(merged=organization).exists():
            raise Conflict(
                _("%(name)s was already merged into another organization.")
                % {"name": organization.name},
                code="already_merged",
            )
    refusals = merge_refusals(merged=merged, survivor=survivor)
    if refusals:
        raise Conflict(" ".join(refusals), code="merge_refused")

    why = _("merged into %(survivor)s (%(id)d)") % {"survivor": survivor.name, "id": survivor.pk}
    if reason:
        why = f"{why}: {reason}"
    with pghistory.context(user=actor.pk, action="merged", reason=why):
        moved = {
            "offers": Offer.objects.filter(organization=merged).update(organization=survivor),
            "needs": Need.objects.filter(organization=merged).update(organization=survivor),
            "memberships": _move_memberships(merged, survivor),
            "proposal_lines": ProposalLine.objects.filter(organization=merged).update(
                organization=survivor
            ),
            "partners": _move_partners(merged, survivor),
            "progress_reports": ProgressReport.objects.filter(organization=merged).update(
                organization=survivor
            ),
            "endorsements": _move_endorsements(merged, survivor),
            "consultations": _move_consultations(merged, survivor),
            "import_keys": ImportKey.objects.filter(organization=merged).update(
                organization=survivor
            ),
        }
        if survivor.kind == Organization.Kind.COMMUNITY:
            survivor.represented_groups.add(*merged.represented_groups.all())
        _keep_aliases(merged, survivor)
        merged.is_active = False
        merged.save(update_fields=["is_active", "updated_at"])
    return OrganizationMerge.objects.create(
        merged=merged, into=survivor, merged_by=actor, reason=reason, moved=moved
    )


def _move_endorsements(merged: Organization, survivor: Organization) -> int:
    """Both endorsed the same need: the survivor's endorsement stands for both."""
    endorsements = Endorsement.objects.filter(organization=merged)
    moved = endorsements.count()
    endorsements.filter(
        need_id__in=Endorsement.objects.filter(organization=survivor).values("need_id")
    ).delete()
    endorsements.update(organization=survivor)
    return moved


@transaction.atomic
def mark_distinct(
    *, actor: User, organization_id: int, other_id: int, reason: str = ""
) -> DistinctOrganizations:
    """Record that two organizations are not the same (coordinators): their pair leaves the
    merge queue. Marking the pair again changes nothing."""
    ensure_coordinator(actor)
    if organization_id == other_id:
        raise ValidationError(
            {"other": [_("An organization cannot be marked as distinct from itself.")]}
        )
    low, high = sorted((organization_id, other_id))
    if Organization.objects.filter(pk__in=[low, high]).count() != 2:
        raise ValidationError({"other": [_("There is no such organization.")]})
    decision, _created = DistinctOrganizations.objects.get_or_create(
        first_id=low, second_id=high, defaults={"decided_by": actor, "reason": reason}
    )
    return decision
