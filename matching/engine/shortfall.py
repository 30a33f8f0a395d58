"""Why part of a need stays uncovered, in words, from the hard rules and the final allocation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .candidates import (
    AVAILABLE_TOO_LATE,
    BELOW_MINIMUM,
    NO_EXCHANGE_RATE,
    OWN_ORGANIZATION,
    Candidates,
)
from .catalogue import Catalogue
from .explain import amount_facts, amount_words, need_area
from .model import Problem
from .tolerances import SLACK

# The codes of the reasons an item stays uncovered (stored with the proposal).
NO_AREA_MATCH = "no_area_match"
CAPACITY_SHORT = "capacity_short"
CONTESTED = "contested"
BELOW_MINIMUM_ALLOCATION = "below_minimum"
CAPACITY_SPREAD = "capacity_spread"
ONLY_OWN_OFFERS = "only_own_offers"
TOO_LATE = "available_too_late"
NO_RATE = "no_exchange_rate"
BELOW_SMALLEST_MINIMUM = "below_smallest_minimum"
NO_CANDIDATE = "no_candidate"


@dataclass(frozen=True)
class _Grouped:
    """Pairs sorted by item, so one item's pairs are a slice."""

    items: np.ndarray
    offers: np.ndarray

    @classmethod
    def of(cls, items: np.ndarray, offers: np.ndarray) -> _Grouped:
        order = np.argsort(items, kind="stable")
        return cls(items[order], offers[order])

    def offers_of(self, item: int) -> np.ndarray:
        start, stop = np.searchsorted(self.items, [item, item + 1])
        return self.offers[start:stop]


class Shortfall:
    """Explains the missing part of need items after a run."""

    def __init__(
        self,
        problem: Problem,
        catalogue: Catalogue,
        candidates: Candidates,
        line_offer: np.ndarray,
        line_item: np.ndarray,
        line_offer_quantity: np.ndarray,
    ) -> None:
        self.problem = problem
        self.catalogue = catalogue
        self.candidates = candidates
        self.rejected = {
            reason: _Grouped.of(items, offers)
            for reason, (items, offers) in candidates.rejected.items()
        }
        self.by_item = _Grouped.of(candidates.item, np.arange(len(candidates)))
        used = np.bincount(
            line_offer, weights=line_offer_quantity, minlength=catalogue.offer_id.size
        )
        self.left = np.maximum(catalogue.offer_remaining - used, 0.0)
        taken = line_offer_quantity > 0
        self.takers = _Grouped.of(line_offer[taken], catalogue.item_need[line_item[taken]])

    def reason(self, item: int, missing: float) -> str:
        """Why `missing` units of this item (a position in the catalogue) are not covered."""
        return reason_text(self.reason_facts(item, missing))

    def reason_facts(self, item: int, missing: float) -> list[dict[str, Any]]:
        """The reasons `reason` puts in words: each a code and the numbers it speaks of."""
        problem, catalogue = self.problem, self.catalogue
        need = problem.needs[catalogue.item_need[item]]
        category = str(catalogue.item_category[item])
        if self.candidates.area_matches[item] == 0:
            return [
                {
                    "code": NO_AREA_MATCH,
                    "category": category,
                    "need_area": {"code": need.area, "name": need_area(problem, need)},
                }
            ]
        pairs = self.by_item.offers_of(item)
        if pairs.size == 0:
            return self._rejections(item)
        offers = self.candidates.offer[pairs]
        rate = self.candidates.rate[pairs]
        free = self.left[offers] * rate
        minimum = np.minimum(catalogue.offer_min[offers], catalogue.offer_remaining[offers]) * rate
        total = float((catalogue.offer_remaining[offers] * rate).sum())
        if total < catalogue.item_remaining[item] - SLACK:
            currency = _currency(problem, catalogue, item)
            return [
                {"code": CAPACITY_SHORT, "held": amount_facts(problem, category, total, currency)}
            ]
        contested = [o for o, f in zip(offers, free, strict=True) if f < missing - SLACK]
        for offer in contested:
            rivals = [n for n in self.takers.offers_of(offer) if n != catalogue.item_need[item]]
            if rivals:
                best = min(rivals, key=lambda n: (-problem.needs[n].priority, problem.needs[n].id))
                rival = problem.needs[best]
                taken = problem.offers[offer]
                return [
                    {
                        "code": CONTESTED,
                        "higher_priority": rival.priority > need.priority,
                        "offer": taken.id,
                        "organization": taken.organization_name,
                        "organization_id": taken.organization_id,
                        "rival_need": rival.id,
                        "rival_priority": rival.priority,
                    }
                ]
        if np.any((free >= missing - SLACK) & (minimum > missing + SLACK)):
            return [{"code": BELOW_MINIMUM_ALLOCATION}]
        return [{"code": CAPACITY_SPREAD}]

    def _rejections(self, item: int) -> list[dict[str, Any]]:
        problem, catalogue = self.problem, self.catalogue
        need = problem.needs[catalogue.item_need[item]]
        reasons: list[dict[str, Any]] = []
        if self.rejected[OWN_ORGANIZATION].offers_of(item).size:
            reasons.append({"code": ONLY_OWN_OFFERS})
        if self.rejected[AVAILABLE_TOO_LATE].offers_of(item).size:
            deadline = need.deadline.isoformat() if need.deadline else None
            reasons.append({"code": TOO_LATE, "deadline": deadline})
        offers = self.rejected[NO_EXCHANGE_RATE].offers_of(item)
        if offers.size:
            codes = {problem.offers[o].currency or "none" for o in offers}
            codes.add(_currency(problem, catalogue, item) or "none")
            unknown = sorted(c for c in codes if c not in problem.usd_rates)
            reasons.append({"code": NO_RATE, "currencies": unknown})
        offers = self.rejected[BELOW_MINIMUM].offers_of(item)
        if offers.size:
            smallest = min(float(catalogue.offer_min[o]) for o in offers)
            reasons.append({"code": BELOW_SMALLEST_MINIMUM, "smallest": smallest})
        return reasons or [{"code": NO_CANDIDATE}]


