"""Verification means something: identifiers, identity changes, matching and endorsements."""

from __future__ import annotations

import pytest
from django.apps import apps

from matching.selectors import load_problem
from registry.models import Endorsement, Organization
from tests.api.checks import field_errors, row_counts
from tests.conftest import client_for, member
from tests.factories import NeedFactory, NeedItemFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "identifier"),
    [
        ("KE", "KE-RCO-CPR2010"),  # Kenya's registrar of companies
        ("GB", "GB-COH-09506232"),  # Companies House
        ("KE", "XI-IATI-OFID"),  # an international list, valid anywhere
        ("UG", "XM-DAC-41301"),
    ],
)
def test_an_identifier_of_a_list_covering_the_country_is_accepted(ngo_editor, country, identifier):
    body = {"name": "Open Data Trust", "kind": "ngo", "country": country, "identifier": identifier}
    response = client_for(ngo_editor).post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["identifier"] == identifier


@pytest.mark.parametrize(
    ("country", "identifier", "says"),
    [
        ("KE", "GB-COH-09506232", "does not cover KE"),
        ("KE", "ZZ-NOPE-123", "does not start with a prefix"),
        ("KE", "KE-RCO-", "does not start with a prefix"),
        ("GB", "XI-GRID-grid.1234", "deprecated"),
        ("KE", "KE-RCO-bad id!", "not a valid local identifier"),
    ],
)
def test_an_identifier_outside_the_register_or_its_coverage_is_refused(
    ngo_editor, country, identifier, says
):
    before = row_counts()
    body = {"name": "Impostor Ltd", "kind": "company", "country": country, "identifier": identifier}
    response = client_for(ngo_editor).post("/api/v1/organizations/", body, format="json")
    assert field_errors(response) == {"identifier": ["invalid"]}
    assert says in response.json()["detail"]
    assert row_counts() == before


def test_moving_country_rechecks_the_identifier(ngo_admin, ngo):
    ngo.identifier = "KE-RCO-CPR2010"
    ngo.save(update_fields=["identifier"])
    response = client_for(ngo_admin).patch(
        f"/api/v1/organizations/{ngo.pk}/", {"country": "UG"}, format="json"
    )
    assert "identifier" in field_errors(response)
    ngo.refresh_from_db()
    assert ngo.country == "KE"


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Renamed"), ("kind", "company"), ("country", "UG"), ("identifier", "XI-IATI-X1")],
)
def test_changing_a_verified_organizations_identity_unverifies_it_with_a_reason(
    coordinator, field, value
):
    organization = OrganizationFactory(kind=Organization.Kind.NGO, country="KE")
    admin = member(organization, "admin")
    assert organization.is_verified
    response = client_for(admin).patch(
        f"/api/v1/organizations/{organization.pk}/", {field: value}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["verified"] is False
    event = (
        apps.get_model("registry", "OrganizationEvent")
        .objects.filter(pgh_obj_id=organization.pk)
        .order_by("pgh_id")
        .values("verified_at", "pgh_context__metadata")
        .last()
    )
    assert event["verified_at"] is None
    assert event["pgh_context__metadata"]["action"] == "unverified"
    assert field in event["pgh_context__metadata"]["reason"]
    assert event["pgh_context__metadata"]["user"] == admin.pk


def test_editing_anything_else_keeps_the_verification(coordinator):
    organization = OrganizationFactory()
    admin = member(organization, "admin")
    response = client_for(admin).patch(
        f"/api/v1/organizations/{organization.pk}/",
        {"description": "New text", "website": "https://example.org"},
        format="json",
    )
    assert response.json()["verified"] is True


def test_an_unverified_government_posts_a_need_that_matching_leaves_out(api):
    government = OrganizationFactory(
        kind=Organization.Kind.GOVERNMENT, country="KE", verified=False
    )
    editor = member(government)
    body = {
        "organization": government.pk,
        "title": "Laptops for Nairobi schools",
        "area": "KE-30",
        "status": "open",
        "deadline": "2027-12-31",
        "items": [{"category": "laptops", "quantity": "40"}],
    }
    response = client_for(editor).post("/api/v1/needs/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["matching_blocked"] == "organization_not_verified"
    listed = api.get("/api/v1/needs/").json()["results"]
    assert [row["matching_blocked"] for row in listed if row["id"] == created["id"]] == [
        "organization_not_verified"
    ]
    assert created["id"] not in {need.id for need in load_problem().needs}
    assert created["id"] not in {
        need.id for need in load_problem(scope={"need_ids": [created["id"]]}).needs
    }

    verifier = member(OrganizationFactory(kind=Organization.Kind.NGO), username="other-org")
    verifier.groups.add(*coordinator_groups())
    client_for(verifier).post(f"/api/v1/organizations/{government.pk}/verify/")
    assert api.get(f"/api/v1/needs/{created['id']}/").json()["matching_blocked"] is None
    assert created["id"] in {need.id for need in load_problem().needs}


def coordinator_groups():
    from django.contrib.auth.models import Group

    return [Group.objects.get_or_create(name="coordinators")[0]]


def test_a_community_organization_endorses_only_needs_for_groups_it_represents(
    community, community_editor, government
):
    need = NeedFactory(organization=government)
    need.vulnerable_groups.set(["older-persons"])
    NeedItemFactory(need=need)
    url = f"/api/v1/needs/{need.pk}/endorsements/"
    refused = client_for(community_editor).post(url, {"organization": community.pk}, format="json")
    assert "organization" in field_errors(refused)
    assert "persons-with-disabilities" in refused.json()["detail"]
    assert not Endorsement.objects.exists()

    need.vulnerable_groups.add("persons-with-disabilities")
    accepted = client_for(community_editor).post(url, {"organization": community.pk}, format="json")
    assert accepted.status_code == 201, accepted.content


def test_endorsements_of_unverified_community_organizations_do_not_count(
    government, community, community_editor, api
):
    need = NeedFactory(organization=government)
    need.vulnerable_groups.set(["persons-with-disabilities"])
    NeedItemFactory(need=need)
    newcomer = OrganizationFactory(kind=Organization.Kind.COMMUNITY, verified=False)
    newcomer.represented_groups.set(["persons-with-disabilities"])
    url = f"/api/v1/needs/{need.pk}/endorsements/"
    for organization, editor in ((community, community_editor), (newcomer, member(newcomer))):
        response = client_for(editor).post(url, {"organization": organization.pk}, format="json")
        assert response.status_code == 201, response.content
    assert api.get(f"/api/v1/needs/{need.pk}/").json()["endorsements"] == 1
    listed = api.get("/api/v1/needs/").json()["results"]
    assert [row["endorsements"] for row in listed if row["id"] == need.pk] == [1]


def test_only_community_organizations_declare_represented_groups(ngo_admin, ngo):
    response = client_for(ngo_admin).patch(
        f"/api/v1/organizations/{ngo.pk}/",
        {"represented_groups": ["older-persons"]},
        format="json",
    )
    assert "represented_groups" in field_errors(response)


def test_changing_the_groups_a_community_organization_represents_unverifies_it(
    community, community_editor
):
    community.memberships.filter(user=community_editor).update(role="admin")
    response = client_for(community_editor).patch(
        f"/api/v1/organizations/{community.pk}/",
        {"represented_groups": ["persons-with-disabilities", "older-persons"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body["represented_groups"]) == ["older-persons", "persons-with-disabilities"]
    assert body["verified"] is False
