"""Who publishes the registry's IATI files: the coordinating body that runs it (settings)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from registry.models import Organization


@dataclass(frozen=True)
class Publisher:
    """The reporting organization of every file: its org-id, name and IATI OrganisationType."""

    ref: str
    name: str
    type: str


def current_publisher() -> Publisher:
    """The publisher named by IATI_PUBLISHER_REF, IATI_PUBLISHER_NAME, IATI_PUBLISHER_TYPE."""
    return Publisher(
        ref=settings.IATI_PUBLISHER_REF,
        name=settings.IATI_PUBLISHER_NAME,
        type=settings.IATI_PUBLISHER_TYPE,
    )


def organization_ref(organization: Organization) -> str:
    """An organization's IATI identifier: its org-id, or one under the publisher's prefix."""
    if organization.identifier:
        return organization.identifier
    return f"{current_publisher().ref}-ORG-{organization.pk}"
