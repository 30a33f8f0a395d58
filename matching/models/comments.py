"""Comments on proposals and progress reports by the people they concern."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from matching.models.partnerships import ProgressReport
from matching.models.proposals import Proposal
from registry.models import Organization


class Comment(models.Model):
    """What a partner, the need's government, an endorsing community organization or a
    coordinator says about one proposal or one progress report."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The organization the author speaks for; none for a coordinator.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(proposal__isnull=False) & Q(report__isnull=True))
                | (Q(proposal__isnull=True) & Q(report__isnull=False)),
                name="comment_on_one_object",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk}"
