"""Erasure of personal data, from the live rows and from their history."""

from __future__ import annotations

import pghistory
import pgtrigger
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from knox.models import AuthToken

from registry.actors import Actor
from registry.errors import PermissionDenied
from registry.models import Membership, Organization
from registry.models.visibility import is_coordinator
from registry.services.permissions import role_in

CONTACT_FIELDS = ("contact_email", "contact_phone")


@transaction.atomic
def erase_contact(*, actor: Actor, organization: Organization) -> int:
    """Blank an organization's contact person, here and in every history row; coordinators or
    the organization's admins. Answers the number of history rows scrubbed."""
    if not is_coordinator(actor) and role_in(actor, organization) != Membership.Role.ADMIN:
        raise PermissionDenied(
            _("Only coordinators and admins of %(name)s may do this.") % {"name": organization.name}
        )
    history = apps.get_model("registry", "OrganizationEvent")
    with pghistory.context(user=actor.pk, action="erase_contact"):
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        for field in CONTACT_FIELDS:
            setattr(locked, field, "")
        locked.save(update_fields=[*CONTACT_FIELDS, "updated_at"])
        # History is append-only; an erasure is the one write its protection lets through.
        with pgtrigger.ignore(f"{history._meta.label}:append_only"):
            scrubbed: int = (
                history.objects.filter(pgh_obj_id=organization.pk)
                .exclude(contact_email="", contact_phone="")
                .update(contact_email="", contact_phone="")
            )
    organization.contact_email = organization.contact_phone = ""
    return scrubbed


@transaction.atomic
def erase_user(*, actor: Actor, user: User) -> None:
    """Anonymise a user account (the user themself, or a coordinator): name, e-mail, password,
    tokens and sign-in logs go; memberships and history keep the account's id only."""
    if actor.pk != user.pk and not is_coordinator(actor):
        raise PermissionDenied(_("Only coordinators may erase another user's account."))
    for log in (AccessAttempt, AccessFailureLog, AccessLog):
        log.objects.filter(username=user.get_username()).delete()
    AuthToken.objects.filter(user=user).delete()
    user.username = f"erased-user-{user.pk}"
    user.email = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(
        update_fields=["username", "email", "first_name", "last_name", "is_active", "password"]
    )
