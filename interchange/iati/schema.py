"""Validation of IATI files against the official 2.03 schemas shipped in interchange/schemas/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "iati-2.03"
ACTIVITIES = "iati-activities-schema.xsd"
ORGANISATIONS = "iati-organisations-schema.xsd"


@cache
def schema(name: str) -> etree.XMLSchema:
    """A compiled schema; its includes resolve inside the folder, never over the network."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def schema_errors(document: bytes, name: str) -> list[str]:
    """The schema's complaints about a document, one line each (none: it is valid)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    tree = etree.fromstring(document, parser)
    checker = schema(name)
    if checker.validate(tree):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log]
