"""Bulk import of offers, needs and organizations from a spreadsheet: `?dry_run=1` shows each
row's outcome first. All go through the import engine's rules (interchange/imports/engine.py)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from openpyxl import Workbook
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
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
from interchange.imports.engine import ImportKind, ImportReport
from interchange.imports.reading import UnreadableFile
from interchange.models import ImportJob
from interchange.services import imports
from registry.models import Organization

# Uploads to the import paths have their own limit (MAX_UPLOAD_BYTES, 8 MB by default), not the
# JSON body limit (MAX_REQUEST_BYTES): 413 above it.
DOCUMENTED_FILE_BYTES = 8 * 1024 * 1024


@extend_schema_field({"type": "string", "format": "binary", "maxLength": DOCUMENTED_FILE_BYTES})
class SpreadsheetField(serializers.FileField):
    """An uploaded spreadsheet, at most MAX_UPLOAD_BYTES."""


class OrganizationImportUploadSerializer(serializers.Serializer):
    file = SpreadsheetField(help_text=gettext_lazy("A .csv or .xlsx file (sheet `organizations`)."))


class ImportUploadSerializer(serializers.Serializer):
    file = SpreadsheetField(help_text=gettext_lazy("A .csv or .xlsx file (sheet `offers`)."))
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "The organization whose offers these are, unless a row names another in its "
            "`organization` column (id or identifier)."
        ),
    )


class NeedImportUploadSerializer(serializers.Serializer):
    file = SpreadsheetField(
        help_text=gettext_lazy(
            "A .csv or .xlsx file (sheet `needs`): one row per item, a need's rows share its key."
        )
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "The government organization whose needs these are, unless a row names another "
            "in its `organization` column (id or identifier)."
        ),
    )


class RowErrorSerializer(serializers.Serializer):
    column = serializers.CharField(
        help_text=gettext_lazy("The column at fault (empty: the whole row).")
    )
    reason = serializers.CharField(help_text=gettext_lazy("Why the cell is refused, in words."))


class RowOutcomeSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=gettext_lazy("The row's number in the spreadsheet."))
    key = serializers.CharField(help_text=gettext_lazy("The key the row gives."))
    outcome = serializers.ChoiceField(
        choices=["create", "update", "unchanged", "error"],
        help_text=gettext_lazy("What happens to the row."),
    )
    errors = RowErrorSerializer(many=True, help_text=gettext_lazy("The row's errors."))
    record = serializers.IntegerField(
        allow_null=True,
        help_text=gettext_lazy("The id of the offer, need or organization (null in a dry run)."),
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("What to check before confirming (likely duplicate organizations)."),
    )


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(
        help_text=gettext_lazy("Nothing was written: this shows what would be.")
    )
    imported = serializers.BooleanField(
        help_text=gettext_lazy("The rows were written (all of them).")
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text=gettext_lazy("Rows per outcome.")
    )
    rows = RowOutcomeSerializer(many=True, help_text=gettext_lazy("Each row's outcome."))


def _import_response(report: ImportReport) -> Response:
    data = dict(ImportReportSerializer(imports.report_json(report)).data)
    if report.dry_run:
        return Response(data)
    if report.imported:
        return Response(data, status=status.HTTP_201_CREATED)
    failed = data["counts"]["error"]
    body = problem_body(
        400,
        None,
        ngettext(
            "%(count)d row has errors; nothing was imported.",
            "%(count)d rows have errors; nothing was imported.",
            failed,
        )
        % {"count": failed},
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


def _flag(request: Request, name: str, meaning: str) -> bool:
    value = request.query_params.get(name, "0")
    if value not in ("0", "1"):
        raise serializers.ValidationError(
            {name: [_("Use 1 for %(meaning)s, 0 otherwise.") % {"meaning": meaning}]}
        )
    return value == "1"


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=gettext_lazy("Where to follow the job."))
    confirm_url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Where to POST to import the rows once the dry run succeeded without errors "
            "(null otherwise)."
        )
    )
    result = ImportReportSerializer(
        allow_null=True,
        help_text=gettext_lazy("The stage's report, once it has run (null before)."),
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "kind",
            "organization",
            "filename",
            "rows",
            "stage",
            "status",
            "progress",
            "result",
            "error",
            "confirm_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"filename": {"help_text": "The uploaded file's name."}}

    def get_url(self, job: ImportJob) -> str:
        return reverse("import-job", kwargs={"job_id": job.pk})

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_confirm_url(self, job: ImportJob) -> str | None:
        confirmable = (
            job.stage == ImportJob.Stage.DRY_RUN
            and job.status == ImportJob.Status.SUCCEEDED
            and not (job.result or {}).get("counts", {}).get("error")
        )
        return reverse("confirm-import-job", kwargs={"job_id": job.pk}) if confirmable else None


def _job_response(job: ImportJob) -> Response:
    data = ImportJobSerializer(job).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


def _import_schema(upload: type[serializers.Serializer]):
    return extend_schema(
        request={"multipart/form-data": upload},
        parameters=[
            OpenApiParameter(
                "dry_run", str, enum=["0", "1"], description="1: show the outcome, write nothing."
            ),
            OpenApiParameter(
                "async",
                str,
                enum=["0", "1"],
                description="1: import in the background (a file of more than "
                "IMPORT_SYNC_MAX_ROWS rows always is): 202 with the job to follow. A "
                "background job always starts with its dry run; confirm it at its confirm_url.",
            ),
        ],
        responses={
            200: ImportReportSerializer,
            201: ImportReportSerializer,
            202: ImportJobSerializer,
            400: OpenApiResponse(description="The file cannot be read, or rows have errors."),
            403: OpenApiResponse(
                description="Neither a writer of the organization nor a coordinator."
            ),
            413: OpenApiResponse(description="The file is too large."),
        },
    )


class SpreadsheetImport(APIView):
    """An upload of one kind's spreadsheet (the subclasses give the kind and the form)."""

    kind: str
    upload: type[serializers.Serializer]

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    renderer_classes = [ORJSONRenderer]
    query_parameters = frozenset({"dry_run", "async"})

    def run(self, request: Request) -> Response:
        dry_run = _flag(request, "dry_run", _("a dry run"))
        background = _flag(request, "async", _("a background import"))
        upload = self.upload(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        organization = upload.validated_data.get("organization")
        content = file.read()
        try:
            rows = imports.read_rows(kind=self.kind, content=content, filename=file.name)
        except UnreadableFile as error:
            raise serializers.ValidationError({"file": [str(error)]}) from error
        if imports.runs_in_background(rows=len(rows), requested=background):
            job = imports.submit_import(
                actor=request.user,
                kind=self.kind,
                organization=organization,
                filename=file.name,
                content=content,
                rows=len(rows),
            )
            return _job_response(job)
        report = imports.import_rows(
            kind=self.kind,
            actor=request.user,
            organization=organization,
            rows=rows,
            dry_run=dry_run,
        )
        return _import_response(report)


class OfferImport(SpreadsheetImport):
    """Import offers of one organization from CSV or XLSX. With `?dry_run=1` nothing is written
    and each row's outcome (create, update, unchanged, error) is shown; without it, every row is
    written in one transaction, or none when any row has an error. Rows are keyed by `key`:
    the same file imported twice changes nothing the second time. A row may name another
    organization in its `organization` column (id or identifier): members import for their
    organization, coordinators for any, all in the one transaction. A large file (or `?async=1`)
    is imported in the background: 202 with the job to follow."""

    kind = ImportJob.Kind.OFFERS
    upload = ImportUploadSerializer

    @_import_schema(ImportUploadSerializer)
    def post(self, request: Request) -> Response:
        return self.run(request)


class NeedImport(SpreadsheetImport):
    """Import needs of one government organization, with their items, from CSV or XLSX: one
    row per item, the rows of one need share its `key` and the first gives the need's columns.
    `?dry_run=1` shows each row's outcome (the outcome of its need) and writes nothing; without
    it, every need is written in one transaction, or none when any row has an error. The same
    file imported twice changes nothing the second time. A row may name another organization
    in its `organization` column (id or identifier), as for offers. A large file (or
    `?async=1`) is imported in the background: 202 with the job to follow."""

    kind = ImportJob.Kind.NEEDS
    upload = NeedImportUploadSerializer

    @_import_schema(NeedImportUploadSerializer)
    def post(self, request: Request) -> Response:
        return self.run(request)


class OrganizationImport(SpreadsheetImport):
    """Register or update organizations from CSV or XLSX, like the offers import: `?dry_run=1`
    first (each new row lists the organizations already registered that it looks like), then
    one transaction. A new row makes its importer the organization's admin; a row whose `key`
    names an organization the importer edits updates it, and so does a row whose
    `organization` column (id or identifier) names one its importer edits or, for
    coordinators, any. A large file (or `?async=1`) is imported in the background: 202 with
    the job to follow."""

    kind = ImportJob.Kind.ORGANIZATIONS
    upload = OrganizationImportUploadSerializer

    @_import_schema(OrganizationImportUploadSerializer)
    def post(self, request: Request) -> Response:
        return self.run(request)


class ImportJobDetail(APIView):
    """A background import: its stage (dry run, then import), status, progress and, once run,
    the stage's report. Its uploader and coordinators see it."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [ORJSONRenderer]

    @extend_schema(
        responses={200: ImportJobSerializer, 404: OpenApiResponse(description="No such job.")}
    )
    def get(self, request: Request, job_id: int) -> Response:
        try:
            job = imports.visible_job(actor=request.user, job_id=job_id)
        except ImportJob.DoesNotExist as error:
            raise NotFound() from error
        return Response(ImportJobSerializer(job).data)


class ImportJobConfirm(APIView):
    """Import the rows of a background dry run that succeeded without errors, from the file it
    stored (nothing is uploaded again): 202, and the job runs its import stage."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [ORJSONRenderer]

    @extend_schema(
        request=None,
        responses={
            202: ImportJobSerializer,
            403: OpenApiResponse(description="Not the job's uploader."),
            404: OpenApiResponse(description="No such job."),
            409: OpenApiResponse(description="Not a finished dry run without errors."),
        },
    )
    def post(self, request: Request, job_id: int) -> Response:
        try:
            imports.visible_job(actor=request.user, job_id=job_id)
        except ImportJob.DoesNotExist as error:
            raise NotFound() from error
        return _job_response(imports.confirm_import(actor=request.user, job_id=job_id))


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
