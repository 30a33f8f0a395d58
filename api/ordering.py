"""Ordering by a translated name follows the request's language."""

from __future__ import annotations

from rest_framework.filters import OrderingFilter


class TranslatedOrderingFilter(OrderingFilter):
    """`?ordering=name` sorts by the name in the active language (django-modeltrans' name_i18n)."""

    translated = frozenset({"name", "description", "title"})

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        return [
            f"{term}_i18n" if term.lstrip("-") in self.translated else term for term in ordering
        ]
