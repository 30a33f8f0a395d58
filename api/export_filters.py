"""Query parameters of the exports, parsed by django-filter forms (unknown ones are refused by
api/query_parameters.py, as everywhere)."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api.filters import FilterSet, _area
from interchange.selectors import ActivityFilter
from matching.models import Partnership
from registry.models import Need, Organization


class ActivityFilterSet(FilterSet):
    partnership = filters.ModelChoiceFilter(
        field_name="id",
        queryset=Partnership.objects.all(),
        help_text=gettext_lazy("One partnership's activity (its id)."),
    )
    organization = filters.ModelChoiceFilter(
        field_name="partners__organization",
        queryset=Organization.objects.all(),
        help_text=gettext_lazy("Activities in which this organization takes part (its id)."),
    )
    area = filters.CharFilter(
        max_length=10,
        help_text=gettext_lazy(
            "Activities located in this area (a country includes its subdivisions)."
        ),
    )
    period_start = filters.DateFilter(
        help_text=gettext_lazy("Activities not ended before this day.")
    )
    period_end = filters.DateFilter(
        help_text=gettext_lazy("Activities started on or before this day.")
    )

    class Meta:
        model = Partnership
        fields = ["partnership", "organization", "area", "period_start", "period_end"]


def activity_filter(request: Request) -> ActivityFilter:
    """The IATI activity export's filters from the query, or a 400 naming the bad ones."""
    filterset = ActivityFilterSet(request.query_params, queryset=Partnership.objects.none())
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    data = {
        key: value for key, value in filterset.form.cleaned_data.items() if value not in ("", None)
    }
    if "area" in data:
        data["area"] = _area(data["area"])
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and start > end:
        raise ValidationError({"period_end": [_("The period ends before it starts.")]})
    return ActivityFilter(**data)


class OrganisationFileFilterSet(FilterSet):
    organization = filters.ModelChoiceFilter(
        field_name="id",
        queryset=Organization.objects.all(),
        required=True,
        help_text=gettext_lazy("The organization's id."),
    )

    class Meta:
        model = Organization
        fields = ["organization"]


class PartnershipExportFilterSet(FilterSet):
    need = filters.ModelChoiceFilter(
        queryset=Need.objects.all(), help_text=gettext_lazy("Need id.")
    )
    status = filters.ChoiceFilter(
        choices=Partnership.Status.choices, help_text=gettext_lazy("Partnership status.")
    )
    report_overdue = filters.BooleanFilter(
        help_text=gettext_lazy("Reports are overdue: true or false.")
    )
    organization = filters.ModelChoiceFilter(
        field_name="partners__organization",
        queryset=Organization.objects.all(),
        distinct=True,
        help_text=gettext_lazy("Partnerships of this organization (its id)."),
    )
    area = filters.CharFilter(
        method="filter_area",
        max_length=10,
        help_text=gettext_lazy(
            "Partnerships on needs in this area (a country includes its subdivisions)."
        ),
    )

    class Meta:
        model = Partnership
        fields = ["need", "status", "report_overdue", "organization", "area"]

    def filter_area(self, queryset, name, value):
        return queryset.filter(need__in=Need.objects.within(_area(value)))
