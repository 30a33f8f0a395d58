"""Refuse oversize request bodies before anything reads them."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control

from api.problems import problem_response


class RequestBodyLimitMiddleware:
    """Answer 413 problem details when Content-Length exceeds DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem_response(400, "Bad request", "Content-Length is not a number.")
        if limit is not None and length > limit:
            return problem_response(
                413,
                "Request body too large",
                f"The request body has {length} bytes; the limit is {limit}.",
            )
        return self.get_response(request)


class NoStoreForCredentialsMiddleware:
    """Responses to requests that carry credentials are never stored by caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        authenticated = "HTTP_AUTHORIZATION" in request.META or (
            hasattr(request, "user") and request.user.is_authenticated
        )
        if authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
