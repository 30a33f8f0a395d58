"""Bulk import of offers, needs and organizations from a spreadsheet: `?dry_run=1` shows each
row's outcome first. All go through the import engine's rules (interchange/imports/engine.py)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from openpyxl import Workbook
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.export_renderers import CSVFileRenderer, XLSXFileRenderer
from api.problems import PROBLEM_CONTENT_TYPE, problem_body
from api.renderers import ORJSONRenderer
from interchange.imports import needs as need_import
from interchange.imports import offers as offer_import
from interchange.imports import organizations as organization_import
from interchange.imports.by_organization import import_by_organization
from interchange.imports.engine import ImportKind, ImportReport
from interchange.imports.reading import UnreadableFile, read_table
from registry.models import Organization

# Uploads to the import paths have their own limit (MAX_UPLOAD_BYTES, 8 MB by default), not the
# JSON body limit (MAX_REQUEST_BYTES): 413 above it.
DOCUMENTED_FILE_BYTES = 8 * 1024 * 1024


@extend_schema_field({"type": "string", "format": "binary", "maxLength": DOCUMENTED_FILE_BYTES})
class SpreadsheetField(serializers.FileField):
    """An uploaded spreadsheet, at most MAX_UPLOAD_BYTES."""


class OrganizationImportUploadSerializer(serializers.Serializer):
    file = SpreadsheetField(help_text="A .csv or .xlsx file (sheet `organizations`).")


class ImportUploadSerializer(serializers.Serializer):
    file = SpreadsheetField(help_text="A .csv or .xlsx file (sheet `offers`).")
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text="The organization whose offers these are, unless a row names another in its "
        "`organization` column (id or identifier).",
    )


class NeedImportUploadSerializer(serializers.Serializer):
    file = SpreadsheetField(
        help_text="A .csv or .xlsx file (sheet `needs`): one row per item, a need's rows share its key."
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text="The government organization whose needs these are, unless a row names another "
        "in its `organization` column (id or identifier).",
    )


class RowErrorSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The column at fault (empty: the whole row).")
    reason = serializers.CharField(help_text="Why the cell is refused, in words.")


class RowOutcomeSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in the spreadsheet.")
    key = serializers.CharField(help_text="The key the row gives.")
    outcome = serializers.ChoiceField(
        choices=["create", "update", "unchanged", "error"], help_text="What happens to the row."
    )
    errors = RowErrorSerializer(many=True, help_text="The row's errors.")
    record = serializers.IntegerField(
        allow_null=True,
        help_text="The id of the offer, need or organization (null in a dry run).",
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="What to check before confirming (likely duplicate organizations).",
    )


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(help_text="Nothing was written: this shows what would be.")
    imported = serializers.BooleanField(help_text="The rows were written (all of them).")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Rows per outcome.")
    rows = RowOutcomeSerializer(many=True, help_text="Each row's outcome.")


def _report_data(report: ImportReport) -> dict:
    data = ImportReportSerializer(
        {
            "dry_run": report.dry_run,
            "imported": report.imported,
            "counts": report.counts(),
            "rows": [
                {**vars(row), "record": None if report.dry_run else row.record}
                for row in report.rows
            ],
        }
    ).data
    return dict(data)


def _import_response(report: ImportReport) -> Response:
    data = _report_data(report)
    if report.dry_run:
        return Response(data)
    if report.imported:
        return Response(data, status=status.HTTP_201_CREATED)
    failed = data["counts"]["error"]
    body = problem_body(
        400,
        None,
        f"{failed} row(s) have errors; nothing was imported.",
        [
            {
                "field": f"row {row['row']}: {error['column']}",
                "code": "invalid",
                "detail": error["reason"],
            }
            for row in data["rows"]
            for error in row["errors"]
        ],
    )
    return Response({**body, **data}, status=400, content_type=PROBLEM_CONTENT_TYPE)


def _read_upload(request: Request, upload: serializers.Serializer, kind: ImportKind):
    """The dry_run flag and the uploaded file's rows, or 400 with the reason."""
    dry_run = request.query_params.get("dry_run", "0")
    if dry_run not in ("0", "1"):
        raise serializers.ValidationError({"dry_run": [_("Use 1 for a dry run, 0 to import.")]})
    upload.is_valid(raise_exception=True)
    file = upload.validated_data["file"]
    try:
        rows = read_table(
            content=file.read(), filename=file.name, sheet=kind.sheet, columns=kind.columns
        )
    except UnreadableFile as error:
        raise serializers.ValidationError({"file": [str(error)]}) from error
    return dry_run == "1", rows


