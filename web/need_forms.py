"""The government's need form: the gap, who it affects, and up to three resources to close it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry import area_codes
from registry.areas import validate_area_code
from registry.models import Category, FocusArea, Membership, Organization, VulnerableGroup
from web.forms import DesignSystemForm

ITEM_ROWS = 3
PRIORITIES = [
    (1, _("1 – low")),
    (2, _("2")),
    (3, _("3 – medium")),
    (4, _("4")),
    (5, _("5 – critical")),
]


def _area(value: str) -> None:
    try:
        validate_area_code(value)
    except ValidationError as error:
        raise ValidationError(_("Enter an area code such as KE or KE-30.")) from error


class NeedForm(DesignSystemForm, forms.Form):
    """What the need service takes; the service decides what is allowed."""

    organization = forms.ModelChoiceField(
        label=_("Government"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    area = forms.CharField(
        label=_("Area"),
        max_length=10,
        validators=[_area],
        help_text=_("A country code (KE) or a subdivision (KE-30)."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=PRIORITIES, coerce=int, initial=3
    )
    population = forms.IntegerField(label=_("People affected"), required=False, min_value=0)
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        help_text=_("For example 2027-06-30."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    indicator_name = forms.CharField(label=_("Indicator"), required=False, max_length=200)
    indicator_unit = forms.CharField(label=_("Indicator unit"), required=False, max_length=40)
    indicator_baseline = forms.DecimalField(
        label=_("Baseline"), required=False, max_digits=16, decimal_places=4
    )
    indicator_target = forms.DecimalField(
        label=_("Target"), required=False, max_digits=16, decimal_places=4
    )
    vulnerable_groups = forms.ModelMultipleChoiceField(
        label=_("Groups affected"),
        required=False,
        queryset=VulnerableGroup.objects.order_by("name_i18n"),
        widget=forms.CheckboxSelectMultiple,
    )
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("Focus areas"),
        required=False,
        queryset=FocusArea.objects.order_by("name_i18n"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # a need stays with the government that posted it
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = Organization.objects.active().filter(
                kind__in=(Organization.Kind.GOVERNMENT, Organization.Kind.LOCAL_GOVERNMENT),
                memberships__user=user,
                memberships__role__in=Membership.WRITERS,
            )
        categories = Category.objects.order_by("name_i18n")
        for row in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{row}_category"] = forms.ModelChoiceField(
                label=_("Resource %(row)s") % {"row": row},
                required=row == 1,
                queryset=categories,
                empty_label=_("Choose a resource"),
            )
            self.fields[f"item_{row}_quantity"] = forms.DecimalField(
                label=_("Quantity of resource %(row)s") % {"row": row},
                required=False,
                min_value=0,
                max_digits=16,
                decimal_places=2,
            )
            self.fields[f"item_{row}_currency"] = forms.CharField(
                label=_("Currency of resource %(row)s") % {"row": row},
                required=False,
                max_length=3,
                help_text=_("For money only: an ISO 4217 code such as USD."),
            )
        self.style_fields()
        for name in ("vulnerable_groups", "focus_areas"):
            self.fields[name].widget.attrs = {"class": "govuk-checkboxes__input"}

    def item_rows(self):
        return [
            [self[f"item_{row}_{part}"] for part in ("category", "quantity", "currency")]
            for row in range(1, ITEM_ROWS + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        for row in range(1, ITEM_ROWS + 1):
            category = cleaned.get(f"item_{row}_category")
            if category and cleaned.get(f"item_{row}_quantity") is None:
                self.add_error(f"item_{row}_quantity", _("Enter how much is needed."))
        return cleaned

    def service_data(self, status: str) -> dict[str, Any]:
        """The need service's `data`: the fields, the relations and the items."""
        data = {
            name: self.cleaned_data[name]
            for name in (
                "title",
                "description",
                "area",
                "priority",
                "population",
                "deadline",
                "indicator_name",
                "indicator_unit",
                "indicator_baseline",
                "indicator_target",
                "vulnerable_groups",
                "focus_areas",
            )
        }
        data["area"] = area_codes.normalise(data["area"])
        data["status"] = status
        data["items"] = [
            {
                "category": self.cleaned_data[f"item_{row}_category"],
                "quantity": self.cleaned_data[f"item_{row}_quantity"],
                "currency": self.cleaned_data[f"item_{row}_currency"].upper() or None,
            }
            for row in range(1, ITEM_ROWS + 1)
            if self.cleaned_data.get(f"item_{row}_category")
        ]
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's refusal on the fields it names (items.0.quantity → item_1_quantity)."""
        details = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for key, messages in details.items():
            field = self._field_for(key)
            for message in messages:
                self.add_error(field, message)
        self.style_fields()

    def _field_for(self, key: str | None) -> str | None:
        if key and key.startswith("items."):
            _, index, part = [*key.split("."), "quantity"][:3]
            if index.isdigit():
                return f"item_{int(index) + 1}_{part}"
        if key == "items":
            return "item_1_category"
        return key if key in self.fields else None


def initial_of(need) -> dict[str, Any]:
    """A posted need as the form's starting values, its items in the item rows."""
    initial: dict[str, Any] = {
        name: getattr(need, name)
        for name in (
            "title",
            "description",
            "area",
            "priority",
            "population",
            "deadline",
            "indicator_name",
            "indicator_unit",
            "indicator_baseline",
            "indicator_target",
        )
    }
    initial["vulnerable_groups"] = list(need.vulnerable_groups.values_list("pk", flat=True))
    initial["focus_areas"] = list(need.focus_areas.values_list("pk", flat=True))
    for row, item in enumerate(need.items.order_by("pk"), start=1):
        initial[f"item_{row}_category"] = item.category_id
        initial[f"item_{row}_quantity"] = item.quantity
        initial[f"item_{row}_currency"] = item.currency or ""
    return initial
