"""The language a user's e-mail is written in: one place to point at the user's language."""

from __future__ import annotations

from django.conf import settings

from notifications.models import Preference


def language_of(user_id: int) -> str:
    """The user's chosen language (their notification preference), else the site's default."""
    language = Preference.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE
