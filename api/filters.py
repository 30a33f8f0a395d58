"""FilterSets for every list: values that name nothing answer 400, never an empty guess."""

from __future__ import annotations

import django_filters as filters
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import MultiWidget
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from registry.area_codes import GLOBAL
from registry.areas import validate_area_code, validate_country_code
from registry.models import Category, FocusArea, Need, Offer, Organization, VulnerableGroup
from registry.models.taxonomy import ResourceKind


def _area(value: str) -> str:
    value = value if value == GLOBAL else value.upper()  # stored upper case: KE-30
    try:
        validate_area_code(value)
    except DjangoValidationError as error:
        raise ValidationError({"area": error.messages}) from error
    return value


def _full_text(queryset, name, value):
    """Full-text search over title and description (the `search` column, GIN-indexed)."""
    # For needs the column holds their translations' words too (registry.models.search).
    return queryset.filter(search=SearchQuery(value, search_type="websearch", config="english"))


class FilterSet(filters.FilterSet):
    """A FilterSet whose form class is built once per class instead of on every request.

    django-filter builds a new form class (a field per filter, through the form metaclass) each
    time it validates a query; a form instance deep-copies its class's fields anyway, so the
    class can be shared. On the offers search this was a quarter of the request's Python time.
    """

    def get_form_class(self):
        cls = type(self)
        form = cls.__dict__.get("_shared_form_class")
        if form is None:
            form = super().get_form_class()
            cls._shared_form_class = form
        return form


def filter_parameters(filterset_class) -> frozenset[str] | None:
    """The query parameters a FilterSet reads, or None when they cannot be listed by name
    (a required filter, or a widget that reads several suffixed parameters)."""
    cached = filterset_class.__dict__.get("_filter_parameters", False)
    if cached is not False:
        return cached
    form = filterset_class.get_form_class(filterset_class(queryset=None))
    names: frozenset[str] | None = frozenset(form.base_fields)
    for field in form.base_fields.values():
        if field.required or isinstance(field.widget, MultiWidget):
            names = None
    filterset_class._filter_parameters = names
    return names


class ListOrderingFilter(OrderingFilter):
    """DRF's ordering, documented only where a view has fields to order by (a detail action
    that sets `ordering_fields=[]` reads no `ordering`, so the schema does not offer it)."""

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "ordering_fields", None):
            return []
        return super().get_schema_operation_parameters(view)


class UnfilteredWithoutParametersMixin:
    """A view whose request names none of its filters' or the ordering's parameters is not put
    through them: DjangoFilterBackend would validate an empty form and apply no filter, and
    OrderingFilter would keep the queryset's order (the views set no default `ordering`).

    Any parameter a filter reads — even empty, even invalid — takes the usual path, so the
    answers and the 400s are the backends' own.
    """

    def filter_queryset(self, queryset):
        if self._filters_idle():
            return queryset
        return super().filter_queryset(queryset)

    def _filters_idle(self) -> bool:
        if getattr(self, "ordering", None):
            return False
        read: set[str] = set()
        for backend in self.filter_backends:
            if issubclass(backend, OrderingFilter):
                read.add(backend.ordering_param)
            elif backend is DjangoFilterBackend:
                filterset_class = getattr(self, "filterset_class", None)
                if filterset_class is None:
                    if getattr(self, "filterset_fields", None):
                        return False
                    continue
                names = filter_parameters(filterset_class)
                if names is None:
                    return False
                read |= names
            else:
                return False
        return read.isdisjoint(self.request.query_params)


class CatalogueFilterSet(FilterSet):
    category = filters.ModelChoiceFilter(
        queryset=Category.objects.all(), help_text=_("Category slug.")
    )
    kind = filters.ChoiceFilter(
        choices=ResourceKind.choices, help_text=_("financial, human or technical.")
    )
    focus_area = filters.ModelChoiceFilter(
        field_name="focus_areas", queryset=FocusArea.objects.all(), help_text=_("Focus-area slug.")
    )
    vulnerable_group = filters.ModelChoiceFilter(
        field_name="vulnerable_groups",
        queryset=VulnerableGroup.objects.all(),
        help_text=_("Vulnerable-group slug."),
    )
    organization = filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), help_text=_("Organization id.")
    )
    q = filters.CharFilter(
        method=_full_text, max_length=200, help_text=_("Full-text search of title and description.")
    )


class OfferFilterSet(CatalogueFilterSet):
    area = filters.CharFilter(
        method="filter_area",
        max_length=10,
        help_text=_(
            "Offers covering this area: KE-30 finds offers for KE-30, for KE, and global ones."
        ),
    )
    status = filters.ChoiceFilter(choices=Offer.Status.choices, help_text=_("Offer status."))
    available_on = filters.DateFilter(
        method="filter_available_on", help_text=_("Offers available on this day.")
    )

    class Meta:
        model = Offer
        fields = [
            "category",
            "kind",
            "area",
            "focus_area",
            "vulnerable_group",
            "organization",
            "status",
            "q",
        ]

    def filter_area(self, queryset, name, value):
        return queryset.covering(_area(value))

    def filter_available_on(self, queryset, name, value):
        return queryset.exclude(available_from__gt=value).exclude(available_until__lt=value)


class NeedFilterSet(CatalogueFilterSet):
    category = filters.ModelChoiceFilter(
        field_name="items__category",
        queryset=Category.objects.all(),
        distinct=True,
        help_text=_("Needs asking for this category."),
    )
    kind = filters.ChoiceFilter(
        field_name="items__kind",
        choices=ResourceKind.choices,
        distinct=True,
        help_text=_("Needs asking for this kind of resource."),
    )
    area = filters.CharFilter(
        method="filter_area",
        max_length=10,
        help_text=_("Needs located in this area (a country includes its subdivisions)."),
    )
    status = filters.ChoiceFilter(choices=Need.Status.choices, help_text=_("Need status."))
    priority = filters.NumberFilter(help_text=_("Priority 1–5."))
    min_priority = filters.NumberFilter(
        field_name="priority", lookup_expr="gte", help_text=_("At least this priority.")
    )

    class Meta:
        model = Need
        fields = [
            "category",
            "kind",
            "area",
            "focus_area",
            "vulnerable_group",
            "organization",
            "status",
            "q",
        ]

    def filter_area(self, queryset, name, value):
        return queryset.within(_area(value))


class OrganizationFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(
        choices=Organization.Kind.choices, help_text=_("Organization kind.")
    )
    country = filters.CharFilter(
        max_length=2, method="filter_country", help_text=_("ISO 3166-1 alpha-2.")
    )
    verified = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_verified",
        help_text=_("Verified by a coordinator: true or false."),
    )
    q = filters.CharFilter(
        method="filter_name",
        max_length=200,
        help_text=_("Name, or one of its translations, contains."),
    )

    class Meta:
        model = Organization
        fields = ["kind", "country", "verified", "q"]

    def filter_name(self, queryset, name, value):
        return queryset.named_like(value)

    def filter_verified(self, queryset, name, value):
        return queryset.filter(verified_at__isnull=value == "false")

    def filter_country(self, queryset, name, value):
        value = value.upper()
        try:
            validate_country_code(value)
        except DjangoValidationError as error:
            raise ValidationError({"country": error.messages}) from error
        return queryset.filter(country=value)
