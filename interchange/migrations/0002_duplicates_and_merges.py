import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Duplicate candidates on registration and in the merge queue: `name % other` on both tables.
TRIGRAM_INDEXES = {
    "organization_name_trigram": "registry_organization USING gin (name gin_trgm_ops)",
    "alias_value_trigram": "interchange_organizationalias USING gin (value gin_trgm_ops)",
}


def enable_trigrams(apps, schema_editor):
    """pg_trgm where the server ships it (the embedded server does not: rapidfuzz alone then)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, target in TRIGRAM_INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_trigram_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in TRIGRAM_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('interchange', '0001_initial'),
        ('registry', '0007_offer_reach_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OrganizationAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('name', 'Name'), ('identifier', 'Identifier')], max_length=16)),
                ('value', models.CharField(max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('merged_from', models.ForeignKey(help_text='The merged record.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.organization')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='registry.organization')),
            ],
            options={
                'ordering': ['organization_id', 'kind', 'value'],
                'constraints': [models.UniqueConstraint(fields=('organization', 'kind', 'value'), name='organization_alias_unique'), models.CheckConstraint(condition=models.Q(('kind__in', ['name', 'identifier'])), name='organization_alias_kind_valid')],
            },
        ),
        migrations.CreateModel(
            name='OrganizationMerge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(blank=True, default='', max_length=2000)),
                ('moved', models.JSONField(default=dict, help_text='How many records of each kind moved.')),
                ('merged_at', models.DateTimeField(auto_now_add=True)),
                ('into', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='merges', to='registry.organization')),
                ('merged', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='merged_into', to='registry.organization')),
                ('merged_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-merged_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('merged', models.F('into')), _negated=True), name='organization_merge_distinct')],
            },
        ),
        migrations.RunPython(enable_trigrams, drop_trigram_indexes),
    ]
