"""Organizations, members and verification through the API; the taxonomies are read-only lists."""

from __future__ import annotations

import pytest

from registry.models import Membership, Organization
from tests.api.checks import field_errors, problem, row_counts
from tests.conftest import client_for, member
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_registered_organization_answers_with_its_profile_and_a_normalised_country(ngo_editor):
    body = {
        "name": "Ushahidi Labs",
        "kind": "company",
        "country": "ke",
        "identifier": "KE-RCO-CPR2010",
        "website": "https://labs.example.org",
        "description": "Open-source crisis mapping.",
        "contact_email": "hello@labs.example.org",
    }
    response = client_for(ngo_editor).post("/api/v1/organizations/", body, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["country"], created["identifier"], created["verified"]) == (
        "KE",
        "KE-RCO-CPR2010",
        False,
    )
    assert created["contact"] == {"email": "hello@labs.example.org", "phone": ""}
    assert Organization.objects.get(pk=created["id"]).country == "KE"


def test_an_identifier_belongs_to_one_organization(ngo_editor):
    OrganizationFactory(identifier="GB-COH-09506232")
    counts = row_counts()
    body = {"name": "Copycat", "kind": "ngo", "country": "GB", "identifier": "GB-COH-09506232"}
    response = client_for(ngo_editor).post("/api/v1/organizations/", body, format="json")
    assert "identifier" in field_errors(response)
    assert row_counts() == counts


def test_organizations_are_never_deleted_over_the_api(ngo_admin, ngo):
    response = client_for(ngo_admin).delete(f"/api/v1/organizations/{ngo.pk}/")
    problem(response, 405)
    assert Organization.objects.filter(pk=ngo.pk).exists()


def test_an_admin_adds_a_member_then_changes_their_role(ngo_admin, ngo):
    UserFactory(username="amina")
    admin = client_for(ngo_admin)
    url = f"/api/v1/organizations/{ngo.pk}/members/"

    added = admin.post(url, {"username": "amina", "role": "viewer"}, format="json")
    promoted = admin.post(url, {"username": "amina", "role": "editor"}, format="json")

    assert added.status_code == promoted.status_code == 201
    assert (added.json()["role"], promoted.json()["role"]) == ("viewer", "editor")
    assert ngo.memberships.get(user__username="amina").role == "editor"
    listed = {row["username"]: row["role"] for row in admin.get(url).json()}
    assert listed == {"ngo.admin": "admin", "amina": "editor"}


def test_adding_an_unknown_user_is_a_field_error(ngo_admin, ngo):
    counts = row_counts()
    response = client_for(ngo_admin).post(
        f"/api/v1/organizations/{ngo.pk}/members/", {"username": "ghost", "role": "editor"}
    )
    assert "username" in field_errors(response)
    assert row_counts() == counts


def test_the_last_admin_can_be_neither_removed_nor_demoted(ngo_admin, ngo):
    admin = client_for(ngo_admin)
    url = f"/api/v1/organizations/{ngo.pk}/members/"

    removed = admin.delete(f"{url}{ngo_admin.pk}/")
    demoted = admin.post(url, {"username": "ngo.admin", "role": "viewer"}, format="json")

    assert problem(removed, 409)["code"] == problem(demoted, 409)["code"] == "last_admin"
    assert ngo.memberships.get(user=ngo_admin).role == Membership.Role.ADMIN


def test_an_admin_may_leave_once_another_admin_remains(ngo_admin, ngo):
    member(ngo, Membership.Role.ADMIN, "second.admin")
    response = client_for(ngo_admin).delete(
        f"/api/v1/organizations/{ngo.pk}/members/{ngo_admin.pk}/"
    )
    assert response.status_code == 204
    assert not ngo.memberships.filter(user=ngo_admin).exists()


def test_removing_someone_who_is_not_a_member_is_a_field_error(ngo_admin, ngo, other_editor):
    response = client_for(ngo_admin).delete(
        f"/api/v1/organizations/{ngo.pk}/members/{other_editor.pk}/"
    )
    assert "user" in field_errors(response)


def test_verification_is_recorded_once_with_the_coordinator(coordinator, ngo, api):
    client = client_for(coordinator)
    first = client.post(f"/api/v1/organizations/{ngo.pk}/verify/")
    second = client.post(f"/api/v1/organizations/{ngo.pk}/verify/")

    assert first.status_code == second.status_code == 200
    assert first.json()["verified_at"] == second.json()["verified_at"] is not None
    ngo.refresh_from_db()
    assert ngo.verified_by == coordinator
    assert api.get(f"/api/v1/organizations/{ngo.pk}/").json()["verified"] is True


def test_verifying_an_unknown_organization_answers_404(coordinator):
    problem(client_for(coordinator).post("/api/v1/organizations/999999/verify/"), 404)


def test_verified_at_cannot_be_written_by_members(ngo_editor, ngo):
    response = client_for(ngo_editor).patch(
        f"/api/v1/organizations/{ngo.pk}/",
        {"verified_at": "2026-01-01T00:00:00Z", "is_active": False},
        format="json",
    )
    assert response.status_code == 200
    ngo.refresh_from_db()
    assert (ngo.verified_at, ngo.is_active) == (None, True)


TAXONOMIES = [
    ("categories", "laptops", "technical"),
    ("focus-areas", "digital-skills", None),
    ("vulnerable-groups", "persons-with-disabilities", None),
    ("sdg-targets", "9.c", None),
]


@pytest.mark.parametrize(("path", "key", "kind"), TAXONOMIES)
def test_taxonomies_are_public_paginated_lists_with_details(path, key, kind, api):
    listed = api.get(f"/api/v1/taxonomy/{path}/?page_size=100").json()
    detail = api.get(f"/api/v1/taxonomy/{path}/{key}/")

    assert set(listed) == {"count", "next", "previous", "results"}
    keys = [row.get("slug", row.get("code")) for row in listed["results"]]
    assert key in keys
    assert detail.status_code == 200
    assert detail.json() in listed["results"]
    if kind:
        assert detail.json()["kind"] == kind


@pytest.mark.parametrize(("path", "key", "kind"), TAXONOMIES)
def test_taxonomies_are_read_only_even_for_coordinators(path, key, kind, coordinator):
    client = client_for(coordinator)
    problem(client.post(f"/api/v1/taxonomy/{path}/", {"slug": "x", "name": "X"}), 405)
    problem(client.delete(f"/api/v1/taxonomy/{path}/{key}/"), 405)
    problem(client.patch(f"/api/v1/taxonomy/{path}/{key}/", {"name": "X"}), 405)


def test_categories_filter_by_kind_and_sdg_targets_by_goal(api):
    financial = api.get("/api/v1/taxonomy/categories/?kind=financial").json()["results"]
    goal_nine = api.get("/api/v1/taxonomy/sdg-targets/?goal=9&page_size=100").json()["results"]
    assert {row["kind"] for row in financial} == {"financial"}
    assert "grant" in {row["slug"] for row in financial}
    assert [row["code"] for row in goal_nine] == [
        "9.1",
        "9.2",
        "9.3",
        "9.4",
        "9.5",
        "9.a",
        "9.b",
        "9.c",
    ]
