"""The problem flattened into numpy arrays: one row per offer, per need and per need item."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from registry.area_codes import country_of

from .model import Parameters, Problem

NO_DATE_EARLY = np.iinfo(np.int64).min
NO_DATE_LATE = np.iinfo(np.int64).max


def _ordinal(day: date | None, missing: int) -> int:
    return missing if day is None else day.toordinal()


def _usd_rate(currency: str | None, rates: dict[str, float]) -> float:
    """Units of currency per US dollar; NaN when no rate is known."""
    if currency is None:
        return math.nan
    rate = rates.get(currency)
    return float(rate) if rate and rate > 0 else math.nan


def label_masks(labels: list[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
    """Encode sets of labels as rows of 64-bit words, so overlaps are bit counts."""
    words = max(1, math.ceil(len(vocabulary) / 64))
    masks = np.zeros((len(labels), words), dtype=np.uint64)
    for row, members in enumerate(labels):
        for label in members:
            bit = vocabulary[label]
            masks[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return masks


def _vocabulary(*groups: list[frozenset[str]]) -> dict[str, int]:
    names = sorted({label for group in groups for members in group for label in members})
    return {name: position for position, name in enumerate(names)}


@dataclass(frozen=True)
class Catalogue:
    """Column arrays of offers, needs and need items, indexed by position in the problem."""

    offer_id: np.ndarray
    offer_org: np.ndarray
    offer_remaining: np.ndarray
    offer_usd: np.ndarray
    offer_currency: np.ndarray
    offer_financial: np.ndarray
    offer_from: np.ndarray
    offer_min: np.ndarray
    offer_verified: np.ndarray
    offer_track: np.ndarray
    offer_focus: np.ndarray
    offer_groups: np.ndarray
    need_id: np.ndarray
    need_org: np.ndarray
    need_weight: np.ndarray
    need_deadline: np.ndarray
    need_region: np.ndarray  # a code per country of the need's area (regions rarely interact)
    need_focus: np.ndarray
    need_groups: np.ndarray
    need_items: np.ndarray
    item_id: np.ndarray
    item_need: np.ndarray
    item_remaining: np.ndarray
    item_usd: np.ndarray
    item_currency: np.ndarray
    item_financial: np.ndarray
    item_category: tuple[str, ...]

    @property
    def total_weight(self) -> float:
        """Σ w(n) over all needs: the denominator of coverage."""
        return float(self.need_weight.sum())


def build_catalogue(problem: Problem, parameters: Parameters) -> Catalogue:
    """Flatten a problem into arrays (one pass over offers, needs and items)."""
    rates = dict(problem.usd_rates)
    offers, needs = problem.offers, problem.needs
    items = [(position, item) for position, need in enumerate(needs) for item in need.items]
    focus = _vocabulary([o.focus_areas for o in offers], [n.focus_areas for n in needs])
    currencies = {None: -1} | {
        code: position
        for position, code in enumerate(
            sorted(
                {o.currency for o in offers if o.currency}
                | {item.currency for _, item in items if item.currency}
            )
        )
    }
    groups = _vocabulary(
        [o.vulnerable_groups for o in offers], [n.vulnerable_groups for n in needs]
    )
    return Catalogue(
        offer_id=np.array([o.id for o in offers], dtype=np.int64),
        offer_org=np.array([o.organization_id for o in offers], dtype=np.int64),
        offer_remaining=np.array([max(0.0, float(o.remaining)) for o in offers], dtype=float),
        offer_usd=np.array([_usd_rate(o.currency, rates) for o in offers], dtype=float),
        offer_currency=np.array([currencies[o.currency or None] for o in offers], np.int64),
        offer_financial=np.array([problem.is_financial(o.category) for o in offers], dtype=bool),
        offer_from=np.array([_ordinal(o.available_from, NO_DATE_EARLY) for o in offers], np.int64),
        offer_min=np.array([float(o.min_allocation or 0.0) for o in offers], dtype=float),
        offer_verified=np.array([1.0 if o.verified else 0.0 for o in offers], dtype=float),
        offer_track=np.array([max(0, o.track_record) for o in offers], dtype=float),
        offer_focus=label_masks([o.focus_areas for o in offers], focus),
        offer_groups=label_masks([o.vulnerable_groups for o in offers], groups),
        need_id=np.array([n.id for n in needs], dtype=np.int64),
        need_org=np.array([n.organization_id for n in needs], dtype=np.int64),
        need_weight=np.array([parameters.priority_weight(n.priority) for n in needs], dtype=float),
        need_deadline=np.array([_ordinal(n.deadline, NO_DATE_LATE) for n in needs], np.int64),
        need_region=np.unique(
            [country_of(n.area) or n.area for n in needs] or [""], return_inverse=True
        )[1][: len(needs)].astype(np.int64),
        need_focus=label_masks([n.focus_areas for n in needs], focus),
        need_groups=label_masks([n.vulnerable_groups for n in needs], groups),
        need_items=np.array([len(n.items) for n in needs], dtype=np.int64),
        item_id=np.array([item.id for _, item in items], dtype=np.int64),
        item_need=np.array([position for position, _ in items], dtype=np.int64),
        item_remaining=np.array([max(0.0, float(item.remaining)) for _, item in items], float),
        item_usd=np.array([_usd_rate(item.currency, rates) for _, item in items], dtype=float),
        item_currency=np.array([currencies[i.currency or None] for _, i in items], np.int64),
        item_financial=np.array([problem.is_financial(item.category) for _, item in items], bool),
        item_category=tuple(item.category for _, item in items),
    )
