"""Throttles hold across processes: three gunicorn workers share one set of counters.

Each server gets a low limit; requests go one after another over fresh connections, so the
kernel hands them to whichever worker accepts first. Exactly the limit gets through, whatever
X-Forwarded-For says, and the counters are visible in the shared cache (Redis), not in one
worker's memory.
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from knox.models import AuthToken

from config.cache import SharedRedisCache
from registry.models import Membership, Offer
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.security.http import call
from tests.security.server import ApiServer

LIMIT = 6
REQUESTS = 3 * LIMIT


@pytest.fixture
def throttled_server(reference_data):
    from django.db import connection

    prefix = f"test-throttles-{uuid.uuid4().hex[:8]}"
    server = ApiServer(
        connection.settings_dict,
        workers=3,
        threads=4,
        extra_env={
            "CACHE_KEY_PREFIX": prefix,
            "THROTTLE_TOKEN": f"{LIMIT}/minute",
            "THROTTLE_WRITES": f"{LIMIT}/minute",
        },
    )
    server.start()
    try:
        yield server, prefix
    finally:
        server.stop()


def _server_cache(prefix: str) -> SharedRedisCache:
    location = settings.CACHES["default"]["LOCATION"]
    return SharedRedisCache(location, {"KEY_PREFIX": prefix})


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("SharedRedisCache"),
    reason="reads the counters from Redis (CELERY_BROKER_URL or CACHE_URL names it in CI)",
)
def test_the_sign_in_throttle_holds_across_three_workers_and_forged_addresses(throttled_server):
    server, prefix = throttled_server
    statuses = [
        call(
            "POST",
            f"{server.url}/api/v1/auth/token/",
            body={"username": f"nobody.{attempt}", "password": "guess"},
            headers={"X-Forwarded-For": f"203.0.113.{attempt}"},
        )[0]
        for attempt in range(REQUESTS)
    ]
    assert statuses == [401] * LIMIT + [429] * (REQUESTS - LIMIT)
    history = _server_cache(prefix).get("throttle_token_127.0.0.1")
    assert history is not None and len(history) == LIMIT
    assert "Traceback" not in server.output()


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("SharedRedisCache"),
    reason="reads the counters from Redis (CELERY_BROKER_URL or CACHE_URL names it in CI)",
)
def test_a_users_write_budget_holds_across_three_workers(throttled_server):
    server, prefix = throttled_server
    organization = OrganizationFactory()
    user = UserFactory()
    MembershipFactory(organization=organization, user=user, role=Membership.Role.EDITOR)
    token = AuthToken.objects.create(user)[1]
    body = {
        "organization": organization.pk,
        "title": "Tablets",
        "category": "tablets",
        "quantity": "12",
        "areas": ["KE"],
    }
    statuses = [
        call("POST", f"{server.url}/api/v1/offers/", token=token, body=body)[0]
        for _ in range(REQUESTS)
    ]
    assert statuses == [201] * LIMIT + [429] * (REQUESTS - LIMIT)
    assert Offer.objects.filter(organization=organization).count() == LIMIT
    assert len(_server_cache(prefix).get(f"throttle_writes_{user.pk}")) == LIMIT
