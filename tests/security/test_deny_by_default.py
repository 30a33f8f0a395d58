"""Function-level authorization: deny by default, and a reviewed list of what anonymous users reach.

The test walks the URL resolver, instantiates every DRF view for every method it serves, asks its
permission classes whether an anonymous request gets in, and compares the answer with PUBLIC.
Adding a view that lets anonymous users in, or opening a method of an existing one, fails here
until PUBLIC is edited (and reviewed). HEAD and OPTIONS follow GET.
"""

from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIRequestFactory

PUBLIC: dict[str, set[str]] = {
    # sign-in and registration (throttled, axes lockout)
    "api/v1/auth/token/": {"POST"},
    "api/v1/auth/register/": {"POST"},
    # the published catalogue, partnerships and statistics
    "api/v1/organizations/": {"GET"},
    "api/v1/organizations/<pk>/": {"GET"},
    "api/v1/offers/": {"GET"},
    "api/v1/offers/<pk>/": {"GET"},
    "api/v1/needs/": {"GET"},
    "api/v1/needs/<pk>/": {"GET"},
    "api/v1/needs/<pk>/endorsements/": {"GET"},
    "api/v1/partnerships/": {"GET"},
    "api/v1/partnerships/<pk>/": {"GET"},
    "api/v1/partnerships/<pk>/history/": {"GET"},
    "api/v1/partnerships/<pk>/reports/": {"GET"},
    "api/v1/stats/coverage/": {"GET"},
    "api/v1/taxonomy/categories/": {"GET"},
    "api/v1/taxonomy/categories/<pk>/": {"GET"},
    "api/v1/taxonomy/focus-areas/": {"GET"},
    "api/v1/taxonomy/focus-areas/<pk>/": {"GET"},
    "api/v1/taxonomy/vulnerable-groups/": {"GET"},
    "api/v1/taxonomy/vulnerable-groups/<pk>/": {"GET"},
    "api/v1/taxonomy/sdg-goals/": {"GET"},
    "api/v1/taxonomy/sdg-goals/<pk>/": {"GET"},
    "api/v1/taxonomy/sdg-targets/": {"GET"},
    "api/v1/taxonomy/sdg-targets/<pk>/": {"GET"},
    # exports in open standards and spreadsheets: each shows what the caller may see
    "api/v1/exports/iati-activities/": {"GET"},
    "api/v1/exports/iati-organisation/": {"GET"},
    "api/v1/exports/hxl/offers/": {"GET"},
    "api/v1/exports/hxl/needs/": {"GET"},
    "api/v1/exports/hxl/partnerships/": {"GET"},
    "api/v1/exports/hsds/organizations/": {"GET"},
    "api/v1/exports/lists/<str:name>/": {"GET"},  # the list's own permissions are checked
    "api/v1/imports/offers/template/": {"GET"},
    "api/v1/imports/needs/template/": {"GET"},
    "api/v1/imports/organizations/template/": {"GET"},
    # the OpenAPI schema and its docs page
    "api/schema/": {"GET"},
    "api/docs/": {"GET"},
}
# Plain Django views: health checks for load balancers; the admin checks staff sign-in itself.
PLAIN_VIEWS = {"healthz", "readyz"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _routes(patterns=None, prefix: str = ""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _normalize(route: str) -> str | None:
    """Router regexes to a readable route; None for the format-suffix duplicates."""
    if "format" in route:
        return None
    route = route.replace("^", "").replace("$", "")
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)


def _served_methods(callback) -> dict[str, str | None]:
    """Method → viewset action (None for a plain APIView) for every method the view answers."""
    view_class = callback.cls
    allowed = set(callback.initkwargs.get("http_method_names", view_class.http_method_names))
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return {m.upper(): a for m, a in actions.items() if m in allowed and m.upper() in METHODS}
    return {m.upper(): None for m in allowed if m.upper() in METHODS and hasattr(view_class, m)}


def _anonymous_may(callback, method: str, action: str | None) -> bool:
    view = callback.cls(**callback.initkwargs)
    django_request = getattr(APIRequestFactory(), method.lower())("/")
    django_request.user = AnonymousUser()
    if action is not None:
        view.action_map = {method.lower(): action}
    view.args, view.kwargs, view.format_kwarg, view.headers = (), {}, None, {}
    request = view.initialize_request(django_request)
    view.request = request
    assert not request.user.is_authenticated
    return all(permission.has_permission(request, view) for permission in view.get_permissions())


def anonymous_access() -> tuple[dict[str, set[str]], set[str]]:
    """({route: methods anonymous users get past the permission classes}, plain Django views)."""
    open_routes: dict[str, set[str]] = {}
    plain_views: set[str] = set()
    for raw, callback in _routes():
        route = _normalize(raw)
        if route is None:
            continue
        if not hasattr(callback, "cls"):
            if getattr(callback, "view_class", callback).__module__.startswith("web."):
                continue  # the console's pages: tests/web/test_deny_by_default.py
            plain_views.add(route)
            continue
        for method, action in _served_methods(callback).items():
            if _anonymous_may(callback, method, action):
                open_routes.setdefault(route, set()).add(method)
    return open_routes, plain_views


def test_only_the_public_allowlist_lets_anonymous_users_in():
    open_routes, _ = anonymous_access()
    assert open_routes == PUBLIC


def test_every_plain_django_view_is_a_health_check_or_the_staff_only_admin():
    _, plain_views = anonymous_access()
    assert {route for route in plain_views if not route.startswith("admin/")} == PLAIN_VIEWS
    request = APIRequestFactory().get("/admin/")
    request.user = AnonymousUser()
    assert not admin.site.has_permission(request)


def test_the_default_permission_is_authenticated_only(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == [
        "rest_framework.permissions.IsAuthenticated"
    ]


def test_the_admin_sends_anonymous_visitors_to_its_sign_in(client, db):
    response = client.get("/admin/registry/offer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
