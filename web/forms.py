"""Console forms: each renders with the design system's classes and links its errors."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from matching.models import Proposal
from registry.models import Category, Membership, Organization, SdgTarget, VulnerableGroup


class DirectWidget:
    """Renders its tag in Python, not through the form renderer's templates: a filter form's
    select would otherwise render one template per option on every page view."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        attributes = flatatt({k: v for k, v in context["attrs"].items() if v is not False})
        if isinstance(self, forms.Select):
            chosen = {str(v) for v in context["value"]}
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (key, mark_safe(" selected") if str(key) in chosen else "", label)
                    for key, label in self.choices
                ),
            )
            return format_html('<select name="{}"{}>{}</select>', name, attributes, options)
        shown = context["value"]
        if isinstance(self, forms.Textarea):
            return format_html(
                '<textarea name="{}"{}>\n{}</textarea>', name, attributes, shown or ""
            )
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            context["type"],
            name,
            format_html(' value="{}"', shown) if shown not in (None, "") else "",
            attributes,
        )


class DirectSelect(DirectWidget, forms.Select):
    pass


class DirectTextInput(DirectWidget, forms.TextInput):
    pass


class DirectNumberInput(DirectWidget, forms.NumberInput):
    pass


class DirectTextarea(DirectWidget, forms.Textarea):
    pass


class DirectDateTimeInput(DirectWidget, forms.DateTimeInput):
    pass


