"""Compression of the console's pages (the API's responses are left as they are)."""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware


class PageCompressionMiddleware(GZipMiddleware):
    """gzip for pages on slow connections; Django's middleware pads each response against BREACH.

    API responses keep their strong ETags and byte-exact bodies for conditional requests.
    """

    def process_response(self, request, response):
        if request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
