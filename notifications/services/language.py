"""The language a user's e-mail is written in."""

from __future__ import annotations

from django.conf import settings

from notifications.models import Preference
from registry.models.preferences import LanguagePreference


def language_of(user_id: int) -> str:
    """The language the user chose (in the console or in their notification preference, which
    the services keep the same), else the site's default."""
    language = (
        LanguagePreference.objects.filter(user_id=user_id)
        .values_list("language", flat=True)
        .first()
        or Preference.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    )
    return language or settings.LANGUAGE_CODE
