"""Candidate pairs (offer, need item) that pass the hard rules, found by blocking, not by scanning.

Offers are indexed by (category, area code). A need item looks up its own area, the country of
that area and "global", so the work grows with the number of real candidates rather than with
offers x items. The hard rules are then checked on those pairs with array operations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .areas import covering_codes
from .catalogue import Catalogue
from .model import Problem

# Why a pair that matched on category and area was still dropped (in the order checked).
OWN_ORGANIZATION = "own_organization"
AVAILABLE_TOO_LATE = "available_too_late"
NO_EXCHANGE_RATE = "no_exchange_rate"
BELOW_MINIMUM = "below_minimum_allocation"
REJECTIONS = (OWN_ORGANIZATION, AVAILABLE_TOO_LATE, NO_EXCHANGE_RATE, BELOW_MINIMUM)


@dataclass(frozen=True)
class Candidates:
    """Parallel arrays, one entry per candidate pair.

    rate: item units per offer unit (an exchange rate for money, else 1).
    min_share: the smallest share of the item the offer may supply (its minimum allocation).
    """

    offer: np.ndarray
    item: np.ndarray
    level: np.ndarray
    rate: np.ndarray
    min_share: np.ndarray
    area_matches: np.ndarray  # per item: number of offers matching on category and area
    rejected: dict[str, tuple[np.ndarray, np.ndarray]]  # reason -> (items, offers)

    def __len__(self) -> int:
        return int(self.offer.size)

    def subset(self, keep: np.ndarray) -> Candidates:
        """The candidates selected by a boolean mask or index array."""
        return Candidates(
            offer=self.offer[keep],
            item=self.item[keep],
            level=self.level[keep],
            rate=self.rate[keep],
            min_share=self.min_share[keep],
            area_matches=self.area_matches,
            rejected=self.rejected,
        )


def _area_index(problem: Problem, catalogue: Catalogue) -> dict[tuple[str, str], np.ndarray]:
    """Offers with free capacity, by (category, area code), ascending offer position."""
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, offer in enumerate(problem.offers):
        if catalogue.offer_remaining[position] <= 0:
            continue
        for area in sorted(set(offer.areas)):
            index[(offer.category, area)].append(position)
    return {key: np.array(value, dtype=np.int64) for key, value in index.items()}


def _area_matches(problem: Problem, catalogue: Catalogue) -> tuple[np.ndarray, ...]:
    """All (offer, item, level) triples where category matches and the offer covers the area."""
    index = _area_index(problem, catalogue)
    offers: list[np.ndarray] = []
    items: list[int] = []
    levels: list[int] = []
    counts: list[int] = []
    for item_position, category in enumerate(catalogue.item_category):
        need = problem.needs[catalogue.item_need[item_position]]
        for code, level in covering_codes(need.area):
            found = index.get((category, code))
            if found is not None:
                offers.append(found)
                items.append(item_position)
                levels.append(level)
                counts.append(found.size)
    if not offers:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    sizes = np.array(counts, dtype=np.int64)
    offer = np.concatenate(offers)
    item = np.repeat(np.array(items, dtype=np.int64), sizes)
    level = np.repeat(np.array(levels, dtype=np.int64), sizes)
    # An offer listing both "KE" and "KE-30" reaches a KE-30 need twice: keep the most precise.
    key = item * max(1, catalogue.offer_id.size) + offer
    order = np.lexsort((-level, key))
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    chosen = order[first]
    return offer[chosen], item[chosen], level[chosen]


def generate_candidates(problem: Problem, catalogue: Catalogue) -> Candidates:
    """The candidate pairs that pass every hard rule, sorted by item then offer."""
    offer, item, level = _area_matches(problem, catalogue)
    need = catalogue.item_need[item]
    area_matches = np.bincount(item, minlength=catalogue.item_id.size)

    financial = catalogue.item_financial[item]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(financial, catalogue.item_usd[item] / catalogue.offer_usd[offer], 1.0)
    # The same currency on both sides (or none on either) needs no exchange rate.
    same = catalogue.offer_currency[offer] == catalogue.item_currency[item]
    rate = np.where(financial & same, 1.0, rate)

    minimum = np.minimum(catalogue.offer_min[offer], catalogue.offer_remaining[offer])
    with np.errstate(invalid="ignore", divide="ignore"):
        min_share = np.where(minimum > 0, minimum * rate / catalogue.item_remaining[item], 0.0)

    failures = {
        OWN_ORGANIZATION: catalogue.offer_org[offer] == catalogue.need_org[need],
        AVAILABLE_TOO_LATE: catalogue.offer_from[offer] > catalogue.need_deadline[need],
        NO_EXCHANGE_RATE: ~np.isfinite(rate),
        BELOW_MINIMUM: ~(min_share <= 1.0 + 1e-9),
    }
    alive = catalogue.item_remaining[item] > 0
    rejected: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for reason in REJECTIONS:
        hit = alive & failures[reason]
        rejected[reason] = (item[hit], offer[hit])
        alive &= ~failures[reason]
    return Candidates(
        offer=offer[alive],
        item=item[alive],
        level=level[alive],
        rate=rate[alive],
        min_share=np.clip(min_share[alive], 0.0, 1.0),
        area_matches=area_matches,
        rejected=rejected,
    )
