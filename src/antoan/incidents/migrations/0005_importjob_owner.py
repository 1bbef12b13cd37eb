from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_indicator_covering_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="owner",
            field=models.CharField(blank=True, max_length=200),
        ),
    ]
