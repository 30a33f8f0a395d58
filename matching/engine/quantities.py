"""From shares to quantities: rounding that never exceeds an offer's capacity or an item's need.

Quantities of non-financial categories are whole units; amounts of money are cents. Each line is
rounded down in the offer's unit first (so the offer's capacity holds), then an item short of what
the solver gave it receives the rounded-off units back, largest remainders first, where the
offer still has room. A line that ends below the offer's minimum allocation is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = 1e-6


@dataclass(frozen=True)
class Quantities:
    """Rounded quantities per line, in the item's unit and in the offer's unit."""

    item_quantity: np.ndarray
    offer_quantity: np.ndarray


def _floor(values: np.ndarray, unit: np.ndarray) -> np.ndarray:
    return np.floor(values / unit + _EPS)


def round_lines(
    share: np.ndarray,
    offer: np.ndarray,
    item: np.ndarray,
    rate: np.ndarray,
    financial: np.ndarray,
    item_remaining: np.ndarray,
    offer_remaining: np.ndarray,
    offer_minimum: np.ndarray,
    offer_financial: np.ndarray,
) -> Quantities:
    """Round the lines (arrays in a deterministic order) to whole units or cents."""
    unit = np.where(financial, 0.01, 1.0)
    exact_offer = share * item_remaining[item] / rate
    units = _floor(exact_offer, unit)
    offer_cap = _floor(offer_remaining, np.where(offer_financial, 0.01, 1.0))
    units = _respect_capacity(units, offer, offer_cap)

    def item_amount(line_units: np.ndarray) -> np.ndarray:
        amount = line_units * unit * rate
        # Converted money is rounded to the nearest cent; the item is never credited beyond its
        # need (trimmed below), the offer never beyond its capacity (its amount is what counts).
        return np.where(rate == 1.0, amount, np.round(amount / unit) * unit)

    # Give rounded-off units back to items that the solver supplied more than they now get.
    target = np.bincount(item, weights=share * item_remaining[item], minlength=item_remaining.size)
    target = np.minimum(target, item_remaining)
    got = np.bincount(item, weights=item_amount(units), minlength=item_remaining.size)
    used = np.bincount(offer, weights=units, minlength=offer_remaining.size)
    remainder = exact_offer / unit - units
    # Items the solver covers in full come first: a unit short there costs a whole need.
    whole = target[item] >= item_remaining[item] - 1e-6
    for line in np.lexsort((np.arange(share.size), -remainder, ~whole)):
        if remainder[line] <= _EPS:
            continue
        i, o = item[line], offer[line]
        step = unit[line] * rate[line]
        # A cent of the offer's currency may be worth several of the item's: the item is then
        # credited only up to what it needs (below), never beyond.
        fits = got[i] + step <= item_remaining[i] + 1e-9 or rate[line] != 1.0
        short = target[i] - got[i] > _EPS and fits
        if short and used[o] + 1 <= offer_cap[o]:
            units[line] += 1
            used[o] += 1
            got[i] += step

    offer_quantity = units * unit
    minimum = np.minimum(offer_minimum[offer], offer_remaining[offer])
    offer_quantity[offer_quantity < minimum - 1e-9] = 0.0
    item_quantity = item_amount(np.round(offer_quantity / unit))
    # Trim converted lines first (the offer still gives its amount, the item is credited only what
    # it needs), then lines without a minimum, and lines held up by a minimum last.
    trim_last = np.where(rate != 1.0, 0, np.where(minimum > 0, 2, 1))
    item_quantity = _respect_item(item_quantity, item, item_remaining, unit, trim_last)
    offer_quantity = np.where(
        rate == 1.0, np.minimum(offer_quantity, item_quantity), offer_quantity
    )
    # A line trimmed below its offer's minimum is dropped altogether.
    below = (offer_quantity > 0) & (offer_quantity < minimum - 1e-9)
    offer_quantity[below] = 0.0
    item_quantity[below] = 0.0
    return Quantities(
        item_quantity=np.round(item_quantity, 2), offer_quantity=np.round(offer_quantity, 2)
    )


def _respect_capacity(units: np.ndarray, offer: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Take units back from an offer's lines (the last ones first) until it fits its capacity."""
    units = units.copy()
    used = np.bincount(offer, weights=units, minlength=cap.size)
    for o in np.flatnonzero(used > cap[: used.size]):
        excess = used[o] - cap[o]
        for line in np.flatnonzero(offer == o)[::-1]:
            take = min(units[line], excess)
            units[line] -= take
            excess -= take
            if excess <= 0:
                break
    return units


def _respect_item(
    quantity: np.ndarray,
    item: np.ndarray,
    remaining: np.ndarray,
    unit: np.ndarray,
    trim_last: np.ndarray,
) -> np.ndarray:
    """Trim lines of an item that would receive more than it needs: by trim_last ascending,
    then the last lines first."""
    quantity = quantity.copy()
    total = np.bincount(item, weights=quantity, minlength=remaining.size)
    for i in np.flatnonzero(total > remaining + 1e-9):
        excess = total[i] - remaining[i]
        lines = np.flatnonzero(item == i)[::-1]
        for line in lines[np.argsort(trim_last[lines], kind="stable")]:
            # In whole units (or cents): the excess is a rounded amount plus float noise, which a
            # plain ceil would turn into one unit too many.
            take = min(quantity[line], np.ceil(round(excess / unit[line], 3) - _EPS) * unit[line])
            quantity[line] -= take
            excess -= take
            if excess <= 1e-9:
                break
    return quantity
