"""A matching run: one execution of the engine over the open needs and published offers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("Started by a coordinator")
    SCHEDULED = "scheduled", _("Scheduled")
    EVENT = "event", _("A change in the catalogue")
    NEED = "need", _("A newly published need, matched on its own")


class MatchRun(models.Model):
    """One execution of the matching engine, claimed by a worker with a conditional update."""

    Status = RunStatus
    Trigger = RunTrigger

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices, default=RunTrigger.MANUAL)
    parameters = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True, default="")
    metrics = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    worker = models.CharField(max_length=200, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    not_before = models.DateTimeField(
        null=True, blank=True, help_text=_("Debounced runs wait until then.")
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # recover_stale_runs(): status='running' AND heartbeat_at < cutoff
            models.Index(fields=["status", "heartbeat_at"], name="matchrun_status_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="matchrun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=RunTrigger.values), name="matchrun_trigger_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="matchrun_progress_percent"
            ),
            # Debouncing: a burst of catalogue events folds into the one queued event run.
            models.UniqueConstraint(
                fields=["trigger"],
                condition=Q(status=RunStatus.QUEUED, trigger=RunTrigger.EVENT),
                name="matchrun_one_queued_event_run",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.status})"
