"""Read-only fields come from the database; values forged by a client are ignored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from registry.models import NeedItem, Offer, Organization
from tests.api.checks import field_errors
from tests.conftest import client_for
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory

pytestmark = pytest.mark.django_db


def test_remaining_is_quantity_minus_reserved_minus_committed(ngo, api):
    offer = OfferFactory(organization=ngo, quantity=Decimal("100"))
    Offer.objects.filter(pk=offer.pk).update(reserved=Decimal("30.5"), committed=Decimal("12"))

    body = api.get(f"/api/v1/offers/{offer.pk}/").json()
    listed = api.get("/api/v1/offers/").json()["results"][0]

    stored = Offer.objects.values_list("remaining", flat=True).get(pk=offer.pk)
    assert stored == Decimal("57.50")
    assert body["remaining"] == listed["remaining"] == "57.50"
    assert (body["quantity"], body["reserved"], body["committed"]) == ("100.00", "30.50", "12.00")


def test_an_edited_quantity_answers_the_new_remaining(ngo_editor, ngo):
    offer = OfferFactory(organization=ngo, quantity=Decimal("100"))
    Offer.objects.filter(pk=offer.pk).update(reserved=Decimal("10"))

    response = client_for(ngo_editor).patch(
        f"/api/v1/offers/{offer.pk}/", {"quantity": "80"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["quantity"], response.json()["remaining"]) == ("80.00", "70.00")


def test_a_quantity_below_what_is_promised_is_refused(ngo_editor, ngo):
    offer = OfferFactory(organization=ngo, quantity=Decimal("100"))
    Offer.objects.filter(pk=offer.pk).update(reserved=Decimal("40"), committed=Decimal("20"))
    response = client_for(ngo_editor).patch(
        f"/api/v1/offers/{offer.pk}/", {"quantity": "59"}, format="json"
    )
    assert "quantity" in field_errors(response)
    assert Offer.objects.get(pk=offer.pk).quantity == 100


def test_covered_on_need_items_is_reserved_plus_committed(government, api):
    need = NeedFactory(organization=government)
    item = NeedItemFactory(need=need, quantity=Decimal("50"))
    NeedItem.objects.filter(pk=item.pk).update(reserved=Decimal("20"), committed=Decimal("5.25"))

    body = api.get(f"/api/v1/needs/{need.pk}/").json()

    assert NeedItem.objects.values_list("covered", flat=True).get(pk=item.pk) == Decimal("25.25")
    assert body["items"][0]["covered"] == "25.25"


FORGED_OFFER = {
    "reserved": "90",
    "committed": "5",
    "remaining": "1",
    "kind": "financial",
    "created_at": "2001-01-01T00:00:00Z",
}


def test_forged_read_only_values_in_a_new_offer_are_ignored(ngo_editor, ngo):
    payload = {
        "organization": ngo.pk,
        "title": "Assistive devices",
        "category": "assistive-devices",
        "quantity": "100",
        "areas": ["KE"],
        **FORGED_OFFER,
    }
    response = client_for(ngo_editor).post("/api/v1/offers/", payload, format="json")

    assert response.status_code == 201, response.content
    offer = Offer.objects.get(pk=response.json()["id"])
    assert (offer.reserved, offer.committed, offer.remaining) == (0, 0, 100)
    assert offer.kind == "technical"
    assert offer.created_at.year > 2001
    assert response.json()["remaining"] == "100.00"


def test_forged_read_only_values_in_an_offer_edit_are_ignored(ngo_editor, ngo):
    offer = OfferFactory(organization=ngo, quantity=Decimal("100"))
    response = client_for(ngo_editor).patch(
        f"/api/v1/offers/{offer.pk}/", {"title": "Edited", **FORGED_OFFER}, format="json"
    )
    assert response.status_code == 200, response.content
    stored = Offer.objects.get(pk=offer.pk)
    assert (stored.title, stored.reserved, stored.committed, stored.remaining) == (
        "Edited",
        0,
        0,
        100,
    )
    assert stored.kind == "technical"


def test_forged_covered_and_kind_on_need_items_are_ignored(gov_editor, government):
    item = {"category": "laptops", "quantity": "50", "covered": "50", "kind": "human", "id": 999}
    payload = {
        "organization": government.pk,
        "title": "Laptops",
        "area": "KE-30",
        "items": [item],
        "endorsements": 12,
    }
    response = client_for(gov_editor).post("/api/v1/needs/", payload, format="json")

    assert response.status_code == 201, response.content
    stored = NeedItem.objects.get(need_id=response.json()["id"])
    assert (stored.kind, stored.reserved, stored.committed, stored.covered) == (
        "technical",
        0,
        0,
        0,
    )
    assert stored.pk != 999
    assert response.json()["endorsements"] == 0


def test_forged_covered_in_an_item_edit_is_ignored(gov_editor, government):
    need = NeedFactory(organization=government)
    NeedItemFactory(need=need, quantity=Decimal("50"))
    items = [{"category": "laptops", "quantity": "60", "covered": "60"}]
    response = client_for(gov_editor).patch(
        f"/api/v1/needs/{need.pk}/", {"items": items}, format="json"
    )
    assert response.status_code == 200, response.content
    assert list(need.items.values_list("quantity", "covered")) == [(60, 0)]


def test_forged_verification_of_a_new_organization_is_ignored(ngo_editor):
    body = {
        "name": "Self-verified NGO",
        "kind": "ngo",
        "country": "KE",
        "verified_at": "2026-01-01T00:00:00Z",
        "verified": True,
        "is_active": False,
    }
    response = client_for(ngo_editor).post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 201, response.content
    organization = Organization.objects.get(pk=response.json()["id"])
    assert (organization.verified_at, organization.verified_by, organization.is_active) == (
        None,
        None,
        True,
    )
    assert response.json()["verified"] is False
