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

    translations = read_fixture("translations")

    def upsert(
        model_name: str, key: str, rows: list[dict], fields: tuple[str, ...], translated: str
    ) -> None:
        model = apps.get_model("registry", model_name)
        columns = {field.name for field in model._meta.concrete_fields}
        for row in rows:
            defaults = {field: row.get(field, "") for field in fields if field in columns}
            # Names, descriptions and titles in the other UN languages, once the table has its
            # i18n column (0010).
            if "i18n" in columns:
                defaults["i18n"] = {
                    **{name: text for name, text in row.items() if name.endswith("_fr")},
                    **translations[translated].get(str(row[key]), {}),
                }
            model.objects.update_or_create(**{key: row[key]}, defaults=defaults)
        counts[model_name] = len(rows)

    upsert(
        "Category",
        "slug",
        read_fixture("categories"),
        ("name", "kind", "unit", "description"),
        "categories",
    )
    upsert("FocusArea", "slug", read_fixture("focus_areas"), ("name", "description"), "focus_areas")
    upsert(
        "VulnerableGroup",
        "slug",
        read_fixture("vulnerable_groups"),
        ("name", "description"),
        "vulnerable_groups",
    )
    targets = [
        {**target, "position": position}
        for position, target in enumerate(read_fixture("sdg_targets"), start=1)
    ]
    # Before 0010, French titles had a column of their own (title_fr); since, they are in i18n.
    upsert("SdgTarget", "code", targets, ("goal", "position", "title", "title_fr"), "sdg_targets")

    # The goals' titles have a table of their own since 0012.
    try:
        apps.get_model("registry", "SdgGoal")
    except LookupError:
        pass
    else:
        upsert("SdgGoal", "goal", read_fixture("sdg_goals"), ("title",), "sdg_goals")

    rates = read_fixture("currency_rates")
    currency_rate = apps.get_model("registry", "CurrencyRate")
    for currency, per_usd in rates["rates"].items():
        currency_rate.objects.update_or_create(
            currency=currency, defaults={"per_usd": Decimal(str(per_usd)), "as_of": rates["date"]}
        )
    counts["CurrencyRate"] = len(rates["rates"])
    return counts
