"""Area codes checked and named with pycountry; the rules that need no catalogue are in
`registry.area_codes`."""

from __future__ import annotations

import gettext as gnu_gettext
from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from registry.area_codes import GLOBAL, is_subdivision


@lru_cache(maxsize=8192)
def area_name(code: str) -> str | None:
    """The English name of an area code, or None when the code is unknown."""
    if code == GLOBAL:
        return "the whole world"
    if is_subdivision(code):
        subdivision = pycountry.subdivisions.get(code=code)
        return subdivision.name if subdivision else None
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country and len(code) == 2 else None


# pycountry's catalogue folders for the registry's languages (its Chinese is zh_CN, simplified).
ISO_CATALOGUE_LOCALES = {"zh-hans": "zh_CN"}


@lru_cache(maxsize=32)
def _iso_catalogue(domain: str, language: str) -> gnu_gettext.NullTranslations:
    """pycountry's translations of the ISO 3166 names (iso3166-1, iso3166-2) into a language."""
    try:
        return gnu_gettext.translation(
            domain,
            pycountry.LOCALES_DIR,
            languages=[ISO_CATALOGUE_LOCALES.get(language, language)],
        )
    except OSError:
        return gnu_gettext.NullTranslations()


def localized_area_name(code: str) -> str | None:
    """The name of an area in the active language (ISO names from pycountry), else in English."""
    if code == GLOBAL:
        return _("the whole world")
    name = area_name(code)
    language = get_language() or "en"
    if name is None or language == "en":
        return name
    domain = "iso3166-2" if is_subdivision(code) else "iso3166-1"
    return _iso_catalogue(domain, language).gettext(name)


def validate_area_code(code: str) -> None:
    """Raise ValidationError unless code is `global` or a known ISO 3166-1/3166-2 code."""
    if not isinstance(code, str) or area_name(code) is None:
        raise ValidationError(
            gettext_lazy(
                "%(code)s is not an area code: use 'global', an ISO 3166-1 alpha-2 country code "
                "(KE) or an ISO 3166-2 subdivision code (KE-30)."
            ),
            code="unknown_area",
            params={"code": code},
        )


def validate_country_code(code: str) -> None:
    """Raise ValidationError unless code is an ISO 3166-1 alpha-2 country code."""
    if (
        not isinstance(code, str)
        or is_subdivision(code)
        or code == GLOBAL
        or area_name(code) is None
    ):
        raise ValidationError(
            gettext_lazy("%(code)s is not an ISO 3166-1 alpha-2 country code."),
            code="unknown_country",
            params={"code": code},
        )
