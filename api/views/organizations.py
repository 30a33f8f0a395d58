"""Organizations, their members, and verification by coordinators."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import OrganizationFilterSet
from api.idempotency import IdempotentCreateMixin
from api.permissions import IsCoordinator, ReadOnlyOrAuthenticated
from api.serializers.duplicates import (
    DuplicateCandidateSerializer,
    DuplicatePairSerializer,
    LikelyDuplicatesSerializer,
    MergeRequestSerializer,
    OrganizationMergeSerializer,
)
from api.serializers.organizations import MembershipSerializer, OrganizationSerializer
from api.views.base import ConditionalUpdateMixin, detail_command, validated
from interchange.services.duplicates import (
    LikelyDuplicates,
    list_duplicate_pairs,
    register_organization,
)
from interchange.services.merge import merge_organizations
from registry import services
from registry.models import Membership, Organization
from registry.models.visibility import is_coordinator, member_organization_ids


class OrganizationViewSet(IdempotentCreateMixin, ConditionalUpdateMixin, viewsets.ModelViewSet):
    """Organizations that offer resources or post needs. Anyone reads active ones."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    permission_classes = [ReadOnlyOrAuthenticated]
    ordering_fields = ["name", "created_at", "country", "kind"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        queryset = Organization.objects.all()
        if not is_coordinator(user):
            queryset = queryset.filter(is_active=True) | queryset.filter(
                pk__in=member_organization_ids(user)
            )
        return queryset.prefetch_related("represented_groups").order_by("name", "id")

    @extend_schema(
        responses={
            201: OrganizationSerializer,
            409: OpenApiResponse(
                LikelyDuplicatesSerializer,
                description="Likely duplicates are registered already: nothing was created; "
                "send confirm_distinct: true to register this organization anyway.",
            ),
        }
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Register an organization (see the 409 answer for likely duplicates)."""
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = validated(serializer)
        try:
            serializer.instance = register_organization(
                actor=self.request.user,
                data=data,
                confirm_distinct=data.pop("confirm_distinct", False),
            )
        except LikelyDuplicates as refusal:
            refusal.problem_extensions = {
                "duplicates": DuplicateCandidateSerializer(refusal.candidates, many=True).data
            }
            raise

    def perform_update(self, serializer):
        serializer.instance = services.update_organization(
            actor=self.request.user, organization=serializer.instance, data=validated(serializer)
        )

    @extend_schema(methods=["GET"], responses=MembershipSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=MembershipSerializer, responses={201: MembershipSerializer}
    )
    @detail_command(
        methods=["get", "post"],
        serializer_class=MembershipSerializer,
        permission_classes=[IsAuthenticated],  # member lists are never public
    )
    def members(self, request: Request, pk: str | None = None) -> Response:
        """GET the members (members and coordinators); POST {username, role} to add one (admins)."""
        organization = self.get_object()
        if request.method == "POST":
            serializer = MembershipSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            membership = services.add_member(
                actor=request.user,
                organization=organization,
                username=serializer.validated_data["user"]["username"],
                role=serializer.validated_data["role"],
            )
            return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)
        if not (
            is_coordinator(request.user) or organization.pk in member_organization_ids(request.user)
        ):
            raise PermissionDenied(
                _("Only members and coordinators see who belongs to an organization.")
            )
        memberships = Membership.objects.filter(organization=organization).select_related("user")
        return Response(MembershipSerializer(memberships, many=True).data)

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[
            OpenApiParameter(
                "user_id", int, OpenApiParameter.PATH, description="The member's user id."
            )
        ],
    )
    @detail_command(
        methods=["delete"],
        url_path=r"members/(?P<user_id>\d+)",
        http_method_names=["delete", "options"],  # the viewset itself refuses DELETE
    )
    def remove_member(
        self, request: Request, pk: str | None = None, user_id: str | None = None
    ) -> Response:
        """Remove a member (admins); the last admin cannot be removed."""
        organization = self.get_object()
        services.remove_member(actor=request.user, organization=organization, user_id=int(user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=OrganizationSerializer)
    @detail_command(
        methods=["post"],
        permission_classes=[IsCoordinator],
    )
    def verify(self, request: Request, pk: str | None = None) -> Response:
        """Mark the organization as verified (coordinators)."""
        organization = self.get_object()  # coordinators see every organization; "abc" is a 404
        organization = services.verify_organization(actor=request.user, organization=organization)
        return Response(OrganizationSerializer(organization, context={"request": request}).data)

    @extend_schema(request=None, responses=DuplicatePairSerializer(many=True))
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[IsCoordinator],
        serializer_class=DuplicatePairSerializer,
        filterset_class=None,
        ordering_fields=[],
    )
    def duplicates(self, request: Request) -> Response:
        """The merge queue (coordinators): pairs of organizations likely to be one, with evidence."""
        page = self.paginate_queryset(list_duplicate_pairs())
        return self.get_paginated_response(DuplicatePairSerializer(page, many=True).data)

    @extend_schema(request=MergeRequestSerializer, responses=OrganizationMergeSerializer)
    @detail_command(
        methods=["post"],
        permission_classes=[IsCoordinator],
        serializer_class=MergeRequestSerializer,
    )
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """Merge this organization into `into` (coordinators); 409 with the reason a rule gives."""
        organization = self.get_object()
        serializer = MergeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = merge_organizations(
            actor=request.user,
            organization_id=organization.pk,
            into_id=serializer.validated_data["into"],
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(OrganizationMergeSerializer(record).data)
