"""The language switcher: every page's form posts here and comes back to the same page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from config.language import SESSION_KEY
from registry.services.preferences import set_language_preference
from web.views.errors import bad_request


@require_POST
def choose_language(request) -> HttpResponse:
    """Set the language cookie (Django's set_language) and remember it for a signed-in user."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return bad_request(request)
    if request.user.is_authenticated:
        set_language_preference(user=request.user, language=language)
        request.session[SESSION_KEY] = language
    # Django's view checks that `next` stays on this site and sets the cookie.
    return set_language(request)
