"""A clear page for each error: 400, 403, 404, 429 and 500."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception=None):
    return render(request, "web/errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "web/errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "web/errors/404.html", status=404)


def too_many_requests(request):
    return render(request, "web/errors/429.html", status=429)


def server_error(request):
    # No request context: the failure may lie in what a context processor reads.
    return HttpResponseServerError(loader.get_template("web/errors/500.html").render())


def csrf_failure(request, reason=""):
    """A form sent without its security token (expired, or from another site): 403."""
    return render(request, "web/errors/csrf.html", status=403)
