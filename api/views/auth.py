"""Tokens and registration."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SignedInWithToken
from api.serializers.auth import (
    PasswordChangeSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from api.throttles import ScopedRateThrottle
from registry.errors import PermissionDenied
from registry.services.accounts import (
    change_password,
    issue_token,
    register_api_user,
    revoke_tokens,
)


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_authenticate_header(self, request: Request) -> str:
        # Without authentication classes DRF would turn a failed sign-in into 403.
        return "Token"

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer, auth=[])
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            instance, token = issue_token(request=request._request, **serializer.validated_data)
        except PermissionDenied as error:
            raise AuthenticationFailed(str(error)) from error
        return Response({"token": token, "expiry": instance.expiry})


class RegisterView(APIView):
    """Create a user account."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, token = register_api_user(**serializer.validated_data)
        body = {**RegisterSerializer(user).data, "token": token}
        return Response(body, status=status.HTTP_201_CREATED)


class LogoutView(APIView):
    """Revoke the token this request carries."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated, SignedInWithToken]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        revoke_tokens(user=request.user, only=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the signed-in user: sign out on all devices."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated, SignedInWithToken]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        revoke_tokens(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    """Change your password; every other token of yours is revoked, this one keeps working."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PasswordChangeSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        keep = request.auth if isinstance(request.auth, AuthToken) else None
        change_password(user=request.user, keep=keep, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
