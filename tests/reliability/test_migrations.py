"""Migrations: the linter finds no backward-incompatible operation, and every migration of the
project's apps reverses cleanly (migrate to zero on a scratch database, and forward again).

The linter's warnings are accepted, as `manage.py lintmigrations` accepts them: a plain
CREATE INDEX locks writes to its table while it builds, which the catalogue's sizes tolerate.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import connection
from django_migration_linter import MigrationLinter
from django_migration_linter.sql_analyser import PostgresqlAnalyser, analyse_sql_statements

from tests.reliability.postgres import connect, scratch_database
from tests.worker import ROOT, database_url

PROJECT_APPS = ["registry", "matching"]

# One process: migrate forward, take the project's apps back to zero, forward again.
ROUND_TRIP = """
from django.core.management import call_command
import django
django.setup()
call_command("migrate", verbosity=0, interactive=False)
call_command("migrate", "registry", "zero", verbosity=0, interactive=False)
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND (table_name LIKE 'registry\\\\_%%' OR table_name LIKE 'matching\\\\_%%')"
    )
    print("tables left at zero:", cursor.fetchone()[0])
    cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger\\\\_%%'")
    print("triggers left at zero:", cursor.fetchone()[0])
call_command("migrate", verbosity=0, interactive=False)
"""


def test_the_linter_finds_no_backward_incompatible_migration(db):
    linter = MigrationLinter(
        path=str(ROOT),
        include_apps=PROJECT_APPS,
        no_cache=True,
        no_output=True,
    )
    linter.lint_all_migrations()
    assert linter.nb_total >= 7
    assert linter.nb_erroneous == 0, "run `python manage.py lintmigrations` to see why"
    # Control: the analyser does flag an incompatible change (dropping a column).
    errors, _, _ = analyse_sql_statements(
        PostgresqlAnalyser, ['ALTER TABLE "registry_offer" DROP COLUMN "title" CASCADE;'], []
    )
    assert [error.code for error in errors] == ["DROP_COLUMN"]


@pytest.mark.django_db
def test_every_migration_reverses_and_applies_again():
    with scratch_database("migrations") as name:
        result = subprocess.run(
            [sys.executable, "-c", ROUND_TRIP],
            cwd=ROOT,
            env={
                **__import__("os").environ,
                "DATABASE_URL": database_url({**connection.settings_dict, "NAME": name}),
                "DJANGO_SETTINGS_MODULE": "config.settings",
            },
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        assert "tables left at zero: 0\n" in result.stdout, result.stdout
        assert "triggers left at zero: 0\n" in result.stdout, result.stdout
        with connect(name) as migrated:
            applied = migrated.execute(
                "SELECT count(*) FROM django_migrations WHERE app = ANY(%s)", [PROJECT_APPS]
            ).fetchone()[0]
            offers = migrated.execute("SELECT count(*) FROM registry_category").fetchone()[0]
    assert applied >= 7
    assert offers > 0  # the taxonomies' data migration ran again
