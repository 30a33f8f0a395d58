"""The outbox of events, each user's inbox and their e-mail preference."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened, in the words a recipient reads."""

    ACCEPTANCE_TO_CONFIRM = "acceptance_to_confirm", _("A proposal awaits your confirmation")
    COALITION_TO_CONSENT = "coalition_to_consent", _("A coalition awaits your consent")
    LINE_DECLINED = "line_declined", _("A partner declined its lines")
    PARTNERSHIP_FORMED = "partnership_formed", _("A partnership is formed")
    REPORT_SUBMITTED = "report_submitted", _("A progress report awaits review")
    REPORT_APPROVED = "report_approved", _("A progress report is approved")
    REPORT_RETURNED = "report_returned", _("A progress report is returned")
    ORGANIZATION_VERIFIED = "organization_verified", _("An organization is verified")
    PROPOSALS_TO_REVIEW = "proposals_to_review", _("Proposals await review")
    CONFIRMATION_RECEIVED = "confirmation_received", _("A partner confirmed its lines")
    PROPOSAL_EXPIRED = "proposal_expired", _("A proposal expired unanswered")
    ACCEPTANCE_REVOKED = "acceptance_revoked", _("An acceptance is revoked")
    REPORT_DUE = "report_due", _("A progress report is due")
    REPORT_OVERDUE = "report_overdue", _("A progress report is overdue")
    ORGANIZATION_UNVERIFIED = "organization_unverified", _("An organization is no longer verified")
    MERGE_PROPOSED = "merge_proposed", _("A possible duplicate organization awaits review")
    NEED_MET = "need_met", _("A need is met")
    WEBHOOK_DISABLED = "webhook_disabled", _("A webhook is disabled after repeated failures")
    RESPONSE_DUE = "response_due", _("Your answer to an accepted proposal is due soon")
    REVIEW_WAITING = "review_waiting", _("A proposal has waited long for review")
    COMMENT_POSTED = "comment_posted", _("A comment is posted where you take part")


class Event(models.Model):
    """One change worth telling people about, written in the transaction that made it."""

    kind = models.CharField(max_length=40, choices=Kind.choices)
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    link = models.CharField(max_length=200)
    # The organizations the event concerns: an organization's webhooks hear of these events.
    organizations = ArrayField(models.BigIntegerField(), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type} {self.subject_id}"


class Notification(models.Model):
    """An event in one recipient's inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Never to be e-mailed: it arrived while its kind was off for the user, who turned it on
    # again later (what they missed is in the inbox, not mailed as a backlog).
    email_skipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="notification_once_per_user"),
        ]
        indexes = [
            # The inbox list and its unread count: WHERE user_id = ? ORDER BY id DESC.
            models.Index(fields=["user", "-id"], name="notification_inbox"),
            # The mail sender's outbox scan: WHERE emailed_at IS NULL AND email_skipped_at IS NULL.
            models.Index(
                fields=["id"],
                condition=Q(emailed_at__isnull=True, email_skipped_at__isnull=True),
                name="notification_to_mail",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} for {self.user_id}"

    @property
    def read(self) -> bool:
        return self.read_at is not None


# The six UN languages the registry speaks; e-mail goes out in the one a user chose.
UN_LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]


class Preference(models.Model):
    """How a user wants to hear of their notifications beside the inbox."""

    class Email(models.TextChoices):
        OFF = "off", _("Off")
        IMMEDIATELY = "immediately", _("Immediately")
        DAILY = "daily", _("A daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(max_length=20, choices=Email.choices, default=Email.IMMEDIATELY)
    language = models.CharField(max_length=10, choices=UN_LANGUAGES, default="en")
    # False: no reminders (answers due, reports due, reviews waiting) at all.
    nudges = models.BooleanField(default=True)
    # The daily digest goes out at this hour of the user's own time zone (IANA name).
    time_zone = models.CharField(max_length=64, default="UTC")
    digest_hour = models.PositiveSmallIntegerField(default=8)
    # The user's local date of the last digest: one a day, however often the schedule runs.
    last_digest_on = models.DateField(null=True, blank=True)
    # Choices per kind of event that override `email`: {kind: off|immediately|daily}. Kept
    # valid by notifications.services.preferences.set_preference.
    kinds = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="preference_digest_hour_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class Nudge(models.Model):
    """A reminder given: at most one per reminder key (an object and its occasion) and user,
    however often the schedule runs."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "user"], name="nudge_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.key} for {self.user_id}"
