"""Who may read, edit, cancel and endorse a county's needs, open or draft: every cell."""

from __future__ import annotations

from itertools import product

import pytest

from registry.models import Endorsement, Need
from tests.api.checks import problem, row_counts
from tests.api.roles import as_params, expand, people_owning
from tests.factories import ROLES, NeedFactory, NeedItemFactory

pytestmark = pytest.mark.django_db

TARGETS = ("open", "draft")
ACTIONS = ("retrieve", "update", "cancel", "create", "endorsements", "endorse")

# The needs belong to a county (a local government); "owner_*" are its members and
# "government_member" edits for another government. `create` posts a need of the county with the
# target's status; `endorse` posts an endorsement in the name of the community organization.
MATRIX = [
    # role               action          open draft
    ("anonymous",         "retrieve",     200, 404),
    ("anonymous",         "update",       401, 401),
    ("anonymous",         "cancel",       401, 401),
    ("anonymous",         "create",       401, 401),
    ("anonymous",         "endorsements", 200, 404),
    ("anonymous",         "endorse",      401, 401),
    ("owner_viewer",      "retrieve",     200, 200),
    ("owner_viewer",      "update",       403, 403),
    ("owner_viewer",      "cancel",       403, 403),
    ("owner_viewer",      "create",       403, 403),
    ("owner_viewer",      "endorsements", 200, 200),
    ("owner_viewer",      "endorse",      403, 403),
    ("owner_editor",      "retrieve",     200, 200),
    ("owner_editor",      "update",       200, 200),
    ("owner_editor",      "cancel",       204, 204),
    ("owner_editor",      "create",       201, 201),
    ("owner_editor",      "endorsements", 200, 200),
    ("owner_editor",      "endorse",      403, 403),
    ("owner_admin",       "retrieve",     200, 200),
    ("owner_admin",       "update",       200, 200),
    ("owner_admin",       "cancel",       204, 204),
    ("owner_admin",       "create",       201, 201),
    ("owner_admin",       "endorsements", 200, 200),
    ("owner_admin",       "endorse",      403, 403),
    ("other_member",      "retrieve",     200, 404),
    ("other_member",      "update",       403, 404),
    ("other_member",      "cancel",       403, 404),
    ("other_member",      "create",       403, 403),
    ("other_member",      "endorsements", 200, 404),
    ("other_member",      "endorse",      403, 404),
    ("government_member", "retrieve",     200, 404),
    ("government_member", "update",       403, 404),
    ("government_member", "cancel",       403, 404),
    ("government_member", "create",       403, 403),
    ("government_member", "endorsements", 200, 404),
    ("government_member", "endorse",      403, 404),
    ("community_member",  "retrieve",     200, 404),
    ("community_member",  "update",       403, 404),
    ("community_member",  "cancel",       403, 404),
    ("community_member",  "create",       403, 403),
    ("community_member",  "endorsements", 200, 404),
    ("community_member",  "endorse",      201, 404),
    ("coordinator",       "retrieve",     200, 200),
    ("coordinator",       "update",       403, 403),
    ("coordinator",       "cancel",       403, 403),
    ("coordinator",       "create",       403, 403),
    ("coordinator",       "endorsements", 200, 200),
    ("coordinator",       "endorse",      403, 403),
]  # fmt: skip
CELLS = expand(MATRIX, TARGETS)


def test_the_need_matrix_has_exactly_one_cell_per_role_action_and_target():
    keys = [cell[:3] for cell in CELLS]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(product(ROLES, ACTIONS, TARGETS))


@pytest.fixture
def people(
    county_viewer,
    county_editor,
    county_admin,
    other_editor,
    gov_editor,
    community_editor,
    coordinator,
):
    return people_owning(
        county_viewer,
        county_editor,
        county_admin,
        other_editor=other_editor,
        gov_editor=gov_editor,
        community_editor=community_editor,
        coordinator=coordinator,
    )


def need_row(need: Need) -> dict:
    return Need.objects.filter(pk=need.pk).values().get()


@pytest.mark.parametrize(("role", "action", "target", "expected"), as_params(CELLS))
def test_each_role_gets_its_matrix_status_on_a_countys_need(
    role, action, target, expected, county, community, people
):
    need = NeedFactory(organization=county, status=target, area="KE-01")
    need.vulnerable_groups.set(["persons-with-disabilities"])  # the community's group
    NeedItemFactory(need=need, category_id="laptops", quantity=40)
    client = people.client(role)
    url = f"/api/v1/needs/{need.pk}/"
    counts, row = row_counts(), need_row(need)

    if action == "retrieve":
        response = client.get(url)
        listed = {result["id"] for result in client.get("/api/v1/needs/").json()["results"]}
        assert (need.pk in listed) == (expected == 200)
    elif action == "update":
        response = client.patch(url, {"title": "Renamed"}, format="json")
    elif action == "cancel":
        response = client.delete(url)
    elif action == "create":
        payload = {
            "organization": county.pk,
            "title": "Trainers for digital-skills clubs",
            "area": "KE-01",
            "status": target,
            "items": [{"category": "trainer-days", "quantity": "60"}],
        }
        response = client.post("/api/v1/needs/", payload, format="json")
    elif action == "endorsements":
        response = client.get(f"{url}endorsements/")
    else:
        body = {"organization": community.pk, "comment": "Our members need this."}
        response = client.post(f"{url}endorsements/", body, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        problem(response, expected)
        assert row_counts() == counts
        assert need_row(need) == row
    elif action == "update":
        assert need_row(need)["title"] == response.json()["title"] == "Renamed"
    elif action == "cancel":
        assert need_row(need)["status"] == Need.Status.CANCELLED
    elif action == "create":
        created = Need.objects.get(pk=response.json()["id"])
        assert (created.organization_id, created.status) == (county.pk, target)
        assert created.items.get().category_id == "trainer-days"
    elif action == "endorse":
        endorsement = Endorsement.objects.get(need=need)
        assert (endorsement.organization_id, endorsement.endorsed_by) == (
            community.pk,
            people.user(role),
        )
