"""Rate limits whose counters live in the shared cache, keyed on the user or the client address."""

from __future__ import annotations

from rest_framework import throttling

from access.clients import client_address

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ClientAddressMixin:
    """Anonymous callers are told apart by `client_address`, never by a header they can forge."""

    def get_ident(self, request) -> str:
        return client_address(request)


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    """DRF's scoped throttle (the view's `throttle_scope`), with the trusted client address."""


class WriteRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """Writes (creating, editing, publishing, withdrawing) per signed-in user: scope `writes`."""

    scope = "writes"

    def allow_request(self, request, view) -> bool:
        if request.method not in WRITE_METHODS:
            return True
        return super().allow_request(request, view)
