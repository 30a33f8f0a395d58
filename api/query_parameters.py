"""Which query parameters each API operation reads; any other one answers 400.

One rule for the whole API, applied before the view runs (`UnknownQueryParameterMiddleware`):
an operation accepts `format` and `lang` everywhere, the filters, ordering, search and pagination
of a list, and what a view declares it reads itself (`query_parameters`). A view whose accepted
parameters depend on its URL (a list export) answers them in `accepted_query_parameters()`.
A misspelt filter is refused with the accepted names, never silently ignored ("all rows").
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter, SearchFilter

from api.filters import filter_parameters

# `format` picks a renderer (DRF); `lang` the language (the locale middleware).
ALWAYS_ACCEPTED = frozenset({"format", "lang"})
# A viewset's own actions on one record or a write: no filter, ordering or page applies.
SINGLE_RECORD_ACTIONS = frozenset(
    {"retrieve", "create", "update", "partial_update", "destroy", "metadata"}
)


def accepted_query_parameters(view) -> frozenset[str]:
    """The query parameters this view, set up for one operation, reads."""
    own = getattr(view, "accepted_query_parameters", None)
    if callable(own):
        return ALWAYS_ACCEPTED | frozenset(own())
    names = set(ALWAYS_ACCEPTED) | set(getattr(view, "query_parameters", ()))
    if getattr(view, "action", None) not in SINGLE_RECORD_ACTIONS:
        names |= list_parameters(view)
    return frozenset(names)


def list_parameters(view) -> set[str]:
    """The filters, ordering, search and pagination parameters of a list view."""
    names: set[str] = set()
    for backend in getattr(view, "filter_backends", ()):
        if issubclass(backend, DjangoFilterBackend):
            filterset_class = getattr(view, "filterset_class", None)
            if filterset_class is not None:
                names |= filter_parameters(filterset_class) or set(filterset_class.base_filters)
            else:
                names |= set(getattr(view, "filterset_fields", None) or ())
        elif issubclass(backend, OrderingFilter) and getattr(view, "ordering_fields", None):
            names.add(backend.ordering_param)
        elif issubclass(backend, SearchFilter) and getattr(view, "search_fields", None):
            names.add(backend.search_param)
    paginator = getattr(view, "pagination_class", None)
    if paginator is not None:
        names |= {paginator.page_query_param, paginator.page_size_query_param} - {None}
    return names


def unknown_parameters_problem(
    unknown: Iterable[str], accepted: Iterable[str]
) -> tuple[str, list[dict[str, str]], dict[str, list[str]]]:
    """The detail, per-parameter errors and `accepted` member of the 400 for unknown parameters."""
    unknown, accepted = sorted(unknown), sorted(accepted)
    detail = _("Unknown query parameter: %(unknown)s. This operation accepts: %(accepted)s.") % {
        "unknown": ", ".join(unknown),
        "accepted": ", ".join(accepted),
    }
    errors = [
        {"field": name, "code": "unknown_parameter", "detail": _("Unknown query parameter.")}
        for name in unknown
    ]
    return detail, errors, {"accepted": accepted}
