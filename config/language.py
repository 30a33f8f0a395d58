"""The language of a request: `?lang=`, the signed-in user's choice, the cookie, `Accept-Language`.

The chosen language is active for the whole request (pages, API labels, error details) and
announced in `Content-Language`. A language the registry does not speak falls back to English,
and the response says so in `Language-Fallback` (the language that was asked for).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

# The signed-in user's saved language, read once per session ("" when none is saved).
SESSION_KEY = "registry_language"
FALLBACK_HEADER = "Language-Fallback"


def supported_language(code: str) -> str | None:
    """The registry's language for a code (`zh-Hans`, `fr-CA`, `ar-EG` …), None if unsupported."""
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def saved_language(request: HttpRequest) -> str | None:
    """The language the signed-in user chose, kept in the session after the first read."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None or not user.is_authenticated:
        return None
    if SESSION_KEY not in session:
        from registry.models.preferences import LanguagePreference

        preference = LanguagePreference.objects.filter(user=user).values_list("language", flat=True)
        session[SESSION_KEY] = next(iter(preference), "")
    return session[SESSION_KEY] or None


def choose_language(request: HttpRequest) -> tuple[str, str | None]:
    """(language to use, language asked for but not spoken, if any)."""
    asked = request.GET.get("lang")
    if asked is not None:
        language = supported_language(asked)
        return (language, None) if language else (settings.LANGUAGE_CODE, asked[:35])
    saved = saved_language(request)
    if saved and supported_language(saved):
        return saved, None
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie and supported_language(cookie):
        return supported_language(cookie) or settings.LANGUAGE_CODE, None
    header = request.headers.get("Accept-Language", "")
    accepted = [code for code, _quality in parse_accept_lang_header(header) if code != "*"]
    for code in accepted:
        language = supported_language(code)
        if language:
            return language, None
    return settings.LANGUAGE_CODE, (accepted[0][:35] if accepted else None)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with `?lang=`, the saved choice and the fallback announced."""

    def process_request(self, request: HttpRequest) -> None:
        language, unsupported = choose_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        request.language_fallback = unsupported  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        unsupported = getattr(request, "language_fallback", None)
        if unsupported:
            response.headers[FALLBACK_HEADER] = unsupported
        return response
