"""One page of a list, and the query string the pagination links keep."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import Http404

PAGE_SIZE = 25


def page_of(request, rows, size: int = PAGE_SIZE) -> tuple[Page, str]:
    """The requested page (404 past the end) and the other query parameters, for the links."""
    paginator = Paginator(rows, size)
    number = request.GET.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= paginator.num_pages:
        raise Http404
    kept = request.GET.copy()
    kept.pop("page", None)
    return paginator.page(int(number)), kept.urlencode()
