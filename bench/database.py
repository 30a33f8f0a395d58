"""The bench database: created on request, migrated, and Django pointed at it."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def server_url(database_url: str, database: str = "postgres") -> str:
    """The same server's URL, naming another database."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def create_database(database_url: str) -> bool:
    """CREATE DATABASE when it does not exist; True when it was created."""
    name = database_name(database_url)
    with psycopg.connect(server_url(database_url), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def setup_django(database_url: str, **environment: str) -> None:
    """Point the settings at `database_url` (and any other variables) and start Django."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.update(environment)
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
