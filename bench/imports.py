"""Bulk import of offers or needs: how long a file of N rows takes to read, dry-run, import and
re-import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench_imports \\
        python -m bench.imports --rows 50000 [--kind needs]

Needs come two rows (two items) per need, for a government organization.

The database is created and migrated when missing; the run's organization and offers are
deleted at the end. One JSON object on stdout.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import time

from bench.database import create_database, migrate, setup_django

AREAS = ["KE", "KE-30", "UG", "UG-102", "TZ", "global"]
CATEGORIES = [("laptops", ""), ("trainer-days", ""), ("grant", "USD"), ("tablets", "")]


def pledges(rows: int) -> bytes:
    """A CSV of `rows` offers as a coordinator would receive them."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["key", "title", "category", "quantity", "currency", "areas", "status"])
    for n in range(rows):
        category, currency = CATEGORIES[n % len(CATEGORIES)]
        areas = "; ".join(AREAS[(n + k) % len(AREAS)] for k in range(1 + n % 3))
        writer.writerow([f"P-{n}", f"Pledge {n}", category, 10 + n % 90, currency, areas, "draft"])
    return output.getvalue().encode()


NEED_AREAS = ["KE-30", "KE-42", "KE-32", "KE"]


def needs(rows: int) -> bytes:
    """A CSV of `rows` rows: needs of two items each (laptops, then a grant in USD)."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["key", "title", "area", "deadline", "category", "quantity", "currency"])
    for n in range(rows):
        need = n // 2
        if n % 2 == 0:
            area = NEED_AREAS[need % len(NEED_AREAS)]
            writer.writerow([f"N-{need}", f"Need {need}", area, "2027-06-30", "laptops", 10, ""])
        else:
            writer.writerow([f"N-{need}", "", "", "", "grant", 1000 + need % 500, "USD"])
    return output.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--kind", choices=["offers", "needs"], default="offers")
    arguments = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    create_database(url)
    setup_django(url, MATCH_ON_CATALOGUE_CHANGE="0")
    migrate()

    from django.contrib.auth import get_user_model

    from interchange.imports import needs as need_import
    from interchange.imports import offers as offer_import
    from interchange.imports.reading import MAX_ROWS, read_table
    from registry.models import Membership, Need, Offer, Organization

    kind = arguments.kind
    module = offer_import if kind == "offers" else need_import
    run = offer_import.import_offers if kind == "offers" else need_import.import_needs
    model = Offer if kind == "offers" else Need
    user, _ = get_user_model().objects.get_or_create(username="bench-importer")
    organization = Organization.objects.create(
        name="Bench importer", kind="ngo" if kind == "offers" else "government", country="KE"
    )
    Membership.objects.create(user=user, organization=organization, role="editor")
    content = (pledges if kind == "offers" else needs)(arguments.rows)
    seconds: dict[str, float] = {}
    try:
        started = time.perf_counter()
        rows = read_table(
            content=content, filename=f"{kind}.csv", sheet=module.SHEET, columns=module.COLUMNS
        )
        seconds["read"] = time.perf_counter() - started
        results = {}
        for stage, dry_run in (("dry_run", True), ("import", False), ("import_again", False)):
            started = time.perf_counter()
            report = run(actor=user, organization=organization, rows=rows, dry_run=dry_run)
            seconds[stage] = time.perf_counter() - started
            results[stage] = report.counts()
        written = model.objects.filter(organization=organization).count()
    finally:
        model.objects.filter(organization=organization).delete()
        organization.delete()
    print(
        json.dumps(
            {
                "kind": kind,
                "rows": arguments.rows,
                "row_limit": MAX_ROWS,
                "file_bytes": len(content),
                "records_written": written,
                "outcomes": results,
                "seconds": {stage: round(value, 2) for stage, value in seconds.items()},
                "rows_per_second_import": round(arguments.rows / seconds["import"], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
