"""Partnerships, their progress reports, and coverage statistics."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import ReadOnlyOrAuthenticated
from api.serializers.matching import (
    CancelSerializer,
    CommentSerializer,
    CompleteSerializer,
    CoverageSerializer,
    PartnershipSerializer,
    ProgressReportSerializer,
    ReviewSerializer,
    StateChangeSerializer,
)
from api.views.base import detail_command
from api.views.matching import comments_response
from matching import statistics
from matching.models import Partnership, ProgressReport, StateChange
from matching.services import closing, comments, reports
from registry.models.visibility import is_coordinator, member_organization_ids

REPORT_ID = OpenApiParameter(
    "report_id", int, OpenApiParameter.PATH, description="The report's id."
)


class PartnershipViewSet(viewsets.ReadOnlyModelViewSet):
    """Partnerships (public). Partners file progress reports; coordinators approve or return them."""

    serializer_class = PartnershipSerializer
    permission_classes = [ReadOnlyOrAuthenticated]
    filterset_class = None
    filterset_fields = ["need", "status", "report_overdue"]
    ordering_fields = ["formed_at", "next_report_due"]
    queryset = Partnership.objects.prefetch_related("partners").order_by("-formed_at", "-id")

    def _is_insider(self, partnership: Partnership) -> bool:
        """Coordinators and members of the partner organizations."""
        user = self.request.user
        if is_coordinator(user):
            return True
        partners = set(partnership.partners.values_list("organization_id", flat=True))
        return bool(partners & set(member_organization_ids(user)))

    def _visible_reports(self, partnership: Partnership):
        queryset = ProgressReport.objects.filter(partnership=partnership)
        if self._is_insider(partnership):
            return queryset
        return queryset.filter(status=ProgressReport.Status.APPROVED)

    @extend_schema(methods=["GET"], responses=ProgressReportSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ProgressReportSerializer,
        responses={201: ProgressReportSerializer},
    )
    @detail_command(
        methods=["get", "post"],
        serializer_class=ProgressReportSerializer,
        filterset_fields=[],
    )
    def reports(self, request: Request, pk: str | None = None) -> Response:
        """GET the reports (approved ones for the public); POST a report as a partner."""
        partnership = self.get_object()
        if request.method == "POST":
            serializer = ProgressReportSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            submit = data.pop("submit", False)
            if "organization" in data:
                data["organization"] = data["organization"].pk
            report = reports.file_report(
                actor=request.user, partnership=partnership, data=data, submit=submit
            )
            return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)
        return Response(
            ProgressReportSerializer(self._visible_reports(partnership), many=True).data
        )

    @extend_schema(
        request=None,
        responses=ProgressReportSerializer,
        parameters=[
            OpenApiParameter(
                "report_id", int, OpenApiParameter.PATH, description="The report's id."
            )
        ],
    )
    @detail_command(
        methods=["post"],
        url_path=r"reports/(?P<report_id>\d+)/submit",
        filterset_fields=[],
    )
    def submit_report(
        self, request: Request, pk: str | None = None, report_id: str | None = None
    ) -> Response:
        """Submit a draft or returned report for review (partners)."""
        report = get_object_or_404(self._visible_reports(self.get_object()), pk=report_id)
        return Response(
            ProgressReportSerializer(reports.submit_report(actor=request.user, report=report)).data
        )

    @extend_schema(
        request=ReviewSerializer,
        responses=ProgressReportSerializer,
        parameters=[
            OpenApiParameter(
                "report_id", int, OpenApiParameter.PATH, description="The report's id."
            )
        ],
    )
    @detail_command(
        methods=["post"],
        url_path=r"reports/(?P<report_id>\d+)/review",
        filterset_fields=[],
    )
    def review_report(
        self, request: Request, pk: str | None = None, report_id: str | None = None
    ) -> Response:
        """Approve or return a submitted report (coordinators)."""
        report = get_object_or_404(self._visible_reports(self.get_object()), pk=report_id)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = reports.review_report(
            actor=request.user, report=report, **serializer.validated_data
        )
        return Response(ProgressReportSerializer(report).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=CommentSerializer(many=True),
        parameters=[REPORT_ID],
    )
    @extend_schema(
        methods=["POST"],
        request=CommentSerializer,
        responses={201: CommentSerializer},
        parameters=[REPORT_ID],
    )
    @detail_command(
        methods=["get", "post"],
        url_path=r"reports/(?P<report_id>\d+)/comments",
        permission_classes=[IsAuthenticated],
        filterset_fields=[],
    )
    def report_comments(
        self, request: Request, pk: str | None = None, report_id: str | None = None
    ) -> Response:
        """GET the comments on a progress report; POST one. Coordinators, members of the partners,
        of the need's organization and of verified community organizations that endorsed the
        need read and write them; to anyone else the report is not found."""
        report = (
            ProgressReport.objects.select_related("partnership__need")
            .filter(pk=report_id, partnership_id=self.get_object().pk)
            .first()
        )
        if report is None or not comments.may_comment(request.user, report=report):
            raise NotFound()
        return comments_response(request, report=report)

    @extend_schema(request=CompleteSerializer, responses=PartnershipSerializer)
    @detail_command(
        methods=["post"],
        filterset_fields=[],
    )
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Complete (coordinators) once a final report is approved; short of the need's target,
        the remaining gap is matched again."""
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = closing.complete_partnership(
            actor=request.user,
            partnership_id=self.get_object().pk,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(PartnershipSerializer(self.get_queryset().get(pk=partnership.pk)).data)

    @extend_schema(request=CancelSerializer, responses=PartnershipSerializer)
    @detail_command(
        methods=["post"],
        filterset_fields=[],
    )
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel (coordinators) with a reason: what was not delivered goes back to the offers
        and the need is matched again."""
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = closing.cancel_partnership(
            actor=request.user,
            partnership_id=self.get_object().pk,
            reason=serializer.validated_data["reason"],
        )
        return Response(PartnershipSerializer(self.get_queryset().get(pk=partnership.pk)).data)

    @extend_schema(responses=StateChangeSerializer(many=True))
    @detail_command(
        methods=["get"],
        filterset_fields=[],
    )
    def history(self, request: Request, pk: str | None = None) -> Response:
        """State changes of the partnership and its reports."""
        partnership = self.get_object()
        report_ids = self._visible_reports(partnership).values("pk")
        changes = StateChange.objects.filter(
            Q(subject_type="partnership", subject_id=partnership.pk)
            | Q(subject_type="progressreport", subject_id__in=report_ids)
        ).select_related("actor")
        data = StateChangeSerializer(changes, many=True).data
        if not self._is_insider(partnership):
            for change in data:  # who did what stays with the partners and coordinators
                change["actor"] = None
        return Response(data)


class CoverageView(APIView):
    """Needed, reserved, committed and delivered resources of the public needs, by area (with
    roll-up), category, vulnerable group, focus area or SDG target; each category in its own
    unit, money in US dollars at dated rates."""

    permission_classes = [AllowAny]
    query_parameters = frozenset({"by"})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by",
                str,
                enum=list(statistics.DIMENSIONS),
                default="category",
                description="What to group by.",
            )
        ],
        responses=CoverageSerializer,
    )
    def get(self, request: Request) -> Response:
        by = request.query_params.get("by", "category")
        if by not in statistics.DIMENSIONS:
            message = _("Group by one of %(choices)s.") % {
                "choices": ", ".join(statistics.DIMENSIONS)
            }
            raise ValidationError({"by": [message]})
        return Response(CoverageSerializer(statistics.coverage(by=by)).data)
