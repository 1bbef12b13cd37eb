"""The registry's one validation path: every kind, its required fields, bad values, scope, locks,
severity and duplicates, judged by the services that forms, the API and the import all call."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from antoan.accounts.models import Role
from antoan.core import clock
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.incidents.models import DuplicateState, Incident
from antoan.incidents.services import (
    incident_create,
    incident_delete,
    incident_dismiss_duplicate,
    incident_merge_duplicate,
    incident_update,
)
from antoan.incidents.tests.conftest import HAM_THUAN, local
from antoan.units.locks import period_lock, period_unlock

pytestmark = pytest.mark.django_db


def create(user, unit, **fields):
    return incident_create(user=user, unit=unit, **fields)


def test_every_kind_is_recorded_with_its_own_fields(officer, ham_thuan, traffic_fields):
    crime = create(
        officer,
        ham_thuan,
        kind="crime",
        occurred_at=local(2026, 1, 5, 21, 0),
        category="Trật tự xã hội",
        summary="Trộm cắp xe máy",
        solved="có",
        solved_on="10/01/2026",
        suspects="2",
    )
    evil = create(
        officer,
        ham_thuan,
        kind="social_evil",
        occurred_at="2026-02-01 22:15",
        category="cờ bạc",
        summary="Đánh bạc",
        persons_involved=6,
    )
    accident = create(officer, ham_thuan, **traffic_fields(property_damage_vnd="15.000.000"))
    flood = create(
        officer,
        ham_thuan,
        kind="disaster",
        occurred_at="15/10/2025",
        ended_at="2025-10-17 06:00",
        category="Lũ",
        summary="Lũ trên sông Cà Ty",
        missing=1,
        houses_damaged=12,
        agriculture_ha=40,
        economic_loss_million_vnd=3500,
        recovery_support_vnd=150_000_000,
    )
    assert (crime.category, crime.solved, crime.solved_on, crime.suspects) == (
        "social_order",
        True,
        date(2026, 1, 10),
        2,
    )
    assert (evil.category, evil.persons_involved) == ("gambling", 6)
    assert (accident.property_damage_vnd, accident.severity) == (15_000_000, "less_serious")
    assert accident.severity_source == "Thông tư 26/2024/TT-BCA, Điều 5"
    assert (flood.category, flood.houses_damaged, flood.economic_loss_million_vnd) == ("flood", 12, 3500)
    assert Incident.history.filter(id=crime.pk, history_user=officer).count() == 1


@pytest.mark.parametrize(
    ("kind", "fields", "missing"),
    [
        ("crime", {"solved": False}, "category"),
        ("crime", {"category": "kinh tế"}, "solved"),
        ("social_evil", {}, "category"),
        ("traffic", {"dead": 0}, "injured"),
        ("disaster", {}, "category"),
    ],
)
def test_a_kinds_required_field_is_enforced(officer, ham_thuan, kind, fields, missing):
    with pytest.raises(DomainError) as error:
        create(officer, ham_thuan, kind=kind, occurred_at=local(2026, 1, 1, 8), summary="x", **fields)
    assert error.value.errors[missing].vi == "Bắt buộc nhập"
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "vi_fragment"),
    [
        ("dead", -1, "số âm"),
        ("injured", "hai", "số nguyên không âm"),
        ("injured", "1.5", "số nguyên không âm"),
        ("property_damage_vnd", True, "số nguyên không âm"),
        ("occurred_at", "31/02/2026", "Thời gian không hợp lệ"),
        ("occurred_at", local(2099, 1, 1, 0, 0), "tương lai"),
        ("latitude", "abc", "Phải là một số"),
        ("latitude", 48.85, "ngoài lãnh thổ"),
        ("summary", "x" * 10_000, "quá giới hạn 4.000"),
        ("status", "lost", "không hợp lệ"),
        ("category", "Không có loại này", "không có trong danh mục"),
        ("solved", False, "không dùng cho vụ tai nạn giao thông"),
    ],
)
def test_bad_values_name_the_field_in_both_languages(officer, ham_thuan, traffic_fields, field, value, vi_fragment):
    fields = traffic_fields(**{field: value})
    if field == "latitude":
        fields["longitude"] = 2.35
    with pytest.raises(DomainError) as error:
        create(officer, ham_thuan, **fields)
    message = error.value.errors[field]
    assert vi_fragment in message.vi
    assert message.en and message.en != message.vi
    assert Incident.objects.count() == 0


def test_a_province_is_not_a_place_for_a_record(make_user, unit, traffic_fields):
    province_officer = make_user(Role.OFFICER, unit("68"))
    with pytest.raises(DomainError) as error:
        create(province_officer, unit("68"), **traffic_fields())
    assert "phải gắn với một xã" in error.value.errors["unit"].vi


def test_a_current_commune_cannot_hold_a_2020_record(officer, ham_thuan, traffic_fields):
    with pytest.raises(DomainError) as error:
        create(officer, ham_thuan, **traffic_fields(occurred_at=local(2020, 5, 1, 7, 0)))
    assert "không tồn tại" in error.value.errors["unit"].vi


def test_a_2020_record_goes_to_the_old_commune_and_the_new_communes_officer_may_write_it(officer, unit, traffic_fields):
    ma_lam = unit("23059", date(2020, 5, 1))
    incident = create(officer, ma_lam, **traffic_fields(occurred_at=local(2020, 5, 1, 7, 0)))
    assert incident.unit.name == "Thị trấn Ma Lâm"


def test_commune_officer_cannot_write_other_commune_incident(officer, hong_son, traffic_fields):
    with pytest.raises(NotFound):
        create(officer, hong_son, **traffic_fields())


def test_a_viewer_may_not_record(make_user, ham_thuan, traffic_fields):
    viewer = make_user(Role.VIEWER, ham_thuan)
    with pytest.raises(Forbidden):
        create(viewer, ham_thuan, **traffic_fields())


def test_external_id_is_unique_within_a_commune(officer, ham_thuan, traffic_fields):
    create(officer, ham_thuan, **traffic_fields(external_id="TN-001"))
    with pytest.raises(DomainError) as error:
        create(officer, ham_thuan, **traffic_fields(external_id="TN-001", latitude=None, longitude=None))
    assert "đã dùng" in error.value.errors["external_id"].vi


@pytest.mark.parametrize(
    ("facts", "severity"),
    [
        ({"dead": 0, "injured": 0}, "collision"),
        ({"dead": 0, "injured": 1, "injury_rate_total_pct": 15}, "less_serious"),
        ({"dead": 1, "injured": 0}, "serious"),
        ({"dead": 0, "injured": 1, "injury_rate_total_pct": 61}, "serious"),
        ({"dead": 0, "injured": 0, "property_damage_vnd": 100_000_000}, "serious"),
        ({"dead": 2, "injured": 0}, "very_serious"),
        ({"dead": 0, "injured": 2, "injury_rate_total_pct": 122}, "very_serious"),
        ({"dead": 0, "injured": 0, "property_damage_vnd": 1_499_999_999}, "very_serious"),
        ({"dead": 3, "injured": 0}, "especially_serious"),
        ({"dead": 0, "injured": 3, "injury_rate_total_pct": 201}, "especially_serious"),
    ],
)
def test_severity_follows_circular_26_2024_article_5(officer, ham_thuan, traffic_fields, facts, severity):
    incident = create(officer, ham_thuan, **traffic_fields(**facts, latitude=None, longitude=None))
    assert incident.severity == severity


def test_severity_is_recomputed_when_the_dead_change(officer, ham_thuan, traffic_fields):
    incident = create(officer, ham_thuan, **traffic_fields(dead=0, injured=0))
    assert incident.severity == "collision"
    incident, changed = incident_update(user=officer, incident=incident, dead=2)
    assert changed and incident.severity == "very_serious"
    entries = Incident.history.filter(id=incident.pk).order_by("history_id")
    assert [e.severity for e in entries] == ["collision", "very_serious"]


def test_a_crimes_gravity_is_entered_by_penal_code_article_9_and_a_traffic_accident_cannot_be_given_one(
    officer, ham_thuan, traffic_fields
):
    crime = dict(kind="crime", occurred_at=local(2026, 3, 1, 21), category="social_order", summary="Cướp giật",
                 solved=False)  # fmt: skip
    incident = create(officer, ham_thuan, **crime, gravity="Rat Nghiem Trong")
    assert (incident.gravity, incident.severity) == ("very_serious", "very_serious")
    assert incident.severity_source == "Bộ luật Hình sự 2015, Điều 9"
    incident, changed = incident_update(user=officer, incident=incident, gravity="nghiêm trọng")
    assert changed and incident.severity == "serious"
    assert [e.severity for e in Incident.history.filter(id=incident.pk).order_by("history_id")] == [
        "very_serious", "serious"
    ]  # fmt: skip
    _, changed = incident_update(user=officer, incident=incident, gravity="serious")
    assert not changed
    incident, _ = incident_update(user=officer, incident=incident, gravity="")
    assert (incident.severity, incident.severity_source) == ("", "")

    with pytest.raises(DomainError) as refused:
        create(officer, ham_thuan, **crime, gravity="khá nặng")
    assert "Điều 9" in refused.value.errors["gravity"].vi and "Điều 9" in refused.value.errors["gravity"].en
    with pytest.raises(DomainError) as refused:
        create(officer, ham_thuan, **traffic_fields(gravity="very_serious"))
    assert "không dùng cho vụ tai nạn giao thông" in refused.value.errors["gravity"].vi
    accident = create(officer, ham_thuan, **traffic_fields(dead=2))
    _, changed = incident_update(user=officer, incident=accident, summary=accident.summary)
    assert not changed and accident.gravity == "" and accident.severity == "very_serious"


def test_an_update_that_changes_nothing_writes_no_history(officer, ham_thuan, traffic_fields):
    incident = create(officer, ham_thuan, **traffic_fields())
    _, changed = incident_update(user=officer, incident=incident, summary=incident.summary, dead="0")
    assert not changed
    assert Incident.history.filter(id=incident.pk).count() == 1


def test_a_second_report_of_the_same_accident_is_flagged_not_dropped(officer, ham_thuan, traffic_fields):
    first = create(officer, ham_thuan, **traffic_fields())
    # 20 minutes later, about 100 m away
    second = create(officer, ham_thuan, **traffic_fields(occurred_at=local(2026, 3, 2, 18, 50), latitude=11.0509))
    far = create(officer, ham_thuan, **traffic_fields(latitude=11.06))  # about 1.1 km away
    later = create(officer, ham_thuan, **traffic_fields(occurred_at=local(2026, 3, 2, 19, 30)))
    assert (second.duplicate_state, second.duplicate_of) == (DuplicateState.FLAGGED, first)
    assert far.duplicate_state == later.duplicate_state == DuplicateState.NONE
    assert Incident.objects.count() == 4


def test_merging_a_duplicate_fills_the_original_and_deletes_the_copy(officer, ham_thuan, traffic_fields):
    first = create(officer, ham_thuan, **traffic_fields(road_name=""))
    second = create(officer, ham_thuan, **traffic_fields(road_name="Quốc lộ 28"))
    original = incident_merge_duplicate(user=officer, incident=second)
    assert original.pk == first.pk and original.road_name == "Quốc lộ 28"
    assert not Incident.objects.filter(pk=second.pk).exists()
    copy = Incident.all_objects.get(pk=second.pk)  # deleted softly: kept, restorable
    assert copy.deleted_by == officer and copy.delete_reason.startswith("Gộp vào")
    assert Incident.history.filter(id=second.pk).latest().history_change_reason.startswith("Gộp vào")


def test_dismissing_a_duplicate_keeps_both(officer, ham_thuan, traffic_fields):
    create(officer, ham_thuan, **traffic_fields())
    second = create(officer, ham_thuan, **traffic_fields())
    second = incident_dismiss_duplicate(user=officer, incident=second)
    second, _ = incident_update(user=officer, incident=second, summary="Vụ khác, cùng chỗ")
    assert second.duplicate_state == DuplicateState.DISMISSED
    assert Incident.objects.count() == 2


def test_a_locked_month_refuses_writes_until_a_leader_unlocks_it(make_user, officer, unit, ham_thuan, traffic_fields):
    leader = make_user(Role.LEADER, unit("68"))
    incident = create(officer, ham_thuan, **traffic_fields())
    with pytest.raises(Forbidden):
        period_lock(user=officer, unit=ham_thuan, month=date(2026, 3, 1))
    period_lock(user=leader, unit=unit("68"), month=date(2026, 3, 1))  # the province's lock covers the commune
    for write in (
        lambda: create(officer, ham_thuan, **traffic_fields(latitude=None, longitude=None)),
        lambda: incident_update(user=officer, incident=incident, dead=1),
        lambda: incident_update(user=officer, incident=incident, occurred_at=local(2026, 4, 1, 8, 0)),
        lambda: incident_delete(user=officer, incident=incident),
    ):
        with pytest.raises(DomainError) as error:
            write()
        assert "đã được khóa" in error.value.errors["occurred_at"].vi
    # Another month is open.
    create(officer, ham_thuan, **traffic_fields(occurred_at=local(2026, 4, 2, 8, 0)))
    period_unlock(user=leader, unit=unit("68"), month=date(2026, 3, 1))
    incident_delete(user=officer, incident=incident)
    from antoan.units.models import PeriodLock

    assert [h.history_type for h in PeriodLock.history.order_by("history_id")] == ["+", "-"]
    assert PeriodLock.history.filter(history_user=leader).count() == 2


def test_nfd_text_is_stored_as_nfc(officer, ham_thuan, traffic_fields):
    import unicodedata

    incident = create(officer, ham_thuan, **traffic_fields(address=unicodedata.normalize("NFD", "Thôn Lâm Hòa")))
    assert incident.address == "Thôn Lâm Hòa" and unicodedata.is_normalized("NFC", incident.address)


def test_kind_cannot_change(officer, ham_thuan, traffic_fields):
    incident = create(officer, ham_thuan, **traffic_fields())
    with pytest.raises(DomainError) as error:
        incident_update(user=officer, incident=incident, kind="crime")
    assert "kind" in error.value.errors


def test_a_case_of_a_minute_ago_is_taken_and_one_of_tomorrow_is_refused(officer, unit, traffic_fields, today):
    """Whatever the day — just after midnight local time too, when UTC is still on the day before."""
    a_minute_ago = clock.local_now() - timedelta(minutes=1)
    taken = incident_create(user=officer, **traffic_fields(unit=unit(HAM_THUAN, a_minute_ago.date()),
                                                            occurred_at=a_minute_ago))  # fmt: skip
    assert timezone.localtime(taken.occurred_at).date() == a_minute_ago.date()
    tomorrow = local(*(today + timedelta(days=1)).timetuple()[:3], 0, 30)
    with pytest.raises(DomainError) as error:
        incident_create(user=officer, **traffic_fields(unit=unit(HAM_THUAN), occurred_at=tomorrow))
    assert "tương lai" in error.value.errors["occurred_at"].vi


def test_a_case_solved_today_is_taken_and_tomorrow_is_refused(officer, unit, traffic_fields, today):
    when = clock.local_now() - timedelta(minutes=5)
    fields = {"kind": "crime", "category": "social_order", "summary": "Trộm cắp xe máy", "solved": True}
    solved = incident_create(user=officer, unit=unit(HAM_THUAN, when.date()), occurred_at=when, solved_on=today,
                             **fields)  # fmt: skip
    assert solved.solved_on == today
    with pytest.raises(DomainError) as error:
        incident_create(user=officer, unit=unit(HAM_THUAN, when.date()), occurred_at=when,
                        solved_on=today + timedelta(days=1), **fields)  # fmt: skip
    assert "tương lai" in error.value.errors["solved_on"].vi
