"""IATI 2.03 organisation files: one organization, as the registry knows it."""

from __future__ import annotations

from django.utils import timezone
from lxml import etree

from interchange.iati import codes
from interchange.iati.elements import XML_LANG, child, document, reporting_org, with_narrative
from interchange.iati.publisher import current_publisher, organization_ref
from registry.models import Organization


def write_organisation(*, organization: Organization, language: str) -> bytes:
    """An iati-organisations document with the organization's identifier, name and reporter."""
    root = etree.Element("iati-organisations", version=codes.IATI_VERSION)
    root.set("generated-datetime", timezone.now().isoformat(timespec="seconds"))
    element = child(root, "iati-organisation")
    element.set(XML_LANG, language)
    element.set("last-updated-datetime", organization.updated_at.isoformat(timespec="seconds"))
    child(element, "organisation-identifier", organization_ref(organization))
    with_narrative(element, "name", organization.name)
    reporting_org(element, current_publisher())
    return document(root)
