"""User content as pages show it: the reader's language when there is a translation, else the
original, marked with the language and direction it is written in."""

from __future__ import annotations

from typing import Any

from django import template

from registry.user_content import Shown, shown

register = template.Library()


@register.inclusion_tag("web/includes/user_text.html")
def user_text(value: Any, field: str | None = None) -> dict[str, Shown]:
    """`{% user_text need "title" %}`, or `{% user_text shown_text %}` for a text already chosen.

    The record's `language` and `i18n` columns must be loaded with it (they are on the same
    row: no query is made here)."""
    return {"text": value if field is None else shown(value, field)}
