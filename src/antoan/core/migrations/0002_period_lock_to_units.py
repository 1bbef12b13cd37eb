"""The locked months are units' now (units/0004 renamed the tables): core forgets the models, touching no table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("units", "0004_period_lock_from_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HistoricalPeriodLock"), migrations.DeleteModel(name="PeriodLock")],
        ),
    ]
