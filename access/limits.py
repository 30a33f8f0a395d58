"""Rate limits for requests that do not go through DRF (the web pages), on the API's counters."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from access.clients import client_address


class AddressRateLimit(SimpleRateThrottle):
    """The API's scoped limit `scope` (DEFAULT_THROTTLE_RATES), counted per client address in the
    same shared-cache entry as the API's anonymous requests of that scope: a page and its API
    operation (registering, say) share one allowance."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
