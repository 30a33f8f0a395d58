"""Proposals, their lines, and the commitments that reserve and commit offers' capacity."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matching.models.runs import MatchRun
from registry.models import Need, NeedItem, Offer, Organization
from registry.models.audit import audited
from registry.models.offers import Digits

QUANTITY: Digits = {"max_digits": 16, "decimal_places": 2}


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FORMED = "formed", _("Partnership formed")


class Confirmation(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class Consent(models.TextChoices):
    PENDING = "pending", _("Pending")
    GIVEN = "given", _("Given")
    DECLINED = "declined", _("Declined")


class CommitmentState(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    COMMITTED = "committed", _("Committed")
    # Given to a partnership that completed: still spent from the offer.
    DELIVERED = "delivered", _("Delivered")
    RELEASED = "released", _("Released")


@audited(exclude=["explanation"])
class Proposal(models.Model):
    """The engine's proposal for one need in one run: a coalition of offers and how much each gives."""

    Status = ProposalStatus
    Consent = Consent
    LIVE_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED)

    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="proposals")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    score = models.DecimalField(max_digits=6, decimal_places=4)
    coverage = models.DecimalField(
        max_digits=5, decimal_places=4, help_text=_("Share of the need covered.")
    )
    explanation = models.JSONField(default=dict)
    # Hash of (need, offer, item, quantity) lines: an identical live proposal is not duplicated.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, default="", max_length=2000)
    # Set on acceptance: partners who have not confirmed by then are released.
    respond_by = models.DateTimeField(null=True, blank=True)
    # Why the coordinator accepted lines of organizations not yet verified.
    override_reason = models.TextField(blank=True, default="", db_default="", max_length=2000)
    # The need's own organization agrees to the coalition before a partnership forms.
    owner_consent = models.CharField(
        max_length=10, choices=Consent.choices, default=Consent.PENDING, db_default=Consent.PENDING
    )
    owner_consent_at = models.DateTimeField(null=True, blank=True)
    owner_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # the proposals list filtered by need and status
            models.Index(fields=["need", "status"], name="proposal_need_status"),
            # the proposals list (ProposalViewSet.list): newest first without sorting them all
            models.Index(fields=["-created_at", "-id"], name="proposal_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(coverage__gte=0, coverage__lte=1), name="proposal_coverage_share"
            ),
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="proposal_live_fingerprint_unique",
            ),
            models.UniqueConstraint(fields=["run", "need"], name="proposal_one_per_need_per_run"),
            models.CheckConstraint(
                condition=Q(owner_consent__in=Consent.values), name="proposal_owner_consent_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk} for need {self.need_id} ({self.status})"


# A run writes thousands of lines at once; the proposal's own insert event records them.
@audited(exclude=["terms", "explanation"], inserts=False)
class ProposalLine(models.Model):
    """One partner's part of a proposal: an offer covering part of a need item."""

    Confirmation = Confirmation

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="proposal_lines")
    need_item = models.ForeignKey(NeedItem, on_delete=models.PROTECT, related_name="proposal_lines")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="proposal_lines"
    )
    quantity = models.DecimalField(help_text=_("In the need item's unit or currency."), **QUANTITY)
    offer_quantity = models.DecimalField(
        help_text=_("The same amount in the offer's unit or currency."), **QUANTITY
    )
    score = models.DecimalField(max_digits=6, decimal_places=4)
    terms = models.JSONField(default=dict, help_text=_("Score components, each in [0, 1]."))
    explanation = models.TextField(blank=True, default="")
    confirmation = models.CharField(
        max_length=10, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["proposal_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0, offer_quantity__gt=0), name="proposal_line_positive"
            ),
            models.CheckConstraint(
                condition=Q(confirmation__in=Confirmation.values),
                name="proposal_line_confirmation_valid",
            ),
            models.UniqueConstraint(
                fields=["proposal", "offer", "need_item"], name="proposal_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer_quantity} of offer {self.offer_id} → item {self.need_item_id}"


@audited()
class Commitment(models.Model):
    """Capacity of an offer held for a need item: reserved on accept, committed on confirm."""

    State = CommitmentState
    # What holds an offer's capacity.
    LIVE_STATES = (CommitmentState.RESERVED, CommitmentState.COMMITTED, CommitmentState.DELIVERED)

    line = models.OneToOneField(ProposalLine, on_delete=models.PROTECT, related_name="commitment")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="commitments")
    need_item = models.ForeignKey(NeedItem, on_delete=models.PROTECT, related_name="commitments")
    quantity = models.DecimalField(help_text=_("In the offer's unit or currency."), **QUANTITY)
    item_quantity = models.DecimalField(
        help_text=_("In the need item's unit or currency."), **QUANTITY
    )
    state = models.CharField(
        max_length=10, choices=CommitmentState.choices, default=CommitmentState.RESERVED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # capacity audits: live commitments of an offer
            models.Index(fields=["offer", "state"], name="commitment_offer_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0, item_quantity__gt=0), name="commitment_positive"
            ),
            models.CheckConstraint(
                condition=Q(state__in=CommitmentState.values), name="commitment_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of offer {self.offer_id} ({self.state})"
