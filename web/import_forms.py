"""The console's spreadsheet upload: which kind of records, for which organization, the file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from interchange.models import ImportJob
from registry.models import Membership, Organization
from registry.models.visibility import is_coordinator
from web.forms import DesignSystemForm


class ImportForm(DesignSystemForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            (ImportJob.Kind.OFFERS, _("Offers")),
            (ImportJob.Kind.NEEDS, _("Needs (one row per item)")),
            (ImportJob.Kind.ORGANIZATIONS, _("Organizations")),
        ],
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("Each row names its organization"),
        help_text=_(
            "Offers and needs are imported for this organization, unless a row names another "
            "in its organization column (its id or identifier)."
        ),
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv (UTF-8) or .xlsx file whose first row names the template's columns."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.active().order_by("name")
        if not is_coordinator(user):
            organizations = organizations.filter(
                memberships__user=user, memberships__role__in=Membership.WRITERS
            )
        self.fields["organization"].queryset = organizations
        self.style_fields()
