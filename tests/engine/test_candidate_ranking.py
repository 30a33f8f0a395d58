"""Which pairs an item keeps among its top_k: offers that can supply a substantial share of it
first, by score; smaller offers fill the slots that are left."""

from __future__ import annotations

import pytest

from matching.engine import Parameters, solve
from matching.engine.candidates import rank_candidates
from matching.engine.catalogue import build_catalogue
from tests.factories.engine import item, need, offer, problem


def candidate_offers(generated, parameters: Parameters) -> set[int]:
    catalogue = build_catalogue(generated, parameters)
    candidates = rank_candidates(generated, catalogue, parameters)
    return {int(catalogue.offer_id[position]) for position in candidates.offer}


def small_and_large(small: int, large: int):
    """A need for 100 laptops in Nairobi; small offers (10 laptops) listed for Nairobi itself score
    higher on geography than the large ones (60 laptops) listed for the whole country."""
    smalls = [offer(remaining=10, areas=("KE-30",)) for _ in range(small)]
    larges = [offer(remaining=60, areas=("KE",)) for _ in range(large)]
    wanted = need(item(remaining=100))
    return problem([*smalls, *larges], [wanted]), smalls, larges


def test_offers_that_can_supply_a_substantial_share_come_first_whatever_their_score():
    generated, smalls, larges = small_and_large(small=10, large=2)
    by_score = candidate_offers(generated, Parameters(top_k=10, substantial_share=0))
    assert by_score == {o.id for o in smalls}

    kept = candidate_offers(generated, Parameters(top_k=10))
    assert {o.id for o in larges} <= kept
    assert len(kept) == 10


def test_small_offers_fill_the_slots_the_substantial_ones_leave():
    generated, smalls, larges = small_and_large(small=10, large=1)
    kept = candidate_offers(generated, Parameters(top_k=5))
    assert larges[0].id in kept
    assert len(kept & {o.id for o in smalls}) == 4


def test_an_item_larger_than_the_cap_times_its_best_scored_offers_is_served():
    """By score alone, the ten slots hold ten offers of a tenth of the item each: more partners than
    the cap of six allows. Pricing then finds the two large offers worth it (the LP over every
    eligible pair uses them) and adds them; with substantial offers first they are ranked."""
    generated, _, larges = small_and_large(small=10, large=2)
    by_score = solve(generated, Parameters(top_k=10, max_partners=6, substantial_share=0))
    assert by_score.metrics["candidates_ranked"] == 10
    assert by_score.metrics["candidates_priced_in"] >= 1
    for result in (by_score, solve(generated, Parameters(top_k=10, max_partners=6))):
        assert result.metrics["needs_fully_covered"] == 1
        (proposal,) = result.proposals
        assert proposal.coverage == pytest.approx(1.0)
        assert {line.offer_id for line in proposal.lines} & {o.id for o in larges}
        assert len({line.offer_id for line in proposal.lines}) <= 6


@pytest.mark.parametrize(
    ("share", "max_partners", "threshold"),
    [(0.2, 6, 0.2), (0.2, 20, 0.2), (0.2, 2, 0.5), (0.2, 1, 1.0), (0.3, 6, 0.3), (0.0, 2, 0.0)],
)
def test_the_threshold_is_the_share_or_one_over_the_partner_cap(share, max_partners, threshold):
    parameters = Parameters(substantial_share=share, max_partners=max_partners)
    assert parameters.substantial_threshold() == pytest.approx(threshold)


def test_the_threshold_uses_what_the_offer_has_left_at_the_exchange_rate():
    """A grant in Kenyan shillings of 2,600 KES (20 USD) is a fifth of a 100 USD item: preferred;
    one of 2,000 KES (15.4 USD) is not."""
    wanted = need(item(category="grant", remaining=100, currency="USD"))
    fifth = offer(category="grant", remaining=2600, currency="KES", areas=("KE",))
    less = offer(category="grant", remaining=2000, currency="KES", areas=("KE-30",))
    generated = problem([fifth, less], [wanted])
    assert candidate_offers(generated, Parameters(top_k=1)) == {fifth.id}
    assert candidate_offers(generated, Parameters(top_k=1, substantial_share=0)) == {less.id}
