"""What a user chose for the interface."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The six UN languages, as codes (the names are the settings' LANGUAGES).
LANGUAGE_CODES = ("ar", "zh-hans", "en", "fr", "ru", "es")


class LanguagePreference(models.Model):
    """The language a signed-in user reads the console in, remembered across devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=LANGUAGE_CODES), name="language_preference_un_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
