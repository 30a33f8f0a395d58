"""Dated exchange rates to US dollars, read from `fixtures/taxonomy/currency_rates.json`.

Pure: no Django, no database. The statistics convert money with these rates (and show their
date and source) so that amounts in different currencies are never added as they are.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

RATES_FILE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "taxonomy" / "currency_rates.json"
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rates:
    """Units of each currency per one US dollar, as of one date."""

    as_of: datetime.date
    source: str
    per_usd: dict[str, Decimal]

    def to_usd(self, amount: Decimal, currency: str) -> Decimal | None:
        """`amount` of `currency` in US dollars (to the cent), or None when no rate is known."""
        rate = self.per_usd.get(currency)
        if rate is None:
            return None
        return (amount / rate).quantize(CENT)


def parse_rates(document: dict) -> Rates:
    """Rates from the parsed fixture; ValueError when a rate is not a positive number."""
    per_usd = {code: Decimal(str(value)) for code, value in document["rates"].items()}
    if any(rate <= 0 for rate in per_usd.values()) or per_usd.get("USD") != 1:
        raise ValueError("currency rates must be positive, and USD must be 1")
    return Rates(
        as_of=datetime.date.fromisoformat(document["date"]),
        source=document.get("source", ""),
        per_usd=per_usd,
    )


@lru_cache(maxsize=1)
def current_rates() -> Rates:
    """The rates of the committed fixture (read once per process)."""
    return parse_rates(json.loads(RATES_FILE.read_text(encoding="utf-8")))