def _import_schema(upload: type[serializers.Serializer]):
    return extend_schema(
        request={"multipart/form-data": upload},
        parameters=[
            OpenApiParameter(
                "dry_run", str, enum=["0", "1"], description="1: show the outcome, write nothing."
            )
        ],
        responses={
            200: ImportReportSerializer,
            201: ImportReportSerializer,
            400: OpenApiResponse(description="The file cannot be read, or rows have errors."),
            403: OpenApiResponse(
                description="Neither a writer of the organization nor a coordinator."
            ),
            413: OpenApiResponse(description="The file is too large."),
        },
    )


class OfferImport(APIView):
    """Import offers of one organization from CSV or XLSX. With `?dry_run=1` nothing is written
    and each row's outcome (create, update, unchanged, error) is shown; without it, every row is
    written in one transaction, or none when any row has an error. Rows are keyed by `key`:
    the same file imported twice changes nothing the second time. A row may name another
    organization in its `organization` column (id or identifier): members import for their
    organization, coordinators for any, all in the one transaction."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    renderer_classes = [ORJSONRenderer]
    query_parameters = frozenset({"dry_run"})

    @_import_schema(ImportUploadSerializer)
    def post(self, request: Request) -> Response:
        upload = ImportUploadSerializer(data=request.data)
        dry_run, rows = _read_upload(request, upload, offer_import.OFFERS)
        report = import_by_organization(
            run=offer_import.import_offers,
            actor=request.user,
            organization=upload.validated_data.get("organization"),
            rows=rows,
            dry_run=dry_run,
        )
        return _import_response(report)


class NeedImport(APIView):
    """Import needs of one government organization, with their items, from CSV or XLSX: one
    row per item, the rows of one need share its `key` and the first gives the need's columns.
    `?dry_run=1` shows each row's outcome (the outcome of its need) and writes nothing; without
    it, every need is written in one transaction, or none when any row has an error. The same
    file imported twice changes nothing the second time. A row may name another organization
    in its `organization` column (id or identifier), as for offers."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    renderer_classes = [ORJSONRenderer]
    query_parameters = frozenset({"dry_run"})

    @_import_schema(NeedImportUploadSerializer)
    def post(self, request: Request) -> Response:
        upload = NeedImportUploadSerializer(data=request.data)
        dry_run, rows = _read_upload(request, upload, need_import.NEEDS)
        report = import_by_organization(
            run=need_import.import_needs,
            actor=request.user,
            organization=upload.validated_data.get("organization"),
            rows=rows,
            dry_run=dry_run,
        )
        return _import_response(report)


class OrganizationImport(APIView):
    """Register or update organizations from CSV or XLSX, like the offers import: `?dry_run=1`
    first (each new row lists the organizations already registered that it looks like), then
    one transaction. A new row makes its importer the organization's admin; a row whose `key`
    names an organization the importer edits updates it."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    renderer_classes = [ORJSONRenderer]
    query_parameters = frozenset({"dry_run"})

    @_import_schema(OrganizationImportUploadSerializer)
    def post(self, request: Request) -> Response:
        upload = OrganizationImportUploadSerializer(data=request.data)
        dry_run, rows = _read_upload(request, upload, organization_import.ORGANIZATIONS)
        report = organization_import.import_organizations(
            actor=request.user, rows=rows, dry_run=dry_run
        )
        return _import_response(report)


class OfferImportTemplate(APIView):
    """The offers template: the columns (CSV), or with `?format=xlsx` a workbook whose second
    sheet gives the values each column accepts."""

    kind: ImportKind = offer_import.OFFERS

    permission_classes = [AllowAny]
    renderer_classes = [CSVFileRenderer, XLSXFileRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"], default="csv")],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSXFileRenderer.media_type): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        columns, allowed = self.kind.template_rows()
        if request.accepted_renderer.format == "xlsx":
            workbook = Workbook()
            sheet = workbook.active
            sheet.title = self.kind.sheet
            sheet.append(columns)
            values = workbook.create_sheet("allowed values")
            for column, accepted in zip(columns, allowed, strict=True):
                values.append([column, accepted])
            output = io.BytesIO()
            workbook.save(output)
            response = HttpResponse(output.getvalue(), content_type=XLSXFileRenderer.media_type)
            response["Content-Disposition"] = (
                f'attachment; filename="{self.kind.sheet}-template.xlsx"'
            )
            return response
        response = HttpResponse(",".join(columns) + "\r\n", content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.kind.sheet}-template.csv"'
        return response


class OrganizationImportTemplate(OfferImportTemplate):
    """The organizations template: the columns (CSV), or with `?format=xlsx` a workbook whose
    second sheet gives the values each column accepts."""

    kind = organization_import.ORGANIZATIONS


class NeedImportTemplate(OfferImportTemplate):
    """The needs template: the columns (CSV), or with `?format=xlsx` a workbook whose second
    sheet gives the values each column accepts."""

    kind = need_import.NEEDS
