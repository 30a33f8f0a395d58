"""User accounts and API tokens."""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from knox.models import AuthToken

from registry.errors import PermissionDenied


@transaction.atomic
def register_user(*, username: str, email: str, password: str):
    """Create a user account with a hashed password."""
    return get_user_model().objects.create_user(username=username, email=email, password=password)


def issue_token(*, request, username: str, password: str) -> tuple[AuthToken, str]:
    """Check the credentials and issue an expiring API token (stored hashed)."""
    user = authenticate(request=request, username=username, password=password)
    if user is None or not user.is_active:
        raise PermissionDenied("Unknown username or wrong password.")
    return AuthToken.objects.create(user)


@transaction.atomic
def make_coordinator(*, username: str, email: str = "", password: str | None = None):
    """Create the user if needed, set the password when given, add it to `coordinators`."""
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email}
    )
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name="coordinators"))
    return user, created
