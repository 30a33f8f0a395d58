"""Bring the six catalogues up to date with the source and compile them; list what is missing."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from config.catalogues import LOCALE_DIR, LOCALES, coverage, fill_english, make_messages


class Command(BaseCommand):
    help = (
        "makemessages for ar, zh-hans, en, fr, ru, es; English filled with its own words; "
        "compilemessages; then the count of untranslated and fuzzy strings per language "
        "(exits 1 while any is left)."
    )

    def handle(self, *args, **options) -> None:
        make_messages()
        fill_english()
        call_command("compilemessages", locale=list(LOCALES), verbosity=0)
        missing = 0
        for locale in LOCALES:
            counts = coverage(locale)
            translated = counts.total - len(counts.untranslated) - len(counts.fuzzy)
            self.stdout.write(
                f"{locale:8} {translated}/{counts.total} translated, "
                f"{len(counts.untranslated)} untranslated, {len(counts.fuzzy)} fuzzy"
            )
            for msgid in counts.untranslated + counts.fuzzy:
                self.stdout.write(f"    {msgid!r}")
            missing += len(counts.untranslated) + len(counts.fuzzy)
        if missing:
            raise CommandError(
                f"{missing} strings to translate in {LOCALE_DIR}/<language>/LC_MESSAGES/django.po; "
                "translate them (no fuzzy), then run this command again."
            )
