"""RFC 9457 problem details for every error the API answers."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from psycopg import errors as database_errors
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from access.services import KeyReused
from registry.errors import Conflict

PROBLEM_CONTENT_TYPE = "application/problem+json"
TRANSIENT = (database_errors.DeadlockDetected, database_errors.SerializationFailure)
logger = logging.getLogger(__name__)

TITLES = {
    400: gettext_lazy("Invalid request"),
    401: gettext_lazy("Authentication required"),
    403: gettext_lazy("Permission denied"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    412: gettext_lazy("Precondition failed"),
    413: gettext_lazy("Request body too large"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("Unprocessable content"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Internal server error"),
}


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def problem_body(status_code: int, title: str | None, detail: str, errors=None) -> dict[str, Any]:
    """The JSON members of a problem: type, title, status, detail and the per-field errors."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(title or TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(status_code: int, title: str | None, detail: str) -> JsonResponse:
    """A problem answered outside DRF (middleware, Django's error handlers)."""
    return JsonResponse(
        problem_body(status_code, title, detail),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def flatten_errors(detail: Any, path: str = "") -> Iterator[dict[str, str]]:
    """Turn DRF's nested error structure into a flat list of {field, code, detail}."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            yield from flatten_errors(value, f"{path}.{name}" if path and name else path or name)
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):  # ErrorDetail is a str
            for item in detail:
                yield from flatten_errors(item, path)
        else:
            for index, item in enumerate(detail):
                if item:
                    yield from flatten_errors(item, f"{path}.{index}" if path else str(index))
    else:
        yield {
            "field": path or None,
            "code": getattr(detail, "code", "invalid"),
            "detail": str(detail),
        }


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is larger than the limit.")
    default_code = "too_large"


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler answering application/problem+json."""
    # Members a service adds to its problem (e.g. the likely duplicates of a registration).
    extensions = getattr(exc, "problem_extensions", None) or {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Conflict):
        exc = ConflictError(exc.detail, exc.code)
    elif isinstance(exc, KeyReused):
        exc = IdempotencyKeyReused(str(exc))
    elif isinstance(exc, RequestDataTooBig):  # a body without Content-Length, read past the limit
        exc = BodyTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(
            _("The request has more than %(most)s fields; send such data as JSON.")
            % {"most": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
            if isinstance(exc, TooManyFieldsSent)
            else _("The request has more than %(most)s files.")
            % {"most": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
        )
    elif isinstance(exc, SuspiciousOperation):  # Django answers these 400 outside DRF too
        exc = exceptions.ParseError(_("The request could not be understood."))
    elif isinstance(exc, OperationalError) and isinstance(exc.__cause__, TRANSIENT):
        # Rows are locked in primary-key order, so this should not happen; if PostgreSQL
        # still picks this transaction as a deadlock victim, the client may simply retry.
        exc = ConflictError(_("A concurrent change got in the way; try again."), "retry")

    if not isinstance(exc, exceptions.APIException):
        # Unexpected: log with the traceback, answer without one.
        logger.exception("Unhandled error in %s", context.get("view"))
        set_rollback()
        return Response(
            problem_body(500, None, _("The server could not complete the request.")),
            status=500,
            content_type=PROBLEM_CONTENT_TYPE,
        )

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        errors = list(flatten_errors(exc.detail))
        count = len(errors)
        detail = (
            errors[0]["detail"]
            if count == 1
            else ngettext("%(count)d field is invalid.", "%(count)d fields are invalid.", count)
            % {"count": count}
        )
        if count == 1 and errors[0]["field"]:
            detail = _("%(field)s: %(detail)s") % errors[0]
        body = problem_body(exc.status_code, None, detail, errors)
    else:
        body = problem_body(exc.status_code, None, str(exc.detail))
        code = getattr(exc.detail, "code", None)
        if code:
            body["code"] = code
    body.update(extensions)
    set_rollback()
    return Response(
        body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def json_handler404(request, exception=None) -> JsonResponse:
    return problem_response(status.HTTP_404_NOT_FOUND, None, _("No resource at this address."))


def json_handler500(request) -> JsonResponse:
    return problem_response(500, None, _("The server could not complete the request."))


def json_handler400(request, exception=None) -> JsonResponse:
    return problem_response(400, None, _("The request could not be understood."))


def json_handler403(request, exception=None) -> JsonResponse:
    return problem_response(403, None, _("You may not do this."))


def lockout_response(request, *args, **kwargs) -> JsonResponse:
    """django-axes: too many failed sign-ins for this username and address."""
    return problem_response(
        429,
        _("Too many failed sign-ins"),
        _("This account is locked for a while after repeated failed sign-ins."),
    )
