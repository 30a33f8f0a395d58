"""Open Referral HSDS 3.0: organizations, with their offers as services.

HSDS ids are UUIDs; the registry's are integers, so each record's id is a name-based UUID (v5)
of its kind and integer id: stable across exports, the same for the same record everywhere.
"""

from __future__ import annotations

import uuid
from typing import Any

from registry.areas import area_name
from registry.models import Offer, Organization

NAMESPACE = uuid.UUID("5b0e7f1c-6d35-4f8e-9a51-2f1d0c7a9e43")
TAXONOMY_PREFIX = "partnership-registry"

SERVICE_STATUS = {
    Offer.Status.PUBLISHED: "active",
    Offer.Status.PAUSED: "temporarily closed",
    Offer.Status.DRAFT: "inactive",
    Offer.Status.WITHDRAWN: "defunct",
}


def hsds_id(kind: str, key: Any) -> str:
    """The UUID of a registry record in HSDS: uuid5 of "kind/key"."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


def organization_record(organization: Organization, offers: list[Offer]) -> dict[str, Any]:
    """One HSDS organization, with `offers` as its services."""
    organization_id = hsds_id("organization", organization.pk)
    record: dict[str, Any] = {
        "id": organization_id,
        "name": organization.name,
        "description": organization.description,
        "organization_identifiers": _identifiers(organization, organization_id),
        "services": [_service(offer, organization_id) for offer in offers],
    }
    if organization.website:
        record["website"] = organization.website
    return record


def _identifiers(organization: Organization, organization_id: str) -> list[dict[str, Any]]:
    if not organization.identifier:
        return []
    # org-id.guide: the list's prefix is the first two parts (GB-COH), the rest is the number.
    scheme, _, number = organization.identifier.partition("-")
    prefix, _, local = number.partition("-")
    return [
        {
            "id": hsds_id("organization-identifier", organization.pk),
            "organization_id": organization_id,
            "identifier_scheme": f"{scheme}-{prefix}",
            "identifier_type": "org-id.guide",
            "identifier": local,
        }
    ]


def _service(offer: Offer, organization_id: str) -> dict[str, Any]:
    service_id = hsds_id("offer", offer.pk)
    terms = [("categories", offer.category.slug, offer.category.name)]
    terms += [("focus-areas", area.slug, area.name) for area in offer.focus_areas.all()]
    terms += [("vulnerable-groups", g.slug, g.name) for g in offer.vulnerable_groups.all()]
    return {
        "id": service_id,
        "organization_id": organization_id,
        "name": offer.title,
        "description": offer.description,
        "status": SERVICE_STATUS[offer.status],
        "service_areas": [
            {
                "id": hsds_id("offer-area", f"{offer.pk}/{area}"),
                "service_id": service_id,
                "name": area_name(area) or area,
                "extent": area,
                "extent_type": "text",
            }
            for area in offer.areas
        ],
        "attributes": [
            _attribute(service_id, offer.pk, taxonomy, slug, name) for taxonomy, slug, name in terms
        ],
    }


def _attribute(service_id: str, offer_id: int, taxonomy: str, slug: str, name: str) -> dict:
    term_id = hsds_id("taxonomy-term", f"{taxonomy}/{slug}")
    return {
        "id": hsds_id("attribute", f"{offer_id}/{taxonomy}/{slug}"),
        "link_id": service_id,
        "link_type": taxonomy,
        "link_entity": "service",
        "taxonomy_term_id": term_id,
        "taxonomy_term": {
            "id": term_id,
            "code": slug,
            "name": name,
            "description": name,
            "taxonomy": f"{TAXONOMY_PREFIX}:{taxonomy}",
        },
    }
