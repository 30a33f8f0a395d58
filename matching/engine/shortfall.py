"""Why part of a need stays uncovered, in words, from the hard rules and the final allocation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .candidates import (
    AVAILABLE_TOO_LATE,
    BELOW_MINIMUM,
    NO_EXCHANGE_RATE,
    OWN_ORGANIZATION,
    Candidates,
)
from .catalogue import Catalogue
from .explain import amount, need_area
from .model import Problem
from .tolerances import SLACK


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
        problem, catalogue = self.problem, self.catalogue
        need = problem.needs[catalogue.item_need[item]]
        category = catalogue.item_category[item]
        if self.candidates.area_matches[item] == 0:
            return f"no candidate offer of {category} covers {need_area(problem, need)}"
        pairs = self.by_item.offers_of(item)
        if pairs.size == 0:
            return self._rejections(item)
        offers = self.candidates.offer[pairs]
        rate = self.candidates.rate[pairs]
        free = self.left[offers] * rate
        minimum = np.minimum(catalogue.offer_min[offers], catalogue.offer_remaining[offers]) * rate
        total = float((catalogue.offer_remaining[offers] * rate).sum())
        if total < catalogue.item_remaining[item] - SLACK:
            held = amount(problem, category, total, _currency(problem, catalogue, item))
            return f"candidate offers hold only {held} in total"
        contested = [o for o, f in zip(offers, free, strict=True) if f < missing - SLACK]
        for offer in contested:
            rivals = [n for n in self.takers.offers_of(offer) if n != catalogue.item_need[item]]
            if rivals:
                best = min(rivals, key=lambda n: (-problem.needs[n].priority, problem.needs[n].id))
                rival = problem.needs[best]
                who = (
                    problem.offers[offer].organization_name
                    or f"organization {problem.offers[offer].organization_id}"
                )
                higher = (
                    "higher-priority needs" if rival.priority > need.priority else "other needs"
                )
                return (
                    f"capacity taken by {higher} (offer {problem.offers[offer].id} of {who} "
                    f"contested by need {rival.id}, priority {rival.priority})"
                )
        if np.any((free >= missing - SLACK) & (minimum > missing + SLACK)):
            return "below the offer's minimum allocation"
        return "the free capacity left is spread over offers the partner limit or minimum pieces exclude"

    def _rejections(self, item: int) -> str:
        problem, catalogue = self.problem, self.catalogue
        need = problem.needs[catalogue.item_need[item]]
        reasons = []
        if self.rejected[OWN_ORGANIZATION].offers_of(item).size:
            reasons.append("the only offers covering it belong to the need's own organization")
        if self.rejected[AVAILABLE_TOO_LATE].offers_of(item).size:
            reasons.append(f"the offers become available only after the deadline ({need.deadline})")
        offers = self.rejected[NO_EXCHANGE_RATE].offers_of(item)
        if offers.size:
            codes = {problem.offers[o].currency or "none" for o in offers}
            codes.add(_currency(problem, catalogue, item) or "none")
            unknown = sorted(c for c in codes if c not in problem.usd_rates)
            reasons.append(f"no exchange rate for {', '.join(unknown) or 'the currencies'}")
        offers = self.rejected[BELOW_MINIMUM].offers_of(item)
        if offers.size:
            smallest = min(float(catalogue.offer_min[o]) for o in offers)
            reasons.append(f"below the offer's minimum allocation (smallest minimum {smallest:g})")
        return "; ".join(reasons) or "no candidate offer"


def _currency(problem: Problem, catalogue: Catalogue, item: int) -> str | None:
    need_position = int(catalogue.item_need[item])
    first = int(np.searchsorted(catalogue.item_need, need_position))
    return problem.needs[need_position].items[item - first].currency
