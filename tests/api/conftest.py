"""Fixtures for the API tests: fresh throttles, a local government."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from registry.models import Membership, Organization
from tests.conftest import member
from tests.factories import OrganizationFactory


@pytest.fixture(autouse=True)
def fresh_throttles():
    # Throttle counters live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


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
