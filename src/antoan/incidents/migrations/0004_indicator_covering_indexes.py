from django.db import migrations, models

INDICATOR_COLUMNS = [
    "kind", "category", "severity", "solved", "suspects", "persons_involved", "dead", "injured", "property_damage_vnd",
    "missing", "houses_damaged", "houses_destroyed", "agriculture_ha", "economic_loss_million_vnd",
    "recovery_support_vnd",
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_daily_totals"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="incident", name="incident_current_kind_time"),
        migrations.RemoveIndex(model_name="incident", name="incident_legacy_kind_time"),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=["current_commune", "occurred_at"], include=INDICATOR_COLUMNS, name="incident_current_time"
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=["legacy_commune", "occurred_at"], include=INDICATOR_COLUMNS, name="incident_legacy_time"
            ),
        ),
    ]
