"""A run's parameters: the engine's, within their limits, and a bounded scope, validated."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from matching.engine import Parameters
from registry.areas import validate_area_code
from registry.errors import ValidationError

SCOPE_KEYS = {"need_ids", "area", "max_needs", "max_offers", "offers_per_category"}
MAX_SCOPE_NEEDS = 50_000
MAX_SCOPE_OFFERS = 250_000
MAX_SCOPE_NEED_IDS = 1_000
# Upper bounds of the engine's parameters (all are >= 0); the weights and shares are at most 1.
PARAMETER_LIMITS = {
    "time_limit": 600,
    "workers": 4,
    "top_k": 200,
    "max_partners": 20,
    "exact_edge_limit": 100_000,
    "seed": 2**31 - 1,
    "priority_base": 10,
    "track_record_scale": 100,
    "solver_niceness": 19,
}


def _is_number(value: Any, integer: bool) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) if integer else isinstance(value, int | float)


def _clean_scope(scope: Any) -> dict[str, Any]:
    if not isinstance(scope, dict):
        raise ValidationError({"parameters.scope": [_("The scope is an object.")]})
    unknown = set(scope) - SCOPE_KEYS
    if unknown:
        raise ValidationError(
            {
                "parameters.scope": [
                    _("Unknown scope keys: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
                ]
            }
        )
    scope = dict(scope)
    need_ids = scope.get("need_ids")
    if need_ids is not None and not (
        isinstance(need_ids, list)
        and len(need_ids) <= MAX_SCOPE_NEED_IDS
        and all(_is_number(pk, integer=True) and pk > 0 for pk in need_ids)
    ):
        raise ValidationError(
            {
                "parameters.scope.need_ids": [
                    _("At most %(most)s need ids.") % {"most": MAX_SCOPE_NEED_IDS}
                ]
            }
        )
    if scope.get("area") is not None:
        try:
            validate_area_code(scope["area"] if isinstance(scope["area"], str) else "")
        except DjangoValidationError as error:
            raise ValidationError({"parameters.scope.area": error.messages}) from error
    for key, cap in (("max_needs", MAX_SCOPE_NEEDS), ("max_offers", MAX_SCOPE_OFFERS)):
        value = scope.get(key) or cap
        if not _is_number(value, integer=True) or value < 0:
            raise ValidationError({f"parameters.scope.{key}": [_("A positive integer.")]})
        scope[key] = min(value, cap)  # a bigger scope is capped, never refused
    per_category = scope.get("offers_per_category")
    if per_category is not None and not (
        _is_number(per_category, integer=True) and per_category > 0
    ):
        raise ValidationError({"parameters.scope.offers_per_category": [_("A positive integer.")]})
    return scope


def clean_parameters(parameters: dict[str, Any] | None) -> dict[str, Any]:
    """Engine parameters and a bounded scope, validated; defaults filled in."""
    if parameters is not None and not isinstance(parameters, dict):
        raise ValidationError({"parameters": [_("The parameters are an object.")]})
    parameters = dict(parameters or {})
    scope = _clean_scope(parameters.pop("scope", None) or {})
    fields = Parameters.__dataclass_fields__
    unknown = set(parameters) - set(fields)
    if unknown:
        raise ValidationError(
            {
                "parameters": [
                    _("Unknown parameters: %(names)s.") % {"names": ", ".join(sorted(unknown))}
                ]
            }
        )
    for name, value in parameters.items():
        limit = PARAMETER_LIMITS.get(name, 1)
        if not _is_number(value, integer=fields[name].type == "int") or not 0 <= value <= limit:
            raise ValidationError(
                {f"parameters.{name}": [_("A number from 0 to %(limit)s.") % {"limit": limit}]}
            )
    defaults = {
        "workers": settings.MATCH_WORKERS,
        "time_limit": settings.MATCH_TIME_LIMIT,
        "solver_niceness": settings.MATCH_SOLVER_NICENESS,
    }
    engine = Parameters.from_dict({**defaults, **parameters})
    return {**engine.to_dict(), "scope": scope}
