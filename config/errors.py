"""Error handlers that answer in the caller's language: problem details under /api/, pages elsewhere."""

from __future__ import annotations

from api import problems
from web.views import errors as pages


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def handler400(request, exception=None):
    if _is_api(request):
        return problems.json_handler400(request, exception)
    return pages.bad_request(request, exception)


def handler403(request, exception=None):
    if _is_api(request):
        return problems.json_handler403(request, exception)
    return pages.permission_denied(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return problems.json_handler404(request, exception)
    return pages.page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return problems.json_handler500(request)
    return pages.server_error(request)


def lockout_response(request, *args, **kwargs):
    """django-axes: too many failed sign-ins; a page for the console, problem details for the API."""
    if _is_api(request):
        return problems.lockout_response(request, *args, **kwargs)
    return pages.too_many_requests(request)
