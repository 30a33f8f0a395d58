"""Role checks shared by the registry's services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext as _

from registry.actors import Actor
from registry.errors import PermissionDenied
from registry.models import Membership, Organization
from registry.models.visibility import is_coordinator


def role_in(user: Actor, organization: Organization) -> str | None:
    """The user's role in the organization, or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


# The (user, organization) a coordinator imports for, while `importing_for` runs; nothing else
# sets it, so every other write still needs a membership.
_IMPORTING_FOR: ContextVar[tuple[int | None, int] | None] = ContextVar(
    "importing_for", default=None
)


@contextmanager
def importing_for(user: Actor, organization: Organization | None) -> Iterator[None]:
    """Within this block, a coordinator who is not a writer of `organization` writes its records
    as if they were, and the services record the coordinator as the actor. Only the spreadsheet
    imports enter it: coordinators import pledges for any organization, but every other write
    still needs a membership. For anyone else (and without an organization) it changes nothing."""
    if (
        organization is None
        or not is_coordinator(user)
        or role_in(user, organization) in Membership.WRITERS
    ):
        yield
        return
    token = _IMPORTING_FOR.set((user.pk, organization.pk))
    try:
        yield
    finally:
        _IMPORTING_FOR.reset(token)


# The (user, organization) pairs found writers during one bulk import (`remembering_writers`),
# so that its thousands of rows do not each read the same membership again.
_WRITERS: ContextVar[set[tuple[int, int]] | None] = ContextVar("known_writers", default=None)


@contextmanager
def remembering_writers() -> Iterator[None]:
    """Within this block (one import, one transaction), a user found to be a writer of an
    organization stays one without reading the membership again."""
    token = _WRITERS.set(set())
    try:
        yield
    finally:
        _WRITERS.reset(token)


def ensure_writer(user: Actor, organization: Organization) -> None:
    """Raise PermissionDenied unless the user is an admin or editor of the organization (or a
    coordinator importing for it, see `importing_for`)."""
    if user.is_authenticated and _IMPORTING_FOR.get() == (user.pk, organization.pk):
        return
    known = _WRITERS.get()
    if known is not None and (user.pk, organization.pk) in known:
        return
    if role_in(user, organization) not in Membership.WRITERS:
        raise PermissionDenied(
            _("Only admins and editors of %(name)s may change its records.")
            % {"name": organization.name}
        )
    if known is not None and user.pk is not None:
        known.add((user.pk, organization.pk))


def ensure_admin(user: Actor, organization: Organization) -> None:
    """Raise PermissionDenied unless the user is an admin of the organization."""
    if role_in(user, organization) != Membership.Role.ADMIN:
        raise PermissionDenied(
            _("Only admins of %(name)s may manage its members.") % {"name": organization.name}
        )


def ensure_coordinator(user: Actor) -> None:
    """Raise PermissionDenied unless the user is in the coordinators group."""
    if not is_coordinator(user):
        raise PermissionDenied(_("Only coordinators may do this."))
