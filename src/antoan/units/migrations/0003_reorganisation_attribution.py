import math

from django.db import migrations, models


def mark_primary(apps, schema_editor):
    """Choose each current commune's primary predecessor for a database loaded before this field existed (a fresh
    one gets it from `antoan units load`). Frozen: the rule as it stood (units.loader.primary_links), copied here so
    that later changes to the live code cannot change or break this migration. For each current commune: a link
    whose old commune became it whole (the default successor) rather than in part; among those the one whose code it
    kept; else the one whose centre lies nearest; the code breaks ties."""
    Succession = apps.get_model("units", "Succession")

    def distance(link):
        p, s = link.predecessor, link.successor
        if None in (p.latitude, p.longitude, s.latitude, s.longitude):
            return float("inf")
        return (p.latitude - s.latitude) ** 2 + ((p.longitude - s.longitude) * math.cos(math.radians(s.latitude))) ** 2

    def preference(link):
        return (not link.is_default, link.predecessor.code != link.successor.code, distance(link), link.predecessor.code)

    by_successor = {}
    for link in Succession.objects.select_related("predecessor", "successor"):
        by_successor.setdefault(link.successor.code, []).append(link)
    chosen = [min(group, key=preference).pk for group in by_successor.values()]
    Succession.objects.filter(pk__in=chosen).update(is_primary=True)


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
