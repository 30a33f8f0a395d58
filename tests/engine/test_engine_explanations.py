"""Explanations: what a coordinator reads about each line and about what is still missing."""

import json

from matching.engine import Parameters, solve
from tests.factories.engine import item, need, offer, problem


def test_a_line_names_the_partner_the_offer_and_the_country_level_match():
    laptops = offer(remaining=120, organization_name="Kenya ICT Trust", verified=True)
    gap = need(item(remaining=100), area="KE-30")
    (proposal,) = solve(problem([laptops], [gap])).proposals
    (line,) = proposal.lines
    assert line.explanation.startswith(
        "Kenya ICT Trust offers 120 laptops in all of Kenya; the need is in Nairobi City"
        " — country-level match."
    )
    assert "verified organization" in line.explanation
    assert set(line.terms) == {"focus", "groups", "geography", "verified", "track_record", "text"}
    assert line.terms["geography"] == 0.6


def test_score_terms_are_described_in_words():
    laptops = offer(
        focus_areas=frozenset({"devices", "digital-skills"}),
        vulnerable_groups=frozenset({"youth"}),
        track_record=2,
        text="Refurbished laptops for rural schools",
    )
    gap = need(
        item(remaining=10),
        focus_areas=frozenset({"devices", "connectivity"}),
        vulnerable_groups=frozenset({"youth", "older-persons"}),
        text="Laptops for rural schools in Nairobi",
    )
    (line,) = solve(problem([laptops], [gap])).proposals[0].lines
    assert "shares 1 of 2 focus areas (devices)" in line.explanation.lower()
    assert "reaches 1 of 2 vulnerable groups (youth)" in line.explanation
    assert "2 completed partnerships" in line.explanation
    assert line.terms["focus"] == 0.5
    assert line.terms["text"] > 0.2


def test_capacity_taken_by_a_higher_priority_need_is_named_as_the_reason():
    laptops = offer(remaining=100, organization_name="Kenya ICT Trust")
    trainers = offer("trainer-days", 10)
    urgent = need(item(remaining=80), priority=5)
    later = need(item(remaining=50), item("trainer-days", 10), priority=2)
    result = solve(problem([laptops, trainers], [urgent, later]))
    proposal = next(p for p in result.proposals if p.need_id == later.id)
    (missing,) = proposal.explanation["uncovered"]
    assert missing["missing"] == 30
    assert "capacity taken by higher-priority needs" in missing["reason"]
    assert (
        f"offer {laptops.id} of Kenya ICT Trust contested by need {urgent.id}"
        in (missing["reason"])
    )
    assert "Still missing: 30 laptops" in proposal.explanation["summary"]


def test_an_item_without_any_offer_in_its_area_says_so():
    laptops = offer(remaining=10)
    gap = need(item(remaining=10), item("tablets", 5))
    (proposal,) = solve(problem([laptops], [gap])).proposals
    (missing,) = proposal.explanation["uncovered"]
    assert missing["reason"] == "no candidate offer of tablets covers Nairobi City"


def test_an_unknown_currency_is_named_as_the_reason():
    laptops = offer(remaining=10)
    grant = offer("grant", 10_000, currency="XYZ")
    gap = need(item(remaining=10), item("grant", 500, currency="USD"))
    (proposal,) = solve(problem([laptops, grant], [gap])).proposals
    (missing,) = proposal.explanation["uncovered"]
    assert missing["reason"] == "no exchange rate for XYZ"


def test_a_minimum_piece_larger_than_the_need_is_named_as_the_reason():
    laptops = offer(remaining=10)
    tablets = offer("tablets", 500, min_allocation=100)
    gap = need(item(remaining=10), item("tablets", 20))
    (proposal,) = solve(problem([laptops, tablets], [gap])).proposals
    (missing,) = proposal.explanation["uncovered"]
    assert missing["reason"].startswith("below the offer's minimum allocation")


def test_explanations_and_metrics_are_json_serialisable():
    laptops = offer(remaining=10)
    gap = need(item(remaining=20), item("tablets", 3))
    result = solve(problem([laptops], [gap]))
    json.dumps(result.metrics)
    json.dumps([p.explanation for p in result.proposals])
    for key in ("coverage", "lp_bound", "gap", "greedy_coverage", "capacity_violations"):
        assert key in result.metrics
    assert set(result.metrics["seconds"]) >= {"candidates", "scoring", "solve", "explain", "total"}


def test_progress_is_reported_in_stages_up_to_100():
    seen = []
    solve(problem([offer()], [need(item())]), progress=lambda stage, pct: seen.append((stage, pct)))
    assert seen[0] == ("candidates", 0)
    assert seen[-1] == ("done", 100)
    assert [pct for _, pct in seen] == sorted(pct for _, pct in seen)


def test_parameters_round_trip_through_a_dict():
    parameters = Parameters(top_k=7, weight_text=0.5, seed=3)
    assert Parameters.from_dict(json.loads(json.dumps(parameters.to_dict()))) == parameters
