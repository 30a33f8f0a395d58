"""A user's choice of how to hear of their notifications beside the inbox."""

from __future__ import annotations

from django.db import transaction

from notifications.models import Preference


def preference_of(*, user) -> Preference:
    """The user's preference, or the default (e-mail immediately, English) unsaved."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


@transaction.atomic
def set_preference(
    *,
    user,
    email: str | None = None,
    language: str | None = None,
    nudges: bool | None = None,
) -> Preference:
    """Change the user's e-mail choice, language and/or reminders; what is not given stays."""
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    changed = []
    if email is not None:
        preference.email = email
        changed.append("email")
    if language is not None:
        preference.language = language
        changed.append("language")
    if nudges is not None:
        preference.nudges = nudges
        changed.append("nudges")
    if changed:
        preference.save(update_fields=changed)
    return preference
