"""Any list the API serves, whole, as CSV or XLSX: the list's own viewset picks the rows (its
permissions, visibility, filters and ordering) and its serializer gives the columns."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from api.export_renderers import CSVFileRenderer, XLSXFileRenderer
from api.filters import filter_parameters
from api.views.matching import MatchRunViewSet, ProposalViewSet
from api.views.needs import NeedViewSet
from api.views.offers import OfferViewSet
from api.views.organizations import OrganizationViewSet
from api.views.partnerships import PartnershipViewSet
from interchange.spreadsheets import Column, csv_lines, xlsx_bytes

LISTS = {
    "organizations": OrganizationViewSet,
    "offers": OfferViewSet,
    "needs": NeedViewSet,
    "match-runs": MatchRunViewSet,
    "proposals": ProposalViewSet,
    "partnerships": PartnershipViewSet,
}
# More rows than this answer 400: narrow the filters (an XLSX is built in memory).
ROW_LIMIT = 100_000
CHUNK = 500


def list_view(name: str, request: Request, *, check: bool = True):
    """The list's viewset, set up for this request as DRF would for `GET <list>/`."""
    viewset = LISTS.get(name)
    if viewset is None:
        raise NotFound(_("No list is called %(name)s.") % {"name": name})
    view = viewset()
    view.request, view.args, view.kwargs = request, (), {}
    view.action, view.format_kwarg, view.headers = "list", None, {}
    if check:
        view.check_permissions(request)
    return view


def visible_rows(name: str, request: Request) -> QuerySet:
    """The rows of the list `name` that the caller may see, by the list's own rule (none when
    the list is closed to the caller), as a plain queryset of its model."""
    view = list_view(name, request, check=False)
    queryset = view.get_queryset()
    if not all(permission.has_permission(request, view) for permission in view.get_permissions()):
        return queryset.model.objects.none()
    return queryset.model.objects.filter(pk__in=queryset.values("pk"))


def _parameters(view) -> set[str]:
    names = {"format"}
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        names |= set(filter_parameters(filterset_class) or filterset_class.base_filters)
    names |= set(getattr(view, "filterset_fields", None) or [])
    if getattr(view, "ordering_fields", None):
        names.add("ordering")
    return names


def columns_of(serializer: serializers.Serializer) -> list[Column]:
    """A column per readable field; a nested object's fields become `field.subfield` columns."""
    columns = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.Serializer):
            for sub, subfield in field.fields.items():
                if not subfield.write_only:
                    columns.append(Column(f"{name}.{sub}", "", _nested(name, sub)))
        else:
            columns.append(Column(name, "", _plain(name)))
    return columns


def _plain(name: str):
    return lambda row: _flat(row.get(name))


def _nested(name: str, sub: str):
    return lambda row: _flat((row.get(name) or {}).get(sub))


def _flat(value: Any) -> Any:
    """Lists of plain values stay lists (joined by the writer); structures become JSON text."""
    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(item, dict | list) for item in value)
    ):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


@extend_schema(
    parameters=[
        OpenApiParameter(
            "name", str, OpenApiParameter.PATH, enum=list(LISTS), description="Which list."
        ),
        OpenApiParameter(
            "format",
            str,
            enum=["csv", "xlsx"],
            default="csv",
            description="csv or xlsx. Every filter and ordering of the list applies too.",
        ),
    ],
    responses={
        (200, "text/csv"): OpenApiTypes.BINARY,
        (200, XLSXFileRenderer.media_type): OpenApiTypes.BINARY,
        400: OpenApiResponse(description="A parameter is unknown or invalid, or too many rows."),
        404: OpenApiResponse(description="No such list."),
    },
)
class ListExport(APIView):
    """A whole list as a spreadsheet, with what the caller may see of it."""

    permission_classes = [AllowAny]  # the list's own permissions are checked
    renderer_classes = [CSVFileRenderer, XLSXFileRenderer]

    def accepted_query_parameters(self) -> set[str]:
        """The parameters of the list exported (its filters and ordering)."""
        return _parameters(list_view(self.kwargs["name"], self.request, check=False))

    def get(self, request: Request, name: str) -> HttpResponse:
        view = list_view(name, request)
        queryset = view.filter_queryset(view.get_queryset())
        if queryset.count() > ROW_LIMIT:
            raise ValidationError(
                {
                    "format": [
                        _("More than %(limit)s rows: narrow the filters.") % {"limit": ROW_LIMIT}
                    ]
                }
            )
        serializer = view.get_serializer()
        columns = columns_of(serializer)
        rows = (serializer.to_representation(row) for row in queryset.iterator(chunk_size=CHUNK))
        if request.accepted_renderer.format == "xlsx":
            body = xlsx_bytes(columns, rows, title=name)
            response = HttpResponse(body, content_type=XLSXFileRenderer.media_type)
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        response = HttpResponse(
            "".join(csv_lines(columns, rows, tags=False)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
