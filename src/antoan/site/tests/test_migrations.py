"""The data migrations carry frozen copies of the rules they apply (they import no live code, so that a later change to
that code can neither break nor change them). Here each copy is checked against the live rule it was copied from, on
real data: the same primary predecessors, the same communes for every incident, the same daily totals. If a live rule
changes on purpose later, the migration keeps the old one and the test comparing them goes."""

import importlib
from datetime import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from antoan.accounts.models import Role
from antoan.incidents.daily import daily_totals_rebuild
from antoan.incidents.models import DailyTotal, Incident
from antoan.incidents.services import incident_create
from antoan.units.models import Succession

pytestmark = pytest.mark.django_db


def _migration(app: str, name: str):
    return importlib.import_module(f"antoan.{app}.migrations.{name}")


def test_the_frozen_primary_predecessors_are_those_the_loader_chooses():
    chosen = set(Succession.objects.filter(is_primary=True).values_list("pk", flat=True))
    assert len(chosen) > 3000  # one per current commune
    Succession.objects.update(is_primary=False)
    _migration("units", "0003_reorganisation_attribution").mark_primary(apps, None)
    assert set(Succession.objects.filter(is_primary=True).values_list("pk", flat=True)) == chosen


@pytest.fixture
def incidents(make_user, unit):
    """Records in an old commune and in a new one, with and without coordinates, over several days."""
    district = unit("597", datetime(2020, 1, 1).date())
    officer = make_user(Role.OFFICER, district)
    made = []
    for code, day, where in [
        ("23059", datetime(2020, 3, 2, 8), (11.05, 108.05)),
        ("23062", datetime(2021, 5, 1, 23, 30), None),
        ("23101", datetime(2020, 3, 2, 9), (10.98, 108.1)),
        ("23059", datetime(2026, 1, 3, 7), None),
        ("22933", datetime(2026, 1, 3, 21), (10.95, 108.05)),
    ]:
        when = timezone.make_aware(day)
        lat, lon = where or (None, None)
        made.append(incident_create(user=officer, unit=unit(code, when.date()), kind="traffic", occurred_at=when,
                                    summary="Va chạm xe máy", dead=0, injured=1, latitude=lat,
                                    longitude=lon))  # fmt: skip
    return made


def test_the_frozen_attribution_gives_each_incident_the_communes_the_services_give(incidents):
    given = {i.pk: (i.current_commune_id, i.legacy_commune_id) for i in Incident.objects.all()}
    assert all(current and legacy for current, legacy in given.values())
    Incident.objects.update(current_commune=None, legacy_commune=None)
    _migration("incidents", "0002_reorganisation_attribution").attribute(apps, None)
    rows = Incident.objects.values_list("pk", "current_commune_id", "legacy_commune_id")
    assert {pk: (current, legacy) for pk, current, legacy in rows} == given


def test_the_frozen_daily_count_is_the_rebuild_of_the_live_code(incidents):
    def totals():
        return sorted(DailyTotal.objects.values_list("day", "kind", "category", "severity", "solved", "n", "injured"))

    daily_totals_rebuild()
    expected = totals()
    assert sum(row[5] for row in expected) == len(incidents)
    DailyTotal.objects.all().delete()
    _migration("incidents", "0003_daily_totals").count_existing(apps, None)
    assert totals() == expected
