"""A traffic accident's severity class by the circular in force on its own day (#22): Thông tư 58/2009/TT-BCA(C11)
to 14/08/2024, Thông tư 26/2024/TT-BCA from 15/08/2024; stored classes brought up to date when a version changes."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command

from antoan.incidents.models import DailyTotal, Incident
from antoan.incidents.services import incident_create, severity_reclassify
from antoan.incidents.severity import severity_rule_on, severity_rules
from antoan.incidents.tests.conftest import HAM_THUAN, local

pytestmark = pytest.mark.django_db
TT58, TT26 = "Thông tư 58/2009/TT-BCA(C11), Điều 5", "Thông tư 26/2024/TT-BCA, Điều 5"


@pytest.fixture
def admin(make_user):
    user = make_user()
    user.is_superuser = True
    user.save()
    return user


def accident(user, unit, when, **facts):
    values = {"dead": 0, "injured": 0, **facts}
    return incident_create(user=user, unit=unit(HAM_THUAN, when.date()), kind="traffic", occurred_at=when,
                           summary="Ô tô tải va chạm xe máy trên Quốc lộ 28", **values)  # fmt: skip


def test_the_versions_meet_on_15_08_2024():
    assert severity_rule_on(date(2024, 8, 14)).source == TT58
    assert severity_rule_on(date(2024, 8, 15)).source == TT26
    old, new = severity_rules()
    assert old.valid_to == date(2024, 8, 14) and new.valid_from == date(2024, 8, 15) and new.valid_to is None
    assert new.verified and not old.verified and old.unverified_vi and old.unverified_en


@pytest.mark.parametrize(
    ("facts", "on_14th", "on_15th"),
    [
        # Property 60 million: "từ 50 triệu đến dưới 500 triệu" is serious under TT 58, "từ 10 đến dưới 100 triệu" less
        # serious under TT 26.
        ({"property_damage_vnd": 60_000_000}, "serious", "less_serious"),
        # 7 million: less serious from 5 million (TT 58), a collision under 10 million (TT 26).
        ({"property_damage_vnd": 7_000_000}, "less_serious", "collision"),
        # One person injured at 35%: serious from 31% (TT 58), less serious below 61% (TT 26).
        ({"injured": 1, "injury_rate_total_pct": 35}, "serious", "less_serious"),
        # Two people, 25% in total: less serious from 21% (TT 58) and from 11% (TT 26).
        ({"injured": 2, "injury_rate_total_pct": 25}, "less_serious", "less_serious"),
        # One person at 21% and 30 million of damage: serious under TT 58's combined case only.
        ({"injured": 1, "injury_rate_total_pct": 21, "property_damage_vnd": 30_000_000}, "serious", "less_serious"),
        ({"dead": 1}, "serious", "serious"),
        ({"dead": 2}, "very_serious", "very_serious"),
    ],
)
def test_an_accident_is_classed_by_the_circular_in_force_on_its_day(admin, unit, facts, on_14th, on_15th):
    before = accident(admin, unit, local(2024, 8, 14, 23, 30), **facts)
    after = accident(admin, unit, local(2024, 8, 15, 0, 30), **facts)
    assert (before.severity, before.severity_source) == (on_14th, TT58)
    assert (after.severity, after.severity_source) == (on_15th, TT26)


def _as_before_22(incidents):
    """Store the classes as they were before #22: every accident judged by TT 26/2024, whatever its day."""
    rule = severity_rule_on(date(2025, 1, 1))
    for incident in incidents:
        facts = {f: getattr(incident, f) for f in ("dead", "injured", "injury_rate_total_pct", "property_damage_vnd")}
        stale = {"severity": rule.classify(facts).code, "severity_source": rule.source}
        Incident.all_objects.filter(pk=incident.pk).update(**stale)


def _daily(severity: str, day: date) -> int:
    return sum(DailyTotal.objects.filter(day=day, kind="traffic", severity=severity).values_list("n", flat=True))


def test_reclassify_counts_then_writes_with_history_and_daily_totals(admin, unit):
    day = date(2020, 5, 4)
    made = [accident(admin, unit, local(2020, 5, 4, 9), property_damage_vnd=60_000_000) for _ in range(3)]
    made.append(accident(admin, unit, local(2025, 5, 4, 9), property_damage_vnd=60_000_000))  # same either way
    _as_before_22(made)
    assert severity_reclassify(write=False) == {("less_serious", "serious"): 3}
    assert set(Incident.objects.filter(pk__in=[m.pk for m in made[:3]]).values_list("severity", flat=True)) == {
        "less_serious"
    }  # a count writes nothing
    history_before = Incident.history.count()
    assert severity_reclassify() == {("less_serious", "serious"): 3}
    rows = Incident.objects.filter(pk__in=[m.pk for m in made[:3]])
    assert set(rows.values_list("severity", "severity_source")) == {("serious", TT58)}
    added = Incident.history.order_by("-history_id")[:3]
    assert Incident.history.count() == history_before + 3
    assert {h.history_change_reason for h in added} == {f"Phân loại lại theo {TT58}"}
    assert _daily("serious", day) == 3 and _daily("less_serious", day) == 0
    assert severity_reclassify() == {}  # nothing left to change


def test_the_migration_path_reclassifies_and_says_how_many(admin, unit, capsys):
    made = [accident(admin, unit, local(2019, 11, 2, 7), property_damage_vnd=7_000_000) for _ in range(2)]
    _as_before_22(made)
    migration = importlib.import_module("antoan.incidents.migrations.0011_road_cause_and_severity_by_day")
    migration.reclassify(apps, None)
    assert "2 vụ đổi loại (collision → less_serious: 2)" in capsys.readouterr().out
    assert set(Incident.objects.filter(pk__in=[m.pk for m in made]).values_list("severity", flat=True)) == {
        "less_serious"
    }
    assert _daily("less_serious", date(2019, 11, 2)) == 2


def test_the_command_lists_the_rules_in_force_and_recomputes(admin, unit, capsys):
    call_command("rules", "--on", "2020-06-01")
    listed = capsys.readouterr().out
    assert TT58 in listed and TT26 not in listed and "CHƯA ĐỐI CHIẾU" in listed
    assert "Thông tư 26/2012/TT-BGTVT" in listed and "Thông tư 41/2024/TT-BGTVT" not in listed
    call_command("rules", "--on", "15/08/2024")
    assert TT26 in capsys.readouterr().out
    _as_before_22([accident(admin, unit, local(2020, 5, 4, 9), property_damage_vnd=60_000_000)])
    call_command("rules", "--recompute", "--dry-run")
    assert "1 vụ tai nạn giao thông sẽ đổi loại" in capsys.readouterr().out
    call_command("rules", "--recompute")
    out = capsys.readouterr().out
    assert "1 vụ tai nạn giao thông đã đổi loại" in out and "Ít nghiêm trọng → Nghiêm trọng: 1" in out
