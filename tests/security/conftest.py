"""Fixtures for the security tests: a world built once per module, fresh throttles."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    """Built once per module inside a transaction; each test runs in a savepoint within it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _throttles_start_empty(fresh_throttles) -> None:
    """Every security test starts with empty throttle and lockout counters (tests/conftest.py)."""


@pytest.fixture
def api_server(reference_data):
    """gunicorn on loopback, bound to the test database (the test's rows are committed)."""
    from django.db import connection

    from tests.security.server import ApiServer

    server = ApiServer(connection.settings_dict).start()
    try:
        yield server
    finally:
        server.stop()
