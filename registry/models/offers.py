"""Offers: resources an organization puts at the disposal of partnerships."""

from __future__ import annotations

from typing import TypedDict

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from registry.area_codes import covering_areas
from registry.models.audit import audited
from registry.models.organizations import Organization
from registry.models.taxonomy import Category, FocusArea, ResourceKind, VulnerableGroup
from registry.models.visibility import public_or_own


class Digits(TypedDict):
    """A DecimalField's size, passed as its keyword arguments."""

    max_digits: int
    decimal_places: int


QUANTITY: Digits = {"max_digits": 16, "decimal_places": 2}


class OfferQuerySet(models.QuerySet):
    def published(self) -> OfferQuerySet:
        return self.filter(status=Offer.Status.PUBLISHED)

    def covering(self, area: str) -> OfferQuerySet:
        """Offers whose areas include `area`, its country, or `global` (uses offer_areas_gin)."""
        return self.filter(areas__overlap=covering_areas(area))

    def visible_to(self, user) -> OfferQuerySet:
        """Published offers, plus every offer of the user's own organizations."""
        condition = public_or_own(user, Q(status=Offer.Status.PUBLISHED))
        return self if condition is None else self.filter(condition)


class OfferReach(Func):
    """`registry_offer_reach(category, areas)`: the offer's category paired with each of its
    areas, as 'category:area' strings (an immutable SQL function, migration 0007).

    Indexed (offer_reach_gin), so that "offers of these categories reaching these areas" is
    one exact index condition, `reach && ARRAY['laptops:KE', 'laptops:KE-30', ...]`, instead of a
    category scan filtered by area.
    """

    function = "registry_offer_reach"
    arity = 2
    output_field = ArrayField(models.TextField())

    @staticmethod
    def keys(categories, areas) -> list[str]:
        """The reach keys of every (category, area) pair, sorted."""
        return sorted(f"{category}:{area}" for category in categories for area in areas)


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


@audited(exclude=["search", "focus_area_slugs", "vulnerable_group_slugs"])
class Offer(models.Model):
    """Human, financial or technical resources an organization offers, in some areas."""

    Status = OfferStatus

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="offers")
    # Copied from the category so that the financial/currency rule is a row constraint.
    kind = models.CharField(max_length=16, choices=ResourceKind.choices, editable=False)
    quantity = models.DecimalField(**QUANTITY)
    currency = models.CharField(max_length=3, blank=True, default="")
    areas = ArrayField(models.CharField(max_length=10), size=50)
    focus_areas = models.ManyToManyField(FocusArea, blank=True, related_name="offers")
    vulnerable_groups = models.ManyToManyField(VulnerableGroup, blank=True, related_name="offers")
    # Copies of the two relations above (their slugs, in byte order), so that ranking offers for
    # a need reads one row per offer instead of joining the link tables. Database triggers on the
    # link tables keep them equal on every write path (migration 0006); they are not audited,
    # as the relations are not.
    focus_area_slugs = ArrayField(
        models.CharField(max_length=64), default=list, db_default=Value([]), editable=False
    )
    vulnerable_group_slugs = ArrayField(
        models.CharField(max_length=64), default=list, db_default=Value([]), editable=False
    )
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)
    min_allocation = models.DecimalField(null=True, blank=True, **QUANTITY)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Maintained by matching's services under a row lock; the constraint below is the backstop.
    reserved = models.DecimalField(default=0, editable=False, **QUANTITY)
    committed = models.DecimalField(default=0, editable=False, **QUANTITY)
    remaining = models.GeneratedField(
        expression=F("quantity") - F("reserved") - F("committed"),
        output_field=models.DecimalField(**QUANTITY),
        db_persist=True,
    )
    search = models.GeneratedField(
        expression=SearchVector("title", "description", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # OfferQuerySet.covering(): areas && ARRAY[area, country, 'global']
            GinIndex(fields=["areas"], name="offer_areas_gin"),
            # the `q` filter: search @@ websearch_to_tsquery(...)
            GinIndex(fields=["search"], name="offer_search_gin"),
            # candidate loading for matching: published offers of a category
            models.Index(fields=["category", "status"], name="offer_category_status"),
            # matching one need: offers of its categories reaching its area (OfferReach)
            GinIndex(OfferReach("category", "areas"), name="offer_reach_gin"),
            # the offers list (OfferViewSet.list): newest first without sorting them all
            models.Index(fields=["-created_at", "-id"], name="offer_list_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="offer_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=OfferStatus.values), name="offer_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ResourceKind.values), name="offer_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind=ResourceKind.FINANCIAL) & Q(currency__regex=r"^[A-Z]{3}$"))
                | (~Q(kind=ResourceKind.FINANCIAL) & Q(currency="")),
                name="offer_currency_iff_financial",
            ),
            models.CheckConstraint(
                condition=Q(min_allocation__isnull=True)
                | Q(min_allocation__gt=0, min_allocation__lte=F("quantity")),
                name="offer_min_allocation_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="offer_availability_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0, committed__gte=0),
                name="offer_commitments_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=F("reserved") + F("committed")),
                name="offer_capacity_not_exceeded",
            ),
            models.CheckConstraint(condition=Q(areas__len__gt=0), name="offer_areas_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title
