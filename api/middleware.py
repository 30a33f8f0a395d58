"""Guards in front of every view: oversize bodies, malformed headers and addresses, caching."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from api.problems import PROBLEM_CONTENT_TYPE, problem_body, problem_response
from api.query_parameters import accepted_query_parameters, unknown_parameters_problem
from config.language import choose_language

# Room in an upload's body for the multipart boundaries and the form's small fields.
MULTIPART_ALLOWANCE = 64 * 1024


def _in_the_request_language(refuse):
    """These guards answer before the language middleware has run (and before sign-in): word
    their refusal in the language `?lang=`, the cookie or `Accept-Language` asks for, as the
    language middleware would for an anonymous request, and say which in `Content-Language`."""

    def refuse_in_language(*args):
        request = args[-1]
        language, _unsupported = choose_language(request)
        with translation.override(language):
            response = refuse(*args)
        if response is not None:
            response.headers["Content-Language"] = language
        return response

    return refuse_in_language


class RequestBodyLimitMiddleware:
    """Answer 413 problem details when Content-Length exceeds DATA_UPLOAD_MAX_MEMORY_SIZE, or
    for a multipart upload to an import path, MAX_UPLOAD_BYTES (and a little for the form's
    other fields and boundaries; the importer refuses a file above MAX_UPLOAD_BYTES itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    @staticmethod
    @_in_the_request_language
    def refusal(request):
        """The 400 or 413 answer for the request's declared length, or None to go on."""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith(settings.UPLOAD_PATH_PREFIXES) and request.META.get(
            "CONTENT_TYPE", ""
        ).startswith("multipart/form-data"):
            limit = settings.MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem_response(400, _("Bad request"), _("Content-Length is not a number."))
        if limit is not None and length > limit:
            return problem_response(
                413,
                _("Request body too large"),
                _("The request body has %(length)s bytes; the limit is %(limit)s.")
                % {"length": length, "limit": limit},
            )
        return None


class NoStoreForCredentialsMiddleware:
    """Responses to requests that carry credentials are never stored by caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        authenticated = "HTTP_AUTHORIZATION" in request.META or (
            hasattr(request, "user") and request.user.is_authenticated
        )
        if authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def _header_name(meta_key: str) -> str:
    return meta_key.removeprefix("HTTP_").replace("_", "-").title()


class MalformedRequestMiddleware:
    """Answer 400 problem details for header bytes that are not UTF-8 and for NUL characters.

    WSGI hands header values over as Latin-1 text, so bytes that are not UTF-8 would otherwise
    reach authentication, content negotiation and the views as mojibake; and PostgreSQL refuses
    NUL in any text, so a NUL in the path or the query string would fail deep inside a query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    @classmethod
    @_in_the_request_language
    def refusal(cls, request):
        """The 400 answer for what is malformed in the request, or None to go on."""
        detail, errors = cls.problem_with(request)
        if not detail:
            return None
        return JsonResponse(
            problem_body(400, None, detail, errors), status=400, content_type=PROBLEM_CONTENT_TYPE
        )

    @staticmethod
    def problem_with(request) -> tuple[str | None, list[dict[str, str]]]:
        """What is malformed in the request's headers, path or query string, if anything."""
        for key, value in request.META.items():
            if not (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")):
                continue
            if not isinstance(value, str):
                continue
            header = _header_name(key)
            try:
                value.encode("latin-1").decode("utf-8")
            except UnicodeError:
                return _("The %(header)s header is not valid UTF-8.") % {"header": header}, []
            if "\x00" in value:
                return _("The %(header)s header contains a NUL character.") % {"header": header}, []
        if "\x00" in request.path_info:
            return _("The address contains a NUL character."), []
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                name = name.replace("\x00", "")
                detail = _("Null characters are not allowed.")
                errors = [{"field": name, "code": "null_characters", "detail": detail}]
                return f"{name}: {detail}", errors
        return None, []


class UnknownQueryParameterMiddleware:
    """Answer 400 problem details, naming the accepted ones, for a query parameter that the
    operation does not read (api/query_parameters.py says which it reads)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if view_class is None or not request.GET or not request.path_info.startswith("/api/v1/"):
            return None
        view = view_class(**getattr(view_func, "initkwargs", {}))
        actions = getattr(view_func, "actions", None)
        if actions is not None:
            view.action = actions.get(request.method.lower())
            if view.action is None:
                return None  # the view answers 405
        view.request, view.args, view.kwargs = None, view_args, view_kwargs
        try:
            accepted = accepted_query_parameters(view)
        except NotFound:
            return None  # the view answers 404 (e.g. no list of that name)
        unknown = set(request.GET) - accepted
        if not unknown:
            return None
        detail, errors, extensions = unknown_parameters_problem(unknown, accepted)
        return JsonResponse(
            {**problem_body(400, None, detail, errors), **extensions},
            status=400,
            content_type=PROBLEM_CONTENT_TYPE,
        )
