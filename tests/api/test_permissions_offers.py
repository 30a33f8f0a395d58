"""Who may read and write an NGO's offers, published or draft: every cell of the matrix."""

from __future__ import annotations

from itertools import product

import pytest

from registry.models import Offer
from tests.api.checks import problem, row_counts
from tests.api.roles import as_params, expand, people_owning
from tests.factories import ROLES, OfferFactory

pytestmark = pytest.mark.django_db

TARGETS = ("published", "draft")
ACTIONS = ("retrieve", "update", "withdraw", "create")

# The offers belong to the NGO; "owner_*" are its members. `create` posts a new offer of the NGO
# with the target's status.
MATRIX = [
    # role               action      published draft
    ("anonymous",         "retrieve", 200, 404),
    ("anonymous",         "update",   401, 401),
    ("anonymous",         "withdraw", 401, 401),
    ("anonymous",         "create",   401, 401),
    ("owner_viewer",      "retrieve", 200, 200),
    ("owner_viewer",      "update",   403, 403),
    ("owner_viewer",      "withdraw", 403, 403),
    ("owner_viewer",      "create",   403, 403),
    ("owner_editor",      "retrieve", 200, 200),
    ("owner_editor",      "update",   200, 200),
    ("owner_editor",      "withdraw", 204, 204),
    ("owner_editor",      "create",   201, 201),
    ("owner_admin",       "retrieve", 200, 200),
    ("owner_admin",       "update",   200, 200),
    ("owner_admin",       "withdraw", 204, 204),
    ("owner_admin",       "create",   201, 201),
    ("other_member",      "retrieve", 200, 404),
    ("other_member",      "update",   403, 404),
    ("other_member",      "withdraw", 403, 404),
    ("other_member",      "create",   403, 403),
    ("government_member", "retrieve", 200, 404),
    ("government_member", "update",   403, 404),
    ("government_member", "withdraw", 403, 404),
    ("government_member", "create",   403, 403),
    ("community_member",  "retrieve", 200, 404),
    ("community_member",  "update",   403, 404),
    ("community_member",  "withdraw", 403, 404),
    ("community_member",  "create",   403, 403),
    ("coordinator",       "retrieve", 200, 200),
    ("coordinator",       "update",   403, 403),
    ("coordinator",       "withdraw", 403, 403),
    ("coordinator",       "create",   403, 403),
]  # fmt: skip
CELLS = expand(MATRIX, TARGETS)


def test_the_offer_matrix_has_exactly_one_cell_per_role_action_and_target():
    keys = [cell[:3] for cell in CELLS]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(product(ROLES, ACTIONS, TARGETS))


@pytest.fixture
def people(
    ngo_viewer, ngo_editor, ngo_admin, other_editor, gov_editor, community_editor, coordinator
):
    return people_owning(
        ngo_viewer,
        ngo_editor,
        ngo_admin,
        other_editor=other_editor,
        gov_editor=gov_editor,
        community_editor=community_editor,
        coordinator=coordinator,
    )


def offer_row(offer: Offer) -> dict:
    return Offer.objects.filter(pk=offer.pk).values().get()


@pytest.mark.parametrize(("role", "action", "target", "expected"), as_params(CELLS))
def test_each_role_gets_its_matrix_status_on_an_ngos_offer(
    role, action, target, expected, ngo, people
):
    offer = OfferFactory(organization=ngo, status=target, title="Laptops for schools")
    client = people.client(role)
    url = f"/api/v1/offers/{offer.pk}/"
    counts, row = row_counts(), offer_row(offer)

    if action == "retrieve":
        response = client.get(url)
        listed = {result["id"] for result in client.get("/api/v1/offers/").json()["results"]}
        assert (offer.pk in listed) == (expected == 200)
    elif action == "update":
        response = client.patch(url, {"title": "Renamed"}, format="json")
    elif action == "withdraw":
        response = client.delete(url)
    else:
        payload = {
            "organization": ngo.pk,
            "title": "Tablets for a library",
            "category": "tablets",
            "quantity": "12",
            "areas": ["KE"],
            "status": target,
        }
        response = client.post("/api/v1/offers/", payload, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        problem(response, expected)
        assert row_counts() == counts
        assert offer_row(offer) == row
    elif action == "update":
        assert response.json()["title"] == "Renamed"
        assert offer_row(offer)["title"] == "Renamed"
    elif action == "withdraw":
        assert offer_row(offer)["status"] == Offer.Status.WITHDRAWN
    elif action == "create":
        created = Offer.objects.get(pk=response.json()["id"])
        assert (created.organization_id, created.status) == (ngo.pk, target)
