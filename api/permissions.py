"""Permission classes: deny by default; reads of public data are open."""

from django.utils.translation import gettext_lazy
from knox.models import AuthToken
from rest_framework import permissions

from registry.models.visibility import is_coordinator

# Anyone reads what the queryset shows them; writes need a signed-in user. An alias, not a
# subclass, so that the OpenAPI schema marks the reads as open to anonymous callers.
ReadOnlyOrAuthenticated = permissions.IsAuthenticatedOrReadOnly


class IsCoordinator(permissions.BasePermission):
    """Members of the `coordinators` group."""

    message = gettext_lazy("Only coordinators may do this.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and is_coordinator(request.user))


class SignedInWithToken(permissions.BasePermission):
    """Requests authenticated by an API token (not a session)."""

    message = gettext_lazy("Sign in with an API token to do this.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, AuthToken)
