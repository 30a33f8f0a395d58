"""The needs' search vector includes their translations (i18n): a generated column cannot be
altered, so it is dropped and added again with its index."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

import registry.models.search


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_sdg_goals_and_descriptions"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="need", name="need_search_gin"),
        migrations.RemoveField(model_name="need", name="search"),
        migrations.AddField(
            model_name="need",
            name="search",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "title", "description", config="english"
                    ),
                    "||",
                    registry.models.search.TranslationsSearchVector("i18n"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="need",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search"], name="need_search_gin"
            ),
        ),
    ]
