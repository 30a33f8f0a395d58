"""What the verification page shows: each organization's identity as a coordinator last verified
it, read from the history rows (every update keeps the row's values), beside its identity now."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from registry.models import Organization
from registry.services.organizations import IDENTITY_FIELDS

LABELS = {
    "name": _("Name"),
    "kind": _("Kind"),
    "country": _("Country"),
    "identifier": _("Identifier"),
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class SinceVerification:
    """Never verified (verified_at None), or verified then, with what has changed since."""

    verified_at: datetime.datetime | None = None
    changes: list[Change] = field(default_factory=list)


def _shown(name: str, value: object) -> str:
    if name == "kind" and value:
        return str(dict(Organization.Kind.choices).get(str(value), value))
    return str(value or "–")


def since_last_verification(organizations: list[Organization]) -> dict[int, SinceVerification]:
    """Per organization, its last verified identity compared with today's, in one query."""
    events = apps.get_model("registry", "OrganizationEvent")
    verified_rows = (
        events.objects.filter(
            pgh_obj_id__in=[organization.pk for organization in organizations],
            verified_at__isnull=False,
        )
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
        .values("pgh_obj_id", "verified_at", *IDENTITY_FIELDS)
    )
    last = {row["pgh_obj_id"]: row for row in verified_rows}
    result = {}
    for organization in organizations:
        row = last.get(organization.pk)
        if row is None:
            result[organization.pk] = SinceVerification()
            continue
        changes = [
            Change(str(LABELS[name]), _shown(name, row[name]), _shown(name, now))
            for name in IDENTITY_FIELDS
            if (now := getattr(organization, name)) != row[name]
        ]
        result[organization.pk] = SinceVerification(row["verified_at"], changes)
    return result
