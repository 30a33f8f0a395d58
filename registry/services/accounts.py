"""User accounts and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import knox_settings

from registry.errors import PermissionDenied, ValidationError


@transaction.atomic
def register_user(*, username: str, email: str, password: str) -> User:
    """Create a user account with a hashed password."""
    return get_user_model().objects.create_user(username=username, email=email, password=password)


@transaction.atomic
def register_api_user(*, username: str, email: str, password: str) -> tuple[Any, str]:
    """Create a user account and its first API token (the account and the token, or neither)."""
    user = register_user(username=username, email=email, password=password)
    return user, _new_token(user=user)[1]


def issue_token(
    *, request: HttpRequest | None, username: str, password: str
) -> tuple[AuthToken, str]:
    """Check the credentials and issue an expiring API token (stored hashed).

    A user holds at most TOKEN_LIMIT_PER_USER live tokens: a new sign-in revokes the oldest.
    """
    # Outside the transaction: the lockout's record of a failed attempt must be kept.
    user = authenticate(request=request, username=username, password=password)
    if user is None or not user.is_active:
        raise PermissionDenied(_("Unknown username or wrong password."))
    return _new_token(user=user)


def _new_token(*, user: AbstractBaseUser) -> tuple[AuthToken, str]:
    """A new token for `user`, revoking the oldest beyond TOKEN_LIMIT_PER_USER."""
    with transaction.atomic():
        # The user's row lock makes concurrent sign-ins of one user count their tokens in turn.
        get_user_model().objects.select_for_update().filter(pk=user.pk).get()
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        if limit is not None:
            live = AuthToken.objects.filter(user=user).filter(
                Q(expiry__gt=timezone.now()) | Q(expiry__isnull=True)
            )
            surplus = live.order_by("-created", "-pk").values_list("pk", flat=True)[limit - 1 :]
            AuthToken.objects.filter(pk__in=list(surplus)).delete()
        created: tuple[AuthToken, str] = AuthToken.objects.create(user, expiry=_first_expiry())
        return created


def _first_expiry() -> timedelta | None:
    """A new token's lifetime: the idle expiry, never past the absolute one."""
    idle: timedelta | None = knox_settings.TOKEN_TTL
    absolute: timedelta | None = knox_settings.AUTO_REFRESH_MAX_TTL
    if idle is None or absolute is None:
        return idle
    return min(idle, absolute)


def revoke_tokens(
    *, user: AbstractBaseUser, only: AuthToken | None = None, keep: AuthToken | None = None
) -> int:
    """Revoke `user`'s API tokens (`only` that one, or all but `keep`); answer how many."""
    tokens = AuthToken.objects.filter(user=user)
    if only is not None:
        tokens = tokens.filter(pk=only.pk)
    if keep is not None:
        tokens = tokens.exclude(pk=keep.pk)
    deleted: int = tokens.delete()[0]
    return deleted


@transaction.atomic
def change_password(
    *, user: User, current_password: str, new_password: str, keep: AuthToken | None = None
) -> None:
    """Set a new password after checking the current one; revoke the user's other tokens."""
    if not user.check_password(current_password):
        raise ValidationError({"current_password": _("The current password is wrong.")})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from error
    user.set_password(new_password)
    # read by password_changed(), on save; not a field of the user model
    user.token_kept_on_password_change = keep  # type: ignore[attr-defined]
    user.save(update_fields=["password"])


def password_changed(*, user: AbstractBaseUser) -> int:
    """A new password, set anywhere (API, console, admin, `changepassword`), revokes the user's
    API tokens but the one the change was made with; answer how many.

    Called on every save of a user whose password was set (access/receivers.py), so no door
    that sets a password can forget it.
    """
    return revoke_tokens(user=user, keep=getattr(user, "token_kept_on_password_change", None))


@transaction.atomic
def make_coordinator(
    *, username: str, email: str = "", password: str | None = None
) -> tuple[User, bool]:
    """Create the user if needed, set the password when given, add it to `coordinators`."""
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email}
    )
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])  # revokes the user's tokens (password_changed)
    user.groups.add(Group.objects.get(name="coordinators"))
    return user, created
