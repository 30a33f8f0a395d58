"""Unsubscribing from e-mail by a link, without signing in: a signed token names the user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction

from notifications.models import Preference

SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int) -> str:
    """A token that lets whoever holds it (the mailbox's owner) turn off the user's e-mail."""
    return signing.dumps(user_id, salt=SALT)


def user_of(*, token: str) -> User:
    """The user a token names (signing.BadSignature when it was not made here)."""
    return get_user_model().objects.get(pk=signing.loads(token, salt=SALT))


@transaction.atomic
def unsubscribe(*, token: str) -> Preference:
    """Turn off the e-mail of the user the token names, of every kind; the inbox stays. Again is
    harmless."""
    user = user_of(token=token)
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    if preference.email != Preference.Email.OFF or preference.kinds:
        # Off for every kind too: a kind chosen apart would otherwise still be mailed.
        preference.email = Preference.Email.OFF
        preference.kinds = {}
        preference.save(update_fields=["email", "kinds"])
    return preference
