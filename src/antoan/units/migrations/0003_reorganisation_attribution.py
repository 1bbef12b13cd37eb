from django.db import migrations, models


def mark_primary(apps, schema_editor):
    """Choose each current commune's primary predecessor for a database loaded before this field existed
    (a fresh one gets it from `antoan units load`)."""
    from antoan.units.loader import Link, primary_links

    Succession = apps.get_model("units", "Succession")
    links = [
        Link(s.pk, s.successor.code, s.is_default, s.predecessor.code,
             (s.predecessor.latitude, s.predecessor.longitude), (s.successor.latitude, s.successor.longitude))
        for s in Succession.objects.select_related("predecessor", "successor")
    ]  # fmt: skip
    Succession.objects.filter(pk__in=primary_links(links)).update(is_primary=True)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0002_alter_historicalunit_establishment_type_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="succession",
            name="is_primary",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_primary, migrations.RunPython.noop),
    ]
