"""Every error message a user can read goes through gettext.

The scanner walks the syntax tree of the product's modules and reports each error built with a
message that is plain text: `raise Conflict("…")`, `ValidationError(f"…")`, the dict and list forms
of field errors (`ValidationError({"field": "…"})`), `"…" % values` and `"…".format(…)`, and an
API exception's `default_detail = "…"`. A message wrapped in a gettext call passes, and so does one
held in a name (the scanner cannot know where it came from; the call that made it is checked
where it stands).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from config.catalogues import SOURCE_PACKAGES
from matching.models import MatchRun
from matching.services.run_parameters import PARAMETER_LIMITS
from tests.conftest import client_for

# The errors whose message reaches a user: as an API problem's detail, a form's error, a page.
ERROR_CLASSES = frozenset(
    {
        # Django and the registry's own (registry/errors.py): services raise these.
        "ValidationError",
        "PermissionDenied",
        "Conflict",
        "LikelyDuplicates",
        # Django REST framework, and the API's own subclasses.
        "APIException",
        "AuthenticationFailed",
        "NotAuthenticated",
        "NotFound",
        "ParseError",
        "MethodNotAllowed",
        "NotAcceptable",
        "UnsupportedMediaType",
        "Throttled",
        "ConflictError",
        "PreconditionFailed",
        "BodyTooLarge",
        "IdempotencyKeyReused",
        # The idempotency key, import rows and files, webhook targets: shown to the caller.
        "KeyReused",
        "RowError",
        "UnreadableFile",
        "TargetRefused",
    }
)
GETTEXT_CALLS = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
    }
)
# Where a call carries its message: the first argument, unless said otherwise here.
MESSAGE_POSITIONS = {
    **{name: (0,) for name in ERROR_CLASSES},
    "RowError": (1,),  # (column, reason)
    "problem_body": (1, 2),  # (status, title, detail)
    "problem_response": (1, 2),
}
# Keyword arguments that carry the message (the others carry codes, params, values).
MESSAGE_KEYWORDS = frozenset({"message", "detail", "messages", "title", "reason"})
# A field's messages by code, given as a keyword or a dict entry of its arguments.
FIELD_MESSAGES = frozenset({"error_messages", "default_error_messages"})
# Class attributes that DRF answers as the detail: an exception's default, a permission's refusal.
CLASS_MESSAGES = frozenset({"default_detail", "message", "default_error_messages"})

# Plain messages let through: (module, start of the source line) and the reason.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Unmarked:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def _name(node: ast.expr) -> str | None:
    """The last part of a called name: `serializers.ValidationError` → `ValidationError`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_gettext(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in GETTEXT_CALLS


def _has_words(text: str) -> bool:
    return any(character.isalpha() for character in text)


def _unmarked_text(node: ast.expr) -> list[ast.expr]:
    """The parts of a message expression that are words outside a gettext call."""
    if _is_gettext(node):
        return []
    if isinstance(node, ast.Constant):
        # A message has words; an empty string or punctuation has none to translate.
        return [node] if isinstance(node.value, str) and _has_words(node.value) else []
    if isinstance(node, ast.JoinedStr):
        words = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return [node] if _has_words(words) else []
    if isinstance(node, ast.BinOp):
        # `"…" % values` is plain text, `_("…") % values` is marked; a sentence glued from
        # parts (`_("…") + …`) cannot be translated as a whole.
        if isinstance(node.op, ast.Mod):
            return _unmarked_text(node.left)
        if _is_gettext(node.left) or _is_gettext(node.right):
            return [node]
        return _unmarked_text(node.left) + _unmarked_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":
            return _unmarked_text(node.func.value)
        if node.func.attr == "join":
            return [found for arg in node.args for found in _unmarked_text(arg)]
        return []
    if isinstance(node, ast.Dict):
        return [found for value in node.values for found in _unmarked_text(value)]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [found for element in node.elts for found in _unmarked_text(element)]
    if isinstance(node, ast.IfExp):
        return _unmarked_text(node.body) + _unmarked_text(node.orelse)
    return []


def _messages(node: ast.AST) -> list[ast.expr]:
    """The plain-text parts of one node's messages: an error's, a problem's, a class's default."""
    if isinstance(node, ast.Call) and _name(node.func) in MESSAGE_POSITIONS:
        positions = MESSAGE_POSITIONS[_name(node.func) or ""]
        arguments = [node.args[index] for index in positions if index < len(node.args)] + [
            keyword.value for keyword in node.keywords if keyword.arg in MESSAGE_KEYWORDS
        ]
        return [found for argument in arguments for found in _unmarked_text(argument)]
    if isinstance(node, ast.Call | ast.Dict):
        # A field's own messages: `error_messages={...}`, as a keyword or a dict entry.
        pairs = (
            [(keyword.arg, keyword.value) for keyword in node.keywords]
            if isinstance(node, ast.Call)
            else [
                (key.value, value)
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant)
            ]
        )
        return [
            found
            for name, value in pairs
            if name in FIELD_MESSAGES
            for found in _unmarked_text(value)
        ]
    if isinstance(node, ast.ClassDef):
        return [
            found
            for statement in node.body
            if isinstance(statement, ast.Assign)
            and any(_name(target) in CLASS_MESSAGES for target in statement.targets)
            for found in _unmarked_text(statement.value)
        ]
    return []


