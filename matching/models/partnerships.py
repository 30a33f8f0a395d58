"""Partnerships formed from confirmed proposals, their partners, and progress reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matching.models.proposals import Proposal
from registry.models import Need, Organization
from registry.models.audit import audited


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class PartnerRole(models.TextChoices):
    """IATI OrganisationRole codes."""

    FUNDING = "1", _("Funding")
    ACCOUNTABLE = "2", _("Accountable")
    EXTENDING = "3", _("Extending")
    IMPLEMENTING = "4", _("Implementing")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


@audited()
class Partnership(models.Model):
    """Organizations working together on a need, formed when every line of a proposal is confirmed."""

    Status = PartnershipStatus

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="partnerships")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="partnership")
    status = models.CharField(
        max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE
    )
    formed_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    report_every_days = models.PositiveSmallIntegerField(default=90)
    next_report_due = models.DateField()
    report_overdue = models.BooleanField(default=False, help_text=_("Set by a periodic task."))
    # Why a coordinator completed or cancelled it; whether the need's target was reached then.
    close_reason = models.TextField(blank=True, default="", db_default="", max_length=2000)
    reached_target = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-formed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PartnershipStatus.values), name="partnership_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Partnership {self.pk} on need {self.need_id}"


class Partner(models.Model):
    """An organization's IATI role in a partnership."""

    Role = PartnerRole

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(max_length=1, choices=PartnerRole.choices)

    class Meta:
        ordering = ["partnership_id", "role", "organization_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organization", "role"], name="partner_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=PartnerRole.values), name="partner_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} as {self.get_role_display()}"


class ProgressReport(models.Model):
    """A partnership's report on the need's indicator, reviewed by a coordinator."""

    Status = ReportStatus

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reports")
    period_end = models.DateField()
    indicator_value = models.DecimalField(max_digits=16, decimal_places=4)
    disaggregation = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(max_length=10000)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="progress_reports"
    )
    review_comment = models.TextField(blank=True, default="", max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="progress_report_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.status})"
