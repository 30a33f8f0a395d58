"""Erasing an organization's contact person removes their e-mail and phone from the live row
and from every history row; erasing a user removes their name and e-mail, sign-in logs and
tokens. Afterwards the values appear in no table of the database."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from registry.errors import PermissionDenied
from registry.models import Membership, Organization
from registry.services.privacy import erase_contact, erase_user
from tests.conftest import client_for, member
from tests.factories import OrganizationFactory, UserFactory
from tests.reliability.history import events, tables_containing

FIRST_EMAIL, SECOND_EMAIL = "amina.odhiambo@bridges.example", "a.odhiambo@bridges.example"
PHONE = "+254 711 222 333"
OTHER_EMAIL = "kept.contact@other.example"


@pytest.fixture
def bridges(reference_data):
    """An organization whose contact changed once, through the API, so history holds both."""
    admin = UserFactory(username="bridges.admin")
    created = client_for(admin).post(
        "/api/v1/organizations/",
        {
            "name": "Digital Bridges",
            "kind": "ngo",
            "country": "KE",
            "contact_email": FIRST_EMAIL,
            "contact_phone": PHONE,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    organization = Organization.objects.get(pk=created.json()["id"])
    changed = client_for(admin).patch(
        f"/api/v1/organizations/{organization.pk}/", {"contact_email": SECOND_EMAIL}
    )
    assert changed.status_code == 200, changed.json()
    other = OrganizationFactory(name="Other NGO", contact_email=OTHER_EMAIL)
    return {"organization": organization, "admin": admin, "other": other}


def test_erasing_a_contact_leaves_no_trace_of_it_in_any_table(bridges):
    organization = bridges["organization"]
    # Control: before the erasure the search finds the values, in the live row and in history.
    assert set(tables_containing(FIRST_EMAIL)) == {"registry_organizationevent"}
    assert tables_containing(SECOND_EMAIL) == {
        "registry_organization": 1,
        "registry_organizationevent": 2,
    }
    assert "registry_organizationevent" in tables_containing(PHONE)

    scrubbed = erase_contact(actor=bridges["admin"], organization=organization)

    assert scrubbed == 2  # the insert and the update; the erasure's own snapshot is blank
    for value in (FIRST_EMAIL, SECOND_EMAIL, PHONE):
        assert tables_containing(value) == {}, value
    organization.refresh_from_db()
    assert (organization.contact_email, organization.contact_phone) == ("", "")
    # Another organization's contact is untouched, and the erasure itself is in the audit trail.
    assert set(tables_containing(OTHER_EMAIL)) == {
        "registry_organization",
        "registry_organizationevent",
    }
    label, metadata = events("registry.OrganizationEvent", organization.pk)[-1]
    assert (label, metadata["user"], metadata["action"]) == (
        "update",
        bridges["admin"].pk,
        "erase_contact",
    )


def test_only_coordinators_and_the_organization_s_admins_may_erase(bridges):
    organization = bridges["organization"]
    editor = member(organization, Membership.Role.EDITOR, "bridges.editor")
    for outsider in (editor, UserFactory(username="stranger")):
        with pytest.raises(PermissionDenied):
            erase_contact(actor=outsider, organization=organization)
    assert "registry_organizationevent" in tables_containing(FIRST_EMAIL)

    erase_contact(
        actor=UserFactory(username="coordinator.privacy", coordinator=True),
        organization=organization,
    )
    assert tables_containing(FIRST_EMAIL) == {}


def test_erasing_a_user_removes_their_name_and_e_mail_everywhere_but_keeps_the_trail(
    reference_data, api
):
    username, email, password = "amina.private", "amina.private@mail.example", "Kh7!vR2#pQ9z"
    registered = api.post(
        "/api/v1/auth/register/",
        {"username": username, "email": email, "password": password},
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    assert api.post("/api/v1/auth/token/", {"username": username, "password": "wrong"}).status_code
    token = api.post("/api/v1/auth/token/", {"username": username, "password": password})
    assert token.status_code == 200, token.json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    created = client.post(
        "/api/v1/organizations/", {"name": "Amina's Co-op", "kind": "ngo", "country": "KE"}
    )
    assert created.status_code == 201, created.json()
    user = get_user_model().objects.get(username=username)
    # Control: sign-in logs and the account hold the name and the e-mail.
    assert {"auth_user", "axes_accessattempt"} <= set(tables_containing(username))
    assert "auth_user" in tables_containing(email)

    erase_user(actor=user, user=user)

    assert tables_containing(username) == {}
    assert tables_containing(email) == {}
    assert client.get("/api/v1/organizations/").status_code == 401  # its tokens are gone
    trail = events("registry.MembershipEvent", Membership.objects.get(user=user).pk)
    assert [(label, metadata["user"]) for label, metadata in trail] == [("insert", user.pk)]
    with pytest.raises(PermissionDenied):
        erase_user(actor=UserFactory(username="someone.else"), user=user)
