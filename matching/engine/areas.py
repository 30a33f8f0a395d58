"""Area codes: "global", ISO 3166-1 countries ("KE") and ISO 3166-2 subdivisions ("KE-30")."""

from __future__ import annotations

from collections.abc import Mapping

GLOBAL = "global"

# How precisely an offer's area fits a need's area, from the widest to the exact one.
LEVEL_GLOBAL = 0
LEVEL_COUNTRY = 1
LEVEL_SAME = 2


def country_of(code: str) -> str | None:
    """The country of an area code ("KE-30" -> "KE"); None for "global"."""
    if code == GLOBAL:
        return None
    return code.split("-", 1)[0]


def covering_codes(code: str) -> tuple[tuple[str, int], ...]:
    """The area codes whose offers cover this area, each with its precision level."""
    codes = [(code, LEVEL_SAME)]
    country = country_of(code)
    if country is not None and country != code:
        codes.append((country, LEVEL_COUNTRY))
    if code != GLOBAL:
        codes.append((GLOBAL, LEVEL_GLOBAL))
    return tuple(codes)


def covers(offer_area: str, need_area: str) -> bool:
    """Whether an offer available in offer_area may serve a need located in need_area."""
    return any(offer_area == code for code, _ in covering_codes(need_area))


def area_name(code: str, names: Mapping[str, str]) -> str:
    """A readable name for an area code, falling back to the code itself."""
    if code == GLOBAL:
        return "any country"
    return names.get(code) or code


def offer_area_phrase(code: str, level: int, names: Mapping[str, str]) -> str:
    """How an explanation names the area through which an offer reaches a need."""
    if level == LEVEL_GLOBAL:
        return "any country (global offer)"
    if level == LEVEL_COUNTRY:
        return f"all of {area_name(code, names)}"
    return area_name(code, names)
