"""A run may be triggered by a newly published need, matched on its own."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_history_triggers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="matchrun",
            name="trigger",
            field=models.CharField(
                choices=[
                    ("manual", "Started by a coordinator"),
                    ("scheduled", "Scheduled"),
                    ("event", "A change in the catalogue"),
                    ("need", "A newly published need, matched on its own"),
                ],
                default="manual",
                max_length=10,
            ),
        ),
        migrations.RemoveConstraint(model_name="matchrun", name="matchrun_trigger_valid"),
        migrations.AddConstraint(
            model_name="matchrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("trigger__in", ["manual", "scheduled", "event", "need"])),
                name="matchrun_trigger_valid",
            ),
        ),
    ]
