"""The rules of area codes, with no Django so that the engine shares them: `global`, ISO 3166-1
alpha-2 countries (KE) and ISO 3166-2 subdivisions (KE-30), and which area covers which."""

from __future__ import annotations

GLOBAL = "global"

# How precisely an offer's area fits a need's area, from the widest to the exact one.
LEVEL_GLOBAL = 0
LEVEL_COUNTRY = 1
LEVEL_SAME = 2


def normalise(text: str) -> str:
    """An area code as it is stored, whichever case it was typed in: `global` in lower case, ISO codes
    in upper case (" Global " → global, "ke-30" → KE-30). The API, the forms and the imports all call it."""
    code = text.strip()
    return GLOBAL if code.lower() == GLOBAL else code.upper()


def is_subdivision(code: str) -> bool:
    """Whether an area code names a subdivision of a country (KE-30), not a country or `global`."""
    return "-" in code


def country_of(code: str) -> str | None:
    """The country an area code lies in (KE-30 → KE, KE → KE), None for `global`."""
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


def covering_areas(code: str) -> list[str]:
    """The area codes whose offers cover `code`: itself, its country, and `global`."""
    return [covering for covering, _level in covering_codes(code)]


def covers(offer_area: str, need_area: str) -> bool:
    """Whether an offer available in offer_area may serve a need located in need_area."""
    return offer_area in covering_areas(need_area)
