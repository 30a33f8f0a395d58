"""The keys people give rows in their spreadsheets, so that importing a file again updates
what the first import created instead of creating it twice; and the merges of duplicate
organizations, with the names and identifiers the surviving record keeps as aliases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from registry.models import Organization


class ImportKey(models.Model):
    """An organization's own key for a record it imported (e.g. "PLEDGE-2026-014"); for an
    imported organization, the organization itself holds the key its importer gave it."""

    class Kind(models.TextChoices):
        OFFER = "offer", "Offer"
        ORGANIZATION = "organization", "Organization"
        NEED = "need", "Need"

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
                condition=models.Q(kind__in=["offer", "organization", "need"]),
                name="import_key_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} of organization {self.organization_id}"


class OrganizationAlias(models.Model):
    """A name or identifier an organization was also known by, kept when a duplicate merged in."""

    class Kind(models.TextChoices):
        NAME = "name", "Name"
        IDENTIFIER = "identifier", "Identifier"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=200)
    merged_from = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=gettext_lazy("The merged record."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "kind", "value"]
        # Its trigram index (alias_value_trigram, for `value % name`) is made by migration 0002
        # where PostgreSQL has pg_trgm.
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "value"], name="organization_alias_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["name", "identifier"]),
                name="organization_alias_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} of organization {self.organization_id}"


class OrganizationMerge(models.Model):
    """A coordinator's merge of a duplicate organization into the record that survives."""

    merged = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="merged_into"
    )
    into = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="merges")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, default="", max_length=2000)
    moved = models.JSONField(
        default=dict, help_text=gettext_lazy("How many records of each kind moved.")
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged=models.F("into")), name="organization_merge_distinct"
            ),
        ]

    def __str__(self) -> str:
        return f"organization {self.merged_id} merged into {self.into_id}"


class ImportJob(models.Model):
    """An uploaded spreadsheet imported in the background: its dry run, then (once confirmed)
    its import, from the same stored file. Large files go here; so does any upload the console
    shows again (the job's id is the token its confirm button posts)."""

    class Kind(models.TextChoices):
        OFFERS = "offers", "Offers"
        NEEDS = "needs", "Needs"
        ORGANIZATIONS = "organizations", "Organizations"

    class Stage(models.TextChoices):
        DRY_RUN = "dry_run", "Dry run"
        IMPORT = "import", "Import"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        help_text=gettext_lazy(
            "The upload's organization (rows may name others); none for organizations."
        ),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField(
        help_text=gettext_lazy("The uploaded file, at most MAX_UPLOAD_BYTES.")
    )
    rows = models.PositiveIntegerField(default=0, help_text=gettext_lazy("Data rows in the file."))
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.DRY_RUN)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Rows processed in this stage.")
    )
    result = models.JSONField(null=True, blank=True, help_text=gettext_lazy("The stage's report."))
    error = models.TextField(
        blank=True, default="", help_text=gettext_lazy("Why the stage failed.")
    )
    language = models.CharField(
        max_length=10,
        blank=True,
        default="",
        help_text=gettext_lazy("The uploader's language: the report's."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When its worker last reported; a stale one is re-queued."),
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["offers", "needs", "organizations"]),
                name="import_job_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=["dry_run", "import"]),
                name="import_job_stage_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="import_job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} import job {self.pk} ({self.stage}, {self.status})"


class DistinctOrganizations(models.Model):
    """A coordinator's finding that two organizations the merge queue pairs are not the same:
    the pair leaves the queue. `first` is the one with the smaller id."""

    first = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, default="", max_length=2000)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_organizations_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="distinct_organizations_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"organizations {self.first_id} and {self.second_id} are distinct"
