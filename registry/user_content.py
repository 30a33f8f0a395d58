"""User content in several languages: organizations' name and description, needs' title and
description.

The fields themselves (`name`, `title` …) hold the original, written in the record's `language`.
Translations into the other UN languages live in the record's django-modeltrans `i18n` column
under `<field>_<language>` keys (`title_fr`, `name_zh_hans`), and the API reads and writes them as
`translations: {"fr": {"title": …}}`. modeltrans' `title_i18n` is not used here: it takes the
original to be English, and an original may be in any of the six languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _


def content_languages() -> list[str]:
    """The six languages content may be written in (`ar`, `zh-hans`, `en`, `fr`, `ru`, `es`)."""
    return [code for code, _name in settings.LANGUAGES]


def i18n_key(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


def translations_of(record: models.Model, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """{"fr": {"title": …}} from the record's i18n column, languages in settings order."""
    return translations_from(getattr(record, "i18n", None), fields)


def translations_from(
    stored: dict[str, Any] | None, fields: tuple[str, ...]
) -> dict[str, dict[str, str]]:
    """{"fr": {"title": …}} from an i18n column's value (as `values()` reads it)."""
    stored = stored or {}
    result: dict[str, dict[str, str]] = {}
    for language in content_languages():
        texts = {
            f: stored[i18n_key(f, language)] for f in fields if stored.get(i18n_key(f, language))
        }
        if texts:
            result[language] = texts
    return result


def check_translations(
    translations: Any, *, original_language: str, max_lengths: dict[str, int | None]
) -> dict[str, str]:
    """The i18n column for `translations`, or a ValidationError on `translations` saying why.

    Languages are the six (not the original's: the fields themselves hold that), fields those of
    `max_lengths`, texts strings within the field's length; an empty text means no translation.
    """
    errors: list[str] = []
    i18n: dict[str, str] = {}
    languages = content_languages()
    if not isinstance(translations, dict):
        raise ValidationError(
            {"translations": [_('Give an object of languages, e.g. {"fr": {…}}.')]}
        )
    for language, texts in translations.items():
        # What is echoed of the request is cut short: a key may be as long as the body.
        said = str(language)[:35]
        if language not in languages:
            errors.append(
                _("%(language)s: not one of the languages %(languages)s.")
                % {"language": said, "languages": ", ".join(languages)}
            )
            continue
        if language == original_language:
            errors.append(
                _("%(language)s: the original is in this language; edit the fields themselves.")
                % {"language": said}
            )
            continue
        if not isinstance(texts, dict):
            errors.append(
                _('%(language)s: give an object of fields, e.g. {"%(field)s": …}.')
                % {"language": said, "field": next(iter(max_lengths))}
            )
            continue
        for field, text in texts.items():
            if field not in max_lengths:
                errors.append(
                    _("%(language)s.%(field)s: only %(fields)s are translated.")
                    % {"language": said, "field": str(field)[:35], "fields": ", ".join(max_lengths)}
                )
            elif not isinstance(text, str) or "\x00" in text:
                errors.append(
                    _("%(language)s.%(field)s: give a text (without NUL characters).")
                    % {"language": said, "field": field}
                )
            elif (limit := max_lengths[field]) is not None and len(text) > limit:
                errors.append(
                    _("%(language)s.%(field)s: at most %(limit)s characters.")
                    % {"language": said, "field": field, "limit": limit}
                )
            elif text.strip():
                i18n[i18n_key(field, language)] = text.strip()
    if errors:
        raise ValidationError({"translations": errors})
    return i18n


@dataclass(frozen=True)
class Shown:
    """A text as a page shows it: in the reader's language when there is one, else the original."""

    text: str
    language: str
    in_reader_language: bool

    @property
    def language_name(self) -> str:
        return str(translation.get_language_info(self.language)["name_translated"])

    @property
    def direction(self) -> str:
        return "rtl" if translation.get_language_info(self.language)["bidi"] else "ltr"

    def __str__(self) -> str:
        return self.text


def shown(record: models.Model, field: str, language: str | None = None) -> Shown:
    """`field` of `record` in `language` (the active one by default) or, failing that, the
    original, with the language it is in."""
    reader = language or translation.get_language() or settings.LANGUAGE_CODE
    original: str = getattr(record, field)
    original_language: str = getattr(record, "language", "") or settings.LANGUAGE_CODE
    if reader == original_language:
        return Shown(original, original_language, True)
    stored: dict[str, Any] = getattr(record, "i18n", None) or {}
    text = stored.get(i18n_key(field, reader))
    if text:
        return Shown(text, reader, True)
    return Shown(original, original_language, False)


def apply_translations(
    record: models.Model, data: dict[str, Any], *, max_lengths: dict[str, int | None]
) -> bool:
    """Set the record's translations from `data["translations"]` (all of them: the ones left out
    are removed), after its `language` is set; True when i18n is to be saved.

    A change of `language` alone keeps the translations, unless one is in the new original's
    language (then the request is refused: say which text is the original).
    """
    if "translations" not in data and "language" not in data:
        return False
    language: str = getattr(record, "language", "")
    if language not in content_languages():
        raise ValidationError(
            {
                "language": [
                    _("Give one of %(languages)s.") % {"languages": ", ".join(content_languages())}
                ]
            }
        )
    given = data.get("translations")
    if given is None:
        given = translations_of(record, tuple(max_lengths))
    record.i18n = check_translations(  # type: ignore[attr-defined]
        given, original_language=language, max_lengths=max_lengths
    )
    return True
