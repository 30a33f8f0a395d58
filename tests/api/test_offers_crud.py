"""Offers through the API: register, read back, edit, publish, withdraw."""

from __future__ import annotations

from decimal import Decimal

import pytest

from registry.models import Offer
from tests.api.checks import field_errors, problem
from tests.conftest import client_for
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def full_offer(organization) -> dict:
    return {
        "organization": organization.pk,
        "title": "Refurbished laptops for youth centres",
        "description": "Laptops with offline learning content and a year of repairs.",
        "category": "laptops",
        "quantity": "250",
        "areas": ["KE-30", "KE-01"],
        "focus_areas": ["devices", "digital-skills"],
        "vulnerable_groups": ["persons-with-disabilities", "youth"],
        "available_from": "2026-03-01",
        "available_until": "2026-12-31",
        "min_allocation": "25",
        "status": "published",
    }


def test_an_editor_registers_an_offer_and_everyone_reads_it_back(ngo_editor, ngo, api):
    response = client_for(ngo_editor).post("/api/v1/offers/", full_offer(ngo), format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert {key: created[key] for key in full_offer(ngo)} == {
        **full_offer(ngo),
        "quantity": "250.00",
        "min_allocation": "25.00",
    }
    assert (created["kind"], created["currency"], created["remaining"]) == (
        "technical",
        "",
        "250.00",
    )
    assert api.get(f"/api/v1/offers/{created['id']}/").json() == created
    offer = Offer.objects.get(pk=created["id"])
    assert (offer.organization, offer.quantity, offer.areas) == (ngo, 250, ["KE-30", "KE-01"])
    assert set(offer.vulnerable_groups.values_list("slug", flat=True)) == {
        "youth",
        "persons-with-disabilities",
    }


def test_a_new_offer_is_a_draft_that_the_public_sees_once_published(ngo_editor, ngo, api):
    editor = client_for(ngo_editor)
    payload = {key: value for key, value in full_offer(ngo).items() if key != "status"}
    created = editor.post("/api/v1/offers/", payload, format="json").json()
    url = f"/api/v1/offers/{created['id']}/"
    assert created["status"] == "draft"
    assert api.get(url).status_code == 404

    assert editor.patch(url, {"status": "published"}, format="json").status_code == 200
    assert api.get(url).json()["status"] == "published"


def test_a_patch_changes_only_the_fields_it_sends(ngo_editor, ngo):
    editor = client_for(ngo_editor)
    created = editor.post("/api/v1/offers/", full_offer(ngo), format="json").json()

    response = editor.patch(f"/api/v1/offers/{created['id']}/", {"quantity": 300}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        **created,
        "quantity": "300.00",
        "remaining": "300.00",
        "updated_at": response.json()["updated_at"],
    }


def test_a_grant_carries_an_upper_case_currency(ngo_editor, ngo):
    payload = {
        "organization": ngo.pk,
        "title": "Seed grants for community networks",
        "category": "grant",
        "quantity": "50000",
        "currency": "eur",
        "areas": ["global"],
    }
    response = client_for(ngo_editor).post("/api/v1/offers/", payload, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["currency"]) == ("financial", "EUR")
    assert Offer.objects.get(pk=response.json()["id"]).currency == "EUR"


def test_lower_case_area_codes_are_stored_as_iso_writes_them(ngo_editor, ngo):
    payload = {**full_offer(ngo), "areas": ["ke-30", " Global "]}
    response = client_for(ngo_editor).post("/api/v1/offers/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Offer.objects.get(pk=response.json()["id"]).areas == ["KE-30", "global"]


def test_deleting_an_offer_withdraws_it_and_hides_it_from_the_public(ngo_editor, ngo, api):
    offer = OfferFactory(organization=ngo)
    url = f"/api/v1/offers/{offer.pk}/"

    assert client_for(ngo_editor).delete(url).status_code == 204

    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert api.get(url).status_code == 404
    assert client_for(ngo_editor).get(url).json()["status"] == "withdrawn"


def test_a_withdrawn_offer_cannot_be_edited(ngo_editor, ngo):
    offer = OfferFactory(organization=ngo, status=Offer.Status.WITHDRAWN)
    response = client_for(ngo_editor).patch(
        f"/api/v1/offers/{offer.pk}/", {"status": "published"}, format="json"
    )
    assert problem(response, 409)["code"] == "withdrawn"
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_an_offer_cannot_be_withdrawn_by_a_patch(ngo_editor, ngo):
    offer = OfferFactory(organization=ngo)
    response = client_for(ngo_editor).patch(
        f"/api/v1/offers/{offer.pk}/", {"status": "withdrawn"}, format="json"
    )
    assert "status" in field_errors(response)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PUBLISHED


def test_an_offer_cannot_move_to_another_organization(ngo_editor, ngo, other_org):
    offer = OfferFactory(organization=ngo)
    response = client_for(ngo_editor).patch(
        f"/api/v1/offers/{offer.pk}/", {"organization": other_org.pk}, format="json"
    )
    assert "organization" in field_errors(response)
    offer.refresh_from_db()
    assert offer.organization == ngo


def test_quantities_accept_numbers_and_strings_and_answer_strings(ngo_editor, ngo):
    editor = client_for(ngo_editor)
    as_number = editor.post("/api/v1/offers/", {**full_offer(ngo), "quantity": 30.5}, format="json")
    as_string = editor.post(
        "/api/v1/offers/", {**full_offer(ngo), "quantity": "30.50"}, format="json"
    )
    assert as_number.json()["quantity"] == as_string.json()["quantity"] == "30.50"
    assert Offer.objects.get(pk=as_number.json()["id"]).quantity == Decimal("30.5")
