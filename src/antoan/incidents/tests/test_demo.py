"""The demo records: the district's reported totals, places inside their communes, idempotence, audit."""

import math
import random
from datetime import date

import pytest
from django.db.models import Sum
from django.utils import timezone

from antoan.accounts.models import User
from antoan.incidents.demo import CURRENT_WEIGHTS, _casualties, demo_records, seed_incidents
from antoan.incidents.models import DuplicateState, Incident
from antoan.incidents.severity import severity_rule_on
from antoan.site.demo import demo_seed
from antoan.units.models import Hierarchy, Unit
from antoan.units.selectors import unit_for_code

pytestmark = pytest.mark.django_db


YEARS = (2019, 2020)


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _year(district: Unit, kind: str, year: int):
    return Incident.objects.filter(unit__path__startswith=district.path, kind=kind, occurred_at__year=year)


def test_demo_seed_follows_the_2020_review_places_records_inside_communes_and_is_idempotent():
    demo_seed()
    admin = User.objects.get(username="quantri")
    district = unit_for_code(code="597", day=date(2020, 1, 1))

    # Báo cáo tổng kết 2020 của huyện: 49 → 44 vụ phạm pháp hình sự, 57 → 54 vụ TNGT, ít người chết và bị thương hơn.
    social_order = [_year(district, "crime", y).filter(category="social_order").count() for y in (2019, 2020)]
    assert social_order == [49, 44]  # "phạm pháp hình sự", as the review counts it
    assert [_year(district, "crime", y).exclude(category="social_order").count() for y in (2019, 2020)] == [14, 12]
    assert [_year(district, "traffic", y).count() for y in (2019, 2020)] == [57, 54]
    people = {y: _year(district, "traffic", y).aggregate(dead=Sum("dead"), injured=Sum("injured")) for y in YEARS}
    assert people == {2019: {"dead": 31, "injured": 48}, 2020: {"dead": 26, "injured": 41}}
    crimes = Incident.objects.filter(kind="crime", category="social_order", unit__path__startswith=district.path)
    assert 0.8 <= crimes.filter(solved=True).count() / crimes.count() <= 0.9
    assert all(c.solved_on > timezone.localtime(c.occurred_at).date() for c in crimes.filter(solved=True))
    legacy_communes = set(district.children.filter(kind="commune").values_list("pk", flat=True))
    assert set(Incident.objects.filter(unit__parent=district).values_list("unit", flat=True)) == legacy_communes
    assert set(Incident.objects.filter(unit__hierarchy=Hierarchy.CURRENT).values_list("unit__code", flat=True)) == set(
        CURRENT_WEIGHTS
    )
    assert 80 <= Incident.objects.filter(unit__hierarchy=Hierarchy.CURRENT).count() <= 160  # 1/7/2025 → 2026
    kinds = {"crime", "social_evil", "traffic", "disaster", "fire"}
    assert set(Incident.objects.values_list("kind", flat=True)) == kinds

    for incident in Incident.objects.select_related("unit"):
        unit = incident.unit
        assert incident.latitude is not None, incident.external_id
        if unit.hierarchy == Hierarchy.LEGACY:
            south, west, north, east = unit.bounds
            assert south <= incident.latitude <= north and west <= incident.longitude <= east, incident.external_id
        else:
            radius_km = 0.3 * math.sqrt(unit.area_km2 / math.pi) if unit.area_km2 else 1.0
            distance = _distance_km(unit.latitude, unit.longitude, incident.latitude, incident.longitude)
            assert distance <= radius_km + 0.005, incident.external_id

    # One deliberate double entry, for the duplicates review page; nothing else looks like one.
    flagged = Incident.objects.filter(duplicate_state=DuplicateState.FLAGGED).select_related("duplicate_of", "unit")
    assert len(flagged) == 1
    copy = flagged[0]
    assert (copy.kind, copy.unit.name, copy.occurred_at.year) == ("traffic", "Xã Hàm Thuận", 2026)
    assert copy.duplicate_of.unit_id == copy.unit_id

    # Every record was written by the service in the administrator's name.
    total = Incident.objects.count()
    assert Incident.history.filter(history_type="+", history_user=admin).count() == total
    assert not Incident.objects.exclude(created_by=admin).exists()
    assert not Incident.objects.filter(kind="traffic", severity="").exists()
    # The 2020 severity breakdown is the police's of the time: Thông tư 58/2009/TT-BCA(C11) (#22); 2026 by TT 26/2024.
    for year, source in ((2019, "Thông tư 58/2009"), (2020, "Thông tư 58/2009"), (2026, "Thông tư 26/2024")):
        accidents = Incident.objects.filter(kind="traffic", occurred_at__year=year)
        assert {s.split("/TT-BCA")[0] for s in accidents.values_list("severity_source", flat=True)} == {source}
        rule = severity_rule_on(date(year, 6, 1))
        for a in accidents:
            facts = {f: getattr(a, f) for f in ("dead", "injured", "injury_rate_total_pct", "property_damage_vnd")}
            assert a.severity == rule.classify(facts).code, a.external_id

    history = Incident.history.count()
    assert seed_incidents(user=admin)["created"] == 0
    demo_seed()
    assert (Incident.objects.count(), Incident.history.count()) == (total, history)


def test_demo_records_are_the_same_on_every_run():
    def snapshot():
        return [(r.unit.pk, r.kind, r.occurred_at, sorted(r.fields.items())) for r in demo_records()]

    first = snapshot()
    assert first == snapshot()
    assert len({dict(fields)["external_id"] for *_, fields in first}) == len(first)
    assert not Incident.objects.exists()  # drawing the records writes nothing


@pytest.mark.parametrize("accidents,dead,injured", [(57, 31, 48), (54, 26, 41), (16, 8, 12)])
def test_casualties_add_up_exactly_and_every_accident_has_a_victim(accidents, dead, injured):
    people = _casualties(random.Random(1), accidents, dead, injured)
    assert len(people) == accidents
    assert (sum(d for d, _ in people), sum(i for _, i in people)) == (dead, injured)
    assert all(d + i > 0 for d, i in people)
