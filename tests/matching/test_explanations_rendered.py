"""The explanations rebuilt from their stored facts: in English word for word the engine's
sentences; in another language the same facts in that language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import formats, translation
from django.utils.html import escape

from matching.engine import Parameters, solve
from matching.explanations import line_text, localized, reason_text, summary_text
from matching.models import Proposal
from matching.services import run_execution, runs
from registry.areas import localized_area_name
from registry.models import Category, Organization
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory, OrganizationFactory
from tests.factories.catalogue import synthetic_problem
from tests.factories.engine import item, need, offer, problem


def _every_text(result) -> list[tuple[str, str]]:
    """(stored sentence, sentence rebuilt from the facts) for every line, reason and summary."""
    pairs = []
    for proposal in result.proposals:
        explanation = proposal.explanation
        pairs.append((explanation["summary"], summary_text(explanation)))
        for line, stored in zip(proposal.lines, explanation["lines"], strict=True):
            pairs.append((line.explanation, line_text(stored["facts"], "")))
        for entry in explanation["uncovered"]:
            pairs.append((entry["reason"], reason_text(entry)))
    return pairs


def test_in_english_the_facts_give_the_engines_sentences_for_a_generated_run():
    result = solve(synthetic_problem(300, 900), Parameters())
    with translation.override("en"):
        pairs = _every_text(result)
    assert sum(1 for proposal in result.proposals if proposal.explanation["uncovered"]) > 0
    assert len(pairs) > 300
    assert [(stored, built) for stored, built in pairs if stored != built] == []


def test_in_english_the_hand_made_reasons_read_as_the_engine_wrote_them():
    laptops = offer(remaining=100, organization_name="Kenya ICT Trust", verified=True)
    trainers = offer("trainer-days", 10, track_record=1)
    grant = offer("grant", 5000, currency="USD", areas=("global",), min_allocation=4000)
    late = offer("tablets", 10, available_from=date(2031, 1, 1))
    urgent = need(item(remaining=80), priority=5)
    later = need(
        item(remaining=50),
        item("trainer-days", 10),
        item("grant", 1000, currency="USD"),
        item("tablets", 5),
        priority=2,
        deadline=date(2030, 6, 30),
    )
    elsewhere = need(item("trainer-days", 3), area="UG")
    result = solve(problem([laptops, trainers, grant, late], [urgent, later, elsewhere]))
    pounds = offer("grant", 500, currency="GBP")
    own = offer("tablets", 20, organization_id=77)
    spare = offer("laptops", 5, areas=("KE-30",))
    mixed = need(
        item("laptops", 2),
        item("grant", 300, currency="USD"),
        item("tablets", 4),
        organization_id=77,
    )
    second = solve(problem([pounds, own, spare], [mixed]))
    with translation.override("en"):
        pairs = _every_text(result) + _every_text(second)
    codes = {
        reason["code"]
        for run in (result, second)
        for proposal in run.proposals
        for entry in proposal.explanation["uncovered"]
        for reason in entry["reasons"]
    }
    assert codes >= {
        "contested",
        "below_smallest_minimum",
        "available_too_late",
        "only_own_offers",
        "no_exchange_rate",
    }
    assert [(stored, built) for stored, built in pairs if stored != built] == []


def test_rows_without_facts_keep_their_stored_english():
    stored = {
        "summary": "Covers all 1 item with 1 partner of 1 kind (ngo).",
        "lines": [{"offer": 1, "need_item": 2, "text": "Old sentence."}],
        "uncovered": [{"need_item": 3, "missing": 2.0, "reason": "old reason"}],
    }
    with translation.override("fr"):
        shown = localized(stored)
    assert shown["summary"] == stored["summary"]
    assert shown["lines"][0]["text"] == "Old sentence."
    assert shown["uncovered"][0]["reason"] == "old reason"


@pytest.mark.django_db
def test_french_and_arabic_readers_get_the_sentences_in_their_language():
    laptops = offer(remaining=1200, organization_name="Kenya ICT Trust", verified=True)
    gap = need(item(remaining=1000), item("trainer-days", 5), area="KE-30")
    (proposal,) = solve(problem([laptops], [gap])).proposals
    explanation = proposal.explanation
    with translation.override("en"):
        english = localized(explanation)
    with translation.override("fr"):
        french = localized(explanation)
    with translation.override("ar"):
        arabic = localized(explanation)
    for shown in (english, french, arabic):
        assert shown["summary"]
        assert all(line["text"] for line in shown["lines"])
        assert all(entry["reason"] for entry in shown["uncovered"])
        assert set(shown) == set(explanation)
    assert english["summary"] == explanation["summary"]
    # The sentences come from the French and Arabic catalogues.
    assert "correspondance au niveau du pays" in french["lines"][0]["text"]
    assert "country-level match" not in french["lines"][0]["text"]
    # Numbers, categories and areas follow the reader's locale and the taxonomy's names.
    laptops_category = Category.objects.get(pk="laptops")
    with translation.override("fr"):
        grouped = formats.number_format(1200, use_l10n=True, force_grouping=True)
        named = str(laptops_category)
    assert grouped != "1,200"
    assert f"offre {grouped} {named} dans" in french["lines"][0]["text"]
    assert "(similarité textuelle 0,00)" in french["lines"][0]["text"]
    with translation.override("ar"):
        kenya = localized_area_name("KE")
    assert kenya != "Kenya"
    assert f"جميع أنحاء {kenya}" in arabic["lines"][0]["text"]  # "all of Kenya"
    assert "offers" not in arabic["lines"][0]["text"]
    assert "Kenya ICT Trust" in arabic["lines"][0]["text"]


@pytest.mark.django_db
def test_the_proposal_page_shows_the_explanations_in_the_readers_language(settings, coordinator):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    government = OrganizationFactory(kind=Organization.Kind.GOVERNMENT, country="KE")
    gap = NeedFactory(organization=government)
    NeedItemFactory(need=gap, quantity=Decimal(50))
    NeedItemFactory(need=gap, quantity=Decimal(40), category_id="tablets")
    OfferFactory(quantity=Decimal(60), areas=["KE"])
    run_execution.execute_match_run(run_id=runs.request_match_run(trigger="manual").pk)
    proposal = Proposal.objects.get()
    line = proposal.lines.get()
    assert proposal.explanation["uncovered"]
    client = Client()
    client.force_login(coordinator)
    url = f"/console/proposals/{proposal.pk}/"
    english = client.get(url, {"lang": "en"}).content.decode()
    french = client.get(url, {"lang": "fr"}).content.decode()
    assert escape(line.explanation) in english
    assert escape(proposal.explanation["summary"]) in english
    with translation.override("fr"):
        shown = localized(proposal.explanation)
    assert escape(line.explanation) not in french
    assert escape(shown["lines"][0]["text"]) in french
    assert escape(shown["summary"]) in french
    assert escape(shown["uncovered"][0]["reason"]) in french
