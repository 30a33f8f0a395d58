"""Explanations a coordinator reads: why each line was proposed and what is still missing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.area_codes import GLOBAL, LEVEL_COUNTRY, LEVEL_GLOBAL, LEVEL_SAME, country_of

from .model import NeedInput, NeedItemInput, OfferInput, Problem

_LEVEL_WORDS = {
    LEVEL_SAME: "same-area match",
    LEVEL_COUNTRY: "country-level match",
    LEVEL_GLOBAL: "global offer",
}


def amount(problem: Problem, category: str, quantity: float, currency: str | None) -> str:
    """A quantity in words: "120 laptops", "USD 50,000.00 grant"."""
    return amount_words(problem.is_financial(category), category, quantity, currency)


def amount_words(financial: bool, category: str, quantity: float, currency: str | None) -> str:
    """A quantity in words, the category's kind known."""
    if financial:
        return f"{currency or ''} {quantity:,.2f} {category}".strip()
    return f"{quantity:g} {category}"


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


def need_area(problem: Problem, need: NeedInput) -> str:
    """The need's area as a coordinator reads it."""
    return need.area_name or area_name(need.area, problem.area_names)


def _covering_code(need: NeedInput, level: int) -> str:
    if level == LEVEL_GLOBAL:
        return GLOBAL
    if level == LEVEL_COUNTRY:
        return country_of(need.area) or need.area
    return need.area


def amount_facts(
    problem: Problem, category: str, quantity: float, currency: str | None
) -> dict[str, Any]:
    """The facts behind `amount`: enough to say the same quantity in another language."""
    return {
        "quantity": quantity,
        "category": category,
        "currency": currency,
        "financial": problem.is_financial(category),
    }


def _overlap_facts(wanted: frozenset[str], offered: frozenset[str]) -> dict[str, Any]:
    return {"wanted": len(wanted), "shared": sorted(wanted & offered)}


def line_facts(
    problem: Problem,
    offer: OfferInput,
    need: NeedInput,
    item: NeedItemInput,
    level: int,
    quantity: float,
    terms: Mapping[str, float],
) -> dict[str, Any]:
    """The facts `line_sentence` puts in words, as plain JSON-ready values."""
    covering = _covering_code(need, level)
    return {
        "organization": offer.organization_name,
        "organization_id": offer.organization_id,
        "offered": amount_facts(problem, offer.category, offer.remaining, offer.currency),
        "given": amount_facts(problem, item.category, quantity, item.currency),
        "needed": amount_facts(problem, item.category, item.remaining, item.currency),
        "level": level,
        "offer_area": {"code": covering, "name": area_name(covering, problem.area_names)},
        "need_area": {"code": need.area, "name": need_area(problem, need)},
        "focus_areas": _overlap_facts(need.focus_areas, offer.focus_areas),
        "groups": _overlap_facts(need.vulnerable_groups, offer.vulnerable_groups),
        "verified": offer.verified,
        "track_record": offer.track_record,
        "text_similarity": terms["text"],
    }


def summary_facts(
    need: NeedInput,
    covered_items: int,
    coverage: float,
    partners: int,
    kinds: list[str],
    unverified: list[str],
) -> dict[str, Any]:
    """The facts `summary` puts in words (the uncovered entries carry their own)."""
    return {
        "items_total": len(need.items),
        "items_covered": covered_items,
        "coverage": coverage,
        "partners": partners,
        "kinds": list(kinds),
        "unverified": list(unverified),
    }


def _overlap(wanted: frozenset[str], offered: frozenset[str], noun: str, verb: str) -> str:
    if not wanted:
        return f"the need names no {noun}s"
    shared = sorted(wanted & offered)
    if not shared:
        return f"no shared {noun} (the need names {len(wanted)})"
    return f"{verb} {len(shared)} of {len(wanted)} {noun}s ({', '.join(shared)})"


def term_words(offer: OfferInput, need: NeedInput, terms: Mapping[str, float]) -> list[str]:
    """Each score term in words, in the order of the terms."""
    track = offer.track_record
    text = terms["text"]
    similarity = "similar" if text >= 0.3 else "somewhat similar" if text >= 0.1 else "unrelated"
    return [
        _overlap(need.focus_areas, offer.focus_areas, "focus area", "shares"),
        _overlap(need.vulnerable_groups, offer.vulnerable_groups, "vulnerable group", "reaches"),
        "verified organization" if offer.verified else "organization not yet verified",
        f"{track} completed partnership{'s' if track != 1 else ''}"
        if track
        else "no completed partnership yet",
        f"descriptions {similarity} (text similarity {text:.2f})",
    ]


def line_sentence(
    problem: Problem,
    offer: OfferInput,
    need: NeedInput,
    item: NeedItemInput,
    level: int,
    quantity: float,
    terms: Mapping[str, float],
) -> str:
    """One line of a proposal in plain English."""
    who = offer.organization_name or f"Organization {offer.organization_id}"
    where = offer_area_phrase(_covering_code(need, level), level, problem.area_names)
    offered = amount(problem, offer.category, offer.remaining, offer.currency)
    given = amount(problem, item.category, quantity, item.currency)
    needed = amount(problem, item.category, item.remaining, item.currency)
    details = "; ".join(term_words(offer, need, terms))
    details = details[:1].upper() + details[1:]
    return (
        f"{who} offers {offered} in {where}; the need is in {need_area(problem, need)} — "
        f"{_LEVEL_WORDS[level]}. Proposed: {given} of the {needed} needed. {details}."
    )


def summary(
    problem: Problem,
    need: NeedInput,
    covered_items: int,
    coverage: float,
    partners: int,
    kinds: list[str],
    uncovered: list[dict[str, Any]],
) -> str:
    """One paragraph for the whole proposal."""
    total = len(need.items)
    kind_words = f"{len(kinds)} kind{'s' if len(kinds) != 1 else ''} ({', '.join(kinds)})"
    partner_words = f"{partners} partner{'s' if partners != 1 else ''} of {kind_words}"
    if not uncovered:
        return f"Covers all {total} item{'s' if total != 1 else ''} with {partner_words}."
    missing = "; ".join(f"{entry['missing_text']}: {entry['reason']}" for entry in uncovered)
    return (
        f"Covers {covered_items} of {total} items fully (coverage {coverage:.0%}) with "
        f"{partner_words}. Still missing: {missing}."
    )
