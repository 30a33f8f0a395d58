"""Fixtures for the API tests: fresh throttles, a local government."""

from __future__ import annotations

import pytest

from registry.models import Membership, Organization
from tests.conftest import member
from tests.factories import OrganizationFactory


@pytest.fixture(autouse=True)
def _throttles_start_empty(fresh_throttles) -> None:
    """Every API test starts with empty throttle counters (tests/conftest.py)."""


@pytest.fixture
def county(db) -> Organization:
    return OrganizationFactory(
        name="Baringo County Government (test)",
        kind=Organization.Kind.LOCAL_GOVERNMENT,
        country="KE",
    )


@pytest.fixture
def county_viewer(county):
    return member(county, Membership.Role.VIEWER, "county.viewer")


@pytest.fixture
def county_editor(county):
    return member(county, Membership.Role.EDITOR, "county.editor")


@pytest.fixture
def county_admin(county):
    return member(county, Membership.Role.ADMIN, "county.admin")
