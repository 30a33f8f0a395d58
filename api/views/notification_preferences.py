"""The signed-in user's notification preference."""

from __future__ import annotations

from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.notifications import PreferenceSerializer
from notifications.services import preferences


class PreferenceView(GenericAPIView):
    """GET the caller's preference; PATCH any of its fields (`kinds`: choices per kind of event)."""

    serializer_class = PreferenceSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends: list = []

    def get(self, request: Request) -> Response:
        preference = preferences.preference_of(user=request.user)
        return Response(self.get_serializer(preference).data)

    def patch(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        preference = preferences.set_preference(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(preference).data)
