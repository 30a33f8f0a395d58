"""The language a record's texts are written in, and their translations into the other UN
languages: the console's counterpart of the API's `language` and `translations`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from registry.services.needs import NEED_TEXTS as NEED_LIMITS
from registry.services.organizations import ORGANIZATION_TEXTS as ORGANIZATION_LIMITS
from registry.user_content import check_translations, content_languages, i18n_key
from web.forms import DesignSystemForm

LABELS = {"title": _("Title"), "name": _("Name"), "description": _("Description")}
# The texts each form offers for translation: label, and the service's length limit.
NEED_TEXTS = {field: (LABELS[field], limit) for field, limit in NEED_LIMITS.items()}
ORGANIZATION_TEXTS = {field: (LABELS[field], limit) for field, limit in ORGANIZATION_LIMITS.items()}


def _language_name(code: str) -> str:
    return str(translation.get_language_info(code)["name_translated"])


class TranslationsForm(DesignSystemForm, forms.Form):
    """Optional texts per language, checked by registry.user_content as the API's are; the
    record's service checks them again when it saves."""

    prefix = "translations"

    def __init__(
        self,
        *args,
        texts: dict[str, tuple[Any, int | None]],
        record: models.Model | None = None,
        **kwargs,
    ) -> None:
        """`texts` maps each translated field to its label and length limit (None: no limit)."""
        super().__init__(*args, **kwargs)
        self.texts = texts
        stored: dict[str, str] = (getattr(record, "i18n", None) or {}) if record else {}
        self.fields["language"] = forms.ChoiceField(
            label=_("Language the texts are written in"),
            choices=[(code, _language_name(code)) for code in content_languages()],
            initial=getattr(record, "language", "") or translation.get_language(),
            # A form sent without it (a script's) changes neither the language nor translations.
            required=False,
        )
        for language in content_languages():
            bidi = translation.get_language_info(language)["bidi"]
            for field, (label, _limit) in texts.items():
                widget = forms.Textarea(attrs={"rows": 3}) if field == "description" else None
                self.fields[self.key(language, field)] = forms.CharField(
                    label=label,
                    required=False,
                    strip=True,
                    widget=widget,
                    initial=stored.get(i18n_key(field, language), ""),
                )
                attrs = self.fields[self.key(language, field)].widget.attrs
                attrs.update({"lang": language, "dir": "rtl" if bidi else "ltr"})
        self.style_fields()

    @staticmethod
    def key(language: str, field: str) -> str:
        return i18n_key(field, language)

    def languages(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(code, name, its fields) for each language, in settings order."""
        return [
            (code, _language_name(code), [self[self.key(code, field)] for field in self.texts])
            for code in content_languages()
        ]

    @property
    def shown_open(self) -> bool:
        """Whether the page shows the translations unfolded: some exist, or one is refused."""
        return bool(self.errors) or any(
            self.initial.get(name) or self.fields[name].initial
            for name in self.fields
            if name != "language"
        )

    def given(self) -> dict[str, dict[str, str]]:
        """The texts filled in, by language: {"fr": {"title": …}}."""
        result: dict[str, dict[str, str]] = {}
        for language in content_languages():
            for field in self.texts:
                text = self.cleaned_data.get(self.key(language, field), "")
                if text:
                    result.setdefault(language, {})[field] = text
        return result

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        original = cleaned.get("language")
        if not original:
            if self.given():
                self.add_error("language", _("Say which language the texts are written in."))
            return cleaned
        limits = {field: limit for field, (_label, limit) in self.texts.items()}
        # Each text alone, so that a refusal lands on the field it is about.
        for language, texts in self.given().items():
            for field, text in texts.items():
                try:
                    check_translations(
                        {language: {field: text}}, original_language=original, max_lengths=limits
                    )
                except ValidationError as error:
                    for message in error.message_dict.get("translations", error.messages):
                        self.add_error(self.key(language, field), message)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The service's `language` and `translations` (all of them: left out is removed)."""
        if not self.cleaned_data.get("language"):
            return {}
        return {"language": self.cleaned_data["language"], "translations": self.given()}

    def add_service_errors(self, error: ValidationError) -> bool:
        """Put the service's refusals of `language` / `translations` on this form; True if any."""
        details = error.message_dict if hasattr(error, "error_dict") else {}
        found = False
        for key, field in (("language", "language"), ("translations", None)):
            for message in details.get(key, []):
                self.add_error(field, message)
                found = True
        self.style_fields()
        return found


def without_translation_errors(error: ValidationError) -> ValidationError | None:
    """The service's refusal less what a TranslationsForm shows (None when nothing is left)."""
    if not hasattr(error, "error_dict"):
        return error
    rest = {
        key: messages
        for key, messages in error.message_dict.items()
        if key not in ("language", "translations")
    }
    return ValidationError(rest) if rest else None
