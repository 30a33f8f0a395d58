"""Who changed the state of what, when and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StateChange(models.Model):
    """One state change of a run, proposal, line, commitment, partnership or report."""

    subject_type = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    from_state = models.CharField(max_length=20, blank=True, default="")
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # history of one subject, as the API shows it
            models.Index(fields=["subject_type", "subject_id"], name="statechange_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id}: {self.from_state} → {self.to_state}"
