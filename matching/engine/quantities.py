"""From shares to quantities: rounding that never exceeds an offer's capacity or an item's need.

Quantities of non-financial categories are whole units; amounts of money are cents. Each line is
rounded down in the offer's unit first (so the offer's capacity holds), then an item short of what
the solver gave it receives the rounded-off units back, largest remainders first, where the
offer still has room. Units still missing from items the solver serves in full are then found by
one integral max-flow over the lines (re-routing units between the lines already proposed, never
adding a partner): with whole units and cents the data are integers, so when the solver's shares
serve an item in full, whole units usually can too. A line that ends below the offer's minimum
allocation is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import maximum_flow

from .tolerances import DIVISOR_FLOOR, SCALED_SLACK, SLACK


@dataclass(frozen=True)
class Quantities:
    """Rounded quantities per line, in the item's unit and in the offer's unit."""

    item_quantity: np.ndarray
    offer_quantity: np.ndarray


def _floor(values: np.ndarray, unit: np.ndarray) -> np.ndarray:
    whole_units: np.ndarray = np.floor(values / unit + SCALED_SLACK)
    return whole_units


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
        credited: np.ndarray = np.where(rate == 1.0, amount, np.round(amount / unit) * unit)
        return credited

    # Give rounded-off units back to items that the solver supplied more than they now get.
    target = np.bincount(item, weights=share * item_remaining[item], minlength=item_remaining.size)
    target = np.minimum(target, item_remaining)
    got = np.bincount(item, weights=item_amount(units), minlength=item_remaining.size)
    used = np.bincount(offer, weights=units, minlength=offer_remaining.size)
    remainder = exact_offer / unit - units
    # Items the solver covers in full come first: a unit short there costs a whole need.
    whole = target[item] >= item_remaining[item] - SCALED_SLACK
    for line in np.lexsort((np.arange(share.size), -remainder, ~whole)):
        if remainder[line] <= SCALED_SLACK:
            continue
        i, o = item[line], offer[line]
        step = unit[line] * rate[line]
        # A cent of the offer's currency may be worth several of the item's: the item is then
        # credited only up to what it needs (below), never beyond.
        fits = got[i] + step <= item_remaining[i] + SLACK or rate[line] != 1.0
        short = target[i] - got[i] > SCALED_SLACK and fits
        if short and used[o] + 1 <= offer_cap[o]:
            units[line] += 1
            used[o] += 1
            got[i] += step

    units = _reroute(
        units,
        offer,
        item,
        rate,
        unit,
        offer_minimum,
        offer_remaining,
        item_remaining,
        offer_cap,
        whole,
        item_amount,
    )
    offer_quantity = units * unit
    minimum = np.minimum(offer_minimum[offer], offer_remaining[offer])
    offer_quantity[offer_quantity < minimum - SLACK] = 0.0
    item_quantity = item_amount(np.round(offer_quantity / unit))
    # Trim converted lines first (the offer still gives its amount, the item is credited only what
    # it needs), then lines without a minimum, and lines held up by a minimum last.
    trim_last = np.where(rate != 1.0, 0, np.where(minimum > 0, 2, 1))
    item_quantity = _respect_item(item_quantity, item, item_remaining, unit, trim_last)
    offer_quantity = np.where(
        rate == 1.0, np.minimum(offer_quantity, item_quantity), offer_quantity
    )
    # A line trimmed below its offer's minimum is dropped altogether.
    below = (offer_quantity > 0) & (offer_quantity < minimum - SLACK)
    offer_quantity[below] = 0.0
    item_quantity[below] = 0.0
    _top_up(
        offer_quantity,
        item_quantity,
        offer,
        item,
        rate,
        unit,
        offer_remaining,
        item_remaining,
        whole,
    )
    return Quantities(
        item_quantity=np.round(item_quantity, 2), offer_quantity=np.round(offer_quantity, 2)
    )


def _top_up(
    offer_quantity: np.ndarray,
    item_quantity: np.ndarray,
    offer: np.ndarray,
    item: np.ndarray,
    rate: np.ndarray,
    unit: np.ndarray,
    offer_remaining: np.ndarray,
    item_remaining: np.ndarray,
    whole: np.ndarray,
) -> None:
    """In place: an item the solver serves in full but that rounding left a few units (or
    cents) short gets them from one of its lines whose offer still has room.

    Converted money is what this catches: each line's credit is rounded to the item's cent, so
    three converted lines can each round down and leave the item a cent short with room to
    spare in every offer. The line grows by the fewest offer units that make up the shortfall;
    the item is credited only what it needs."""
    received = np.bincount(item, weights=item_quantity, minlength=item_remaining.size)
    missing = item_remaining - received
    short = np.unique(item[whole & (item_quantity > 0)])
    short = short[missing[short] > SLACK]
    if short.size == 0:
        return
    used = np.bincount(offer, weights=offer_quantity, minlength=offer_remaining.size)
    for i in short:
        for line in np.flatnonzero((item == i) & (offer_quantity > 0)):
            step = unit[line]
            o = offer[line]
            room = np.floor((offer_remaining[o] - used[o]) / step + SCALED_SLACK)
            if room < 1:
                continue
            # The fewest offer units whose credit, rounded as item_amount rounds, makes up the
            # shortfall (rounding to the nearest cent may need one unit fewer or one more).
            least = max(1.0, np.ceil(missing[i] / (step * rate[line]) - SCALED_SLACK) - 1)
            for extra in np.arange(least, min(room, least + 2) + 1):
                credit = np.round((offer_quantity[line] + extra * step) * rate[line] / step) * step
                gain = min(credit - item_quantity[line], missing[i])
                if gain >= missing[i] - SLACK:
                    break
            else:
                continue
            given = extra * step if rate[line] != 1.0 else gain  # plain lines: offer = item
            offer_quantity[line] = np.round(offer_quantity[line] + given, 2)
            item_quantity[line] = np.round(item_quantity[line] + gain, 2)
            used[o] += given
            missing[i] = 0.0
            break


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
    for i in np.flatnonzero(total > remaining + SLACK):
        excess = total[i] - remaining[i]
        lines = np.flatnonzero(item == i)[::-1]
        for line in lines[np.argsort(trim_last[lines], kind="stable")]:
            # In whole units (or cents): the excess is a rounded amount plus float noise, which a
            # plain ceil would turn into one unit too many.
            take = min(
                quantity[line], np.ceil(round(excess / unit[line], 3) - SCALED_SLACK) * unit[line]
            )
            quantity[line] -= take
            excess -= take
            if excess <= SLACK:
                break
    return quantity


def _reroute(
    units: np.ndarray,
    offer: np.ndarray,
    item: np.ndarray,
    rate: np.ndarray,
    unit: np.ndarray,
    offer_minimum: np.ndarray,
    offer_remaining: np.ndarray,
    item_remaining: np.ndarray,
    offer_cap: np.ndarray,
    whole: np.ndarray,
    item_amount: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Units for the items served in full by the solver that rounding left short, by one max-flow.

    Over the lines without a currency conversion (one offer unit is one item unit), in units:
    source → offer (its room left), offer → item (a line may grow), item → offer (a line may
    shrink, down to its offer's minimum), source → item for items not served in full (they may
    give units up), item → sink (what a fully served item still misses). An augmenting path moves
    units along lines already proposed, so no partner is added, no capacity exceeded, and an item
    on the way keeps its total. Every amount is capped at the total shortfall: int32 is enough.
    """
    got = np.bincount(item, weights=item_amount(units), minlength=item_remaining.size)
    plain = rate == 1.0
    short_units = np.zeros(item_remaining.size, dtype=np.int64)
    whole_items = np.unique(item[whole])
    line_unit = np.zeros(item_remaining.size)
    line_unit[item] = unit
    missing = item_remaining[whole_items] - got[whole_items]
    short_units[whole_items] = np.maximum(
        0, np.round(missing / np.maximum(line_unit[whole_items], DIVISOR_FLOOR) - 1e-3)
    ).astype(np.int64)
    wanted = int(short_units.sum())
    if wanted == 0 or not plain.any():
        return units
    lines = np.flatnonzero(plain)
    offers, line_offer = np.unique(offer[lines], return_inverse=True)
    items, line_item = np.unique(item[lines], return_inverse=True)
    line_offer, line_item = line_offer.ravel(), line_item.ravel()
    source, first_offer = 0, 1
    first_item = first_offer + offers.size
    sink = first_item + items.size
    used = np.bincount(offer, weights=units, minlength=offer_remaining.size)
    room = np.clip(offer_cap[offers] - used[offers], 0, wanted).astype(np.int64)
    minimum_units = np.ceil(
        np.minimum(offer_minimum[offer[lines]], offer_remaining[offer[lines]]) / unit[lines]
        - SCALED_SLACK
    )
    shrink = np.clip(units[lines] - minimum_units, 0, wanted)
    shrink = np.where(minimum_units > 0, shrink, np.clip(units[lines], 0, wanted)).astype(np.int64)
    whole_item = np.isin(items, whole_items)
    give = np.where(
        whole_item,
        0,
        np.clip(np.bincount(line_item, weights=units[lines], minlength=items.size), 0, wanted),
    ).astype(np.int64)
    need = np.clip(short_units[items], 0, wanted)
    tail = np.concatenate
    rows = tail(
        [
            np.zeros(offers.size, np.int64),
            first_offer + line_offer,
            first_item + line_item,
            np.zeros(items.size, np.int64),
            first_item + np.arange(items.size),
        ]
    )
    cols = tail(
        [
            first_offer + np.arange(offers.size),
            first_item + line_item,
            first_offer + line_offer,
            first_item + np.arange(items.size),
            np.full(items.size, sink),
        ]
    )
    capacity = tail([room, np.full(lines.size, wanted, np.int64), shrink, give, need])
    keep = capacity > 0
    graph = sparse.csr_matrix(
        (capacity[keep].astype(np.int32), (rows[keep], cols[keep])), shape=(sink + 1, sink + 1)
    )
    result = maximum_flow(graph, source, sink)
    if result.flow_value == 0:
        return units
    flow = result.flow.tocsr()
    delta = np.asarray(flow[first_offer + line_offer, first_item + line_item]).ravel()
    units = units.copy()
    units[lines] += delta
    return units
