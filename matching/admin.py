"""Admin for matching: read-mostly views of runs, proposals, commitments and partnerships."""

from django.contrib import admin

from matching.models import (
    Commitment,
    MatchRun,
    Partner,
    Partnership,
    ProgressReport,
    Proposal,
    ProposalLine,
    StateChange,
)


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "trigger", "progress", "stage", "created_at", "finished_at"]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in MatchRun._meta.fields]


class ProposalLineInline(admin.TabularInline):
    model = ProposalLine
    extra = 0
    can_delete = False
    readonly_fields = [
        "offer",
        "need_item",
        "organization",
        "quantity",
        "offer_quantity",
        "score",
        "confirmation",
        "explanation",
    ]
    fields = readonly_fields


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["id", "need", "run", "status", "score", "coverage", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["need", "run"]
    readonly_fields = [
        "run",
        "need",
        "score",
        "coverage",
        "explanation",
        "fingerprint",
        "decided_by",
    ]
    inlines = [ProposalLineInline]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["id", "offer", "need_item", "quantity", "state", "updated_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in Commitment._meta.fields]


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["id", "need", "status", "formed_at", "next_report_due", "report_overdue"]
    list_filter = ["status", "report_overdue"]
    raw_id_fields = ["need", "proposal"]
    inlines = [PartnerInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["id", "partnership", "period_end", "status", "submitted_at"]
    list_filter = ["status"]
    raw_id_fields = ["partnership", "organization", "reported_by", "reviewed_by"]


@admin.register(StateChange)
class StateChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "subject_type", "subject_id", "from_state", "to_state", "actor", "reason"]
    list_filter = ["subject_type", "to_state"]
    readonly_fields = [f.name for f in StateChange._meta.fields]
