"""Match runs, proposals, partnerships, progress reports and state history."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import QUANTITY, bounded_dict
from matching.explanations import Labels, localize_representation
from matching.models import (
    Comment,
    MatchRun,
    Partner,
    Partnership,
    ProgressReport,
    Proposal,
    ProposalLine,
    StateChange,
)
from matching.services.run_parameters import parameters_schema
from registry.models import Organization


@extend_schema_field(parameters_schema())
class RunParametersField(serializers.JSONField):
    """Engine parameters: validated and bounded by the service that queues the run."""


class MatchRunSerializer(serializers.ModelSerializer):
    """A matching run; poll it until `status` is succeeded or failed."""

    parameters = RunParametersField(
        required=False,
        help_text=_(
            "Engine weights and limits (see the engine's Parameters) and an optional "
            "`scope` {need_ids, area, max_needs, max_offers, offers_per_category}."
        ),
    )

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "status",
            "trigger",
            "parameters",
            "progress",
            "stage",
            "metrics",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f != "parameters"]
        extra_kwargs = {
            "status": {"help_text": "queued, running, succeeded or failed."},
            "trigger": {"help_text": "manual, scheduled, event or need."},
            "progress": {"help_text": "Percent done."},
            "stage": {"help_text": "The stage the run is in."},
            "metrics": {
                "help_text": "Needs, offers and candidate pairs considered, coverage, LP bound "
                "(lp_bound: an upper bound of the priority-weighted coverage over every pair "
                "that passes the hard rules, not only the candidates), gap to it, greedy "
                "baseline, seconds per stage, and whether the time limit had a say (overran)."
            },
            "error": {"help_text": "Why the run failed."},
            "attempts": {"help_text": "How many times a worker claimed the run."},
        }


class ProposalLineSerializer(serializers.ModelSerializer):
    """One partner's part: an offer covering part of a need item."""

    quantity = serializers.DecimalField(
        read_only=True, help_text=_("In the need item's unit."), **QUANTITY
    )
    offer_quantity = serializers.DecimalField(
        read_only=True, help_text=_("In the offer's unit."), **QUANTITY
    )
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=4,
        read_only=True,
        coerce_to_string=True,
        help_text=_("Combined score in [0, 1]."),
    )

    class Meta:
        model = ProposalLine
        fields = [
            "id",
            "offer",
            "need_item",
            "organization",
            "quantity",
            "offer_quantity",
            "score",
            "terms",
            "explanation",
            "confirmation",
            "confirmed_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "offer": {"help_text": "The offer's id."},
            "need_item": {"help_text": "The need item's id."},
            "organization": {"help_text": "The offering organization's id."},
            "terms": {"help_text": "Score components, each in [0, 1]."},
            "explanation": {"help_text": "The line in words."},
            "confirmation": {"help_text": "pending, confirmed or declined by the partner."},
            "confirmed_at": {"help_text": "When the partner decided."},
        }


class ProposalSerializer(serializers.ModelSerializer):
    """A proposed coalition for one need, with its lines and explanation."""

    lines = ProposalLineSerializer(many=True, read_only=True, help_text=_("Who gives what."))
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=4,
        read_only=True,
        coerce_to_string=True,
        help_text=_("Quality of the proposal in [0, 1]."),
    )
    coverage = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        read_only=True,
        coerce_to_string=True,
        help_text=_("Share of the need's remaining items covered."),
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "run",
            "need",
            "status",
            "score",
            "coverage",
            "explanation",
            "lines",
            "created_at",
            "decided_at",
            "reason",
            "respond_by",
            "owner_consent",
            "override_reason",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "respond_by": {
                "help_text": "Answers still missing then expire and their capacity is released."
            },
            "owner_consent": {
                "help_text": "The need's organization's answer: pending, given or declined."
            },
            "override_reason": {
                "help_text": "Why a coordinator accepted partners not yet verified."
            },
            "run": {"help_text": "The run that proposed it."},
            "need": {"help_text": "The need's id."},
            "status": {
                "help_text": "proposed, accepted, rejected, superseded, withdrawn or formed."
            },
            "explanation": {"help_text": "Summary, lines and what is still uncovered and why."},
            "decided_at": {"help_text": "When a coordinator decided."},
            "reason": {"help_text": "Why it was rejected or revoked."},
        }

    def to_representation(self, instance):
        # The sentences in the request's language, from the facts stored beside them; the
        # taxonomy's names are read once for a whole list (the context is the list's).
        labels = self.context.setdefault("explanation_labels", Labels())
        return localize_representation(super().to_representation(instance), labels)


