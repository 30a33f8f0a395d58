"""The coordinators' merge queue: how long listing likely duplicate pairs takes with N
organizations in one country.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench_duplicates \\
        python -m bench.duplicates --organizations 5000 20000

The database is created and migrated when missing; each size's organizations are created in
one country (ZZ is not used: "KE"), listed, and deleted at the end. Names are built like real
ones from a small vocabulary, so that many share trigrams, and one organization in fifty is
registered a second time under another spelling. One JSON object per size on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

from bench.database import create_database, migrate, setup_django

WORDS = [
    "hope",
    "unity",
    "green",
    "future",
    "children",
    "women",
    "youth",
    "health",
    "water",
    "learning",
    "rural",
    "digital",
    "community",
    "care",
    "light",
    "bridge",
    "harvest",
    "peace",
]
KINDS = ["Foundation", "Trust", "Initiative", "Network", "Association", "Society", "Centre"]
TOWNS = ["Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret", "Thika", "Malindi", "Garissa"]


def names(count: int, seed: int = 17) -> list[str]:
    """`count` organization names; one in fifty is another spelling of an earlier one."""
    chooser = random.Random(seed)
    made: list[str] = []
    while len(made) < count:
        if made and len(made) % 50 == 49:
            twin = chooser.choice(made)
            made.append(f"The {twin} Ltd" if chooser.random() < 0.5 else twin.upper())
            continue
        words = " ".join(chooser.sample(WORDS, 2)).title()
        made.append(
            f"{words} {chooser.choice(KINDS)} {chooser.choice(TOWNS)} {chooser.randint(1, 999)}"
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, nargs="+", default=[5000, 20000])
    arguments = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    create_database(url)
    setup_django(url, MATCH_ON_CATALOGUE_CHANGE="0")
    migrate()

    from django.db import connection

    from interchange.services.duplicates import list_duplicate_pairs
    from registry.models import Organization

    for size in arguments.organizations:
        made = Organization.objects.bulk_create(
            Organization(name=name, kind="ngo", country="KE") for name in names(size)
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE registry_organization")
            started = time.perf_counter()
            pairs = list_duplicate_pairs()
            seconds = time.perf_counter() - started
            twins = sum(1 for pair in pairs if pair.score >= 95)
        finally:
            Organization.objects.filter(pk__in=[row.pk for row in made]).delete()
        print(
            json.dumps(
                {
                    "organizations_in_one_country": size,
                    "pairs_listed": len(pairs),
                    "pairs_scoring_95_or_more": twins,
                    "twins_planted": size // 50,
                    "seconds": round(seconds, 2),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
