"""One organization, one record: likely duplicates shown on registration, and the merge queue."""

from __future__ import annotations

import pytest
from django.db import connection

from interchange.services.duplicates import (
    find_duplicates,
    list_duplicate_pairs,
    name_score,
    trigrams_available,
)
from registry.models import Organization
from tests.api.checks import problem
from tests.conftest import client_for
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_candidates_are_found_through_trigram_indexes_on_names_and_aliases():
    assert trigrams_available()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%' ORDER BY 1"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "alias_value_trigram",
            "organization_name_trigram",
        ]


def test_a_similar_name_in_the_same_country_is_shown_and_nothing_is_created(ngo, ngo_editor):
    before = Organization.objects.count()

    response = client_for(ngo_editor).post(
        "/api/v1/organizations/",
        {"name": "Digital Bridge Ltd", "kind": "ngo", "country": "KE"},
        format="json",
    )

    body = problem(response, 409)
    assert body["code"] == "likely_duplicates"
    assert [duplicate["organization"]["id"] for duplicate in body["duplicates"]] == [ngo.pk]
    assert body["duplicates"][0]["score"] >= 85
    assert "Digital Bridges" in body["duplicates"][0]["evidence"][0]
    assert Organization.objects.count() == before


def test_confirming_it_is_distinct_registers_it_anyway(ngo, ngo_editor):
    response = client_for(ngo_editor).post(
        "/api/v1/organizations/",
        {"name": "Digital Bridge Ltd", "kind": "ngo", "country": "KE", "confirm_distinct": True},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Organization.objects.filter(name="Digital Bridge Ltd").exists()


def test_a_similar_name_in_another_country_is_no_duplicate(ngo, ngo_editor):
    response = client_for(ngo_editor).post(
        "/api/v1/organizations/",
        {"name": "Digital Bridges", "kind": "ngo", "country": "UG"},
        format="json",
    )

    assert response.status_code == 201, response.content


def test_the_same_identifier_in_another_case_is_a_duplicate_candidate():
    registered = OrganizationFactory(name="Savanna Devices", identifier="KE-RCO-CPR2001")

    found = find_duplicates(name="Unrelated Name", country="UG", identifier="ke-rco-cpr2001")

    assert [candidate.organization for candidate in found] == [registered]
    assert "KE-RCO-CPR2001".lower() in found[0].evidence[0].lower()


def test_names_are_compared_without_case_punctuation_word_order_or_legal_forms():
    assert name_score("Kenya Red Cross", "The Kenya Red Cross Society Ltd.") >= 85
    assert name_score("Red Cross, Kenya", "kenya red cross") == 100
    assert name_score("Ministry of Health", "Ministry of Education") < 85


def test_names_that_carry_different_numbers_are_different_organizations():
    assert name_score("Nakuru Primary School 9", "Nakuru Primary School 10") == 0
    assert name_score("Organization 1", "Organization 2") == 0


def test_the_merge_queue_lists_likely_pairs_with_their_evidence(coordinator):
    first = OrganizationFactory(name="Code Club Nakuru", country="KE")
    second = OrganizationFactory(name="Nakuru Code Club", country="KE")
    OrganizationFactory(name="Code Club Nakuru", country="UG")
    OrganizationFactory(name="Savanna Devices", country="KE")

    response = client_for(coordinator).get("/api/v1/organizations/duplicates/")

    assert response.status_code == 200, response.content
    pairs = response.json()["results"]
    assert [(pair["first"]["id"], pair["second"]["id"]) for pair in pairs] == [
        (first.pk, second.pk)
    ]
    assert pairs[0]["score"] == 100
    assert "KE" in pairs[0]["evidence"][0]


def test_the_merge_queue_is_for_coordinators_only(ngo_editor):
    problem(client_for(ngo_editor).get("/api/v1/organizations/duplicates/"), 403)


def test_without_pg_trgm_every_organization_of_the_country_is_scored(monkeypatch):
    """The embedded PostgreSQL ships no pg_trgm: the same duplicates are found without it."""
    first = OrganizationFactory(name="Code Club Nakuru", country="KE")
    second = OrganizationFactory(name="Nakuru Code Club", country="KE")
    OrganizationFactory(name="Savanna Devices", country="KE")
    monkeypatch.setattr("interchange.services.duplicates.trigrams_available", lambda: False)

    found = find_duplicates(name="Code Club, Nakuru", country="KE")
    pairs = list_duplicate_pairs()

    assert [candidate.organization for candidate in found] == [first, second]
    assert [(pair.first, pair.second) for pair in pairs] == [(first, second)]


def test_the_queue_pairs_names_on_words_few_names_share(monkeypatch):
    """Names are compared when they share a word at most RARE_WORD_NAMES names of the country
    have: that bounds each organization's candidates. Names made only of common words are left
    to the registration check (find_duplicates), which compares every similar name."""
    monkeypatch.setattr("interchange.services.duplicates.RARE_WORD_NAMES", 2)
    twin = OrganizationFactory(name="Savanna Devices Foundation", country="KE")
    again = OrganizationFactory(name="Savana Devices Foundation", country="KE")
    common = OrganizationFactory(name="Kisumu Foundation", country="KE")
    OrganizationFactory(name="Foundation Kisumu", country="KE")
    OrganizationFactory(name="Kisumu Hope", country="KE")

    pairs = list_duplicate_pairs()

    assert [(pair.first, pair.second) for pair in pairs] == [(twin, again)]
    assert [c.organization.name for c in find_duplicates(name=common.name, country="KE")] == [
        "Kisumu Foundation",
        "Foundation Kisumu",
    ]
