"""JSON bodies parsed with limits: bounded nesting, no NUL characters the database would refuse."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError


def check_json_value(value: Any, *, max_depth: int) -> None:
    """Refuse nesting deeper than `max_depth` and NUL characters in keys or strings.

    Walked with an explicit stack, so no depth of input can exhaust the interpreter's recursion.
    A NUL is reported against the top-level field that holds it, as a field error.
    """
    stack: list[tuple[Any, int, str | None]] = [(value, 1, None)]
    while stack:
        item, depth, field = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                message = _("Text may not contain NUL characters.")
                if field is None:
                    raise ParseError(message)
                raise ValidationError({field: [message]}, code="null_characters")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise ParseError(
                _("The request body is nested more than %(depth)d levels deep.")
                % {"depth": max_depth}
            )
        if isinstance(item, dict):
            for key, child in item.items():
                owner = field if field is not None or depth > 1 else key.replace("\x00", "")
                stack.append((key, depth, owner))
                stack.append((child, depth + 1, owner))
        else:
            stack.extend((child, depth + 1, field) for child in item)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body too deep for the decoder or holding NUL answers 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("The request body is nested too deeply.")) from error
        check_json_value(data, max_depth=settings.MAX_JSON_DEPTH)
        return data
