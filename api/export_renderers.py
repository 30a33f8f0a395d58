"""Renderers of the export files: the writer's bytes pass through; errors stay problem JSON."""

from __future__ import annotations

import orjson
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder


class FileRenderer(BaseRenderer):
    """Bytes as they are; any other data (a problem) as JSON, under the response's own type."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        return orjson.dumps(data, default=JSONEncoder().default)


class XMLFileRenderer(FileRenderer):
    media_type = "application/xml"
    format = "xml"


class CSVFileRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class JSONFileRenderer(FileRenderer):
    media_type = "application/json"
    format = "json"


class XLSXFileRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
