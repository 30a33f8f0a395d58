"""The shared cache: Redis (CACHE_URL, or the broker's Redis), otherwise a PostgreSQL table.

Throttle and lockout counters must be seen by every web process on every host, so the
per-process memory cache is never used.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache

DATABASE_TABLE = "access_cache"  # created by access/migrations


class SharedRedisCache(RedisCache):
    """Django's Redis cache, whose clear() deletes only its own keys.

    The cache may share a Redis database with the Celery broker; FLUSHDB would drop queued tasks.
    """

    def clear(self) -> None:
        client = self._cache.get_client(write=True)
        batch: list = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)


def shared_cache(*, cache_url: str | None, broker_url: str | None, key_prefix: str) -> dict:
    """The CACHES['default'] entry for the configured servers."""
    for url in (cache_url, broker_url):
        if url and url.startswith(("redis://", "rediss://", "unix://")):
            return {
                "BACKEND": "config.cache.SharedRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": key_prefix,
            }
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": DATABASE_TABLE,
        "KEY_PREFIX": key_prefix,
    }
