"""Small builders for hand-made engine problems."""

from __future__ import annotations

from datetime import date
from itertools import count

from matching.engine import NeedInput, NeedItemInput, OfferInput, Problem

CATEGORY_KINDS = {
    "grant": "financial",
    "laptops": "technical",
    "tablets": "technical",
    "trainer-days": "human",
}
RATES = {"USD": 1.0, "KES": 130.0, "EUR": 0.9}
AREA_NAMES = {"KE": "Kenya", "KE-30": "Nairobi City", "KE-01": "Baringo", "UG": "Uganda"}

_ids = count(1)


def offer(
    category: str = "laptops",
    remaining: float = 100,
    areas: tuple[str, ...] = ("KE",),
    organization_id: int | None = None,
    kind: str = "company",
    **extra,
) -> OfferInput:
    """An offer with a fresh id (and a fresh organization unless given)."""
    identifier = next(_ids)
    return OfferInput(
        id=identifier,
        organization_id=organization_id if organization_id is not None else 1000 + identifier,
        organization_kind=kind,
        category=category,
        remaining=remaining,
        areas=areas,
        **extra,
    )


def item(category: str = "laptops", remaining: float = 100, currency: str | None = None):
    """A need item with a fresh id."""
    return NeedItemInput(id=next(_ids), category=category, remaining=remaining, currency=currency)


def need(
    *items: NeedItemInput,
    area: str = "KE-30",
    priority: int = 3,
    organization_id: int = 1,
    deadline: date | None = None,
    **extra,
) -> NeedInput:
    """A need of a government (organization 1 unless given) with a fresh id."""
    return NeedInput(
        id=next(_ids),
        organization_id=organization_id,
        area=area,
        priority=priority,
        items=tuple(items),
        deadline=deadline,
        **extra,
    )


def problem(offers, needs, rates=None) -> Problem:
    """A problem with the test categories, exchange rates and area names."""
    return Problem(
        offers=tuple(offers),
        needs=tuple(needs),
        usd_rates=RATES if rates is None else rates,
        category_kinds=CATEGORY_KINDS,
        area_names=AREA_NAMES,
    )


def components(generated: Problem, parameters=None):
    """The components solve() hands to the allocation, built the same way."""
    from matching.engine import Parameters
    from matching.engine.candidates import rank_candidates
    from matching.engine.catalogue import build_catalogue
    from matching.engine.solve import component_blocks

    parameters = parameters or Parameters()
    catalogue = build_catalogue(generated, parameters)
    candidates = rank_candidates(generated, catalogue, parameters)
    return component_blocks(generated, catalogue, candidates)
