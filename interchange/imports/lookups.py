"""What every row of an offers or needs import looks up, read once per import: the taxonomies
by slug, and the organization's records already imported, by the key the user gave them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interchange.models import ImportKey
from registry.models import Category, FocusArea, Organization, VulnerableGroup


@dataclass
class Lookups:
    categories: dict[str, Category]
    focus_areas: dict[str, FocusArea]
    groups: dict[str, VulnerableGroup]
    keyed: dict[str, Any]

    @classmethod
    def load(cls, organization: Organization, *, kind: str, model, related: tuple[str, ...]):
        """The taxonomies, and the organization's `model` records its ImportKeys of `kind`
        name (with their `related` rows prefetched)."""
        keys = dict(
            ImportKey.objects.filter(organization=organization, kind=kind).values_list(
                "object_id", "key"
            )
        )
        records = model.objects.filter(organization=organization, pk__in=list(keys))
        return cls(
            categories={row.pk: row for row in Category.objects.all()},
            focus_areas={row.pk: row for row in FocusArea.objects.all()},
            groups={row.pk: row for row in VulnerableGroup.objects.all()},
            keyed={keys[record.pk]: record for record in records.prefetch_related(*related)},
        )
