"""Unsubscribing from e-mail by the link in every message, without signing in."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications.services.unsubscribe import unsubscribe as unsubscribe_user
from notifications.services.unsubscribe import user_of


# The signed token is the credential, not a session: a mail client's one-click unsubscribe
# (RFC 8058) POSTs without a CSRF token, and a forged POST needs the token anyway.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET asks to confirm (so that a link scanner's visit changes nothing); POST unsubscribes."""
    # A genuine link of a user deleted since is refused like a forged one, not a server error.
    try:
        user = user_of(token=token)
    except (signing.BadSignature, ObjectDoesNotExist, ValueError):
        return render(request, "web/notifications/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        unsubscribe_user(token=token)
        return render(request, "web/notifications/unsubscribe.html", {"done": True})
    return render(request, "web/notifications/unsubscribe.html", {"name": user.get_username()})
