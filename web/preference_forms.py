"""The console's form of a user's e-mail preferences: a default, a choice per kind of event, the
digest's hour and time zone, and reminders."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Kind, Preference
from web.forms import DesignSystemForm, DirectSelect

FOLLOW_DEFAULT = ""
KIND_PREFIX = "kind_"


@cache
def _time_zones() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class PreferencesForm(DesignSystemForm, forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail for every kind not chosen below"),
        choices=Preference.Email.choices,
        widget=DirectSelect,
    )
    digest_hour = forms.TypedChoiceField(
        label=_("Hour of the daily digest"),
        help_text=_("In your time zone."),
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        coerce=int,
        widget=DirectSelect,
    )
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=(), widget=DirectSelect)
    nudges = forms.BooleanField(
        label=_("Send me reminders (answers due, reports due, proposals waiting for review)"),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _time_zones()
        for kind in Kind:
            self.fields[KIND_PREFIX + kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=[(FOLLOW_DEFAULT, _("As for every kind")), *Preference.Email.choices],
                required=False,
                widget=DirectSelect,
            )
        self.style_fields()

    def style_fields(self) -> None:
        super().style_fields()
        self.fields["nudges"].widget.attrs["class"] = "govuk-checkboxes__input"

    @classmethod
    def initial_of(cls, preference: Preference) -> dict:
        initial = {
            "email": preference.email,
            "digest_hour": preference.digest_hour,
            "time_zone": preference.time_zone,
            "nudges": preference.nudges,
        }
        for kind, choice in preference.kinds.items():
            initial[KIND_PREFIX + kind] = choice
        return initial

    def general_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("email", "digest_hour", "time_zone")]

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[KIND_PREFIX + kind.value] for kind in Kind]

    def kinds(self) -> dict[str, str]:
        """The choices per kind, as the preferences service takes them (a kind following the
        default is not named)."""
        return {
            kind.value: self.cleaned_data[KIND_PREFIX + kind.value]
            for kind in Kind
            if self.cleaned_data.get(KIND_PREFIX + kind.value)
        }
