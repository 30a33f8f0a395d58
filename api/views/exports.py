"""Exports in the open standards: IATI 2.03 XML, HXL CSV, Open Referral HSDS JSON.

Thin views: parse the query, pick the rows the caller may see (interchange.selectors), hand them
to a writer (interchange), answer its bytes.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.export_filters import (
    ActivityFilterSet,
    OrganisationFileFilterSet,
    PartnershipExportFilterSet,
    activity_filter,
)
from api.export_renderers import CSVFileRenderer, XMLFileRenderer
from api.filters import NeedFilterSet, OfferFilterSet, OrganizationFilterSet
from api.pagination import PageNumberPagination
from api.renderers import ORJSONRenderer
from api.views.list_exports import visible_rows
from interchange import hsds, hxl, selectors
from interchange.iati.activities import write_activities
from interchange.iati.organisations import write_organisation
from matching.models import Partnership, Proposal
from registry.models import Need, Offer, Organization

XML = "application/xml"
CSV = "text/csv"
# Rows read from PostgreSQL at a time while a file is written (prefetches run per chunk).
CHUNK = 500
PROBLEMS = {
    400: OpenApiResponse(description="A query parameter is unknown or its value names nothing."),
    404: OpenApiResponse(description="Nothing the caller may see matches."),
}


def file_response(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class IatiActivitiesExport(APIView):
    """Partnerships, and accepted proposals as pipeline activities, as an IATI 2.03 activity
    file. Anyone reads the partnerships; accepted proposals are shown to coordinators and to
    the organizations they involve."""

    permission_classes = [AllowAny]
    renderer_classes = [XMLFileRenderer]
    filterset_class = ActivityFilterSet
    filter_backends = [DjangoFilterBackend]  # documents the parameters; the view applies them
    queryset = Partnership.objects.none()

    @extend_schema(
        operation_id="v1_exports_iati_activities",
        filters=True,
        responses={(200, XML): OpenApiTypes.BINARY, **PROBLEMS},
    )
    def get(self, request: Request) -> HttpResponse:
        selection = activity_filter(request)
        partnerships = list(selectors.activity_partnerships(selection=selection))
        accepted = visible_rows("proposals", request).filter(status=Proposal.Status.ACCEPTED)
        proposals = list(selectors.activity_proposals(queryset=accepted, selection=selection))
        if not partnerships and not proposals:
            raise NotFound(
                _("No partnership or accepted proposal you may see matches these filters.")
            )
        body = write_activities(
            partnerships=partnerships, proposals=proposals, language=get_language() or "en"
        )
        return file_response(body, XML, "iati-activities.xml")


class IatiOrganisationExport(APIView):
    """One organization as an IATI 2.03 organisation file."""

    permission_classes = [AllowAny]
    renderer_classes = [XMLFileRenderer]
    filterset_class = OrganisationFileFilterSet
    filter_backends = [DjangoFilterBackend]
    queryset = Organization.objects.none()

    @extend_schema(
        operation_id="v1_exports_iati_organisation",
        filters=True,
        responses={(200, XML): OpenApiTypes.BINARY, **PROBLEMS},
    )
    def get(self, request: Request) -> HttpResponse:
        form = OrganisationFileFilterSet(request.query_params).form
        if not form.is_valid():
            raise ValidationError(form.errors)
        wanted = form.cleaned_data["organization"]
        organization = visible_rows("organizations", request).filter(pk=wanted.pk).first()
        if organization is None:
            raise NotFound(_("No organization you may see has this id."))
        body = write_organisation(organization=organization, language=get_language() or "en")
        return file_response(body, XML, f"iati-organisation-{organization.pk}.xml")


class HxlExport(APIView):
    """A list as a HXL 3W CSV: the list's own filters, the rows the caller may see."""

    permission_classes = [AllowAny]
    renderer_classes = [CSVFileRenderer]
    filter_backends = [DjangoFilterBackend]  # documents the parameters; the view applies them
    filename = ""

    def visible(self, request: Request):
        raise NotImplementedError

    def lines(self, rows):
        raise NotImplementedError

    def get(self, request: Request) -> HttpResponse:
        filterset = self.filterset_class(
            request.query_params, queryset=self.visible(request), request=request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        rows = filterset.qs.iterator(chunk_size=CHUNK)
        response = HttpResponse("".join(self.lines(rows)), content_type=f"{CSV}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


CSV_RESPONSES = {(200, CSV): OpenApiTypes.BINARY, 400: PROBLEMS[400]}


@extend_schema(filters=True, responses=CSV_RESPONSES)
class HxlOffersExport(HxlExport):
    """Offers as a HXL 3W CSV, one row per offer (published ones, and the caller's own)."""

    filterset_class = OfferFilterSet
    queryset = Offer.objects.none()
    filename = "offers-hxl.csv"

    def visible(self, request: Request):
        visible = Offer.objects.visible_to(request.user).order_by("-created_at", "-id")
        return selectors.offers_for_export(visible)

    def lines(self, rows):
        return hxl.offer_lines(rows)


@extend_schema(filters=True, responses=CSV_RESPONSES)
class HxlNeedsExport(HxlExport):
    """Needs as a HXL 3W CSV, one row per resource a need asks for."""

    filterset_class = NeedFilterSet
    queryset = Need.objects.none()
    filename = "needs-hxl.csv"

    def visible(self, request: Request):
        visible = Need.objects.visible_to(request.user).order_by("-priority", "deadline", "id")
        return selectors.needs_for_export(visible)

    def lines(self, rows):
        return hxl.need_lines(rows)


@extend_schema(filters=True, responses=CSV_RESPONSES)
class HxlPartnershipsExport(HxlExport):
    """Partnerships as a HXL 3W CSV, one row per partner and commitment."""

    filterset_class = PartnershipExportFilterSet
    queryset = Partnership.objects.none()
    filename = "partnerships-hxl.csv"

    def visible(self, request: Request):
        return selectors.partnerships_for_export(Partnership.objects.order_by("-formed_at", "-id"))

    def lines(self, rows):
        return hxl.partnership_lines(rows)


@extend_schema(
    filters=True,
    parameters=[
        OpenApiParameter("page", int, description="A page number within the results."),
        OpenApiParameter("page_size", int, description="Records per page (at most 100)."),
    ],
    responses={(200, "application/json"): OpenApiTypes.OBJECT, 400: PROBLEMS[400]},
)
class HsdsOrganizationsExport(APIView):
    """Organizations as Open Referral HSDS 3.0 records, their offers as services, one page at a
    time ({count, next, previous, results}). Ids are stable UUIDs derived from the registry's."""

    permission_classes = [AllowAny]
    renderer_classes = [ORJSONRenderer]
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganizationFilterSet
    queryset = Organization.objects.none()
    pagination_class = PageNumberPagination

    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        filterset = self.filterset_class(
            request.query_params,
            queryset=visible_rows("organizations", request).order_by("name", "id"),
            request=request,
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        organizations = selectors.organizations_with_visible_offers(filterset.qs, user=request.user)
        page = paginator.paginate_queryset(organizations, request, view=self)
        records = [
            hsds.organization_record(organization, organization.visible_offers)
            for organization in page
        ]
        return paginator.get_paginated_response(records)
