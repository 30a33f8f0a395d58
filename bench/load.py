"""Write a generated problem straight into PostgreSQL with COPY; prints one JSON object.

python -m bench.load --size L --supply 0.8 --seed 1 \
    --database-url postgres://postgres@127.0.0.1:5432/registry_bench --create

The catalogue tables (organizations, users, offers, needs, and the matching tables that refer to
them) are truncated first. Ids are the generator's, so a run on the loaded database sees the same
problem as `bench.engine` (dates are moved so that the generator's day 0 is today; track records
start at zero because no partnership exists yet).
"""

from __future__ import annotations

import argparse
import datetime
import json
import time
from collections.abc import Iterable, Iterator
from decimal import ROUND_DOWN, Decimal

import psycopg

from bench.database import create_database, setup_django
from bench.generator import SIZES, TODAY, generate
from matching.engine import Problem

CENT = Decimal("0.01")
# TRUNCATE ... CASCADE also empties every table that refers to these (proposals, history, tokens).
CATALOGUE_TABLES = (
    "registry_organization",
    "registry_membership",
    "registry_offer",
    "registry_offer_focus_areas",
    "registry_offer_vulnerable_groups",
    "registry_need",
    "registry_needitem",
    "registry_need_focus_areas",
    "registry_need_vulnerable_groups",
    "matching_matchrun",
    "matching_statechange",
    "auth_user",
)
IDENTITY_TABLES = (
    "auth_user",
    "registry_organization",
    "registry_membership",
    "registry_offer",
    "registry_need",
    "registry_needitem",
)
COORDINATOR = "bench-coordinator"


def money(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_DOWN)


def shifted(day: datetime.date | None, offset: datetime.timedelta) -> datetime.date | None:
    return None if day is None else day + offset


def split_text(text: str) -> tuple[str, str]:
    """The generator's text as a title (before the colon) and a description (all of it)."""
    return text.split(":", 1)[0][:200], text


def organization_rows(
    problem: Problem, now: datetime.datetime, coordinator_id: int
) -> Iterator[tuple]:
    """Need posters (governments, every third a local government; verified, since only verified
    posters' needs are matched) and offering organizations (half of them verified):
    (id, name, kind, country, verified_by_id, verified_at)."""
    posters: dict[int, str] = {}
    for need in problem.needs:
        posters.setdefault(need.organization_id, need.area[:2])
    for organization_id, country in sorted(posters.items()):
        kind = "local_government" if organization_id % 3 == 0 else "government"
        yield (organization_id, f"Ministry {organization_id}", kind, country, coordinator_id, now)
    offerers: dict[int, tuple[str, str, bool]] = {}
    for offer in problem.offers:
        country = offer.areas[0][:2] if offer.areas[0] != "global" else "KE"
        offerers.setdefault(
            offer.organization_id, (offer.organization_kind, country, offer.verified)
        )
    for organization_id, (kind, country, verified) in sorted(offerers.items()):
        yield (
            organization_id,
            f"Organization {organization_id}",
            kind,
            country,
            coordinator_id if verified else None,
            now if verified else None,
        )


TIMINGS: dict[str, float] = {}


def copy(cursor: psycopg.Cursor, table: str, columns: tuple[str, ...], rows: Iterable) -> int:
    """COPY rows into a table; the number of rows written (its seconds go to TIMINGS)."""
    count = 0
    started = time.perf_counter()
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(statement) as target:  # type: ignore[arg-type]
        for row in rows:
            target.write_row(row)
            count += 1
    TIMINGS[table] = round(time.perf_counter() - started, 3)
    return count


