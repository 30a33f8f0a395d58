"""Admin for the catalogue: staff can browse and correct records; writes go through services."""

from django.contrib import admin, messages

from registry import services
from registry.models import (
    Category,
    Consultation,
    CurrencyRate,
    Endorsement,
    FocusArea,
    Membership,
    Need,
    NeedItem,
    Offer,
    Organization,
    SdgTarget,
    VulnerableGroup,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "identifier", "verified_at", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["name", "identifier"]
    readonly_fields = ["verified_at", "verified_by", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["verify"]

    @admin.action(description="Verify the selected organizations")
    def verify(self, request, queryset):
        for organization in queryset:
            services.verify_organization(actor=request.user, organization=organization)
        self.message_user(request, f"Verified {queryset.count()} organizations.", messages.SUCCESS)


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organization",
        "category",
        "quantity",
        "reserved",
        "committed",
        "status",
    ]
    list_filter = ["status", "kind", "category"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization", "category"]
    readonly_fields = ["kind", "reserved", "committed", "remaining", "created_at", "updated_at"]
    raw_id_fields = ["organization"]


class NeedItemInline(admin.TabularInline):
    model = NeedItem
    extra = 0
    readonly_fields = ["kind", "reserved", "committed", "covered"]


class ConsultationInline(admin.StackedInline):
    model = Consultation
    extra = 0


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "area", "priority", "deadline", "status"]
    list_filter = ["status", "priority"]
    search_fields = ["title", "organization__name", "area"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    inlines = [NeedItemInline, ConsultationInline]


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["need", "organization", "created_at"]
    raw_id_fields = ["need", "organization", "endorsed_by"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "unit"]
    list_filter = ["kind"]


@admin.register(FocusArea, VulnerableGroup)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]


@admin.register(SdgTarget)
class SdgTargetAdmin(admin.ModelAdmin):
    list_display = ["code", "goal", "title"]
    list_filter = ["goal"]
    search_fields = ["code", "title"]


@admin.register(CurrencyRate)
class CurrencyRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "per_usd", "as_of"]