class DecisionSerializer(serializers.Serializer):
    """The proposal after a review call, and whether the call changed anything."""

    changed = serializers.BooleanField(
        help_text=_("False when the call repeated an earlier decision.")
    )
    message = serializers.CharField(help_text=_("What happened, in words."))
    proposal = ProposalSerializer(help_text=_("The proposal after the call."))


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the proposal is rejected."))


class CompleteSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text=_("A closing note.")
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text=_("Why the partnership is cancelled (what was not delivered).")
    )


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the acceptance is revoked."))


class AcceptSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_(
            "Required when partners are not verified: why the coordinating body accepts "
            "them anyway (recorded in the history)."
        ),
    )
    respond_by = serializers.DateTimeField(
        required=False,
        help_text=_("When answers are due (default: PROPOSAL_RESPONSE_DAYS days from now)."),
    )


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_("Why your organization declines."),
    )


class StateChangeSerializer(serializers.ModelSerializer):
    """One recorded state change."""

    actor = serializers.CharField(
        source="actor.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Who made the change (empty for the system)."),
    )

    class Meta:
        model = StateChange
        fields = ["subject_type", "subject_id", "from_state", "to_state", "actor", "reason", "at"]
        read_only_fields = fields
        extra_kwargs = {
            "subject_type": {"help_text": "proposal, proposalline, commitment, partnership, ..."},
            "subject_id": {"help_text": "The subject's id."},
            "from_state": {"help_text": "State before."},
            "to_state": {"help_text": "State after."},
            "reason": {"help_text": "Why."},
            "at": {"help_text": "When."},
        }


class PartnerSerializer(serializers.ModelSerializer):
    """An organization and its IATI role in a partnership."""

    role_name = serializers.CharField(
        source="get_role_display", read_only=True, help_text=_("Funding, ...")
    )

    class Meta:
        model = Partner
        fields = ["organization", "role", "role_name"]
        read_only_fields = fields
        extra_kwargs = {
            "organization": {"help_text": "The organization's id."},
            "role": {
                "help_text": "IATI OrganisationRole code: 1 funding, 2 accountable, 3 extending, "
                "4 implementing."
            },
        }


class PartnershipSerializer(serializers.ModelSerializer):
    """Organizations working together on a need."""

    partners = PartnerSerializer(
        many=True, read_only=True, help_text=_("Partners and their roles.")
    )

    class Meta:
        model = Partnership
        fields = [
            "id",
            "need",
            "proposal",
            "status",
            "partners",
            "formed_at",
            "closed_at",
            "next_report_due",
            "report_overdue",
            "close_reason",
            "reached_target",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "close_reason": {"help_text": "Why a coordinator completed or cancelled it."},
            "reached_target": {
                "help_text": "On completion: whether the need's indicator reached its target."
            },
            "need": {"help_text": "The need it works on."},
            "proposal": {"help_text": "The proposal it was formed from."},
            "status": {"help_text": "active, completed or cancelled."},
            "formed_at": {"help_text": "When every line was decided."},
            "closed_at": {"help_text": "When it ended."},
            "next_report_due": {"help_text": "When the next progress report is due."},
            "report_overdue": {"help_text": "True when the report is overdue."},
        }


