"""Load the taxonomies from fixtures/taxonomy into the database (idempotent).

Called by a data migration, so that a fresh database has them as soon as `migrate` has run,
and by `manage.py loadtaxonomy` when the fixture files change.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.apps import apps as global_apps

TAXONOMY_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "taxonomy"


def read_fixture(name: str):
    """The parsed JSON of fixtures/taxonomy/<name>.json."""
    return json.loads((TAXONOMY_DIR / f"{name}.json").read_text(encoding="utf-8"))


def load_taxonomies(apps=global_apps) -> dict[str, int]:
    """Create or update every taxonomy row from the fixture files; return counts per model."""
    counts: dict[str, int] = {}

    def upsert(model_name: str, key: str, rows: list[dict], fields: tuple[str, ...]) -> None:
        model = apps.get_model("registry", model_name)
        for row in rows:
            model.objects.update_or_create(
                **{key: row[key]}, defaults={field: row.get(field, "") for field in fields}
            )
        counts[model_name] = len(rows)

    upsert("Category", "slug", read_fixture("categories"), ("name", "kind", "unit", "description"))
    upsert("FocusArea", "slug", read_fixture("focus_areas"), ("name", "description"))
    upsert("VulnerableGroup", "slug", read_fixture("vulnerable_groups"), ("name", "description"))
    targets = [
        {**target, "position": position}
        for position, target in enumerate(read_fixture("sdg_targets"), start=1)
    ]
    upsert("SdgTarget", "code", targets, ("goal", "position", "title", "title_fr"))

    rates = read_fixture("currency_rates")
    currency_rate = apps.get_model("registry", "CurrencyRate")
    for currency, per_usd in rates["rates"].items():
        currency_rate.objects.update_or_create(
            currency=currency, defaults={"per_usd": Decimal(str(per_usd)), "as_of": rates["date"]}
        )
    counts["CurrencyRate"] = len(rates["rates"])
    return counts
