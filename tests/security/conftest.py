"""Fixtures for the security tests: a world built once per module, fresh throttles."""

from __future__ import annotations

import pytest
from django.core.cache import cache
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
def fresh_throttles():
    # Throttle and lockout counters live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


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