def taxonomy_choices() -> dict[str, list[tuple[str, str]]]:
    """Categories and vulnerable groups as (slug, name) choices in the active language, cached
    per language under one key: they change rarely, and a change drops the cache (`web.apps`)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    by_language: dict[str, dict[str, list[tuple[str, str]]]] = cache.get(TAXONOMY_CACHE_KEY) or {}
    if language not in by_language:
        by_language = {
            **by_language,
            language: {
                "category": [
                    (row.slug, str(row)) for row in Category.objects.order_by("name_i18n")
                ],
                "group": [
                    (row.slug, str(row)) for row in VulnerableGroup.objects.order_by("name_i18n")
                ],
            },
        }
        cache.set(TAXONOMY_CACHE_KEY, by_language, TAXONOMY_CACHE_SECONDS)
    return by_language[language]


TAXONOMY_CACHE_KEY = "web:taxonomy-choices:v2"
TAXONOMY_CACHE_SECONDS = 3600

WIDGET_CLASSES = {
    DirectSelect: "govuk-select",
    DirectTextarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
}


class DesignSystemForm:
    """Adds the design system's classes and, once bound, the error state and its description."""

    def style_fields(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            css = WIDGET_CLASSES.get(type(widget), "govuk-input")
            described = []
            field_id = self[name].auto_id
            if field.help_text:
                described.append(f"{field_id}-hint")
            if self.is_bound and self.errors.get(name):
                css += f" {css}--error"
                described.append(f"{field_id}-error")
            widget.attrs["class"] = css
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()
        self.style_fields()


class SignInForm(DesignSystemForm, AuthenticationForm):
    """Django's sign-in (username, password), styled."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class ChangePasswordForm(DesignSystemForm, PasswordChangeForm):
    """Django's password change (old password, new one twice), styled."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class RegisterForm(DesignSystemForm, forms.Form):
    """A new account: a username, an address to reach the person, a password."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _ in a username.")},
    )
    email = forms.EmailField(label=_("Email address"))
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput,
        help_text=_("At least 8 characters, not a common password."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["password"].widget.attrs["autocomplete"] = "new-password"
        self.style_fields()

    @classmethod
    def refused(cls, message: str, *, initial: dict) -> RegisterForm:
        """An unbound form showing `message` and what was typed, checking none of it (so a
        refusal over the limit says nothing of the username)."""
        form = cls(initial=initial)
        form.cleaned_data = {}
        form.add_error(None, message)
        return form

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken; choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = get_user_model()(
                username=cleaned.get("username", ""), email=cleaned.get("email", "")
            )
            try:
                validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ReasonForm(DesignSystemForm, forms.Form):
    """Why a proposal is rejected (required) or lines declined (optional)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=DirectTextarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args,
        required: bool = True,
        label=None,
        help_text="",
        required_message=None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = required
        field.error_messages["required"] = required_message or _(
            "Say why the proposal is rejected."
        )
        if label:
            field.label = label
        field.help_text = help_text
        self.style_fields()


class CommentForm(DesignSystemForm, forms.Form):
    """A comment on a proposal or a progress report."""

    body = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=DirectTextarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the comment.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class RespondByForm(DesignSystemForm, forms.Form):
    """When accepting: the time by which partners answer, if not the default."""

    respond_by = forms.DateTimeField(
        label=_("Partners answer by (optional)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        # A text field, as the design system advises for dates: no picker to fight on a phone.
        widget=DirectDateTimeInput(format="%Y-%m-%d %H:%M"),
        error_messages={"invalid": _("Enter a date and time such as 2027-03-31 17:00.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        days = settings.PROPOSAL_RESPONSE_DAYS
        self.fields["respond_by"].help_text = ngettext(
            "Date and time (UTC), for example 2027-03-31 17:00. Left empty, partners have "
            "%(days)s day.",
            "Date and time (UTC), for example 2027-03-31 17:00. Left empty, partners have "
            "%(days)s days.",
            days,
        ) % {"days": days}
        self.style_fields()


class QueueFilterForm(DesignSystemForm, forms.Form):
    """The review queue's filters; every one optional."""

    q = forms.CharField(
        label=_("Search needs"), required=False, max_length=200, widget=DirectTextInput
    )
    area = forms.RegexField(
        label=_("Area"),
        required=False,
        regex=r"^(global|[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?)$",
        max_length=6,
        widget=DirectTextInput,
        help_text=_("A country code (KE) or a subdivision (KE-30)."),
        error_messages={"invalid": _("Enter an area code such as KE or KE-30.")},
    )
    category = forms.ChoiceField(label=_("Category"), required=False, widget=DirectSelect)
    group = forms.ChoiceField(label=_("Vulnerable group"), required=False, widget=DirectSelect)
    # A code typed, not a list of 169 options: a lighter page, and coordinators know the codes.
    sdg = forms.RegexField(
        label=_("SDG target"),
        required=False,
        max_length=8,
        widget=DirectTextInput,
        regex=r"^\d{1,2}\.[0-9a-zA-Z]{1,2}$",
        help_text=_("A target code such as 9.c or 4.4."),
        error_messages={"invalid": _("Enter an SDG target code such as 9.c or 4.4.")},
    )
    min_score = forms.DecimalField(
        label=_("Score at least"),
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=2,
        widget=DirectNumberInput,
        help_text=_("From 0 to 1."),
    )
    min_days = forms.IntegerField(
        label=_("Waiting at least (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        widget=DirectNumberInput,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Proposal.Status.choices],
        widget=DirectSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        taxonomy = taxonomy_choices()
        self.fields["category"].choices = [("", _("Any category")), *taxonomy["category"]]
        self.fields["group"].choices = [("", _("Any group")), *taxonomy["group"]]
        self.style_fields()

    def clean_sdg(self) -> str:
        code = self.cleaned_data["sdg"].lower()
        if code and not SdgTarget.objects.filter(code=code).exists():
            raise forms.ValidationError(_("%(code)s is not an SDG target.") % {"code": code})
        return code


class ReportForm(DesignSystemForm, forms.Form):
    """A partner's progress report on the need's indicator."""

    period_end = forms.DateField(
        label=_("End of the period reported"),
        help_text=_("For example 2027-03-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    indicator_value = forms.DecimalField(
        label=_("Indicator value at the end of the period"), max_digits=16, decimal_places=4
    )
    narrative = forms.CharField(
        label=_("What was done"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, need=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # One optional value per group of the baseline's disaggregation (sex, age band, ...):
        # field name -> (dimension, group), and the service's error key -> field name.
        self.groups: dict[str, tuple[str, str]] = {}
        self.error_fields: dict[str, str] = {}
        baseline = (need.indicator_disaggregation or {}) if need is not None else {}
        for i, dimension in enumerate(sorted(baseline)):
            for j, group in enumerate(sorted(baseline[dimension] or {})):
                name = f"group_{i}_{j}"
                self.fields[name] = forms.DecimalField(
                    label=_("%(dimension)s: %(group)s") % {"dimension": dimension, "group": group},
                    required=False,
                    max_digits=16,
                    decimal_places=4,
                )
                self.groups[name] = (dimension, group)
                self.error_fields[f"disaggregation.{dimension}.{group}"] = name
                self.error_fields.setdefault(f"disaggregation.{dimension}", name)
        self.style_fields()

    def group_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.groups]

    def report_data(self) -> dict:
        """The cleaned report as the report service takes it, values by dimension and group."""
        data = {
            key: self.cleaned_data[key] for key in ("period_end", "indicator_value", "narrative")
        }
        disaggregation: dict[str, dict[str, str]] = {}
        for name, (dimension, group) in self.groups.items():
            value = self.cleaned_data.get(name)
            if value is not None:
                disaggregation.setdefault(dimension, {})[group] = str(value)
        data["disaggregation"] = disaggregation
        return data

    def add_service_errors(self, error) -> None:
        """Put the report service's refusal beside the field it names, the rest above."""
        details = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for key, messages in details.items():
            field = key if key in self.fields else self.error_fields.get(key or "")
            for message in messages:
                self.add_error(field, message)
        self.style_fields()


class ReturnReportForm(DesignSystemForm, forms.Form):
    """What a partner must change in a returned report."""

    comment = forms.CharField(
        label=_("What to change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what to change when returning a report.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class EndorseForm(DesignSystemForm, forms.Form):
    """A community organization's endorsement of a need, with what it wants the partners to know."""

    organization = forms.ModelChoiceField(
        label=_("Endorse on behalf of"), queryset=Organization.objects.none()
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user.is_authenticated:
            self.fields["organization"].queryset = Organization.objects.active().filter(
                kind=Organization.Kind.COMMUNITY,
                memberships__user=user,
                memberships__role__in=Membership.WRITERS,
            )
            if self.fields["organization"].queryset.count() == 1:
                self.fields["organization"].empty_label = None  # the only choice, chosen
        self.style_fields()
