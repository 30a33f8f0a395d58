"""The translation catalogues of the six UN languages: extract, fill English, compile, check.

`manage.py catalogues` runs it all: makemessages for every language, English filled with its own
words, compilemessages, then a count per language of what is left to translate. Translators edit
`locale/<language>/LC_MESSAGES/django.po`, then the command runs again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
# Folder names under locale/ (Django's spelling: zh_Hans for zh-hans).
LOCALES = ("ar", "zh_Hans", "en", "fr", "ru", "es")
# What is not the product: the virtual environment, tests, benchmarks, built files.
IGNORED = [".venv", "venv", "tests", "bench", "node_modules", "*.egg-info", ".data", "locale"]
# The packages whose strings users read.
SOURCE_PACKAGES = (
    "access",
    "api",
    "config",
    "interchange",
    "matching",
    "notifications",
    "registry",
    "tasks",
    "web",
)


def catalogue_path(locale: str) -> Path:
    """The .po file of a locale folder name (ar, zh_Hans ...)."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"


def make_messages(locales: tuple[str, ...] = LOCALES, verbosity: int = 0) -> None:
    """Extract every marked string of the source into the catalogues (new ones untranslated)."""
    with _inside(BASE_DIR):
        call_command(
            "makemessages",
            locale=list(locales),
            ignore_patterns=IGNORED,
            no_obsolete=True,
            verbosity=verbosity,
        )


def fill_english() -> int:
    """English says what its msgids say; returns how many entries were filled."""
    catalogue = polib.pofile(str(catalogue_path("en")))
    filled = 0
    for entry in catalogue:
        if entry.msgid_plural:
            words = {0: entry.msgid, 1: entry.msgid_plural}
            changed = entry.msgstr_plural != words
            entry.msgstr_plural = words
        else:
            changed = entry.msgstr != entry.msgid
            entry.msgstr = entry.msgid
        # A fuzzy guess of msgmerge is another string's words: English never keeps one.
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
        filled += changed
    catalogue.save()
    return filled


@dataclass(frozen=True)
class Coverage:
    locale: str
    total: int
    untranslated: list[str]
    fuzzy: list[str]

    @property
    def complete(self) -> bool:
        return not self.untranslated and not self.fuzzy


def coverage(locale: str) -> Coverage:
    """How much of a catalogue is translated (obsolete entries do not count)."""
    catalogue = polib.pofile(str(catalogue_path(locale)))
    live = [entry for entry in catalogue if not entry.obsolete]
    untranslated = [entry.msgid for entry in live if not entry.translated() and not entry.fuzzy]
    return Coverage(
        locale=locale,
        total=len(live),
        untranslated=untranslated,
        fuzzy=[entry.msgid for entry in live if entry.fuzzy],
    )


def source_msgids(workdir: Path) -> set[str]:
    """The msgids makemessages finds in the source now, extracted into workdir (not locale/)."""
    for package in SOURCE_PACKAGES:
        (workdir / package).symlink_to(BASE_DIR / package, target_is_directory=True)
    scratch = workdir / "locale"
    scratch.mkdir()
    with override_settings(LOCALE_PATHS=[str(scratch)]), _inside(workdir):
        call_command(
            "makemessages",
            locale=["en"],
            ignore_patterns=IGNORED,
            symlinks=True,
            verbosity=0,
        )
    catalogue = polib.pofile(str(scratch / "en" / "LC_MESSAGES" / "django.po"))
    return {entry.msgid for entry in catalogue}


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)
