"""Cross-field rules shared by offers and need items: categories, currencies and quantities."""

from __future__ import annotations

from decimal import Decimal

import pycountry

from registry.errors import ValidationError
from registry.models import Category
from registry.models.taxonomy import ResourceKind


def check_currency(category: Category, currency: str | None, *, field: str = "currency") -> str:
    """Return the currency to store: an ISO 4217 code for money, empty otherwise."""
    currency = (currency or "").strip()
    if category.kind == ResourceKind.FINANCIAL:
        if not currency:
            raise ValidationError(
                {field: [f"A {category.slug} quantity needs an ISO 4217 currency."]}
            )
        if pycountry.currencies.get(alpha_3=currency) is None or currency != currency.upper():
            raise ValidationError({field: [f"{currency} is not an ISO 4217 currency code."]})
        return currency
    if currency:
        raise ValidationError(
            {
                field: [
                    f"{category.slug} is counted in {category.unit}, not money: leave currency empty."
                ]
            }
        )
    return ""


def check_quantity(quantity: Decimal, *, field: str = "quantity") -> None:
    if quantity is None or quantity <= 0:
        raise ValidationError({field: ["Must be greater than zero."]})