def load(
    connection: psycopg.Connection, problem: Problem, *, commit: bool = True
) -> dict[str, int]:
    """Truncate the catalogue and COPY the problem in; rows written per table. With
    commit=False the caller owns the transaction (and may roll it all back)."""
    now = datetime.datetime.now(datetime.UTC)
    offset = datetime.date.today() - TODAY
    kinds = problem.category_kinds
    written: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(CATALOGUE_TABLES)} RESTART IDENTITY CASCADE")
        # Synthetic rows need no audit history and are consistent by construction: skip triggers
        # (history and foreign-key checks) while copying, as a restore would.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined) VALUES ('!', false, %s, '', '', %s,"
            " false, true, %s) RETURNING id",
            [COORDINATOR, f"{COORDINATOR}@example.org", now],
        )
        coordinator_id = cursor.fetchone()[0]  # type: ignore[index]
        cursor.execute(
            "INSERT INTO auth_user_groups (user_id, group_id)"
            " SELECT %s, id FROM auth_group WHERE name = 'coordinators'",
            [coordinator_id],
        )
        organizations = list(organization_rows(problem, now, coordinator_id))
        written["registry_organization"] = copy(
            cursor,
            "registry_organization",
            (
                "id",
                "name",
                "kind",
                "country",
                "identifier",
                "website",
                "description",
                "contact_email",
                "contact_phone",
                "verified_by_id",
                "verified_at",
                "is_active",
                "created_at",
                "updated_at",
            ),
            (
                (
                    i,
                    name,
                    kind,
                    country,
                    None,
                    "",
                    "",
                    f"org{i}@example.org",
                    "",
                    by,
                    at,
                    True,
                    now,
                    now,
                )
                for i, name, kind, country, by, at in organizations
            ),
        )
        # One admin per organization; user ids follow the coordinator's.
        written["auth_user"] = copy(
            cursor,
            "auth_user",
            (
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ),
            (
                (coordinator_id + n, "!", False, f"admin{row[0]}", "", "", "", False, True, now)
                for n, row in enumerate(organizations, start=1)
            ),
        )
        written["registry_membership"] = copy(
            cursor,
            "registry_membership",
            ("role", "created_at", "user_id", "organization_id"),
            (
                ("admin", now, coordinator_id + n, row[0])
                for n, row in enumerate(organizations, start=1)
            ),
        )
        written["registry_offer"] = copy(
            cursor,
            "registry_offer",
            (
                "id",
                "title",
                "description",
                "kind",
                "quantity",
                "currency",
                "areas",
                "available_from",
                "available_until",
                "min_allocation",
                "status",
                "reserved",
                "committed",
                "created_at",
                "updated_at",
                "category_id",
                "organization_id",
                # copies of the link rows below; triggers keep them otherwise, but are off here
                "focus_area_slugs",
                "vulnerable_group_slugs",
            ),
            (
                (
                    offer.id,
                    *split_text(offer.text),
                    kinds[offer.category],
                    money(offer.remaining),
                    offer.currency or "",
                    list(offer.areas),
                    shifted(offer.available_from, offset),
                    shifted(offer.available_until, offset),
                    None if offer.min_allocation is None else money(offer.min_allocation),
                    "published",
                    0,
                    0,
                    now - datetime.timedelta(microseconds=offer.id),
                    now,
                    offer.category,
                    offer.organization_id,
                    sorted(offer.focus_areas),
                    sorted(offer.vulnerable_groups),
                )
                for offer in problem.offers
            ),
        )
        for relation, attribute, column in (
            ("focus_areas", "focus_areas", "focusarea_id"),
            ("vulnerable_groups", "vulnerable_groups", "vulnerablegroup_id"),
        ):
            written[f"registry_offer_{relation}"] = copy(
                cursor,
                f"registry_offer_{relation}",
                ("offer_id", column),
                (
                    (offer.id, slug)
                    for offer in problem.offers
                    for slug in sorted(getattr(offer, attribute))
                ),
            )
            written[f"registry_need_{relation}"] = copy(
                cursor,
                f"registry_need_{relation}",
                ("need_id", column),
                (
                    (need.id, slug)
                    for need in problem.needs
                    for slug in sorted(getattr(need, attribute))
                ),
            )
        written["registry_need"] = copy(
            cursor,
            "registry_need",
            (
                "id",
                "title",
                "description",
                "area",
                "population",
                "indicator_name",
                "indicator_unit",
                "indicator_source",
                "indicator_disaggregation",
                "deadline",
                "priority",
                "status",
                "created_at",
                "updated_at",
                "organization_id",
            ),
            (
                (
                    need.id,
                    *split_text(need.text),
                    need.area,
                    1_000 + 37 * need.id % 50_000,
                    "Share of people online",
                    "%",
                    "National household survey",
                    "{}",
                    shifted(need.deadline, offset),
                    need.priority,
                    "open",
                    now - datetime.timedelta(microseconds=need.id),
                    now,
                    need.organization_id,
                )
                for need in problem.needs
            ),
        )
        written["registry_needitem"] = copy(
            cursor,
            "registry_needitem",
            (
                "id",
                "kind",
                "quantity",
                "currency",
                "reserved",
                "committed",
                "category_id",
                "need_id",
            ),
            (
                (
                    item.id,
                    kinds[item.category],
                    money(item.remaining),
                    item.currency or "",
                    0,
                    0,
                    item.category,
                    need.id,
                )
                for need in problem.needs
                for item in need.items
            ),
        )
        for table in IDENTITY_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
    if commit:
        connection.commit()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--supply", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--create", action="store_true", help="create and migrate the database first"
    )
    arguments = parser.parse_args()

    created = False
    if arguments.create:
        created = create_database(arguments.database_url)
        setup_django(arguments.database_url)
        from bench.database import migrate

        migrate()
    started = time.perf_counter()
    problem = generate(arguments.size, arguments.supply, arguments.seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(arguments.database_url, autocommit=False) as connection:
        written = load(connection, problem)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        connection.execute("ANALYZE")
        connection.commit()
        analyzed = time.perf_counter() - started
    rows = sum(written.values())
    print(
        json.dumps(
            {
                "size": arguments.size,
                "supply": arguments.supply,
                "seed": arguments.seed,
                "database_created": created,
                "rows": written,
                "rows_total": rows,
                "seconds": {
                    "generate": round(generated, 3),
                    "copy": round(seconds, 3),
                    "analyze": round(analyzed, 3),
                    "per_table": TIMINGS,
                },
                "rows_per_second": round(rows / seconds),
            }
        )
    )


if __name__ == "__main__":
    main()
