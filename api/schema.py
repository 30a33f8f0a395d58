"""OpenAPI: post-processing that describes shared fields, and the view that serves the schema."""

import threading

from drf_spectacular.views import SpectacularAPIView

COMMON_DESCRIPTIONS = {
    "id": "Unique integer id.",
    "created_at": "When it was created.",
    "updated_at": "When it last changed.",
    "started_at": "When a worker started it.",
    "finished_at": "When it finished.",
    "submitted_at": "When it was submitted for review.",
    "reviewed_at": "When a coordinator reviewed it.",
    "partnership": "The partnership's id.",
    "count": "Total number of results.",
    "next": "URL of the next page, or null.",
    "previous": "URL of the previous page, or null.",
    "results": "The results on this page.",
}


def describe_common_fields(result, generator, request, public):
    """Give every undocumented shared property (ids, timestamps, pagination) a description."""
    for component in result.get("components", {}).get("schemas", {}).values():
        for name, spec in component.get("properties", {}).items():
            if "description" not in spec and name in COMMON_DESCRIPTIONS:
                spec["description"] = COMMON_DESCRIPTIONS[name]
    return result


PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem."},
        "title": {"type": "string", "description": "A short summary of the kind of problem."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong, for a person to read."},
        "errors": {
            "type": "array",
            "description": "One entry per invalid field or parameter.",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                },
                "required": ["code", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}
# What each refusal means, whichever operation answers it.
PROBLEM_DESCRIPTIONS = {
    "400": "The request is invalid: a field, a header, or a query parameter the operation does "
    "not accept (the problem lists the accepted ones).",
    "401": "No valid credentials: the token is missing, unknown, expired or revoked.",
    "403": "The caller may not do this.",
    "404": "Nothing the caller may see is here.",
    "405": "The method is not one this path answers.",
    "409": "The record's state does not allow this now.",
    "412": "If-Match names a version that is no longer current: nothing was changed.",
    "413": "The request body is larger than the limit.",
    "415": "The body's media type is not one this operation reads.",
    "422": "The Idempotency-Key was already used with another body.",
    "429": "Too many requests: wait for the time in Retry-After.",
}
EVERY_OPERATION = ("400", "401", "403", "404", "405", "429")
WRITES = ("post", "put", "patch", "delete")


def problem_statuses(method: str, operation: dict) -> set[str]:
    """The refusals an operation can answer, from what it is (a write, conditional, idempotent)."""
    statuses = set(EVERY_OPERATION)
    headers = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
    if method in WRITES:
        statuses |= {"409", "413", "415"}
    if "If-Match" in headers:
        statuses.add("412")
    if "Idempotency-Key" in headers:
        statuses.add("422")
    return statuses


def document_problems(result, generator, request, public):
    """Every refusal of every operation, described and answered as problem details.

    The statuses come from one rule (problem_statuses), so no view lists them by hand; a
    description a view gives to one of them is kept.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status in problem_statuses(method, operation) | {
                code for code in responses if code.startswith("4")
            }:
                response = responses.setdefault(status, {})
                response.setdefault("description", PROBLEM_DESCRIPTIONS.get(status, ""))
                declared = [media["schema"] for media in response.get("content", {}).values()]
                # A problem a view describes further (e.g. with the likely duplicates) keeps
                # its own schema, answered as problem details.
                response["content"] = (
                    {PROBLEM_CONTENT_TYPE: {"schema": declared[0]}} if declared else content
                )
            operation["responses"] = dict(sorted(responses.items()))
    return result


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated one request at a time.

    drf-spectacular loads its extension classes lazily on first use, and two threads doing that at
    once (gthread workers) can fail with a 500; generation is rare, so it is serialised.
    """

    _generation = threading.Lock()

    def dispatch(self, request, *args, **kwargs):
        with self._generation:
            return super().dispatch(request, *args, **kwargs)
