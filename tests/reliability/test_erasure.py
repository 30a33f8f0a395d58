"""Erasing an organization's contact person removes their e-mail and phone from the live row
and from every history row: afterwards they appear in no table of the database."""

from __future__ import annotations

import pytest

from registry.errors import PermissionDenied
from registry.models import Membership, Organization
from registry.services.privacy import erase_contact
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
