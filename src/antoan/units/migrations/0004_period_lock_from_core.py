"""The locked months move from core (which knows no app) to units, table and history table renamed with them."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def _rename(old: str, new: str):
    return migrations.RunSQL(f"ALTER TABLE {old} RENAME TO {new}", f"ALTER TABLE {new} RENAME TO {old}")


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0003_reorganisation_attribution"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _rename("core_periodlock", "units_periodlock"),
                _rename("core_historicalperiodlock", "units_historicalperiodlock"),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalPeriodLock",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("month", models.DateField(help_text="The first day of the month", verbose_name="month")),
                        ("locked_at", models.DateTimeField(blank=True, editable=False, verbose_name="locked at")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                        ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("locked_by", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="locked by")),
                        ("unit", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="units.unit", verbose_name="unit")),
                    ],
                    options={
                        "verbose_name": "historical period lock",
                        "verbose_name_plural": "historical period locks",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="PeriodLock",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("month", models.DateField(help_text="The first day of the month", verbose_name="month")),
                        ("locked_at", models.DateTimeField(auto_now_add=True, verbose_name="locked at")),
                        ("locked_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="locked by")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="units.unit", verbose_name="unit")),
                    ],
                    options={
                        "ordering": ["-month"],
                        "constraints": [models.UniqueConstraint(fields=("unit", "month"), name="period_lock_unique")],
                    },
                ),
            ],
        ),
    ]
