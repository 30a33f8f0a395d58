"""What a user chooses for the interface."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.models import Preference
from registry.errors import ValidationError
from registry.models.preferences import LANGUAGE_CODES, LanguagePreference


@transaction.atomic
def set_language_preference(*, user: User, language: str) -> LanguagePreference:
    """Remember the language a signed-in user reads the registry in (and their e-mail)."""
    if language not in LANGUAGE_CODES:
        raise ValidationError(
            {"language": _("Choose one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)}}
        )
    preference, _created = LanguagePreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    Preference.objects.filter(user=user).update(language=language)
    return preference