def reason_text(reasons: list[dict[str, Any]]) -> str:
    """The reasons of `Shortfall.reason_facts` in English."""
    return "; ".join(_reason_words(reason) for reason in reasons)


def _reason_words(reason: dict[str, Any]) -> str:
    code = reason["code"]
    if code == NO_AREA_MATCH:
        return f"no candidate offer of {reason['category']} covers {reason['need_area']['name']}"
    if code == CAPACITY_SHORT:
        held = reason["held"]
        return (
            "candidate offers hold only "
            f"{amount_words(held['financial'], held['category'], held['quantity'], held['currency'])}"
            " in total"
        )
    if code == CONTESTED:
        who = reason["organization"] or f"organization {reason['organization_id']}"
        higher = "higher-priority needs" if reason["higher_priority"] else "other needs"
        return (
            f"capacity taken by {higher} (offer {reason['offer']} of {who} "
            f"contested by need {reason['rival_need']}, priority {reason['rival_priority']})"
        )
    if code == BELOW_MINIMUM_ALLOCATION:
        return "below the offer's minimum allocation"
    if code == CAPACITY_SPREAD:
        return (
            "the free capacity left is spread over offers the partner limit or minimum pieces "
            "exclude"
        )
    if code == ONLY_OWN_OFFERS:
        return "the only offers covering it belong to the need's own organization"
    if code == TOO_LATE:
        return f"the offers become available only after the deadline ({reason['deadline']})"
    if code == NO_RATE:
        return f"no exchange rate for {', '.join(reason['currencies']) or 'the currencies'}"
    if code == BELOW_SMALLEST_MINIMUM:
        return f"below the offer's minimum allocation (smallest minimum {reason['smallest']:g})"
    return "no candidate offer"


def _currency(problem: Problem, catalogue: Catalogue, item: int) -> str | None:
    need_position = int(catalogue.item_need[item])
    first = int(np.searchsorted(catalogue.item_need, need_position))
    return problem.needs[need_position].items[item - first].currency
