"""Match runs, proposals and their review."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.fast_lists import proposal_values, represent_proposals
from api.filters import FilterSet, UnfilteredWithoutParametersMixin
from api.idempotency import IDEMPOTENCY_KEY, respond_once
from api.permissions import IsCoordinator
from api.renderers import ORJSONRenderer
from api.serializers.matching import (
    AcceptSerializer,
    CommentSerializer,
    DecisionSerializer,
    DeclineSerializer,
    MatchRunSerializer,
    ProposalSerializer,
    RejectSerializer,
    RevokeSerializer,
    StateChangeSerializer,
)
from api.throttles import ScopedRateThrottle
from api.views.base import detail_command
from matching.models import MatchRun, Proposal, ProposalLine, StateChange
from matching.services import comments, review, runs
from matching.services.consent import CONSENT_SUBJECT
from registry.models import Need, Organization
from registry.models.visibility import is_coordinator, member_organization_ids


class MatchRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Matching runs (coordinators). POST queues one and answers 202; poll until it finishes."""

    queryset = MatchRun.objects.all().order_by("-created_at", "-id")
    serializer_class = MatchRunSerializer
    permission_classes = [IsCoordinator]
    filterset_class = None
    filterset_fields = ["status", "trigger"]
    ordering_fields = ["created_at", "finished_at"]

    @extend_schema(responses={202: MatchRunSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request: Request, *args, **kwargs) -> Response:
        return respond_once(request, lambda: self._queue_run(request))

    def _queue_run(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = runs.request_manual_run(
            actor=request.user, parameters=serializer.validated_data.get("parameters")
        )
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=StateChangeSerializer(many=True))
    @detail_command(methods=["get"], filterset_fields=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """The run's state changes: queued, running, re-queued, succeeded or failed, and why."""
        run = self.get_object()
        changes = StateChange.objects.filter(subject_type="matchrun", subject_id=run.pk)
        return Response(StateChangeSerializer(changes.select_related("actor"), many=True).data)


class ProposalFilterSet(FilterSet):
    need = filters.ModelChoiceFilter(
        queryset=Need.objects.all(), help_text=gettext_lazy("Need id.")
    )
    organization = filters.ModelChoiceFilter(
        field_name="lines__organization",
        queryset=Organization.objects.all(),
        distinct=True,
        help_text=gettext_lazy("Proposals with a line of this organization."),
    )
    status = filters.ChoiceFilter(
        choices=Proposal.Status.choices, help_text=gettext_lazy("Proposal status.")
    )
    run = filters.ModelChoiceFilter(
        queryset=MatchRun.objects.all(), help_text=gettext_lazy("Run id.")
    )

    class Meta:
        model = Proposal
        fields = ["need", "organization", "status", "run"]


def _decision(decision: review.Decision, request: Request) -> Response:
    proposal = ProposalViewSet.base_queryset().get(pk=decision.proposal.pk)
    body = {"changed": decision.changed, "message": decision.message, "proposal": proposal}
    return Response(DecisionSerializer(body, context={"request": request}).data)


class ProposalViewSet(UnfilteredWithoutParametersMixin, viewsets.ReadOnlyModelViewSet):
    """Proposals: coordinators see all; members see those for their needs or with their lines."""

    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at", "score", "coverage"]
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]

    def list(self, request: Request, *args, **kwargs) -> Response:
        # The serializer's JSON from `.values()` rows: a page of 50 costs three queries.
        page = self.paginate_queryset(proposal_values(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(represent_proposals(page))

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        pk = str(kwargs["pk"])
        queryset = self.filter_queryset(self.get_queryset())
        rows = list(proposal_values(queryset.filter(pk=pk))) if pk.isdigit() else []
        if not rows:
            raise NotFound()
        return Response(represent_proposals(rows)[0])

    @staticmethod
    def base_queryset():
        return Proposal.objects.prefetch_related(
            Prefetch("lines", queryset=ProposalLine.objects.order_by("pk"))
        ).order_by("-created_at", "-id")

    def get_queryset(self):
        queryset = self.base_queryset()
        user = self.request.user
        if is_coordinator(user):
            return queryset
        own = member_organization_ids(user)
        visible = Proposal.objects.filter(
            Q(need__organization__in=own) | Q(lines__organization__in=own)
        )
        return queryset.filter(pk__in=visible.values("pk"))

    def get_throttles(self):
        if self.action in {"accept", "reject", "revoke", "confirm", "decline"}:
            self.throttle_scope = "decisions"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(request=AcceptSerializer, responses=DecisionSerializer)
    @detail_command(methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept (coordinators): reserves every line's capacity until `respond_by`, or 409 when
        it is taken, the need is no longer open, or unverified partners lack an override."""
        proposal = self.get_object()
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = review.accept_proposal(
            actor=request.user,
            proposal_id=proposal.pk,
            override_reason=serializer.validated_data.get("override_reason", ""),
            respond_by=serializer.validated_data.get("respond_by"),
        )
        return _decision(decision, request)

    @extend_schema(request=RejectSerializer, responses=DecisionSerializer)
    @detail_command(methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject (coordinators), with a reason."""
        proposal = self.get_object()
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = review.reject_proposal(
            actor=request.user, proposal_id=proposal.pk, reason=serializer.validated_data["reason"]
        )
        return _decision(decision, request)

    @extend_schema(request=RevokeSerializer, responses=DecisionSerializer)
    @detail_command(methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        """Revoke an acceptance before the partnership forms (coordinators), with a reason: the
        reservations are released and the need goes back to matching."""
        proposal = self.get_object()
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = review.revoke_proposal(
            actor=request.user, proposal_id=proposal.pk, reason=serializer.validated_data["reason"]
        )
        return _decision(decision, request)

    @extend_schema(request=None, responses=DecisionSerializer)
    @detail_command(methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm your organizations' lines, or, as a member of the need's organization, give
        its consent; the partnership forms when every line is answered and consent is given."""
        proposal = self.get_object()
        return _decision(review.confirm_lines(actor=request.user, proposal_id=proposal.pk), request)

    @extend_schema(request=DeclineSerializer, responses=DecisionSerializer)
    @detail_command(methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Decline your organizations' lines (their capacity is released), or, as a member of the
        need's organization, decline the coalition: the proposal is withdrawn."""
        proposal = self.get_object()
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = review.decline_lines(
            actor=request.user,
            proposal_id=proposal.pk,
            reason=serializer.validated_data.get("reason", ""),
        )
        return _decision(decision, request)

    @extend_schema(responses=StateChangeSerializer(many=True))
    @detail_command(methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every state change of the proposal, its lines and their commitments, and the need's
        organization's consent: who, when, why."""
        proposal = self.get_object()
        line_ids = [line.pk for line in proposal.lines.all()]
        changes = StateChange.objects.filter(
            Q(subject_type="proposal", subject_id=proposal.pk)
            | Q(subject_type=CONSENT_SUBJECT, subject_id=proposal.pk)
            | Q(subject_type="proposalline", subject_id__in=line_ids)
            | Q(
                subject_type="commitment",
                subject_id__in=proposal.lines.filter(commitment__isnull=False).values(
                    "commitment__id"
                ),
            )
        ).select_related("actor")
        return Response(StateChangeSerializer(changes, many=True).data)

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True), request=None)
    @extend_schema(methods=["POST"], request=CommentSerializer, responses={201: CommentSerializer})
    @detail_command(methods=["get", "post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        """GET the comments on a proposal; POST one. Coordinators, members of the need's
        organization and of the proposal's partners, and of verified community organizations
        that endorsed the need, read and write them; to anyone else the proposal is not found."""
        pk = str(pk)
        proposal = (
            Proposal.objects.select_related("need").filter(pk=pk).first() if pk.isdigit() else None
        )
        if proposal is None or not comments.may_comment(request.user, proposal=proposal):
            raise NotFound()
        return comments_response(request, proposal=proposal)


def comments_response(request: Request, **subject) -> Response:
    """GET or POST the comments on one proposal or progress report (`subject`)."""
    if request.method == "POST":
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = serializer.validated_data.get("organization")
        comment = comments.add_comment(
            actor=request.user,
            body=serializer.validated_data["body"],
            organization_id=organization.pk if organization is not None else None,
            **subject,
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
    return Response(CommentSerializer(comments.comments_on(**subject), many=True).data)
