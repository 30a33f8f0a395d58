"""The keys people give rows in their spreadsheets, so that importing a file again updates
what the first import created instead of creating it twice."""

from __future__ import annotations

from django.db import models

from registry.models import Organization


class ImportKey(models.Model):
    """An organization's own key for a record it imported (e.g. "PLEDGE-2026-014")."""

    class Kind(models.TextChoices):
        OFFER = "offer", "Offer"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="import_keys"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "key"], name="import_key_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["offer"]), name="import_key_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} of organization {self.organization_id}"