class ProgressReportSerializer(serializers.ModelSerializer):
    """A progress report on the need's indicator."""

    indicator_value = serializers.DecimalField(
        max_digits=16,
        decimal_places=4,
        coerce_to_string=True,
        help_text=_("The indicator's value at period_end."),
    )
    disaggregation = bounded_dict(
        10,
        required=False,
        child=bounded_dict(20, child=serializers.CharField(max_length=40)),
        help_text=_(
            "The value by sex, age band, disability, urban/rural: {dimension: {group: value}}."
        ),
    )
    submit = serializers.BooleanField(
        write_only=True, default=False, help_text=_("Submit for review now (otherwise a draft).")
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "partnership",
            "organization",
            "period_end",
            "indicator_value",
            "disaggregation",
            "narrative",
            "status",
            "submit",
            "review_comment",
            "created_at",
            "submitted_at",
            "reviewed_at",
        ]
        read_only_fields = [
            "partnership",
            "status",
            "review_comment",
            "created_at",
            "submitted_at",
            "reviewed_at",
        ]
        extra_kwargs = {
            "organization": {
                "help_text": "The reporting partner (defaults to your first).",
                "required": False,
            },
            "period_end": {"help_text": "Last day of the period reported on."},
            "narrative": {"help_text": "What was done, for whom, and what changed."},
            "status": {"help_text": "draft, submitted, approved or returned."},
            "review_comment": {"help_text": "The coordinator's comment."},
        }


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("Approve (true) or return (false) the report."))
    comment = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when returning."),
    )


class CoverageFigureSerializer(serializers.Serializer):
    category = serializers.CharField(help_text=_("The category's slug."))
    category_name = serializers.CharField(help_text=_("The category's name."))
    unit = serializers.CharField(
        help_text=_(
            "The category's unit; `USD` for money converted at the dated rates, or a "
            "currency code for an amount in a currency without a rate (never added to USD)."
        )
    )
    needed = serializers.DecimalField(help_text=_("Quantity the public needs ask for."), **QUANTITY)
    reserved = serializers.DecimalField(
        help_text=_("Reserved by accepted proposals, awaiting the partners' confirmation."),
        **QUANTITY,
    )
    committed = serializers.DecimalField(
        help_text=_("Confirmed by partners, not yet delivered."), **QUANTITY
    )
    delivered = serializers.DecimalField(
        help_text=_("Delivered by partnerships completed on an approved final report."), **QUANTITY
    )


class CoverageSharesSerializer(serializers.Serializer):
    reserved = serializers.FloatField(help_text=_("Mean share of the quantity needed reserved."))
    committed = serializers.FloatField(help_text=_("Mean share of the quantity needed committed."))
    delivered = serializers.FloatField(help_text=_("Mean share of the quantity needed delivered."))


class CoverageRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text=_("The area code, category, vulnerable group, focus area or SDG target.")
    )
    name = serializers.CharField(help_text=_("The row's name in English."))
    level = serializers.CharField(
        help_text=_("Areas: `global`, `country` (its subdivisions included) or `subdivision`.")
    )
    parent = serializers.CharField(allow_null=True, help_text=_("A subdivision's country."))
    needs = serializers.IntegerField(help_text=_("Public needs counted in this row."))
    measured_needs = serializers.IntegerField(
        help_text=_("Of those, needs whose indicator has a baseline and a target.")
    )
    gap_closed = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Mean share of the indicator gap closed, from approved progress reports "
            "(null when no need measures one)."
        ),
    )
    shares = CoverageSharesSerializer(
        help_text=_(
            "Reserved, committed and delivered: the mean over the row's categories of "
            "each one's share of the quantity needed (taken within one unit, then averaged)."
        )
    )
    figures = CoverageFigureSerializer(
        many=True,
        source="figure_list",
        help_text=_("One figure per category and unit; figures are never added to each other."),
    )


class CoverageSerializer(serializers.Serializer):
    by = serializers.CharField(help_text=_("What the rows are grouped by."))
    currency = serializers.CharField(help_text=_("The currency money is converted to."))
    rates_as_of = serializers.DateField(help_text=_("Date of the exchange rates used."))
    rates_source = serializers.CharField(help_text=_("Where the exchange rates come from."))
    rows = CoverageRowSerializer(
        many=True, help_text=_("Areas: `global` first, then each country before its subdivisions.")
    )


class CommentSerializer(serializers.ModelSerializer):
    """A comment on a proposal or a progress report."""

    author = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text=_("Who wrote it.")
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "The organization the author speaks for (defaults to your first; none for a "
            "coordinator who is not a member of one)."
        ),
    )

    class Meta:
        model = Comment
        fields = ["id", "author", "organization", "body", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "body": {"help_text": "The comment, at most 2000 characters.", "max_length": 2000},
        }
