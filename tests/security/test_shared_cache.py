"""Throttle and lockout counters live in a cache every web process shares, never in one process."""

from __future__ import annotations

import pytest
from django.core.cache.backends.db import DatabaseCache

from config.cache import DATABASE_TABLE, shared_cache
from tests.requirements import require


@pytest.mark.parametrize(
    ("cache_url", "broker_url", "backend"),
    [
        (None, "redis://127.0.0.1:6379/0", "config.cache.SharedRedisCache"),
        ("redis://cache.internal:6379/3", "amqp://guest@rabbit//", "config.cache.SharedRedisCache"),
        (
            None,
            "amqp://guest:guest@127.0.0.1:5672//",
            "django.core.cache.backends.db.DatabaseCache",
        ),
        (None, "filesystem://", "django.core.cache.backends.db.DatabaseCache"),
        (None, None, "django.core.cache.backends.db.DatabaseCache"),
    ],
)
def test_the_cache_is_redis_when_one_is_named_and_the_database_otherwise(
    cache_url, broker_url, backend
):
    chosen = shared_cache(cache_url=cache_url, broker_url=broker_url, key_prefix="p")
    assert chosen["BACKEND"] == backend
    assert chosen["LOCATION"] == (cache_url or broker_url if "Redis" in backend else DATABASE_TABLE)


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_table_comes_with_the_migrations():
    cache = DatabaseCache(DATABASE_TABLE, {"KEY_PREFIX": "test-shared-cache"})
    cache.set("counter", [1, 2, 3], 60)
    assert cache.get("counter") == [1, 2, 3]
    cache.delete("counter")


def test_clearing_the_redis_cache_keeps_the_brokers_keys(settings):
    import redis

    from config.cache import SharedRedisCache

    require(
        settings.CACHES["default"]["BACKEND"].endswith("SharedRedisCache"),
        "no Redis configured (CELERY_BROKER_URL or CACHE_URL names it in CI)",
    )
    url = settings.CACHES["default"]["LOCATION"]
    client = redis.Redis.from_url(url)
    cache = SharedRedisCache(url, {"KEY_PREFIX": "test-shared-cache"})
    client.set("test-broker-queue", "a task")
    cache.set("counter", 1, 60)
    cache.clear()
    assert cache.get("counter") is None
    assert client.get("test-broker-queue") == b"a task"
    client.delete("test-broker-queue")
