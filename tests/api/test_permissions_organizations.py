"""Who may read and change an organization, its members and its verification; who sees contacts."""

from __future__ import annotations

from itertools import product

import pytest

from registry.models import Membership, Organization
from tests.api.checks import problem, row_counts
from tests.api.roles import as_params, expand, people_owning
from tests.conftest import client_for, member
from tests.factories import ROLES, UserFactory

pytestmark = pytest.mark.django_db

TARGETS = ("active", "inactive")
ACTIONS = ("retrieve", "update", "members", "add_member", "remove_member", "verify")

# The organization is the NGO ("owner_*" are its members), active or deactivated.
MATRIX = [
    # role               action           active inactive
    ("anonymous",         "retrieve",      200, 404),
    ("anonymous",         "update",        401, 401),
    ("anonymous",         "members",       401, 401),
    ("anonymous",         "add_member",    401, 401),
    ("anonymous",         "remove_member", 401, 401),
    ("anonymous",         "verify",        401, 401),
    ("owner_viewer",      "retrieve",      200, 200),
    ("owner_viewer",      "update",        403, 403),
    ("owner_viewer",      "members",       200, 200),
    ("owner_viewer",      "add_member",    403, 403),
    ("owner_viewer",      "remove_member", 403, 403),
    ("owner_viewer",      "verify",        403, 403),
    ("owner_editor",      "retrieve",      200, 200),
    ("owner_editor",      "update",        200, 200),
    ("owner_editor",      "members",       200, 200),
    ("owner_editor",      "add_member",    403, 403),
    ("owner_editor",      "remove_member", 403, 403),
    ("owner_editor",      "verify",        403, 403),
    ("owner_admin",       "retrieve",      200, 200),
    ("owner_admin",       "update",        200, 200),
    ("owner_admin",       "members",       200, 200),
    ("owner_admin",       "add_member",    201, 201),
    ("owner_admin",       "remove_member", 204, 204),
    ("owner_admin",       "verify",        403, 403),
    ("other_member",      "retrieve",      200, 404),
    ("other_member",      "update",        403, 404),
    ("other_member",      "members",       403, 404),
    ("other_member",      "add_member",    403, 404),
    ("other_member",      "remove_member", 403, 404),
    ("other_member",      "verify",        403, 403),
    ("government_member", "retrieve",      200, 404),
    ("government_member", "update",        403, 404),
    ("government_member", "members",       403, 404),
    ("government_member", "add_member",    403, 404),
    ("government_member", "remove_member", 403, 404),
    ("government_member", "verify",        403, 403),
    ("community_member",  "retrieve",      200, 404),
    ("community_member",  "update",        403, 404),
    ("community_member",  "members",       403, 404),
    ("community_member",  "add_member",    403, 404),
    ("community_member",  "remove_member", 403, 404),
    ("community_member",  "verify",        403, 403),
    ("coordinator",       "retrieve",      200, 200),
    ("coordinator",       "update",        403, 403),
    ("coordinator",       "members",       200, 200),
    ("coordinator",       "add_member",    403, 403),
    ("coordinator",       "remove_member", 403, 403),
    ("coordinator",       "verify",        200, 200),
]  # fmt: skip
CELLS = expand(MATRIX, TARGETS)

CREATE = [
    ("anonymous", 401),
    ("owner_viewer", 201),
    ("owner_editor", 201),
    ("owner_admin", 201),
    ("other_member", 201),
    ("government_member", 201),
    ("community_member", 201),
    ("coordinator", 201),
]


def test_the_organization_matrix_has_exactly_one_cell_per_role_action_and_target():
    keys = [cell[:3] for cell in CELLS]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(product(ROLES, ACTIONS, TARGETS))
    assert [role for role, _ in CREATE] == list(ROLES)


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


def organization_row(organization: Organization) -> dict:
    return Organization.objects.filter(pk=organization.pk).values().get()


