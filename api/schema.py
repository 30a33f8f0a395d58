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


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated one request at a time.

    drf-spectacular loads its extension classes lazily on first use, and two threads doing that at
    once (gthread workers) can fail with a 500; generation is rare, so it is serialised.
    """

    _generation = threading.Lock()

    def dispatch(self, request, *args, **kwargs):
        with self._generation:
            return super().dispatch(request, *args, **kwargs)
