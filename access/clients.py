"""Who the client is: its address, read through exactly the configured number of trusted proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address for throttles and the sign-in lockout.

    With TRUSTED_PROXIES = 0 (the server faces the clients) it is the connection's address and
    X-Forwarded-For is ignored. Behind N proxies, each appending the address it saw, it is the
    N-th address from the right of X-Forwarded-For: entries further left were written by the
    client and prove nothing, so a spoofed header never changes who the client is.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # the proxies did not all add themselves: trust only the connection
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
