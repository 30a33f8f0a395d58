"""The six catalogues are complete, compiled from what they say, and cover the source as it is."""

from __future__ import annotations

import shutil

import polib
import pytest

from config.catalogues import LOCALES, catalogue_path, coverage, source_msgids
from tests.requirements import in_ci

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None and not in_ci(),
    reason="makemessages needs GNU gettext (apt install gettext; CI installs it, and fails without)",
)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated_and_none_is_fuzzy(locale):
    counts = coverage(locale)
    assert counts.total > 400
    assert counts.untranslated == []
    assert counts.fuzzy == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_says_what_the_po_file_says(locale):
    po = catalogue_path(locale)
    source = polib.pofile(str(po))
    compiled = polib.mofile(str(po.with_suffix(".mo")))

    def messages(catalogue) -> dict[tuple[str, str], object]:
        return {
            (entry.msgctxt or "", entry.msgid): (
                dict(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            )
            for entry in catalogue
            if entry.msgid and not entry.obsolete
        }

    assert messages(compiled) == messages(source), (
        f"{po.with_suffix('.mo')} is stale: run `manage.py catalogues`"
    )
    assert compiled.metadata["Plural-Forms"] == source.metadata["Plural-Forms"]


@pytest.mark.parametrize("locale", ["ar", "zh_Hans", "fr", "ru", "es"])
def test_placeholders_survive_translation(locale):
    for entry in polib.pofile(str(catalogue_path(locale))):
        if "python-format" not in entry.flags:
            continue
        expected = set(_placeholders(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert set(_placeholders(translation)) == expected, (entry.msgid, translation)


@needs_gettext
def test_every_string_in_the_source_is_in_every_catalogue(tmp_path):
    found = source_msgids(tmp_path)
    assert len(found) > 400
    for locale in LOCALES:
        catalogued = {entry.msgid for entry in polib.pofile(str(catalogue_path(locale)))}
        missing = sorted(found - catalogued)
        assert missing == [], f"{locale}: new strings, run `manage.py catalogues`: {missing[:10]}"


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\(\w+\)[sd]|%%", text)


def test_english_says_exactly_what_its_msgids_say():
    for entry in polib.pofile(str(catalogue_path("en"))):
        if entry.msgid_plural:
            assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}
        else:
            assert entry.msgstr == entry.msgid
