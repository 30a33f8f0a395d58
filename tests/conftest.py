"""Shared fixtures: users in every role, their organizations, and API clients."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from registry.models import Membership, Organization
from tests.factories import OrganizationFactory, UserFactory, member


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """A test database of this session's own, so that concurrent sessions never collide."""
    from django.conf import settings

    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_{os.getpid()}"


# Argon2 is slow on purpose. Tests hash with MD5 first; the project's own hashers stay listed after
# it, so that the tests of the production hasher (tests/api/test_security.py) still reach Argon2.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher() -> Iterator[None]:
    """The one fast-hasher setting of the suite, for every test and every shared fixture."""
    from django.conf import settings

    with override_settings(PASSWORD_HASHERS=[*FAST_PASSWORD_HASHERS, *settings.PASSWORD_HASHERS]):
        yield


@pytest.fixture
def fresh_throttles() -> Iterator[None]:
    """Empty throttle and lockout counters: they live in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data(transactional_db) -> None:
    """Taxonomies for tests that commit: a transactional test's flush removes the migrated rows."""
    from django.contrib.auth.models import Group

    from registry.taxonomy_fixtures import load_taxonomies

    load_taxonomies()
    Group.objects.get_or_create(name="coordinators")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ngo(db) -> Organization:
    # Newly registered: not yet verified by a coordinator.
    return OrganizationFactory(
        name="Digital Bridges", kind=Organization.Kind.NGO, country="KE", verified=False
    )


@pytest.fixture
def government(db) -> Organization:
    return OrganizationFactory(
        name="Ministry of ICT (test)", kind=Organization.Kind.GOVERNMENT, country="KE"
    )


@pytest.fixture
def community(db) -> Organization:
    union = OrganizationFactory(
        name="Union of the Blind (test)", kind=Organization.Kind.COMMUNITY, country="KE"
    )
    union.represented_groups.set(["persons-with-disabilities"])
    return union


@pytest.fixture
def other_org(db) -> Organization:
    return OrganizationFactory(name="Other Company", kind=Organization.Kind.COMPANY, country="UG")


@pytest.fixture
def ngo_editor(ngo):
    return member(ngo, Membership.Role.EDITOR, "ngo.editor")


@pytest.fixture
def ngo_admin(ngo):
    return member(ngo, Membership.Role.ADMIN, "ngo.admin")


@pytest.fixture
def ngo_viewer(ngo):
    return member(ngo, Membership.Role.VIEWER, "ngo.viewer")


@pytest.fixture
def gov_editor(government):
    return member(government, Membership.Role.EDITOR, "gov.editor")


@pytest.fixture
def community_editor(community):
    return member(community, Membership.Role.EDITOR, "community.editor")


@pytest.fixture
def other_editor(other_org):
    return member(other_org, Membership.Role.EDITOR, "other.editor")


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coord", coordinator=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The suite leaves nothing of its own running: a child process still alive, or an embedded
    PostgreSQL under its temporary folders, fails the run (and is stopped, so that the next run
    starts clean). The embedded server of the project's data folder is stopped when this session
    started it."""
    from config import embedded
    from tests import leftovers

    for data_dir in sorted(embedded.started_here):
        embedded.stop_embedded_database(data_dir)
    children = leftovers.live_children()
    leaks = [leftovers.describe(child) for child in children]
    factory = getattr(session.config, "_tmp_path_factory", None)
    basetemp = factory.getbasetemp() if factory is not None else None
    for _, pgdata in leftovers.embedded_servers_under(basetemp) if basetemp else []:
        leaks.append(f"embedded PostgreSQL in {pgdata}")
        embedded.stop_postgres(pgdata)
    for child in children:
        child.kill()
    if leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep("=", "processes the test suite left running", red=True)
            for line in leaks:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
