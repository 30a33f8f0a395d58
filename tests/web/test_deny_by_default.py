"""Every console page sends an anonymous visitor to sign in, but a reviewed list of public pages.

The test walks the URL resolver for the console's views and asks each, anonymously, with GET and
POST. Adding a page that lets anonymous visitors in fails here until PUBLIC_PAGES is edited.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# What anyone may read without signing in; POST on them is refused or sends to sign-in.
PUBLIC_PAGES = {
    "",
    "needs/",
    "needs/<need_id>/",
    "offers/",
    "partnerships/",
    "partnerships/<partnership_id>/",
    "dashboard/",
    "reference/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/register/",
    # with a signed token from an e-mail only; any other token answers 400
    "unsubscribe/<str:token>/",
}


def _web_routes(patterns=None, prefix: str = ""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _web_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif getattr(pattern.callback, "view_class", pattern.callback).__module__.startswith(
            "web."
        ):
            yield prefix + str(pattern.pattern)


def _path(route: str) -> str:
    return "/" + re.sub(r"<(?:int:)?\w+>", "1", route)


def test_the_console_pages_send_anonymous_visitors_to_sign_in():
    routes = set(_web_routes())
    readable = {re.sub(r"<int:(\w+)>", r"<\1>", route) for route in routes}
    assert readable >= PUBLIC_PAGES
    client = Client()
    let_in = {}
    for route in sorted(routes):
        name = re.sub(r"<int:(\w+)>", r"<\1>", route)
        for method in ("get", "post"):
            response = getattr(client, method)(_path(route))
            signed_out = response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/"
            )
            refused = response.status_code in (400, 403, 404, 405)
            if not (signed_out or refused):
                let_in.setdefault(name, set()).add(method.upper())
    public = {name: methods for name, methods in let_in.items() if name in PUBLIC_PAGES}
    assert {name: methods for name, methods in let_in.items() if name not in PUBLIC_PAGES} == {}
    # Anonymous POSTs reach only sign-in, sign-out and registration.
    assert {name for name, methods in public.items() if "POST" in methods} <= {
        "accounts/login/",
        "accounts/logout/",
        "accounts/register/",
    }
