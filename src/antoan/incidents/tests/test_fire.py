"""Fires and explosions (cháy, nổ) as a kind of record (#23, item 2): cause, dead, injured, property, rescue; the
same validation, import, API and indicators as the registry's other kinds."""

import pytest

from antoan.accounts.models import Membership, Role, User
from antoan.core.errors import DomainError
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.incidents.tests.test_transfer import problems, write_csv
from antoan.incidents.transfer import export_csv, import_incidents
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.movement.tests.test_security_events import text_of
from antoan.reports.context import build_context

pytestmark = pytest.mark.django_db


def fire(user, unit, **fields):
    values = {"kind": "fire", "occurred_at": local(2026, 3, 9, 14, 30), "category": "Cháy",
              "summary": "Cháy xưởng chế biến gỗ tại thôn 2", "dead": 0, "injured": 1, **fields}  # fmt: skip
    return incident_create(user=user, unit=unit, **values)


def test_a_fire_keeps_its_cause_people_and_damage(officer, ham_thuan):
    made = fire(officer, ham_thuan, fire_cause="vi pham quy dinh an toan ve phong chay, chua chay", persons_involved=6,
                rescued=3, property_damage_vnd="1.250.000.000")  # fmt: skip
    assert (made.kind, made.category, made.fire_cause) == ("fire", "fire", "safety_violation")
    assert (made.persons_involved, made.rescued, made.property_damage_vnd) == (6, 3, 1_250_000_000)
    assert made.severity == "" and Incident.history.filter(id=made.pk).count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"persons_involved": 2, "dead": 1, "injured": 2}, "dead", "nhiều hơn số người có mặt"),
        ({"persons_involved": 4, "dead": 1, "rescued": 4}, "rescued", "còn sống"),
        ({"fire_cause": "sét đánh trúng"}, "fire_cause", "không có trong danh mục"),
        ({"category": "cháy rừng"}, "category", "không có trong danh mục của vụ cháy, nổ"),
        ({"dead": -1}, "dead", ""),
        ({"rescued": "ba"}, "rescued", ""),
        ({"dead": None}, "dead", "Bắt buộc"),
        ({"road_name": "QL28"}, "road_name", "vụ cháy, nổ"),
    ],
)
def test_a_bad_fire_is_refused_naming_the_field_and_nothing_is_written(officer, ham_thuan, fields, field, words):
    with pytest.raises(DomainError) as refused:
        fire(officer, ham_thuan, **fields)
    message = refused.value.errors[field]
    assert words in message.vi and message.en
    assert not Incident.objects.exists()


def test_fires_import_export_and_count(tmp_path, officer, ham_thuan):
    header = "external_id,kind,category,unit_code,occurred_at,summary,dead,injured,persons_involved,rescued,fire_cause"
    text = "\n".join([
        header,
        'CN-1,fire,Cháy,23059,2026-02-03 10:00,Cháy nhà dân do chập điện,0,1,4,2,"Su co he thong, thiet bi dien"',
        "CN-2,fire,no,23059,2026-05-03 20:00,Nổ bình gas mini,1,2,5,1,careless",
        "CN-3,fire,Nổ,23059,2026-06-03 20:00,Nổ lò hơi,3,0,2,0,careless",  # more dead than were there
    ])  # fmt: skip
    report = import_incidents(user=officer, path=write_csv(tmp_path, text.replace(",no,", ",Nổ,")))
    assert (report.created, problems(report)) == (2, {(4, "dead"): problems(report)[(4, "dead")]})
    assert "nhiều hơn số người có mặt" in problems(report)[(4, "dead")]
    exported = "".join(export_csv(Incident.objects.filter(kind="fire").order_by("pk")))
    assert "fire_cause" in exported.splitlines()[0] and "electrical" in exported
    figures = indicator_set(user=officer, unit=ham_thuan, period=period_parse("2026"))
    assert [figures.figure(c).value for c in ("fire.events", "fire.events.fire", "fire.events.explosion",
                                              "fire.dead", "fire.injured", "fire.rescued")] == [2, 1, 1, 1, 3, 3]
    assert Incident.objects.filter(kind="fire").count() == 2  # an independent count
    leader = User.objects.create(username="lanhdao.hamthuan")
    Membership.objects.create(user=leader, unit=ham_thuan, role=Role.LEADER)
    text = text_of(build_context(user=leader, unit=ham_thuan, period=period_parse("2026")))
    assert "Xảy ra 02 vụ cháy, nổ (01 vụ cháy và 01 vụ nổ); làm chết 01 người và bị thương 03 người;" in text


def test_the_api_takes_a_fire(client, officer):
    client.force_login(officer)
    body = {"kind": "fire", "unit_code": "23059", "occurred_at": "2026-04-01 09:00", "category": "explosion",
            "summary": "Nổ bình gas", "dead": 0, "injured": 0, "fire_cause": "chua ro nguyen nhan"}  # fmt: skip
    made = client.post("/api/v1/incidents", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert (made.json()["fire_cause"], made.json()["fire_cause_label"]) == ("unknown", "Chưa rõ nguyên nhân")
    bad = client.post("/api/v1/incidents", {**body, "fire_cause": "ma quỷ"}, content_type="application/json")
    assert bad.status_code == 422 and "fire_cause" in bad.json()["errors"]
