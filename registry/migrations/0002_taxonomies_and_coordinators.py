from django.db import migrations


def load(apps, schema_editor):
    from registry.taxonomy_fixtures import load_taxonomies

    load_taxonomies(apps)


def create_coordinators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="coordinators")


def remove_coordinators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="coordinators").delete()


def unload(apps, schema_editor):
    for name in ("Category", "FocusArea", "VulnerableGroup", "SdgTarget", "CurrencyRate"):
        apps.get_model("registry", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_catalogue"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(load, unload),
        migrations.RunPython(create_coordinators_group, remove_coordinators_group),
    ]
