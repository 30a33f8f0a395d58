"""Admin for matching: read-only views of runs, proposals, commitments and partnerships.

Every state change of the workflow (accept, confirm, release, form, report, complete...) goes
through matching/services, which check the rules, keep capacity whole and write the history; the
admin shows the records and changes none of them. Staff act through the console or the API.
"""

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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: no add, change or delete, so no state changes outside the services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "trigger", "progress", "stage", "created_at", "finished_at"]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in MatchRun._meta.fields]


class ProposalLineInline(ReadOnlyInline):
    model = ProposalLine
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
class ProposalAdmin(ReadOnlyAdmin):
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
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "offer", "need_item", "quantity", "state", "updated_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in Commitment._meta.fields]


class PartnerInline(ReadOnlyInline):
    model = Partner


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ["id", "need", "status", "formed_at", "next_report_due", "report_overdue"]
    list_filter = ["status", "report_overdue"]
    raw_id_fields = ["need", "proposal"]
    inlines = [PartnerInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "partnership", "period_end", "status", "submitted_at"]
    list_filter = ["status"]
    raw_id_fields = ["partnership", "organization", "reported_by", "reviewed_by"]


@admin.register(StateChange)
class StateChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "subject_type", "subject_id", "from_state", "to_state", "actor", "reason"]
    list_filter = ["subject_type", "to_state"]
    readonly_fields = [f.name for f in StateChange._meta.fields]
