"""Needs through the API: post with items, indicator and consultations; edit; cancel; endorse."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.models import Proposal
from registry.models import Consultation, Endorsement, Need, NeedItem
from tests.api.checks import field_errors, problem, row_counts
from tests.conftest import client_for
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory, proposal_of

pytestmark = pytest.mark.django_db


def full_need(government, community) -> dict:
    return {
        "organization": government.pk,
        "title": "Devices and trainers for rural secondary schools",
        "description": "Schools in Nairobi's informal settlements have no laptops for lessons.",
        "area": "KE-30",
        "focus_areas": ["devices", "digital-skills"],
        "vulnerable_groups": ["persons-with-disabilities", "youth"],
        "sdg_targets": ["4.4", "9.c"],
        "population": 12000,
        "indicator": {
            "name": "Learners with a device in class",
            "unit": "%",
            "baseline": "12.5000",
            "target": "80.0000",
            "source": "Ministry school census",
            "date": "2025-06-30",
            "disaggregation": {"sex": {"female": "11", "male": "14"}},
        },
        "deadline": "2027-06-30",
        "priority": 4,
        "status": "open",
        "items": [
            {"category": "laptops", "quantity": "400"},
            {"category": "trainer-days", "quantity": "120"},
            {"category": "grant", "quantity": "25000", "currency": "USD"},
        ],
        "consultations": [
            {
                "held_on": "2025-09-12",
                "summary": "Parents and learners asked for screen readers.",
                "groups": ["persons-with-disabilities"],
                "organizations": [community.pk],
            }
        ],
    }


def test_a_government_editor_posts_a_need_and_everyone_reads_it_back(
    gov_editor, government, community, api
):
    payload = full_need(government, community)
    response = client_for(gov_editor).post("/api/v1/needs/", payload, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    scalar = ("organization", "title", "area", "population", "priority", "status", "deadline")
    assert {key: created[key] for key in scalar} == {key: payload[key] for key in scalar}
    indicator = created["indicator"]
    assert {key: indicator[key] for key in payload["indicator"]} == payload["indicator"]
    # no approved report yet: nothing measured since the baseline
    assert (indicator["current"], indicator["gap_closed"]) == (None, None)
    assert (created["in_progress"], created["matching_blocked"]) == (False, None)
    assert created["consultations"] == payload["consultations"]
    assert created["sdg_targets"] == ["4.4", "9.c"]
    assert [
        (item["category"], item["kind"], item["quantity"], item["currency"], item["covered"])
        for item in created["items"]
    ] == [
        ("laptops", "technical", "400.00", "", "0.00"),
        ("trainer-days", "human", "120.00", "", "0.00"),
        ("grant", "financial", "25000.00", "USD", "0.00"),
    ]
    assert created["endorsements"] == 0
    assert api.get(f"/api/v1/needs/{created['id']}/").json() == created
    need = Need.objects.get(pk=created["id"])
    assert need.items.count() == 3
    assert need.consultations.get().organizations.get() == community


def test_patching_items_updates_them_in_place_and_drops_the_missing_ones(gov_editor, government):
    need = NeedFactory(organization=government)
    laptops = NeedItemFactory(need=need, category_id="laptops", quantity=40)
    NeedItemFactory(need=need, category_id="tablets", quantity=10)
    items = [
        {"category": "laptops", "quantity": "30"},
        {"category": "trainer-days", "quantity": "15"},
    ]

    response = client_for(gov_editor).patch(
        f"/api/v1/needs/{need.pk}/", {"items": items}, format="json"
    )

    assert response.status_code == 200, response.content
    assert [(item["category"], item["quantity"]) for item in response.json()["items"]] == [
        ("laptops", "30.00"),
        ("trainer-days", "15.00"),
    ]
    assert response.json()["items"][0]["id"] == laptops.pk
    assert set(need.items.values_list("category_id", flat=True)) == {"laptops", "trainer-days"}


def test_a_patch_without_items_keeps_them(gov_editor, government):
    need = NeedFactory(organization=government)
    NeedItemFactory(need=need, category_id="laptops", quantity=40)
    body = {"indicator": {"baseline": "3.5", "target": "50"}, "priority": 5}

    response = client_for(gov_editor).patch(f"/api/v1/needs/{need.pk}/", body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["indicator"]["baseline"] == "3.5000"
    need.refresh_from_db()
    assert (need.priority, need.indicator_target, need.items.get().quantity) == (5, 50, 40)


def test_patching_consultations_replaces_them(gov_editor, government):
    need = NeedFactory(organization=government)
    NeedItemFactory(need=need)
    editor = client_for(gov_editor)
    first = [{"held_on": "2025-01-10", "summary": "Youth forum.", "groups": ["youth"]}]
    editor.patch(f"/api/v1/needs/{need.pk}/", {"consultations": first}, format="json")
    second = [{"held_on": "2025-02-10", "summary": "Older persons' association."}]

    response = editor.patch(f"/api/v1/needs/{need.pk}/", {"consultations": second}, format="json")

    assert response.json()["consultations"] == [{**second[0], "groups": [], "organizations": []}]
    assert list(Consultation.objects.values_list("summary", flat=True)) == [
        "Older persons' association."
    ]


def test_an_item_partners_already_cover_can_neither_go_nor_shrink_below_its_cover(
    gov_editor, government
):
    need = NeedFactory(organization=government)
    NeedItemFactory(need=need, category_id="laptops", quantity=40)
    NeedItem.objects.filter(need=need).update(reserved=10, committed=5)
    editor = client_for(gov_editor)
    url = f"/api/v1/needs/{need.pk}/"

    removed = editor.patch(url, {"items": [{"category": "tablets", "quantity": 5}]}, format="json")
    shrunk = editor.patch(url, {"items": [{"category": "laptops", "quantity": 14}]}, format="json")

    assert "items" in field_errors(removed)
    assert "items.0.quantity" in field_errors(shrunk)
    assert list(need.items.values_list("category_id", "quantity")) == [("laptops", 40)]


def test_an_item_a_proposal_names_stays_even_once_the_proposal_is_rejected(gov_editor, government):
    """A proposal keeps its lines after it is decided, so the item it names cannot be dropped:
    the answer is a 400 on `items`, never a 500, and nothing changes."""
    need = NeedFactory(organization=government)
    laptops = NeedItemFactory(need=need, category_id="laptops", quantity=40)
    NeedItemFactory(need=need, category_id="tablets", quantity=10)
    proposal = proposal_of(
        [(OfferFactory(category_id="laptops", quantity=40), laptops, Decimal("10"))], need=need
    )
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.REJECTED)
    url = f"/api/v1/needs/{need.pk}/"

    response = client_for(gov_editor).patch(
        url, {"items": [{"category": "tablets", "quantity": "12"}]}, format="json"
    )

    assert "items" in field_errors(response)
    assert sorted(need.items.values_list("category_id", "quantity")) == [
        ("laptops", 40),
        ("tablets", 10),
    ]


def test_coverage_statuses_are_not_set_by_hand(gov_editor, government):
    need = NeedFactory(organization=government, status=Need.Status.OPEN)
    NeedItemFactory(need=need)
    response = client_for(gov_editor).patch(
        f"/api/v1/needs/{need.pk}/", {"status": "met"}, format="json"
    )
    assert "status" in field_errors(response)
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN


def test_deleting_a_need_cancels_it_and_a_cancelled_need_cannot_be_edited(
    gov_editor, government, api
):
    need = NeedFactory(organization=government)
    NeedItemFactory(need=need)
    editor = client_for(gov_editor)
    url = f"/api/v1/needs/{need.pk}/"

    assert editor.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert editor.get(url).json()["status"] == "cancelled"
    assert problem(editor.patch(url, {"status": "open"}, format="json"), 409)["code"] == "cancelled"
    need.refresh_from_db()
    assert need.status == Need.Status.CANCELLED


def test_a_community_organization_endorses_an_open_need_once(
    community_editor, community, government, api
):
    need = NeedFactory(organization=government)
    need.vulnerable_groups.set(["persons-with-disabilities"])
    NeedItemFactory(need=need)
    endorser = client_for(community_editor)
    url = f"/api/v1/needs/{need.pk}/endorsements/"
    body = {"organization": community.pk, "comment": "Blind learners are left out today."}

    created = endorser.post(url, body, format="json")
    again = endorser.post(url, body, format="json")

    assert created.status_code == 201, created.content
    assert created.json()["organization"] == community.pk
    assert problem(again, 409)["code"] == "already_endorsed"
    assert Endorsement.objects.filter(need=need).count() == 1
    assert [endorsement["comment"] for endorsement in api.get(url).json()] == [body["comment"]]
    assert api.get(f"/api/v1/needs/{need.pk}/").json()["endorsements"] == 1


def test_only_community_organizations_endorse(ngo_editor, ngo, government):
    need = NeedFactory(organization=government)
    NeedItemFactory(need=need)
    counts = row_counts()
    response = client_for(ngo_editor).post(
        f"/api/v1/needs/{need.pk}/endorsements/", {"organization": ngo.pk}, format="json"
    )
    assert "organization" in field_errors(response)
    assert row_counts() == counts
