"""Page-number pagination with `?page_size=` capped at 100.

The hot lists (`.values()` rows) read their total in the page's own query: the count is an
uncorrelated scalar subquery, computed once by PostgreSQL beside the page, so that a page costs
one round trip instead of two. The envelope, the page numbers accepted and the 404 for a page
out of range are those of DRF's PageNumberPagination.
"""

from __future__ import annotations

from django.core import paginator as django_paginator
from django.db.models import IntegerField, QuerySet, Subquery
from django.db.models.query import ValuesIterable
from rest_framework import pagination

TOTAL = "_page_total"
# PostgreSQL's OFFSET and LIMIT are bigints: a page whose rows start past this holds no rows.
LAST_OFFSET = 2**63 - 1


class CountOf(Subquery):
    """(SELECT COUNT(*) FROM (<queryset>)): the rows a queryset returns, as a column."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


class CountInPageQueryPaginator(django_paginator.Paginator):
    """A Paginator that reads a `.values()` queryset's page and its total in one query.

    An empty page needs no count: page 1 of no rows has a total of 0, any later empty page is
    out of range (EmptyPage), exactly as the Paginator decides after counting.
    """

    def page(self, number):
        if "count" in self.__dict__ or self.orphans or not _counts_in_page(self.object_list):
            return super().page(number)
        number = self._number(number)
        bottom = (number - 1) * self.per_page
        counted = self.object_list.order_by().values("pk")
        page = self.object_list.annotate(**{TOTAL: CountOf(counted)})
        rows = list(page[bottom : bottom + self.per_page])
        if not rows:
            if number == 1 and self.allow_empty_first_page:
                self.__dict__["count"] = 0
                return self._get_page([], number, self)
            raise django_paginator.EmptyPage(self.error_messages["no_results"])
        self.__dict__["count"] = rows[0][TOTAL]
        for row in rows:
            del row[TOTAL]
        return self._get_page(rows, number, self)

    def _number(self, number) -> int:
        """validate_number without the count: only pages that PostgreSQL can address."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise django_paginator.PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise django_paginator.EmptyPage(self.error_messages["min_page"])
        if number * self.per_page > LAST_OFFSET:
            raise django_paginator.EmptyPage(self.error_messages["no_results"])
        return number


def _counts_in_page(object_list) -> bool:
    return (
        isinstance(object_list, QuerySet)
        and object_list._iterable_class is ValuesIterable
        and not object_list.query.is_sliced
        and TOTAL not in object_list.query.annotations
    )


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CountInPageQueryPaginator
