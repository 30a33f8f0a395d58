"""Errors that services raise and interfaces translate (400, 403, 409)."""

from django.core.exceptions import PermissionDenied, ValidationError


class Conflict(Exception):
    """The request is valid but the current state forbids it (answered 409)."""

    def __init__(self, detail: str, code: str = "conflict") -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


__all__ = ["Conflict", "PermissionDenied", "ValidationError"]
