"""A run's parameters: the engine's, within their limits, and a bounded scope, validated.

The API describes them with `parameters_schema()`, from the same names and limits.
"""

from __future__ import annotations

import dataclasses
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
    "top_k_unpriced": 200,
    "max_partners": 20,
    "exact_edge_limit": 100_000,
    "seed": 2**31 - 1,
    "priority_base": 10,
    "track_record_scale": 100,
    "solver_niceness": 19,
}
# The engine's parameters by name: True for those that are whole numbers.
ENGINE_PARAMETERS = {field.name: field.type == "int" for field in dataclasses.fields(Parameters)}


def _is_number(value: Any, integer: bool) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) if integer else isinstance(value, int | float)


def _clean_scope(scope: object) -> dict[str, Any]:
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
    unknown = set(parameters) - set(ENGINE_PARAMETERS)
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
        if not _is_number(value, integer=ENGINE_PARAMETERS[name]) or not 0 <= value <= limit:
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


def parameters_schema() -> dict[str, Any]:
    """The parameters a run accepts as a JSON schema, with the bounds clean_parameters enforces."""
    numbers: dict[str, Any] = {
        name: {
            "type": "integer" if integer else "number",
            "minimum": 0,
            "maximum": PARAMETER_LIMITS.get(name, 1),
        }
        for name, integer in ENGINE_PARAMETERS.items()
    }
    scope = {
        "need_ids": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1},
            "maxItems": MAX_SCOPE_NEED_IDS,
        },
        "area": {"type": "string", "maxLength": 10},
        "max_needs": {"type": "integer", "minimum": 0},
        "max_offers": {"type": "integer", "minimum": 0},
        "offers_per_category": {"type": "integer", "minimum": 1},
    }
    numbers["scope"] = {"type": "object", "properties": scope, "additionalProperties": False}
    return {"type": "object", "properties": numbers, "additionalProperties": False}
