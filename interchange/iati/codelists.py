"""The IATI codelists shipped in interchange/codelists/, read by code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

CODELISTS = Path(__file__).resolve().parent.parent / "codelists"


@cache
def codes(name: str) -> frozenset[str]:
    """Every code of the codelist `name` (e.g. "Sector"), withdrawn ones excluded."""
    tree = etree.parse(str(CODELISTS / f"{name}.xml"), etree.XMLParser(resolve_entities=False))
    return frozenset(
        item.findtext("code").strip()
        for item in tree.iter("codelist-item")
        if item.get("status", "active") == "active"
    )
