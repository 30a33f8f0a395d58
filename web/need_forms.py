"""The government's need form: the gap and its disaggregation, who it affects and how they were
consulted, the SDG targets it serves, and the resources to close it — as many as needed."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from matching.models import ProposalLine
from registry import area_codes
from registry.areas import validate_area_code
from registry.models import (
    Category,
    FocusArea,
    Membership,
    Organization,
    SdgGoal,
    SdgTarget,
    VulnerableGroup,
)
from web.forms import DesignSystemForm

# Rows a new need starts with; "add another" buttons add one at a time up to the API's limits.
ITEM_ROWS = 1
MAX_ITEMS = 20
MAX_CONSULTATIONS = 20
# The indicator's disaggregation, as the API takes it: {dimension: {group: baseline}}, at most
# 10 dimensions of 20 groups each, every text at most 40 characters.
MAX_DIMENSIONS = 10
MAX_GROUPS = 20
MAX_GROUP_ROWS = MAX_DIMENSIONS * MAX_GROUPS
DISAGGREGATION_TEXT = 40
ADD_BUTTONS = ("add_item", "add_group", "add_consultation")
PRIORITIES = [
    (1, _("1 – low")),
    (2, _("2")),
    (3, _("3 – medium")),
    (4, _("4")),
    (5, _("5 – critical")),
]
DIMENSION_SUGGESTIONS = [_("sex"), _("age band"), _("disability"), _("urban/rural")]
_ROW = re.compile(r"^(item|group|consultation)_(\d+)_")


def _area(value: str) -> None:
    try:
        validate_area_code(value)
    except ValidationError as error:
        raise ValidationError(_("Enter an area code such as KE or KE-30.")) from error


def _rows_in(values, kind: str) -> int:
    """The highest row number of `kind` among the names in `values` (0 when none)."""
    numbers = [
        int(match.group(2))
        for name in values
        if (match := _ROW.match(name)) and match.group(1) == kind
    ]
    return max(numbers, default=0)


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
    # Codes typed rather than 169 checkboxes on every visit: the page stays light.
    sdg_targets = forms.CharField(
        label=_("SDG targets"),
        required=False,
        max_length=1500,
        help_text=_("Target codes separated by commas, for example 4.4, 9.c."),
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
        self.editing = editing
        source = self.data if self.is_bound else self.initial
        self.item_count = self._rows(source, "item", "add_item", ITEM_ROWS, MAX_ITEMS)
        self.group_count = self._rows(source, "group", "add_group", 1, MAX_GROUP_ROWS)
        self.consultation_count = self._rows(
            source, "consultation", "add_consultation", 1, MAX_CONSULTATIONS
        )
        self._add_item_fields()
        self._add_group_fields()
        self._add_consultation_fields()
        self.style_fields()

    def style_fields(self) -> None:
        super().style_fields()
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                field.widget.attrs = {"class": "govuk-checkboxes__input"}
            elif isinstance(field.widget, forms.MultipleHiddenInput):
                field.widget.attrs = {}

    def _rows(self, source, kind: str, button: str, first: int, most: int) -> int:
        rows = max(_rows_in(source, kind), first)
        if self.is_bound and self.data.get(button):
            rows += 1
        return min(rows, most)

    def _add_item_fields(self) -> None:
        categories = Category.objects.order_by("name_i18n")
        for row in range(1, self.item_count + 1):
            self.fields[f"item_{row}_category"] = forms.ModelChoiceField(
                label=_("Resource %(row)s") % {"row": row},
                required=False,
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
            if self.editing:
                self.fields[f"item_{row}_remove"] = forms.BooleanField(
                    label=_("Remove resource %(row)s from the need") % {"row": row},
                    required=False,
                )

    def _add_group_fields(self) -> None:
        for row in range(1, self.group_count + 1):
            self.fields[f"group_{row}_dimension"] = forms.CharField(
                label=_("Dimension of group %(row)s") % {"row": row},
                required=False,
                max_length=DISAGGREGATION_TEXT,
                help_text=_("For example sex, age band, disability or urban/rural."),
                widget=forms.TextInput(attrs={"list": "disaggregation-dimensions"}),
            )
            self.fields[f"group_{row}_group"] = forms.CharField(
                label=_("Group %(row)s") % {"row": row},
                required=False,
                max_length=DISAGGREGATION_TEXT,
                help_text=_("For example women, 15–24 or rural."),
            )
            self.fields[f"group_{row}_baseline"] = forms.DecimalField(
                label=_("Baseline of group %(row)s") % {"row": row},
                required=False,
                max_digits=16,
                decimal_places=4,
            )

    def _add_consultation_fields(self) -> None:
        groups = VulnerableGroup.objects.order_by("name_i18n")
        for row in range(1, self.consultation_count + 1):
            self.fields[f"consultation_{row}_held_on"] = forms.DateField(
                label=_("Date of consultation %(row)s") % {"row": row},
                required=False,
                help_text=_("For example 2026-03-14."),
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"consultation_{row}_summary"] = forms.CharField(
                label=_("What was said and agreed in consultation %(row)s") % {"row": row},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"consultation_{row}_groups"] = forms.ModelMultipleChoiceField(
                label=_("Groups consulted in consultation %(row)s") % {"row": row},
                required=False,
                queryset=groups,
                widget=forms.CheckboxSelectMultiple,
            )
            # The organizations that represented the groups: kept as they are (set through the
            # API), so saving the page does not drop them.
            self.fields[f"consultation_{row}_organizations"] = forms.ModelMultipleChoiceField(
                required=False,
                queryset=Organization.objects.all(),
                widget=forms.MultipleHiddenInput,
            )

    def keep_typing(self) -> None:
        """Show what was typed again, with the row just added, and no error yet: an "add
        another" button saves nothing."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.style_fields()

    def adding_row(self) -> bool:
        return self.is_bound and any(self.data.get(button) for button in ADD_BUTTONS)

    def item_rows(self):
        return [
            [self[f"item_{row}_{part}"] for part in ("category", "quantity", "currency")]
            for row in range(1, self.item_count + 1)
        ]

    def item_blocks(self) -> list[dict[str, Any]]:
        """Each item row's fields, and whether it may be removed (not while partners cover it)."""
        blocks = []
        for row in range(1, self.item_count + 1):
            saved = self.editing and bool(self.initial.get(f"item_{row}_category"))
            removable = saved and bool(self.initial.get(f"item_{row}_removable"))
            blocks.append(
                {
                    "row": row,
                    "fields": [
                        self[f"item_{row}_{part}"] for part in ("category", "quantity", "currency")
                    ],
                    "covered": bool(self.initial.get(f"item_{row}_covered")),
                    "proposed": saved and not removable,
                    "remove": self[f"item_{row}_remove"] if removable else None,
                }
            )
        return blocks

    def group_rows(self):
        return [
            [self[f"group_{row}_{part}"] for part in ("dimension", "group", "baseline")]
            for row in range(1, self.group_count + 1)
        ]

    def consultation_blocks(self) -> list[dict[str, Any]]:
        return [
            {
                "row": row,
                "fields": [self[f"consultation_{row}_{part}"] for part in ("held_on", "summary")],
                "groups": self[f"consultation_{row}_groups"],
                "organizations": self[f"consultation_{row}_organizations"],
            }
            for row in range(1, self.consultation_count + 1)
        ]

    def can_add(self, kind: str) -> bool:
        limits = {
            "item": (self.item_count, MAX_ITEMS),
            "group": (self.group_count, MAX_GROUP_ROWS),
            "consultation": (self.consultation_count, MAX_CONSULTATIONS),
        }
        count, most = limits[kind]
        return count < most

    def can_add_item(self) -> bool:
        return self.can_add("item")

    def can_add_group(self) -> bool:
        return self.can_add("group")

    def can_add_consultation(self) -> bool:
        return self.can_add("consultation")

    def sdg_goals(self) -> list[dict[str, Any]]:
        """The targets by goal, in the active language, for the page's folded list of codes."""
        titles = SdgGoal.titles()
        goals: dict[int, dict[str, Any]] = {}
        for target in SdgTarget.objects.order_by("position"):
            goal = goals.setdefault(
                target.goal,
                {"goal": target.goal, "title": titles.get(target.goal, ""), "targets": []},
            )
            goal["targets"].append((target.code, str(target.title_i18n)))  # type: ignore[attr-defined]
        return list(goals.values())

    def clean_sdg_targets(self) -> list[SdgTarget]:
        codes = [
            code.lower() for code in re.split(r"[\s,;]+", self.cleaned_data["sdg_targets"]) if code
        ]
        codes = list(dict.fromkeys(codes))
        targets = SdgTarget.objects.in_bulk(codes)
        unknown = [code for code in codes if code not in targets]
        if unknown:
            raise ValidationError(
                _("%(codes)s: not an SDG target code. Enter codes such as 4.4 or 9.c.")
                % {"codes": ", ".join(unknown)}
            )
        return [targets[code] for code in codes]

    def clean(self):
        cleaned = super().clean()
        self._clean_items(cleaned)
        self._clean_groups(cleaned)
        self._clean_consultations(cleaned)
        return cleaned

    def _clean_items(self, cleaned) -> None:
        kept = 0
        for row in range(1, self.item_count + 1):
            category = cleaned.get(f"item_{row}_category")
            if cleaned.get(f"item_{row}_remove"):
                continue
            if category:
                kept += 1
                if cleaned.get(f"item_{row}_quantity") is None:
                    self.add_error(f"item_{row}_quantity", _("Enter how much is needed."))
            elif cleaned.get(f"item_{row}_quantity") is not None:
                self.add_error(
                    f"item_{row}_category", _("Choose the resource this quantity is of.")
                )
        if not kept and "item_1_category" not in self.errors:
            self.add_error("item_1_category", _("Choose at least one resource the need asks for."))

    def _clean_groups(self, cleaned) -> None:
        seen: Counter[str] = Counter()
        pairs: set[tuple[str, str]] = set()
        for row in range(1, self.group_count + 1):
            dimension = cleaned.get(f"group_{row}_dimension", "").strip()
            group = cleaned.get(f"group_{row}_group", "").strip()
            baseline = cleaned.get(f"group_{row}_baseline")
            if not (dimension or group or baseline is not None):
                continue
            if not dimension and f"group_{row}_dimension" not in self.errors:
                self.add_error(f"group_{row}_dimension", _("Say what the group is a part of."))
            if not group and f"group_{row}_group" not in self.errors:
                self.add_error(f"group_{row}_group", _("Name the group."))
            if baseline is None and f"group_{row}_baseline" not in self.errors:
                self.add_error(f"group_{row}_baseline", _("Enter the group's baseline."))
            if not (dimension and group):
                continue
            if (dimension, group) in pairs:
                self.add_error(
                    f"group_{row}_group",
                    _("%(group)s of %(dimension)s is already given above.")
                    % {"group": group, "dimension": dimension},
                )
                continue
            pairs.add((dimension, group))
            seen[dimension] += 1
            if len(seen) > MAX_DIMENSIONS and seen[dimension] == 1:
                self.add_error(
                    f"group_{row}_dimension",
                    _("At most %(count)s dimensions.") % {"count": MAX_DIMENSIONS},
                )
            elif seen[dimension] > MAX_GROUPS:
                self.add_error(
                    f"group_{row}_group",
                    _("At most %(count)s groups in a dimension.") % {"count": MAX_GROUPS},
                )

    def _clean_consultations(self, cleaned) -> None:
        for row in range(1, self.consultation_count + 1):
            held_on = cleaned.get(f"consultation_{row}_held_on")
            summary = cleaned.get(f"consultation_{row}_summary", "").strip()
            groups = cleaned.get(f"consultation_{row}_groups")
            if held_on is None and not summary and not groups:
                continue
            if held_on is None and f"consultation_{row}_held_on" not in self.errors:
                self.add_error(
                    f"consultation_{row}_held_on", _("Enter the date of the consultation.")
                )
            if not summary:
                self.add_error(
                    f"consultation_{row}_summary",
                    _("Say what was said and agreed in the consultation."),
                )

    def disaggregation(self) -> dict[str, dict[str, str]]:
        """The baseline by dimension and group, in the shape the API reads and writes."""
        values: dict[str, dict[str, str]] = {}
        for row in range(1, self.group_count + 1):
            dimension = self.cleaned_data.get(f"group_{row}_dimension", "").strip()
            group = self.cleaned_data.get(f"group_{row}_group", "").strip()
            baseline = self.cleaned_data.get(f"group_{row}_baseline")
            if dimension and group and baseline is not None:
                values.setdefault(dimension, {})[group] = format(baseline.normalize(), "f")
        return values

    def consultations(self) -> list[dict[str, Any]]:
        return [
            {
                "held_on": self.cleaned_data[f"consultation_{row}_held_on"],
                "summary": self.cleaned_data[f"consultation_{row}_summary"].strip(),
                "groups": list(self.cleaned_data[f"consultation_{row}_groups"]),
                "organizations": list(self.cleaned_data[f"consultation_{row}_organizations"]),
            }
            for row in range(1, self.consultation_count + 1)
            if self.cleaned_data.get(f"consultation_{row}_held_on")
        ]

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
                "sdg_targets",
            )
        }
        data["area"] = area_codes.normalise(data["area"])
        data["status"] = status
        data["indicator_disaggregation"] = self.disaggregation()
        data["consultations"] = self.consultations()
        data["items"] = [
            {
                "category": self.cleaned_data[f"item_{row}_category"],
                "quantity": self.cleaned_data[f"item_{row}_quantity"],
                "currency": self.cleaned_data[f"item_{row}_currency"].upper() or None,
            }
            for row in range(1, self.item_count + 1)
            if self.cleaned_data.get(f"item_{row}_category")
            and not self.cleaned_data.get(f"item_{row}_remove")
        ]
        return data

    def refuse_removal(self) -> None:
        """An item partners were proposed for is kept: its proposals' lines refer to it."""
        for row in range(1, self.item_count + 1):
            if self.cleaned_data.get(f"item_{row}_remove"):
                self.add_error(
                    f"item_{row}_category",
                    _("Partners were proposed for this resource, so it stays on the need."),
                )
        self.style_fields()

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
                return self._item_field(int(index), part)
        if key == "items":
            return "item_1_category"
        return key if key in self.fields else None

    def _item_field(self, index: int, part: str) -> str:
        """The row of the service's `index`-th item: rows left empty or removed are not sent."""
        sent = [
            row
            for row in range(1, self.item_count + 1)
            if self.cleaned_data.get(f"item_{row}_category")
            and not self.cleaned_data.get(f"item_{row}_remove")
        ]
        row = sent[index] if index < len(sent) else index + 1
        name = f"item_{row}_{part}"
        return name if name in self.fields else f"item_{row}_quantity"


