"""Offer.focus_area_slugs / vulnerable_group_slugs equal the offer's link rows on every write path.

The arrays are what matching ranks offers by (matching.selectors.best_offers_for) and what it
loads; database triggers on the link tables keep them, and bench.load writes them itself.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from bench.generator import generate
from bench.load import load
from registry import services
from registry.models import Category, FocusArea, Offer, VulnerableGroup
from tests.conftest import client_for, member
from tests.factories import OfferFactory, UserFactory

pytestmark = pytest.mark.django_db

# Offers whose copies differ from their link rows (sorted in byte order, as the triggers sort).
DRIFTED = """
SELECT offer.id FROM registry_offer AS offer
WHERE offer.focus_area_slugs IS DISTINCT FROM ARRAY(
        SELECT link.focusarea_id FROM registry_offer_focus_areas AS link
        WHERE link.offer_id = offer.id ORDER BY link.focusarea_id COLLATE "C")
   OR offer.vulnerable_group_slugs IS DISTINCT FROM ARRAY(
        SELECT link.vulnerablegroup_id FROM registry_offer_vulnerable_groups AS link
        WHERE link.offer_id = offer.id ORDER BY link.vulnerablegroup_id COLLATE "C")
"""


def drifted() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(DRIFTED)
        return [row[0] for row in cursor.fetchall()]


def copies(offer: Offer) -> tuple[list[str], list[str]]:
    offer.refresh_from_db(fields=["focus_area_slugs", "vulnerable_group_slugs"])
    return offer.focus_area_slugs, offer.vulnerable_group_slugs


def focus(*slugs: str) -> list[FocusArea]:
    return [FocusArea.objects.get(pk=slug) for slug in slugs]


def groups(*slugs: str) -> list[VulnerableGroup]:
    return [VulnerableGroup.objects.get(pk=slug) for slug in slugs]


def test_the_offer_services_keep_the_copies(ngo):
    editor = member(ngo)
    offer = services.create_offer(
        actor=editor,
        organization=ngo,
        data={
            "title": "Laptops",
            "category": Category.objects.get(pk="laptops"),
            "quantity": Decimal(10),
            "areas": ["KE"],
            "focus_areas": focus("devices", "affordability", "connectivity"),
            "vulnerable_groups": groups("youth", "older-persons"),
        },
    )
    assert copies(offer) == (
        ["affordability", "connectivity", "devices"],
        ["older-persons", "youth"],
    )

    services.update_offer(
        actor=editor, offer=offer, data={"focus_areas": focus("devices", "accessible-services")}
    )
    assert copies(offer) == (["accessible-services", "devices"], ["older-persons", "youth"])

    services.update_offer(actor=editor, offer=offer, data={"vulnerable_groups": []})
    assert copies(offer) == (["accessible-services", "devices"], [])

    services.update_offer(actor=editor, offer=offer, data={"title": "Laptops, refurbished"})
    assert copies(offer) == (["accessible-services", "devices"], [])
    assert drifted() == []


def test_the_api_keeps_the_copies(ngo):
    client = client_for(member(ngo))
    created = client.post(
        "/api/v1/offers/",
        {
            "organization": ngo.pk,
            "title": "Laptops",
            "category": "laptops",
            "quantity": 10,
            "areas": ["KE"],
            "focus_areas": ["devices", "affordability"],
            "vulnerable_groups": ["youth"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    offer = Offer.objects.get(pk=created.json()["id"])
    assert copies(offer) == (["affordability", "devices"], ["youth"])

    changed = client.patch(
        f"/api/v1/offers/{offer.pk}/",
        {"focus_areas": ["connectivity"], "vulnerable_groups": ["children", "youth"]},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert copies(offer) == (["connectivity"], ["children", "youth"])
    assert drifted() == []


def test_the_admin_keeps_the_copies(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    offer = OfferFactory()
    offer.focus_areas.set(focus("devices"))
    response = client.post(
        reverse("admin:registry_offer_change", args=[offer.pk]),
        {
            "organization": offer.organization_id,
            "title": offer.title,
            "description": offer.description,
            "category": "laptops",
            "quantity": "100",
            "currency": "",
            "areas": "KE",
            "focus_areas": ["connectivity", "affordability"],
            "vulnerable_groups": ["older-persons"],
            "available_from": "2026-01-01",
            "status": "published",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert copies(offer) == (["affordability", "connectivity"], ["older-persons"])
    assert drifted() == []


def test_every_change_to_the_link_rows_is_copied():
    offer, other = OfferFactory(), OfferFactory()
    offer.focus_areas.add(*focus("devices", "connectivity"))
    other.focus_areas.add(*focus("devices"))
    assert copies(offer)[0] == ["connectivity", "devices"]
    offer.focus_areas.remove(*focus("devices"))
    assert copies(offer)[0] == ["connectivity"]
    offer.vulnerable_groups.set(groups("youth", "children"))
    offer.focus_areas.clear()
    assert copies(offer) == ([], ["children", "youth"])
    # Reverse side and raw SQL: the triggers see every statement, whatever wrote it.
    FocusArea.objects.get(pk="affordability").offers.add(offer, other)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_offer_vulnerable_groups SET vulnerablegroup_id = 'older-persons'"
            " WHERE offer_id = %s AND vulnerablegroup_id = 'youth'",
            [offer.pk],
        )
        cursor.execute("DELETE FROM registry_offer_focus_areas WHERE offer_id = %s", [other.pk])
    assert copies(offer) == (["affordability"], ["children", "older-persons"])
    assert copies(other) == ([], [])
    assert drifted() == []


def test_a_drifted_copy_is_detected():
    """Control for drifted(): a copy written around the triggers is found."""
    offer = OfferFactory()
    offer.focus_areas.add(*focus("devices"))
    Offer.objects.filter(pk=offer.pk).update(focus_area_slugs=["connectivity"])
    assert drifted() == [offer.pk]


def test_the_bench_load_writes_the_copies_with_triggers_off():
    """bench.load COPYs with session_replication_role = replica, so it writes the copies."""
    problem = generate("S", supply=0.8, seed=5, scale=0.1)
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    ) as other:
        # A connection of its own (bench.load takes a psycopg connection), rolled back after:
        # committed, its TRUNCATE and rows would stay in the database every later test uses.
        written = load(other, problem, commit=False)
        with other.cursor() as cursor:
            cursor.execute(DRIFTED)
            assert cursor.fetchall() == []
            cursor.execute("SELECT count(*) FROM registry_offer WHERE focus_area_slugs <> '{}'")
            with_focus = cursor.fetchone()[0]
        other.rollback()
    assert written["registry_offer"] == len(problem.offers)
    assert with_focus == sum(1 for offer in problem.offers if offer.focus_areas) > 0
