"""Comments on proposals and progress reports: who may read and write them, in one place."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from matching.models import Comment, Partner, ProgressReport, Proposal, ProposalLine
from matching.services import notices
from registry.actors import Actor
from registry.errors import PermissionDenied, ValidationError
from registry.models import Endorsement, Membership, Organization
from registry.models.visibility import is_coordinator

BODY_MAX = 2000


def _need_id(*, proposal: Proposal | None, report: ProgressReport | None) -> int:
    if proposal is not None:
        return proposal.need_id
    assert report is not None
    return report.partnership.need_id


def _involved(*, proposal: Proposal | None, report: ProgressReport | None) -> set[int]:
    """The organizations the object concerns: the need's own, the partners (or the proposal's
    lines' organizations), and verified community organizations that endorsed the need."""
    need_id = _need_id(proposal=proposal, report=report)
    if proposal is not None:
        involved = set(
            ProposalLine.objects.filter(proposal=proposal).values_list("organization_id", flat=True)
        )
        involved.add(proposal.need.organization_id)
    else:
        assert report is not None
        involved = set(
            Partner.objects.filter(partnership_id=report.partnership_id).values_list(
                "organization_id", flat=True
            )
        )
        involved.add(report.partnership.need.organization_id)
    involved |= set(
        Endorsement.objects.filter(
            need_id=need_id,
            organization__kind=Organization.Kind.COMMUNITY,
            organization__verified_at__isnull=False,
        ).values_list("organization_id", flat=True)
    )
    return involved


def speaking_for(
    user: Actor, *, proposal: Proposal | None = None, report: ProgressReport | None = None
) -> list[int]:
    """The organizations `user` may comment for on the object, by id."""
    if not user.is_authenticated:
        return []
    involved = _involved(proposal=proposal, report=report)
    return sorted(
        Membership.objects.filter(user=user, organization_id__in=involved).values_list(
            "organization_id", flat=True
        )
    )


def may_comment(
    user: Actor, *, proposal: Proposal | None = None, report: ProgressReport | None = None
) -> bool:
    """Coordinators, and members of the organizations the object concerns, read and write its
    comments."""
    if is_coordinator(user):
        return True
    return bool(speaking_for(user, proposal=proposal, report=report))


def comments_on(
    *, proposal: Proposal | None = None, report: ProgressReport | None = None
) -> QuerySet[Comment]:
    """The object's comments, oldest first, with their authors and organizations."""
    if proposal is not None:
        queryset = Comment.objects.filter(proposal=proposal)
    else:
        queryset = Comment.objects.filter(report=report)
    return queryset.select_related("author", "organization").order_by("created_at", "id")


@transaction.atomic
def add_comment(
    *,
    actor: User,
    body: str,
    proposal: Proposal | None = None,
    report: ProgressReport | None = None,
    organization_id: int | None = None,
) -> Comment:
    """`actor` comments on one proposal or one progress report, for one of the organizations it
    concerns (the first by default) or as a coordinator."""
    if (proposal is None) == (report is None):
        raise ValidationError(_("A comment is on one proposal or one progress report."))
    mine = speaking_for(actor, proposal=proposal, report=report)
    if not mine and not is_coordinator(actor):
        raise PermissionDenied(
            _(
                "Only coordinators and members of the organizations it concerns, or of community "
                "organizations that endorsed its need, comment on it."
            )
        )
    if organization_id is not None and organization_id not in mine:
        raise ValidationError({"organization": [_("You do not speak for this organization here.")]})
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": [_("Write the comment.")]})
    if len(text) > BODY_MAX:
        raise ValidationError(
            {"body": [_("A comment is at most %(max)d characters.") % {"max": BODY_MAX}]}
        )
    speaker = organization_id if organization_id is not None else (mine[0] if mine else None)
    comment = Comment.objects.create(
        author=actor, organization_id=speaker, proposal=proposal, report=report, body=text
    )
    notices.comment_posted(
        comment=comment, organizations=_involved(proposal=proposal, report=report)
    )
    return comment
