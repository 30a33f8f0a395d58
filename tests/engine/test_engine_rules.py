"""Hard rules: which (offer, need item) pairs may be matched at all."""

from datetime import date

import pytest

from matching.engine import covers, solve
from tests.factories.engine import item, need, offer, problem


@pytest.mark.parametrize(
    ("offer_area", "need_area", "expected"),
    [
        ("KE", "KE-30", True),
        ("KE", "KE", True),
        ("global", "KE-30", True),
        ("global", "UG", True),
        ("KE-30", "KE-30", True),
        ("KE-30", "KE-01", False),
        ("KE-30", "KE", False),
        ("UG", "KE-30", False),
    ],
)
def test_an_offer_covers_its_area_and_the_subdivisions_of_a_country(
    offer_area, need_area, expected
):
    assert covers(offer_area, need_area) is expected


def served(result, need_id):
    """Offer ids serving a need in the result."""
    return {
        line.offer_id
        for proposal in result.proposals
        if proposal.need_id == need_id
        for line in proposal.lines
    }


def test_a_subdivision_offer_serves_neither_another_subdivision_nor_the_whole_country():
    nairobi = offer(areas=("KE-30",))
    baringo_need = need(item(remaining=10), area="KE-01")
    kenya_need = need(item(remaining=10), area="KE")
    result = solve(problem([nairobi], [baringo_need, kenya_need]))
    assert result.proposals == ()


def test_country_and_global_offers_serve_a_subdivision_need():
    kenya = offer(areas=("KE",), remaining=5)
    world = offer(areas=("global",), remaining=5)
    nairobi_need = need(item(remaining=10), area="KE-30")
    result = solve(problem([kenya, world], [nairobi_need]))
    assert served(result, nairobi_need.id) == {kenya.id, world.id}
    assert result.proposals[0].coverage == 1.0


def test_the_needs_own_organization_is_never_matched():
    own = offer(organization_id=7, remaining=100)
    other = offer(remaining=100)
    gap = need(item(remaining=10), organization_id=7)
    result = solve(problem([own, other], [gap]))
    assert served(result, gap.id) == {other.id}


def test_an_offer_only_of_the_needs_own_organization_leaves_it_uncovered():
    own = offer(organization_id=7, remaining=100)
    gap = need(item(remaining=10), organization_id=7)
    assert solve(problem([own], [gap])).proposals == ()


def test_a_pair_whose_exchange_rate_is_unknown_is_dropped():
    pesos = offer("grant", 1_000_000, currency="XYZ")
    dollars = offer("grant", 100, currency="USD")
    gap = need(item("grant", 1000, currency="KES"))
    result = solve(problem([pesos, dollars], [gap]))
    assert served(result, gap.id) == {dollars.id}


def test_money_is_converted_through_the_dollar_rates():
    dollars = offer("grant", 100, currency="USD")
    gap = need(item("grant", 6500, currency="KES"))
    (proposal,) = solve(problem([dollars], [gap])).proposals
    (line,) = proposal.lines
    assert line.quantity == pytest.approx(6500)
    assert line.offer_quantity == pytest.approx(50)


def test_an_offer_available_only_after_the_deadline_is_dropped():
    late = offer(available_from=date(2031, 1, 1))
    on_time = offer(available_from=date(2029, 1, 1), remaining=3)
    gap = need(item(remaining=10), deadline=date(2030, 6, 30))
    result = solve(problem([late, on_time], [gap]))
    assert served(result, gap.id) == {on_time.id}


def test_only_offers_of_the_same_category_are_matched():
    tablets = offer("tablets", 100)
    gap = need(item("laptops", 10))
    assert solve(problem([tablets], [gap])).proposals == ()
