"""OfferReach: offers of some categories that reach some areas, as one indexed condition."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from registry.models import Category, Offer
from registry.models.offers import OfferReach
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

AREAS = ["KE", "KE-30", "KE-01", "UG", "UG-31", "global", "BD-13"]


def reaching(categories: list[str], areas: list[str]) -> set[int]:
    keys = OfferReach.keys(categories, areas)
    rows = Offer.objects.alias(reach=OfferReach("category", "areas")).filter(reach__overlap=keys)
    return set(rows.values_list("pk", flat=True))


def test_it_selects_exactly_the_offers_of_those_categories_sharing_an_area():
    rng = random.Random(7)
    categories = list(Category.objects.values_list("slug", flat=True)[:5])
    offers = [
        OfferFactory(category_id=rng.choice(categories), areas=rng.sample(AREAS, rng.randint(1, 3)))
        for _ in range(60)
    ]
    for _ in range(40):
        wanted = rng.sample(categories, rng.randint(1, 3))
        areas = rng.sample(AREAS, rng.randint(1, 3))
        expected = {
            offer.pk
            for offer in offers
            if offer.category_id in wanted and set(offer.areas) & set(areas)
        }
        assert reaching(wanted, areas) == expected


def test_it_follows_an_offers_category_and_areas_when_they_change():
    offer = OfferFactory(category_id="laptops", areas=["KE-30"])
    assert reaching(["laptops"], ["KE-30"]) == {offer.pk}
    Offer.objects.filter(pk=offer.pk).update(category_id="tablets", areas=["UG", "global"])
    assert reaching(["laptops"], ["KE-30"]) == set()
    assert reaching(["tablets"], ["global"]) == {offer.pk}


def test_the_condition_is_answered_from_offer_reach_gin():
    OfferFactory(category_id="laptops", areas=["KE-30"])
    keys = OfferReach.keys(["laptops", "tablets"], ["KE", "KE-30", "global"])
    query = Offer.objects.alias(reach=OfferReach("category", "areas")).filter(reach__overlap=keys)
    with connection.cursor() as cursor:
        # Neither a sequential scan nor a plain index scan (after the rest of the suite the
        # statistics may make a full scan of the primary key with a filter look cheaper): only
        # a bitmap scan is left, and only an index on the condition can drive one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "offer_reach_gin" in plan, plan
