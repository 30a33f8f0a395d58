"""A user's choice of how to hear of their notifications beside the inbox."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.models import Preference
from registry.models.preferences import LanguagePreference
from registry.services.preferences import set_language_preference


def preference_of(*, user) -> Preference:
    """The user's preference, or the default unsaved (e-mail immediately, in the language the
    user chose in the console, else English)."""
    saved = Preference.objects.filter(user=user).first()
    if saved is not None:
        return saved
    chosen = LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()
    return Preference(user=user, language=chosen or settings.LANGUAGE_CODE)


@transaction.atomic
def set_preference(
    *,
    user,
    email: str | None = None,
    language: str | None = None,
    nudges: bool | None = None,
    time_zone: str | None = None,
    digest_hour: int | None = None,
) -> Preference:
    """Change the user's e-mail choice, language, reminders, time zone or digest hour; what is
    not given stays."""
    if time_zone is not None and time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": [_("Unknown time zone: %s.") % time_zone]})
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    changed = []
    if email is not None:
        preference.email = email
        changed.append("email")
    if language is not None:
        # One language per user: the console's choice and the e-mail's are the same.
        set_language_preference(user=user, language=language)
        preference.language = language
        changed.append("language")
    if nudges is not None:
        preference.nudges = nudges
        changed.append("nudges")
    for field, value in (("time_zone", time_zone), ("digest_hour", digest_hour)):
        if value is not None:
            setattr(preference, field, value)
            changed.append(field)
    if changed:
        preference.save(update_fields=changed)
    return preference
