"""Reference lists loaded from fixtures/taxonomy by a data migration; read-only over the API."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslationField


class ResourceKind(models.TextChoices):
    FINANCIAL = "financial", _("Financial")
    HUMAN = "human", _("Human")
    TECHNICAL = "technical", _("Technical")


class Category(models.Model):
    """A kind of resource that is offered and needed (grant, laptops, trainer-days ...)."""

    slug = models.SlugField(primary_key=True, max_length=64, help_text=_("Stable identifier."))
    name = models.CharField(max_length=120, help_text=_("Name in English."))
    kind = models.CharField(
        max_length=16, choices=ResourceKind.choices, help_text=_("financial, human or technical.")
    )
    unit = models.CharField(
        max_length=32, help_text=_("What a quantity counts: currency, person-days, units, sites.")
    )
    description = models.TextField(blank=True, help_text=_("What it covers."))
    # Names in the other UN languages (name_fr, name_ar ...); `name_i18n` reads the active one.
    i18n = TranslationField(fields=("name", "description"))

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ResourceKind.values), name="category_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        # The name in the active language (English when it has none): form choices, pages.
        return str(self.name_i18n)  # type: ignore[attr-defined]


class FocusArea(models.Model):
    """A theme of digital inclusion (connectivity, digital skills ...)."""

    slug = models.SlugField(primary_key=True, max_length=64, help_text=_("Stable identifier."))
    name = models.CharField(max_length=120, help_text=_("Name in English."))
    description = models.TextField(blank=True, help_text=_("What it covers."))
    # Names in the other UN languages (name_fr, name_ar ...); `name_i18n` reads the active one.
    i18n = TranslationField(fields=("name", "description"))

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        # The name in the active language (English when it has none): form choices, pages.
        return str(self.name_i18n)  # type: ignore[attr-defined]


class VulnerableGroup(models.Model):
    """A group of people a need or an offer is meant to reach first."""

    slug = models.SlugField(primary_key=True, max_length=64, help_text=_("Stable identifier."))
    name = models.CharField(max_length=120, help_text=_("Name in English."))
    description = models.TextField(blank=True, help_text=_("What it covers."))
    # Names in the other UN languages (name_fr, name_ar ...); `name_i18n` reads the active one.
    i18n = TranslationField(fields=("name", "description"))

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        # The name in the active language (English when it has none): form choices, pages.
        return str(self.name_i18n)  # type: ignore[attr-defined]


class SdgGoal(models.Model):
    """One of the 17 Sustainable Development Goals."""

    goal = models.PositiveSmallIntegerField(primary_key=True, help_text=_("Goal number, 1-17."))
    title = models.TextField(help_text=_("Official English title."))
    # Official titles in the other UN languages (title_fr, title_ar ...); `title_i18n` reads the
    # active one.
    i18n = TranslationField(fields=("title",))

    class Meta:
        ordering = ["goal"]
        verbose_name = "SDG goal"
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__gte=1, goal__lte=17), name="sdg_goal_number_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.goal)

    @classmethod
    def titles(cls) -> dict[int, str]:
        """Every goal's title in the active language (English where missing), by number."""
        return {goal.goal: str(goal.title_i18n) for goal in cls.objects.all()}  # type: ignore[attr-defined]


class SdgTarget(models.Model):
    """One of the 169 targets of the Sustainable Development Goals."""

    code = models.CharField(primary_key=True, max_length=8, help_text=_("Target code, e.g. 9.c."))
    goal = models.PositiveSmallIntegerField(help_text=_("Goal number, 1-17."))
    position = models.PositiveSmallIntegerField(
        help_text=_("Rank in the official list (1.1 … 17.19).")
    )
    title = models.TextField(help_text=_("Official English title."))
    # Official titles in the other UN languages (title_fr, title_ar ...); `title_i18n` reads the
    # active one.
    i18n = TranslationField(fields=("title",))

    class Meta:
        ordering = ["position"]
        verbose_name = "SDG target"
        constraints = [
            models.CheckConstraint(condition=Q(goal__gte=1, goal__lte=17), name="sdg_goal_range"),
        ]

    def __str__(self) -> str:
        return self.code

    @classmethod
    def with_goal_titles(cls, targets: models.QuerySet[SdgTarget]) -> list[tuple[SdgTarget, str]]:
        """Each target, in the official order, with its goal's title in the active language."""
        titles = SdgGoal.titles()
        return [(target, titles.get(target.goal, "")) for target in targets.order_by("position")]


class CurrencyRate(models.Model):
    """How many units of a currency buy one US dollar, as of a date."""

    currency = models.CharField(primary_key=True, max_length=3)
    per_usd = models.DecimalField(max_digits=20, decimal_places=8)
    as_of = models.DateField()

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(condition=Q(per_usd__gt=0), name="currency_rate_positive"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="currency_rate_code_iso4217"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.per_usd}/USD"
