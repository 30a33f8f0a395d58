"""Cross-field rules shared by offers and need items: categories, currencies and quantities."""

from __future__ import annotations

from decimal import Decimal

import pycountry
from django.utils.translation import gettext as _

from registry.errors import ValidationError
from registry.models import Category
from registry.models.taxonomy import ResourceKind


def check_currency(category: Category, currency: str | None, *, field: str = "currency") -> str:
    """Return the currency to store: an ISO 4217 code for money, empty otherwise."""
    currency = (currency or "").strip()
    if category.kind == ResourceKind.FINANCIAL:
        if not currency:
            raise ValidationError(
                {
                    field: [
                        _("A %(category)s quantity needs an ISO 4217 currency.")
                        % {"category": category.slug}
                    ]
                }
            )
        if pycountry.currencies.get(alpha_3=currency) is None or currency != currency.upper():
            raise ValidationError(
                {
                    field: [
                        _("%(currency)s is not an ISO 4217 currency code.") % {"currency": currency}
                    ]
                }
            )
        return currency
    if currency:
        raise ValidationError(
            {
                field: [
                    _("%(category)s is counted in %(unit)s, not money: leave currency empty.")
                    % {"category": category.slug, "unit": category.unit}
                ]
            }
        )
    return ""


def check_quantity(quantity: Decimal, *, field: str = "quantity") -> None:
    if quantity is None or quantity <= 0:
        raise ValidationError({field: [_("Must be greater than zero.")]})