def initial_of(need) -> dict[str, Any]:
    """A posted need as the form's starting values: its items, groups and consultations in rows."""
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
    initial["sdg_targets"] = ", ".join(need.sdg_targets.values_list("code", flat=True))
    items = need.items.annotate(
        proposed=Exists(ProposalLine.objects.filter(need_item=OuterRef("pk")))
    )
    for row, item in enumerate(items.order_by("pk"), start=1):
        initial[f"item_{row}_category"] = item.category_id
        initial[f"item_{row}_quantity"] = item.quantity
        initial[f"item_{row}_currency"] = item.currency or ""
        initial[f"item_{row}_covered"] = bool(item.reserved or item.committed)
        initial[f"item_{row}_removable"] = not item.proposed and not item.covered
    row = 0
    for dimension, groups in sorted((need.indicator_disaggregation or {}).items()):
        for group, baseline in sorted((groups or {}).items()):
            row += 1
            initial[f"group_{row}_dimension"] = dimension
            initial[f"group_{row}_group"] = group
            initial[f"group_{row}_baseline"] = baseline
    consultations = need.consultations.prefetch_related("groups", "organizations")
    for row, consultation in enumerate(consultations, start=1):
        initial[f"consultation_{row}_held_on"] = consultation.held_on
        initial[f"consultation_{row}_summary"] = consultation.summary
        initial[f"consultation_{row}_groups"] = [group.pk for group in consultation.groups.all()]
        initial[f"consultation_{row}_organizations"] = [
            organization.pk for organization in consultation.organizations.all()
        ]
    return initial
