"""Needs: measured digital-inclusion gaps posted by governments, with the resources to close them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslationField

from registry.area_codes import GLOBAL
from registry.models.offers import QUANTITY
from registry.models.organizations import Organization
from registry.models.search import TranslationsSearchVector
from registry.models.taxonomy import Category, FocusArea, ResourceKind, SdgTarget, VulnerableGroup
from registry.models.visibility import public_or_own


def share_of_gap_closed(
    baseline: Decimal | None, current: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """How much of the way from baseline to target the current value has come (0 to 1)."""
    if baseline is None or current is None or target is None or target == baseline:
        return None
    share = (current - baseline) / (target - baseline)
    return min(Decimal(1), max(Decimal(0), share)).quantize(Decimal("0.0001"))


class NeedQuerySet(models.QuerySet):
    def open(self) -> NeedQuerySet:
        """Needs that still accept proposals."""
        return self.filter(status__in=Need.MATCHABLE_STATUSES)

    def within(self, area: str) -> NeedQuerySet:
        """Needs located in `area` (a country includes its subdivisions)."""
        if area == GLOBAL:
            return self
        return self.filter(Q(area=area) | Q(area__startswith=f"{area}-"))

    def visible_to(self, user) -> NeedQuerySet:
        """Public needs, plus every need of the user's own organizations."""
        condition = public_or_own(user, Q(status__in=Need.PUBLIC_STATUSES))
        return self if condition is None else self.filter(condition)


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PARTIALLY_MET = "partially_met", _("Partially met")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Need(models.Model):
    """A measured gap in an area, posted by a government, and the resources needed to close it."""

    Status = NeedStatus

    PUBLIC_STATUSES = (NeedStatus.OPEN, NeedStatus.PARTIALLY_MET, NeedStatus.MET, NeedStatus.CLOSED)
    MATCHABLE_STATUSES = (NeedStatus.OPEN, NeedStatus.PARTIALLY_MET)

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    # The language title and description are written in; translations into the other five are in
    # i18n (title_fr, description_ar …), read and written through registry.user_content.
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        db_default="en",
        help_text=_("The language the title and description are written in."),
    )
    i18n = TranslationField(fields=("title", "description"))
    area = models.CharField(max_length=10)
    focus_areas = models.ManyToManyField(FocusArea, blank=True, related_name="needs")
    vulnerable_groups = models.ManyToManyField(VulnerableGroup, blank=True, related_name="needs")
    sdg_targets = models.ManyToManyField(SdgTarget, blank=True, related_name="needs")
    population = models.PositiveIntegerField(null=True, blank=True, help_text=_("People affected."))
    indicator_name = models.CharField(max_length=200, blank=True)
    indicator_unit = models.CharField(max_length=40, blank=True)
    indicator_baseline = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    indicator_target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    indicator_source = models.CharField(max_length=300, blank=True)
    indicator_date = models.DateField(null=True, blank=True)
    indicator_disaggregation = models.JSONField(default=dict, blank=True)
    # Set by the latest approved progress report: baseline → current → target.
    indicator_current = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    indicator_current_disaggregation = models.JSONField(default=dict, db_default={}, blank=True)
    indicator_current_date = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=3, help_text=_("1 low … 5 critical."))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    search = models.GeneratedField(
        # The original and its translations: a search in any of the six languages finds it.
        expression=SearchVector("title", "description", config="english")
        + TranslationsSearchVector("i18n"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "deadline", "id"]
        indexes = [
            # the `q` filter: search @@ websearch_to_tsquery(...)
            GinIndex(fields=["search"], name="need_search_gin"),
            # NeedQuerySet.open() when loading a matching run
            models.Index(fields=["status", "area"], name="need_status_area"),
            # the needs list (NeedViewSet.list): a page in Meta.ordering without sorting them all
            models.Index(fields=["-priority", "deadline", "id"], name="need_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=5), name="need_priority_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=NeedStatus.values), name="need_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gt=0),
                name="need_population_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.MATCHABLE_STATUSES

    @property
    def target_reached(self) -> bool:
        """The current value has reached the target (going up or down from the baseline)."""
        current, target = self.indicator_current, self.indicator_target
        if current is None or target is None:
            return False
        if self.indicator_baseline is not None and target < self.indicator_baseline:
            return current <= target
        return current >= target

    @property
    def gap_closed(self) -> Decimal | None:
        return share_of_gap_closed(
            self.indicator_baseline, self.indicator_current, self.indicator_target
        )


class NeedItem(models.Model):
    """One resource a need asks for: a category and a quantity (and currency for money)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="need_items")
    kind = models.CharField(max_length=16, choices=ResourceKind.choices, editable=False)
    quantity = models.DecimalField(**QUANTITY)
    currency = models.CharField(max_length=3, blank=True, default="")
    # Maintained by matching's services under a row lock.
    reserved = models.DecimalField(default=0, editable=False, **QUANTITY)
    committed = models.DecimalField(default=0, editable=False, **QUANTITY)
    covered = models.GeneratedField(
        expression=F("reserved") + F("committed"),
        output_field=models.DecimalField(**QUANTITY),
        db_persist=True,
    )

    class Meta:
        ordering = ["need_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "category"], name="need_item_unique_category"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="need_item_quantity_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=ResourceKind.values), name="need_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind=ResourceKind.FINANCIAL) & Q(currency__regex=r"^[A-Z]{3}$"))
                | (~Q(kind=ResourceKind.FINANCIAL) & Q(currency="")),
                name="need_item_currency_iff_financial",
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0, committed__gte=0),
                name="need_item_commitments_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=F("reserved") + F("committed")),
                name="need_item_not_oversupplied",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.category_id}"


class Consultation(models.Model):
    """A record that the groups a need affects were consulted, and through whom."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField()
    summary = models.TextField(max_length=5000)
    groups = models.ManyToManyField(VulnerableGroup, blank=True, related_name="+")
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+")

    class Meta:
        ordering = ["need_id", "held_on", "id"]

    def __str__(self) -> str:
        return f"Consultation of {self.held_on}"


class Endorsement(models.Model):
    """A community organization's support for a need that affects the group it represents."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="endorsements")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["need_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "organization"], name="endorsement_unique"),
        ]

    def __str__(self) -> str:
        return f"Endorsement by organization {self.organization_id}"
