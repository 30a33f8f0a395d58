"""Who may open which console page: the API's rules, object by object."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from matching.models import Proposal
from matching.services import comments
from registry.models.visibility import is_coordinator, member_organization_ids


def coordinator_required(view):
    """Sign-in first, then 403 for anyone outside the coordinators group."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def visible_proposals(user) -> QuerySet[Proposal]:
    """Coordinators see every proposal; members those for their needs or with their lines."""
    proposals = Proposal.objects.all()
    if is_coordinator(user):
        return proposals
    own = member_organization_ids(user)
    visible = Proposal.objects.filter(
        Q(need__organization__in=own) | Q(lines__organization__in=own)
    )
    return proposals.filter(pk__in=visible.values("pk"))


def may_open_proposal(user, proposal: Proposal) -> bool:
    """Those it is visible to, and those who may comment on it (the comment service's rule:
    members of verified community organizations that endorsed its need among them) open a
    proposal's page; the latter read it and comment, nothing more."""
    if is_coordinator(user):
        return True
    return visible_proposals(user).filter(pk=proposal.pk).exists() or comments.may_comment(
        user, proposal=proposal
    )
