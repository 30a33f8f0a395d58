"""What a progress report must say to be filed: a past period, a value in the indicator's unit,
and the baseline's disaggregation."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Partnership
from registry.errors import ValidationError
from registry.models import Need

PERCENT_UNITS = {"%", "percent", "percentage", "per cent"}


def _check_value(value: Decimal, unit: str, field: str) -> None:
    if unit.strip().lower() in PERCENT_UNITS:
        if not Decimal(0) <= value <= Decimal(100):
            raise ValidationError({field: [_("A percentage lies between 0 and 100.")]})
    elif value < 0:
        raise ValidationError(
            {field: [_("%(unit)s are counted: not negative.") % {"unit": unit or _("Values")}]}
        )


def _check_disaggregation(disaggregation: dict[str, Any], need: Need) -> None:
    baseline = need.indicator_disaggregation or {}
    for dimension, groups in disaggregation.items():
        if dimension not in baseline:
            raise ValidationError(
                {
                    "disaggregation": [
                        _("%(dimension)s is not a dimension of the baseline (%(known)s).")
                        % {
                            "dimension": dimension,
                            "known": ", ".join(sorted(baseline)) or _("none"),
                        }
                    ]
                }
            )
        known = set(baseline[dimension] or {})
        for group, value in (groups or {}).items():
            if group not in known:
                raise ValidationError(
                    {
                        f"disaggregation.{dimension}": [
                            _("%(group)s is not a group of %(dimension)s in the baseline.")
                            % {"group": group, "dimension": dimension}
                        ]
                    }
                )
            if value is None:
                continue
            try:
                number = Decimal(str(value))
            except InvalidOperation as error:
                raise ValidationError(
                    {f"disaggregation.{dimension}.{group}": [_("A number.")]}
                ) from error
            _check_value(number, need.indicator_unit, f"disaggregation.{dimension}.{group}")


def check_report(partnership: Partnership, data: dict[str, Any]) -> None:
    """Raise ValidationError unless the report fits the partnership and the need's indicator."""
    need = partnership.need
    period_end = data.get("period_end")
    if period_end is not None:
        if period_end > timezone.localdate():
            raise ValidationError(
                {"period_end": [_("A reported period cannot end in the future.")]}
            )
        formed = timezone.localdate(partnership.formed_at)
        if period_end < formed:
            raise ValidationError(
                {
                    "period_end": [
                        _("The partnership formed on %(date)s; report on what came after.")
                        % {"date": formed.isoformat()}
                    ]
                }
            )
    if data.get("indicator_value") is not None:
        _check_value(Decimal(data["indicator_value"]), need.indicator_unit, "indicator_value")
    _check_disaggregation(data.get("disaggregation") or {}, need)
