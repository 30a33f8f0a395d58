"""Area codes: `global`, ISO 3166-1 alpha-2 (`KE`) or ISO 3166-2 (`KE-30`), checked with pycountry."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError

GLOBAL = "global"


@lru_cache(maxsize=8192)
def area_name(code: str) -> str | None:
    """The English name of an area code, or None when the code is unknown."""
    if code == GLOBAL:
        return "the whole world"
    if "-" in code:
        subdivision = pycountry.subdivisions.get(code=code)
        return subdivision.name if subdivision else None
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country and len(code) == 2 else None


def validate_area_code(code: str) -> None:
    """Raise ValidationError unless code is `global` or a known ISO 3166-1/3166-2 code."""
    if not isinstance(code, str) or area_name(code) is None:
        raise ValidationError(
            "%(code)s is not an area code: use 'global', an ISO 3166-1 alpha-2 country code "
            "(KE) or an ISO 3166-2 subdivision code (KE-30).",
            code="unknown_area",
            params={"code": code},
        )


def validate_country_code(code: str) -> None:
    """Raise ValidationError unless code is an ISO 3166-1 alpha-2 country code."""
    if not isinstance(code, str) or "-" in code or code == GLOBAL or area_name(code) is None:
        raise ValidationError(
            "%(code)s is not an ISO 3166-1 alpha-2 country code.",
            code="unknown_country",
            params={"code": code},
        )


def country_of(code: str) -> str | None:
    """The country an area code lies in (KE-30 → KE), None for `global`."""
    if code == GLOBAL:
        return None
    return code.split("-", 1)[0]


def covering_areas(code: str) -> list[str]:
    """The area codes whose offers cover `code`: itself, its country, and `global`."""
    if code == GLOBAL:
        return [GLOBAL]
    country = country_of(code)
    return [code, country, GLOBAL] if country != code else [code, GLOBAL]
