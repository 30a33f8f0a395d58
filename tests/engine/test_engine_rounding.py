"""From shares to whole units: rounding keeps every item the solver serves in full whole."""

import numpy as np

from matching.engine.quantities import round_lines

# Offers A (room for 1 unit), B (1 unit) and D (half a unit: nothing whole to give);
# items X and Y need one unit each. The shares serve both in full:
#   X: A 0.5, B 0.5      Y: A 0.5, D 0.5
# Flooring gives every line 0 units. Handing the rounded-off units back line by line gives A's
# one unit to X (its line comes first), after which Y can get nothing: A is full and D has no whole
# unit. Only moving X onto B frees A for Y.
SHARE = np.array([0.5, 0.5, 0.5, 0.5])
OFFER = np.array([0, 1, 0, 2])  # A, B, A, D
ITEM = np.array([0, 0, 1, 1])  # X, X, Y, Y


def rounded(offer_remaining=(1.0, 1.0, 0.5), offer_minimum=(0.0, 0.0, 0.0)):
    return round_lines(
        SHARE,
        OFFER,
        ITEM,
        rate=np.ones(4),
        financial=np.zeros(4, dtype=bool),
        item_remaining=np.array([1.0, 1.0]),
        offer_remaining=np.array(offer_remaining),
        offer_minimum=np.array(offer_minimum),
        offer_financial=np.zeros(3, dtype=bool),
    )


def served(quantities):
    return np.bincount(ITEM, weights=quantities.item_quantity, minlength=2)


def used(quantities):
    return np.bincount(OFFER, weights=quantities.offer_quantity, minlength=3)


def test_units_are_rerouted_so_that_both_fully_served_items_stay_whole():
    quantities = rounded()
    assert served(quantities).tolist() == [1.0, 1.0]
    assert quantities.item_quantity.tolist() == [0.0, 1.0, 1.0, 0.0]  # X from B, Y from A
    assert (used(quantities) <= [1.0, 1.0, 0.5]).all()


def test_rerouting_never_exceeds_an_offer_and_gives_up_when_no_unit_is_free():
    quantities = rounded(offer_remaining=(1.0, 0.5, 0.5))  # B has no whole unit either
    assert served(quantities).sum() == 1.0  # one item whole, never both
    assert (used(quantities) <= [1.0, 0.5, 0.5]).all()


def test_rerouting_never_takes_a_line_below_its_offers_minimum():
    # A gives at least one unit or nothing: X's unit from A cannot be shrunk to a smaller piece,
    # and the flow does not consider dropping the line, so only one item stays whole.
    quantities = rounded(offer_minimum=(1.0, 0.0, 0.0))
    kept = quantities.offer_quantity > 0
    assert (quantities.offer_quantity[kept & (OFFER == 0)] >= 1.0).all()
    assert (used(quantities) <= [1.0, 1.0, 0.5]).all()
    assert served(quantities).sum() == 1.0


def converted(offer_remaining):
    # 48.12 USD from three offers in another currency (one of its units is worth 0.77 USD),
    # shares 0.2 / 0.2 / 0.6. Each line floors to whole cents of the offer's currency and its
    # credit is rounded to the dollar cent: 9.62 + 9.62 + 28.87 = 48.11, and handing one cent
    # back per line does not make up for three roundings.
    return round_lines(
        np.array([0.2, 0.2, 0.6]),
        np.array([0, 1, 2]),
        np.array([0, 0, 0]),
        rate=np.full(3, 0.77),
        financial=np.ones(3, dtype=bool),
        item_remaining=np.array([48.12]),
        offer_remaining=np.array(offer_remaining),
        offer_minimum=np.zeros(3),
        offer_financial=np.ones(3, dtype=bool),
    )


def test_converted_money_a_cent_short_is_made_up_from_an_offer_with_room():
    quantities = converted(offer_remaining=(100.0, 100.0, 100.0))
    assert round(quantities.item_quantity.sum(), 2) == 48.12
    assert (quantities.offer_quantity <= 100.0).all()
    # No line is credited more than its offer's amount is worth (to the cent).
    credit = np.round(quantities.offer_quantity * 0.77, 2)
    assert (quantities.item_quantity <= credit + 1e-9).all()
    assert quantities.offer_quantity.tolist() == [12.51, 12.5, 37.49]  # one cent more, once


def test_without_room_in_any_offer_the_item_stays_a_cent_short():
    quantities = converted(offer_remaining=(12.5, 12.5, 37.49))
    assert round(quantities.item_quantity.sum(), 2) == 48.11
    assert (quantities.offer_quantity <= [12.5, 12.5, 37.49]).all()
