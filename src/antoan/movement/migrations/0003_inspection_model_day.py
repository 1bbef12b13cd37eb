from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("movement", "0002_model_ended_on"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["model", "inspected_on"], name="inspection_model_day"),
        ),
    ]
