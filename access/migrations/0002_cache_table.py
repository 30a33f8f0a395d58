"""The table of the database cache (config/cache.py), used when no Redis is configured.

The same columns as `manage.py createcachetable` makes, created here so that `migrate` alone
prepares every database, whatever cache the settings name today.
"""

from django.db import migrations

CREATE = """
CREATE TABLE IF NOT EXISTS "access_cache" (
    "cache_key" varchar(255) NOT NULL PRIMARY KEY,
    "value" text NOT NULL,
    "expires" timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS "access_cache_expires" ON "access_cache" ("expires");
"""


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE, reverse_sql='DROP TABLE IF EXISTS "access_cache";'),
    ]