@pytest.mark.parametrize(("role", "action", "target", "expected"), as_params(CELLS))
def test_each_role_gets_its_matrix_status_on_an_organization(
    role, action, target, expected, ngo, people
):
    ngo.is_active = target == "active"
    ngo.save(update_fields=["is_active"])
    leaver = member(ngo, Membership.Role.VIEWER, "leaver")
    UserFactory(username="newcomer")
    client = people.client(role)
    url = f"/api/v1/organizations/{ngo.pk}/"
    counts, row = row_counts(), organization_row(ngo)

    if action == "retrieve":
        response = client.get(url)
        listed = {result["id"] for result in client.get("/api/v1/organizations/").json()["results"]}
        assert (ngo.pk in listed) == (expected == 200)
    elif action == "update":
        response = client.patch(url, {"description": "Renamed programme."}, format="json")
    elif action == "members":
        response = client.get(f"{url}members/")
    elif action == "add_member":
        body = {"username": "newcomer", "role": "editor"}
        response = client.post(f"{url}members/", body, format="json")
    elif action == "remove_member":
        response = client.delete(f"{url}members/{leaver.pk}/")
    else:
        response = client.post(f"{url}verify/")

    assert response.status_code == expected, response.content
    if expected >= 400:
        problem(response, expected)
        assert row_counts() == counts
        assert organization_row(ngo) == row
        assert ngo.memberships.filter(user=leaver).exists()
    elif action == "update":
        assert organization_row(ngo)["description"] == "Renamed programme."
    elif action == "members":
        usernames = {membership["username"] for membership in response.json()}
        assert {"ngo.viewer", "ngo.editor", "ngo.admin", "leaver"} == usernames
    elif action == "add_member":
        assert ngo.memberships.get(user__username="newcomer").role == "editor"
    elif action == "remove_member":
        assert not ngo.memberships.filter(user=leaver).exists()
    elif action == "verify":
        verified = organization_row(ngo)
        assert verified["verified_at"] is not None
        assert verified["verified_by_id"] == people.user(role).pk
        assert response.json()["verified"] is True


@pytest.mark.parametrize(("role", "expected"), CREATE)
def test_any_signed_in_user_registers_an_organization_and_becomes_its_admin(role, expected, people):
    counts = row_counts()
    body = {"name": "Code Club Nakuru", "kind": "ngo", "country": "KE"}
    response = people.client(role).post("/api/v1/organizations/", body, format="json")
    assert response.status_code == expected, response.content
    if expected == 401:
        problem(response, 401)
        assert row_counts() == counts
        return
    created = Organization.objects.get(pk=response.json()["id"])
    assert created.memberships.get().user == people.user(role)
    assert created.memberships.get().role == Membership.Role.ADMIN


CONTACT_VISIBLE = [
    ("anonymous", False),
    ("owner_viewer", True),
    ("owner_editor", True),
    ("owner_admin", True),
    ("other_member", False),
    ("government_member", False),
    ("community_member", False),
    ("coordinator", True),
]


@pytest.mark.parametrize(("role", "visible"), CONTACT_VISIBLE)
def test_contact_details_are_shown_only_to_members_and_coordinators(
    role, visible, ngo, other_org, people
):
    ngo.contact_email, ngo.contact_phone = "office@bridges.example", "+254 711 000 111"
    ngo.save(update_fields=["contact_email", "contact_phone"])
    client = people.client(role)
    expected = {"email": "office@bridges.example", "phone": "+254 711 000 111"} if visible else None

    detail = client.get(f"/api/v1/organizations/{ngo.pk}/").json()
    listed = client.get("/api/v1/organizations/?page_size=100").json()["results"]
    contacts = {organization["id"]: organization["contact"] for organization in listed}

    assert detail["contact"] == contacts[ngo.pk] == expected
    # other_org's contact is shown only to its own member and to coordinators.
    assert (contacts[other_org.pk] is not None) == (role in ("other_member", "coordinator"))
    for organization in [detail, *listed]:
        assert "contact_email" not in organization and "contact_phone" not in organization


def test_a_member_who_edits_the_contact_sees_it_and_the_public_does_not(ngo_editor, ngo, api):
    body = {"contact_email": "new@bridges.example", "contact_phone": "+254 722 000 000"}
    response = client_for(ngo_editor).patch(f"/api/v1/organizations/{ngo.pk}/", body, format="json")
    assert response.status_code == 200
    assert response.json()["contact"] == {
        "email": "new@bridges.example",
        "phone": "+254 722 000 000",
    }
    public = api.get(f"/api/v1/organizations/{ngo.pk}/")
    assert public.json()["contact"] is None
    assert "new@bridges.example" not in public.content.decode()
