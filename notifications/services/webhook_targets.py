"""The SSRF guard and the HTTP request of a webhook delivery.

A target's name is resolved once, every address it resolves to is checked, and the request
connects to a checked address (keeping the name for the Host header and TLS), so a name that
resolves to a public address for the check and to a private one for the request reaches nothing.
Redirects are not followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class TargetRefused(Exception):
    """The URL names a private, loopback, link-local or otherwise non-public address."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def split(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of a webhook URL; ValueError when it is not http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(_("A webhook URL starts with https:// or http:// and names a host."))
    if parts.username or parts.password:
        raise ValueError(_("A webhook URL carries no username or password."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path


def check_addresses(host: str, addresses: list[str]) -> None:
    """Refuse when any address is not public, unless WEBHOOKS_ALLOW_PRIVATE_TARGETS is set."""
    if settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        return
    refused = [address for address in addresses if not _public(address)]
    if refused:
        raise TargetRefused(
            _("%(host)s resolves to a private or reserved address (%(addresses)s): refused.")
            % {"host": host, "addresses": ", ".join(refused)}
        )


def resolve(url: str) -> Target:
    """Resolve the URL's host and check every address (TargetRefused, ValueError, OSError)."""
    scheme, host, port, path = split(url)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    check_addresses(host, addresses)
    return Target(scheme, host, port, path, tuple(addresses))


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.addresses[0]

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


def tls_context() -> ssl.SSLContext:
    """Certificates checked against the system's CAs, and WEBHOOKS_CA_BUNDLE's when it is set;
    the host name is checked too. A target that fails the check gets nothing, never plain HTTP."""
    context = ssl.create_default_context()
    if settings.WEBHOOKS_CA_BUNDLE:
        context.load_verify_locations(cafile=settings.WEBHOOKS_CA_BUNDLE)
    return context


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.addresses[0]
        self.tls = tls_context()

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST the body to the URL's checked address and answer the status code (the response's
    body is read, at most 64 KiB, and dropped)."""
    target = resolve(url)
    pinned = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = pinned(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()
