"""Admin for the catalogue: staff can browse and correct descriptions; workflow state is read-only.

A need's or an offer's status, an offer's quantity, a need's items and a verified organization's
identity drive proposals, reservations and verification: changing them goes through the services
(the console or the API), which release what depends on them and record why. Nothing is deleted
here: DELETE in the API withdraws an offer and cancels a need.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
    SdgGoal,
    SdgTarget,
    VulnerableGroup,
)

IDENTITY_FIELDS = ["name", "kind", "country", "identifier"]


class MembershipFormSet(BaseInlineFormSet):
    """The same rule as the members' service: an organization with members keeps an admin."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        had_admin = self.instance.pk is not None and (
            Membership.objects.filter(
                organization=self.instance, role=Membership.Role.ADMIN
            ).exists()
        )
        if had_admin and not any(data.get("role") == Membership.Role.ADMIN for data in kept):
            raise ValidationError(
                _("%(name)s must keep at least one admin.") % {"name": self.instance.name},
                code="last_admin",
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
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

    def get_readonly_fields(self, request, obj=None):
        # A verified organization's identity changes through update_organization, which makes
        # it unverified again and holds what depends on it.
        if obj is not None and obj.verified_at is not None:
            return [*IDENTITY_FIELDS, *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Verify the selected organizations"))
    def verify(self, request, queryset):
        for organization in queryset:
            services.verify_organization(actor=request.user, organization=organization)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("Verified %(count)d organization.", "Verified %(count)d organizations.", count)
            % {"count": count},
            messages.SUCCESS,
        )


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
    readonly_fields = [
        "status",
        "quantity",
        "kind",
        "reserved",
        "committed",
        "remaining",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["organization"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NeedItemInline(admin.TabularInline):
    model = NeedItem
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
    readonly_fields = ["status"]
    inlines = [NeedItemInline, ConsultationInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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


@admin.register(SdgGoal)
class SdgGoalAdmin(admin.ModelAdmin):
    list_display = ["goal", "title"]
    search_fields = ["title"]


@admin.register(SdgTarget)
class SdgTargetAdmin(admin.ModelAdmin):
    list_display = ["code", "goal", "title"]
    list_filter = ["goal"]
    search_fields = ["code", "title"]


@admin.register(CurrencyRate)
class CurrencyRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "per_usd", "as_of"]
