"""A user's choice of how to hear of their notifications beside the inbox."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Kind, Notification, Preference
from registry.models.preferences import LanguagePreference
from registry.services.preferences import set_language_preference


def preference_of(*, user: User) -> Preference:
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
    user: User,
    email: str | None = None,
    language: str | None = None,
    nudges: bool | None = None,
    time_zone: str | None = None,
    digest_hour: int | None = None,
    kinds: dict[str, str] | None = None,
) -> Preference:
    """Change the user's e-mail choice, language, reminders, time zone, digest hour or the
    choices per kind of event (`kinds` replaces them all: {kind: off|immediately|daily}, a kind
    not named follows `email`); what is not given stays."""
    if time_zone is not None and time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": [_("Unknown time zone: %s.") % time_zone]})
    if kinds is not None:
        _check_kinds(kinds)
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    before = _choices(preference)
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
    for field, value in (("time_zone", time_zone), ("digest_hour", digest_hour), ("kinds", kinds)):
        if value is not None:
            setattr(preference, field, value)
            changed.append(field)
    if changed:
        preference.save(update_fields=changed)
        _skip_backlog(user=user, before=before, after=_choices(preference))
    return preference


def _choices(preference: Preference) -> dict[str, str]:
    """The e-mail choice in force for each kind of event."""
    return {kind: preference.kinds.get(kind, preference.email) for kind in Kind.values}


def _skip_backlog(*, user: User, before: dict[str, str], after: dict[str, str]) -> None:
    """A kind turned on again mails what comes from now on, not what arrived while it was off:
    those notifications stay in the inbox and are marked never to be e-mailed."""
    off = Preference.Email.OFF
    turned_on = [kind for kind in Kind.values if before[kind] == off and after[kind] != off]
    if turned_on:
        Notification.objects.filter(
            user=user,
            event__kind__in=turned_on,
            emailed_at__isnull=True,
            email_skipped_at__isnull=True,
        ).update(email_skipped_at=timezone.now())


def _check_kinds(kinds: object) -> None:
    """Refuse a mapping that names an unknown kind or an unknown choice."""
    if not isinstance(kinds, dict):
        raise ValidationError({"kinds": [_("Give an object of kinds of event and choices.")]})
    errors = []
    for kind, choice in kinds.items():
        if kind not in Kind.values:
            errors.append(_("Unknown kind of event: %s.") % kind)
        elif choice not in Preference.Email.values:
            errors.append(
                _("Unknown choice for %(kind)s: %(choice)s (off, immediately or daily).")
                % {"kind": kind, "choice": choice}
            )
    if errors:
        raise ValidationError({"kinds": errors})