def scan_source(source: str, path: str = "<string>") -> list[Unmarked]:
    """Every error message in a module's source that is plain text."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        for message in _messages(node):
            text = lines[message.lineno - 1].strip()
            found.append(Unmarked(path, message.lineno, text))
    return sorted(set(found), key=lambda item: (item.path, item.line))


def product_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(
        path
        for package in SOURCE_PACKAGES
        for path in (root / package).rglob("*.py")
        if "migrations" not in path.parts and ".venv" not in path.parts
    )


def scan_product() -> list[Unmarked]:
    root = Path(settings.BASE_DIR)
    found = []
    for path in product_modules():
        relative = path.relative_to(root).as_posix()
        found.extend(scan_source(path.read_text(encoding="utf-8"), relative))
    return found


def _allowed_by(item: Unmarked, key: tuple[str, str]) -> bool:
    path, line_start = key
    return item.path == path and item.text.startswith(line_start)


def _allowed(item: Unmarked) -> bool:
    return any(_allowed_by(item, key) for key in ALLOWED)


def test_every_error_message_of_the_product_goes_through_gettext():
    assert len(product_modules()) > 100
    unmarked = [item for item in scan_product() if not _allowed(item)]
    assert unmarked == [], "wrap these messages in gettext:\n" + "\n".join(map(str, unmarked))


def test_every_allowed_message_still_exists():
    found = scan_product()
    stale = [key for key in ALLOWED if not any(_allowed_by(item, key) for item in found)]
    assert stale == []


PLANTED = """
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from registry.errors import Conflict


class Gone(exceptions.APIException):
    default_detail = "This is gone for good."


class Private(BasePermission):
    message = "Only members see this."


def refuse(offer, name):
    if offer.closed:
        raise Conflict("The offer is closed.", "closed")
    if offer.empty:
        raise ValidationError(f"The offer {name} has no lines.")
    if offer.late:
        raise serializers.ValidationError({"deadline": "The deadline has passed."})
    if offer.far:
        raise ValidationError({"area": ["The area is too far away."]})
    if offer.odd:
        raise ValidationError("The offer %s is odd." % name)
    if offer.joined:
        raise ValidationError(_("The offer ") + "is joined.")
    error = ValidationError(message="The offer is {name}.".format(name=name))
    raise exceptions.ParseError(detail="No sense " + name)
    raise RowError("area", "Not an area.")
    return problem_response(400, None, "The request could not be understood.")


text = serializers.CharField(error_messages={"blank": "Say something."})
slug = {"error_messages": {"invalid": f"A {label} is a slug."}}
"""

PLANTED_MARKED = """
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from rest_framework import exceptions
from registry.errors import Conflict


class Gone(exceptions.APIException):
    default_detail = gettext_lazy("This is gone for good.")


def refuse(offer, name, count, message):
    if offer.closed:
        raise Conflict(_("The offer is closed."), "closed")
    if offer.empty:
        raise ValidationError(_("The offer %(name)s has no lines.") % {"name": name}, code="empty")
    if offer.late:
        raise ValidationError({"deadline": _("The deadline has passed.")})
    if offer.many:
        raise ValidationError(ngettext("%(n)d line.", "%(n)d lines.", count) % {"n": count})
    if offer.other:
        raise ValidationError(message)
    if offer.gone:
        raise RowError("area", _("Not an area."))
    raise ValueError(f"internal: {name} is not an offer")  # not an error a user reads


text = serializers.CharField(error_messages={"blank": gettext_lazy("Say something.")})
slug = {"error_messages": {"invalid": _lazy_not_a_slug(label)}}
"""


def test_the_scanner_finds_every_planted_plain_message():
    found = scan_source(PLANTED, "planted.py")

    assert [item.line for item in found] == [9, 13, 18, 20, 22, 24, 26, 28, 29, 30, 31, 32, 35, 36]


def test_the_scanner_passes_marked_messages_and_names():
    assert scan_source(PLANTED_MARKED, "marked.py") == []


@pytest.mark.parametrize(
    "source",
    [
        'raise Conflict("One.")',
        "raise Conflict(f'{x} is late.')",
        'raise PermissionDenied("You may not do this.")',
        'raise NotFound(detail="No such offer.")',
        'raise RowError("name", "The name is missing.")',
        'raise UnreadableFile("The file is empty.")',
    ],
)
def test_the_scanner_reports_one_plain_message(source):
    assert len(scan_source(source)) == 1


def test_a_code_and_an_empty_message_are_not_reported():
    assert scan_source('raise Conflict(_("Closed."), "closed")\nraise ValidationError("")') == []


@pytest.mark.django_db
def test_a_run_parameter_refused_in_french_is_explained_in_french(coordinator):
    client = client_for(coordinator)
    runs_before = MatchRun.objects.count()
    limit = PARAMETER_LIMITS["workers"]

    def refusal(language: str) -> dict:
        response = client.post(
            "/api/v1/match-runs/",
            {"parameters": {"workers": limit + 60}},
            format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 400, response.content
        assert response["Content-Language"] == language
        return response.json()["errors"]

    french, english = refusal("fr"), refusal("en")

    assert french == [
        {
            "field": "parameters.workers",
            "code": "invalid",
            "detail": f"Un nombre compris entre 0 et {limit}.",
        }
    ]
    assert english[0]["detail"] == f"A number from 0 to {limit}."
    assert MatchRun.objects.count() == runs_before
