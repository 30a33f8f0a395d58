"""Forms for an organization's records: registering it, and offering resources."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry import area_codes
from registry.areas import validate_area_code, validate_country_code
from registry.models import Category, FocusArea, Membership, Organization, VulnerableGroup
from web.forms import DesignSystemForm


def service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the fields it names, the rest above the form."""
    details = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for key, messages in details.items():
        for message in messages:
            form.add_error(key if key in form.fields else None, message)
    form.style_fields()


class OfferForm(DesignSystemForm, forms.Form):
    """An offer: what, how much, where, when; the offer service decides what is allowed."""

    organization = forms.ModelChoiceField(
        label=_("Offered by"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.ModelChoiceField(
        label=_("Resource"),
        queryset=Category.objects.order_by("name_i18n"),
        empty_label=_("Choose a resource"),
    )
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=16, decimal_places=2)
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("For money only: an ISO 4217 code such as USD."),
    )
    areas = forms.CharField(
        label=_("Areas covered"),
        max_length=500,
        help_text=_("Area codes separated by spaces or commas: KE, KE-30, or global."),
    )
    available_from = forms.DateField(
        label=_("Available from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=_("Available until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    min_allocation = forms.DecimalField(
        label=_("Smallest useful piece"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
    )
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("Focus areas"),
        required=False,
        queryset=FocusArea.objects.order_by("name_i18n"),
        widget=forms.CheckboxSelectMultiple,
    )
    vulnerable_groups = forms.ModelMultipleChoiceField(
        label=_("Groups served"),
        required=False,
        queryset=VulnerableGroup.objects.order_by("name_i18n"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # an offer stays with the organization that made it
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = Organization.objects.active().filter(
                memberships__user=user, memberships__role__in=Membership.WRITERS
            )
        self.style_fields()
        for name in ("focus_areas", "vulnerable_groups"):
            self.fields[name].widget.attrs = {"class": "govuk-checkboxes__input"}

    def clean_areas(self) -> list[str]:
        codes = [code for code in self.cleaned_data["areas"].replace(",", " ").split() if code]
        areas = [area_codes.normalise(code) for code in codes]
        for code in areas:
            try:
                validate_area_code(code)
            except ValidationError as error:
                raise ValidationError(
                    _("%(code)s is not an area code; use KE, KE-30 or global.") % {"code": code}
                ) from error
        if not areas:
            raise ValidationError(_("Name at least one area (or global)."))
        return areas

    def service_data(self, status: str) -> dict[str, Any]:
        data = {name: value for name, value in self.cleaned_data.items() if name != "organization"}
        data["currency"] = (data["currency"] or "").upper()
        data["status"] = status
        return data


class OrganizationForm(DesignSystemForm, forms.Form):
    """A new organization; the person who registers it becomes its admin."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organization.Kind.choices)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        help_text=_("The ISO 3166-1 code of the country where it is registered, such as KE."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=300, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("What it does"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_email = forms.EmailField(label=_("Contact email address"))
    # Shown (by the page) only once likely duplicates were shown: "register it anyway".
    confirm_distinct = forms.BooleanField(
        label=_("It is not one of these: register it as another organization"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].upper()
        try:
            validate_country_code(country)
        except ValidationError as error:
            raise ValidationError(_("Enter a country code such as KE.")) from error
        return country
