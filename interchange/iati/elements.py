"""Small builders for the IATI elements every file repeats (text in narratives, org references)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from lxml import etree

from interchange.iati.publisher import Publisher, organization_ref
from registry.models import Organization

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry (control characters but tab and line ends, lone surrogates,
# U+FFFE/U+FFFF): left out of the text rather than failing the whole file.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value) -> str:
    return NOT_XML.sub("", str(value))


def child(
    parent: etree._Element, tag: str, text: str | None = None, **attributes
) -> etree._Element:
    """A sub-element; attribute names use '-' for '_' (value_date → value-date), None is left out."""
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        if value is not None:
            element.set(name.replace("_", "-"), xml_text(value))
    if text is not None:
        element.text = xml_text(text)
    return element


def with_narrative(parent: etree._Element, tag: str, text: str, **attributes) -> etree._Element:
    """An element holding one narrative (in the file's default language)."""
    element = child(parent, tag, **attributes)
    child(element, "narrative", text)
    return element


def iso_date(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


def number(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 60.0000 → 60, 23.5000 → 23.5."""
    return format(value.normalize(), "f")


def reporting_org(parent: etree._Element, publisher: Publisher) -> etree._Element:
    """The registry's operator, a secondary reporter of what its partners do."""
    return with_narrative(
        parent,
        "reporting-org",
        publisher.name,
        ref=publisher.ref,
        type=publisher.type,
        secondary_reporter="1",
    )


def organization_element(
    parent: etree._Element, tag: str, organization: Organization, **attributes
) -> etree._Element:
    """A participating, provider or receiver organization: ref, type and name."""
    return with_narrative(
        parent,
        tag,
        organization.name,
        ref=organization_ref(organization),
        type=Organization.IATI_TYPES[organization.kind],
        **attributes,
    )


def document(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
