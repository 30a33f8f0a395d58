import django.contrib.postgres.indexes
from django.db import migrations

import registry.models.offers

# registry_offer_reach(category, areas): 'category:area' for each of the offer's areas. It is
# IMMUTABLE (its result depends on its arguments only), which an index expression requires.
CREATE_FUNCTION = """
CREATE FUNCTION registry_offer_reach(category varchar, areas varchar[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ARRAY(SELECT category || ':' || area FROM unnest(areas) AS area);
"""
DROP_FUNCTION = "DROP FUNCTION registry_offer_reach(varchar, varchar[]);"


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_offer_taxonomy_slugs"),
    ]

    operations = [
        migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION, elidable=False),
        migrations.AddIndex(
            model_name="offer",
            index=django.contrib.postgres.indexes.GinIndex(
                registry.models.offers.OfferReach("category", "areas"), name="offer_reach_gin"
            ),
        ),
    ]
