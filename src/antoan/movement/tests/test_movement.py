"""The movement's records through the generic machinery: each type's own rule, the overdue lists, scope,
the pages, the API and the import/export round trip."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.movement import record_types as rt
from antoan.movement.models import Commendation, Inspection, MovementModel
from antoan.movement.records.services import record_create, record_delete, record_update
from antoan.movement.records.transfer import export_csv, import_records
from antoan.movement.selectors import models_overdue, officers_deployed, plans_overdue

pytestmark = pytest.mark.django_db
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def ham_thuan(unit):
    return unit("23059")


@pytest.fixture
def officer(make_user, ham_thuan):
    return make_user(Role.OFFICER, ham_thuan)


def a_model(officer, unit, started=date(2025, 8, 1), **overrides):
    values = {"unit": unit, "name": "Tổ tự quản an ninh trật tự thôn Lâm Hòa", "model_type": "self_managed",
              "started_on": started, "teams": "3", "members": "24", "status": "active"}  # fmt: skip
    values.update(overrides)
    return record_create(rt.MODELS, user=officer, **values)


def test_a_new_model_is_due_for_inspection_six_months_after_it_started(officer, ham_thuan):
    model = a_model(officer, ham_thuan, started=date(2025, 8, 31))
    assert model.next_inspection_due == date(2026, 2, 28)
    assert model.inspection_interval_months == 6


def test_an_inspection_moves_the_due_date_and_takes_the_model_off_the_overdue_list(officer, ham_thuan, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 9, tzinfo=HO_CHI_MINH))
    model = a_model(officer, ham_thuan, started=date(2025, 11, 2))
    assert list(models_overdue(user=officer)) == [model]
    inspection = record_create(rt.INSPECTIONS, user=officer, model=model.pk, inspected_on=date(2026, 12, 5),
                               inspector="Đặng Quốc Bảo", rating="good", findings="Duy trì tốt")  # fmt: skip
    model.refresh_from_db()
    assert model.next_inspection_due == date(2027, 6, 5) and not models_overdue(user=officer).exists()
    assert inspection.unit == ham_thuan
    record_delete(rt.INSPECTIONS, user=officer, instance=inspection)
    assert list(models_overdue(user=officer)) == [model]


def test_an_inspection_before_the_model_started_is_refused(officer, ham_thuan):
    model = a_model(officer, ham_thuan, started=date(2025, 8, 1))
    with pytest.raises(DomainError) as error:
        record_create(rt.INSPECTIONS, user=officer, model=model.pk, inspected_on="31/07/2025", inspector="A",
                      rating="good")  # fmt: skip
    assert "trước ngày mô hình bắt đầu" in error.value.errors["inspected_on"].vi


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"rating": "excellent"}, "rating", "không hợp lệ"),
        ({"inspector": ""}, "inspector", "Bắt buộc"),
        ({"inspected_on": "2099-01-01"}, "inspected_on", "tương lai"),
    ],
)
def test_bad_inspections_are_refused_with_bilingual_messages(officer, ham_thuan, values, field, fragment):
    model = a_model(officer, ham_thuan)
    fields = {"model": model.pk, "inspected_on": "2026-01-10", "inspector": "A", "rating": "fair", **values}
    with pytest.raises(DomainError) as error:
        record_create(rt.INSPECTIONS, user=officer, **fields)
    assert fragment in error.value.errors[field].vi and error.value.errors[field].en
    assert not Inspection.objects.exists()


def test_negative_counts_and_an_interval_outside_the_range_are_refused(officer, ham_thuan):
    with pytest.raises(DomainError) as error:
        a_model(officer, ham_thuan, members="-3", inspection_interval_months="0")
    # A value that does not parse is reported first; the record's rules (the interval's range) run only once every
    # field has parsed, so the interval is not reported alongside the negative count.
    assert set(error.value.errors) == {"members"}
    message = error.value.errors["members"]
    assert (message.vi, message.en) == ("Không được là số âm (-3)", "Must not be negative (-3)")
    for interval in ("0", "61"):
        with pytest.raises(DomainError) as error:
            a_model(officer, ham_thuan, inspection_interval_months=interval)
        assert set(error.value.errors) == {"inspection_interval_months"}
        message = error.value.errors["inspection_interval_months"]
        assert (message.vi, message.en) == ("Chu kỳ kiểm tra từ 1 đến 60 tháng", "From 1 to 60 months")
    assert a_model(officer, ham_thuan, inspection_interval_months="60").inspection_interval_months == 60
    assert MovementModel.objects.count() == 1


def medal(officer, unit, name="Nguyễn Văn An", born=1970, number="1234/QĐ-BCA"):
    return record_create(rt.COMMENDATIONS, user=officer, unit=unit, award="medal", authority="ministry",
                         recipient_kind="individual", recipient_name=name, recipient_birth_year=born, year=2025,
                         decision_number=number, decision_date="2025-08-19")  # fmt: skip


def test_the_medal_is_given_once_per_person(officer, ham_thuan):
    medal(officer, ham_thuan)
    with pytest.raises(DomainError) as error:
        medal(officer, ham_thuan, name="  nguyễn văn  AN ", number="99/QĐ-BCA")
    assert (
        "chỉ tặng một lần" in error.value.errors["recipient_name"].vi
        and "1234/QĐ-BCA" in error.value.errors["recipient_name"].vi
    )
    medal(officer, ham_thuan, born=1985)  # a namesake born another year is another person
    assert Commendation.objects.count() == 2


def test_the_medal_needs_an_individual_with_a_year_of_birth(officer, ham_thuan):
    with pytest.raises(DomainError) as error:
        medal(officer, ham_thuan, born=None)
    assert "recipient_birth_year" in error.value.errors


def test_patrols_plans_and_signage_have_their_rules(officer, ham_thuan):
    with pytest.raises(DomainError) as error:
        record_create(rt.PATROLS, user=officer, unit=ham_thuan, patrolled_on="2026-01-05", hours=4,
                      violations_found=3, violations_handled=5)  # fmt: skip
    assert "violations_handled" in error.value.errors
    with pytest.raises(DomainError) as error:
        record_create(rt.PLANS, user=officer, unit=ham_thuan, hazard="flood", approved_on="2026-05-01",
                      next_review_on="2026-04-01")  # fmt: skip
    assert "next_review_on" in error.value.errors
    with pytest.raises(DomainError):
        record_create(rt.SIGNAGE, user=officer, unit=ham_thuan, done_on="2026-01-05", location="QL28")
    plan = record_create(rt.PLANS, user=officer, unit=ham_thuan, hazard="flood", approved_on="2025-08-01",
                         next_review_on="2026-06-30")  # fmt: skip
    assert list(plans_overdue(user=officer, day=date(2026, 7, 1))) == [plan]
    assert not plans_overdue(user=officer, day=date(2026, 6, 30)).exists()


def test_models_due_the_same_day_are_ranked_by_their_start_then_their_name(officer, ham_thuan):
    """30/12 and 31/12/2025 plus two months are both 28/02/2026 (the day is kept within the month): the list is
    still in one defined order, on both databases."""
    for name, started in [("Chợ", "2025-12-30"), ("Bến xe", "2025-12-31"), ("An Phú", "2025-12-30"),
                          ("Đồi Dương", "2025-12-29")]:  # fmt: skip
        a_model(officer, ham_thuan, name=name, started=started, inspection_interval_months="2")
    overdue = models_overdue(user=officer, day=date(2026, 3, 1))
    assert [(m.name, m.due) for m in overdue] == [
        ("Đồi Dương", date(2026, 2, 28)),
        ("An Phú", date(2026, 2, 28)),
        ("Chợ", date(2026, 2, 28)),
        ("Bến xe", date(2026, 2, 28)),
    ]
    assert not models_overdue(user=officer, day=date(2026, 2, 28)).exists()  # due that day: not yet overdue


def test_a_model_is_overdue_by_the_inspections_made_up_to_the_day_asked(officer, ham_thuan):
    model = a_model(officer, ham_thuan, started=date(2025, 8, 31))  # due 28/02/2026
    record_create(rt.INSPECTIONS, user=officer, model=model.pk, inspected_on="2026-04-15", inspector="A",
                  rating="good")  # fmt: skip
    assert [(m, m.due) for m in models_overdue(user=officer, day=date(2026, 4, 1))] == [(model, date(2026, 2, 28))]
    assert not models_overdue(user=officer, day=date(2026, 4, 15)).exists()
    assert [(m, m.due) for m in models_overdue(user=officer, day=date(2026, 10, 16))] == [(model, date(2026, 10, 15))]


def test_officers_deployed_come_from_the_records(make_user, unit):
    district = unit("597", date(2020, 1, 1))
    officer = make_user(Role.OFFICER, district)
    communes = list(district.children.filter(kind="commune")[:3])
    for commune, count in zip(communes, (30, 25, 20), strict=True):
        record_create(rt.DEPLOYMENTS, user=officer, unit=commune, deployed_on="2020-03-01", officers=count,
                      from_body="Công an tỉnh Bình Thuận")  # fmt: skip
    assert officers_deployed(user=officer, unit=district, year=2020) == 75


def test_scope_another_commune_is_not_found_and_a_viewer_cannot_write(officer, ham_thuan, make_user, unit):
    model = a_model(officer, ham_thuan)
    other = make_user(Role.OFFICER, unit("23086"))
    with pytest.raises(NotFound):
        record_update(rt.MODELS, user=other, instance=model, name="x")
    viewer = make_user(Role.VIEWER, ham_thuan)
    with pytest.raises(Forbidden):
        a_model(viewer, ham_thuan)
    with pytest.raises(NotFound):
        record_create(rt.INSPECTIONS, user=other, model=model.pk, inspected_on="2026-01-10", inspector="A",
                      rating="good")  # fmt: skip


def test_an_update_is_audited_and_unchanged_values_write_nothing(officer, ham_thuan):
    model = a_model(officer, ham_thuan)
    _, changed = record_update(rt.MODELS, user=officer, instance=model, members="24")
    assert not changed
    record_update(rt.MODELS, user=officer, instance=model, members="30")
    assert [h.members for h in MovementModel.history.filter(id=model.pk).order_by("history_id")] == [24, 30]


def test_pages_list_create_detail_and_escape(client, officer, ham_thuan):
    client.force_login(officer)
    form = {"unit": ham_thuan.pk, "name": "<script>x</script>", "model_type": "camera", "started_on": "2025-09-01",
            "status": "active", "inspection_interval_months": "6"}  # fmt: skip
    response = client.post(reverse("models-create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    model = MovementModel.objects.get()
    detail = client.get(reverse("models-detail", args=[model.pk])).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in detail and "<script>x</script>" not in detail
    listing = client.get(reverse("models-list") + "?model_type=camera").content.decode()
    assert "&lt;script&gt;" in listing
    bad = client.get(reverse("models-list") + "?model_type=ufo&year=abc")  # a 400 since #25 (a 200 before)
    assert bad.status_code == 400 and "Unknown value" in bad.content.decode()
    assert 'data-field="model_type"' in bad.content.decode() and 'data-field="year"' in bad.content.decode()
    refused = client.post(reverse("models-create"), {"unit": ham_thuan.pk, "name": "", "model_type": "camera",
                                                     "started_on": "2025-09-01"})  # fmt: skip
    assert refused.status_code == 200 and "Bắt buộc nhập" in refused.content.decode()
    assert client.get(reverse("movement-overdue")).status_code == 200
    assert client.get(reverse("movement-index")).status_code == 200


def test_api_create_list_patch_delete_and_bilingual_errors(client, officer, ham_thuan):
    client.force_login(officer)
    body = {"unit_id": ham_thuan.pk, "name": "Camera an ninh", "model_type": "camera", "started_on": "2025-09-01"}
    created = client.post("/api/v1/movement/models", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    model_id = created.json()["id"]
    assert client.get("/api/v1/movement/models?model_type=camera").json()["count"] == 1
    patched = client.patch(f"/api/v1/movement/models/{model_id}", json.dumps({"members": 12}),
                           content_type="application/json")  # fmt: skip
    assert patched.json()["members"] == 12
    bad = client.post("/api/v1/movement/inspections", json.dumps({"model_id": model_id, "inspected_on": "2025-01-01",
                                                                  "inspector": "A", "rating": "good"}),
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "inspected_on" in bad.json()["errors"]
    unknown = client.post("/api/v1/movement/models", json.dumps({**body, "next_inspection_due": "2030-01-01"}),
                          content_type="application/json")  # fmt: skip
    assert unknown.status_code == 422
    assert client.delete(f"/api/v1/movement/models/{model_id}").status_code == 204


def test_export_then_import_round_trips(tmp_path, officer, ham_thuan):
    medal(officer, ham_thuan)
    record_create(rt.COMMENDATIONS, user=officer, unit=ham_thuan, award="commendation", authority="district_chair",
                  recipient_kind="collective", recipient_name="Ban Bảo vệ dân phố khu phố 2", year=2025,
                  decision_number="55/QĐ-UBND", decision_date="2025-12-20", external_id="KT-2")  # fmt: skip
    path = tmp_path / "khen.csv"
    path.write_text("".join(export_csv(rt.COMMENDATIONS, Commendation.objects.all())), encoding="utf-8")
    fields = list(rt.COMMENDATIONS.fields)
    before = sorted(tuple(str(getattr(c, f)) for f in fields) for c in Commendation.objects.all())
    Commendation.objects.all().delete()
    report = import_records(rt.COMMENDATIONS, user=officer, path=path)
    assert (report.created, report.rejected) == (2, []), report.rejected
    assert sorted(tuple(str(getattr(c, f)) for f in fields) for c in Commendation.objects.all()) == before
    again = import_records(rt.COMMENDATIONS, user=officer, path=path)
    assert again.rejected_rows == 1 and again.unchanged == 1  # the medal again: refused (once per person)


def test_import_reports_each_bad_row(tmp_path, officer):
    path = tmp_path / "tuan-tra.csv"
    path.write_text(
        "unit_code,patrolled_on,hours,violations_found,violations_handled,fines_vnd,external_id\n"
        "23059,2026-01-05,4,10,8,3500000,P1\n"
        "23059,2026-01-06,4,2,5,0,P2\n"
        "99999,2026-01-07,4,1,1,0,P3\n"
        "23059,2026-01-08,-4,1,1,0,P4\n",
        encoding="utf-8",
    )
    report = import_records(rt.PATROLS, user=officer, path=path)
    assert report.created == 1
    assert {(p.row, p.column) for p in report.rejected} == {(3, "violations_handled"), (4, "unit_code"), (5, "hours")}


def test_cli_imports_a_movement_file(tmp_path, make_user, unit, capsys):
    from django.core.management import call_command

    make_user(Role.OFFICER, unit("68"), username="canbo.tinh")
    path = tmp_path / "tuyen-truyen.csv"
    path.write_text(
        "unit_code,held_on,topic,sessions,attendees,materials,external_id\n"
        "23059,2026-01-05,traffic,2,180,500,T1\n"
        "23059,2026-01-06,parade,1,10,0,T2\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit):
        call_command("import", "propaganda", str(path), "--user", "canbo.tinh")
    out = capsys.readouterr().out
    assert "thêm mới 1" in out and "dòng/row 3, cột/column topic" in out
    assert (tmp_path / "tuyen-truyen.csv.errors.csv").exists()


def test_the_inspection_list_reads_its_models_in_one_query(client, officer, ham_thuan, django_assert_max_num_queries):
    for number in range(5):
        model = a_model(officer, ham_thuan, name=f"Mô hình {number}")
        record_create(rt.INSPECTIONS, user=officer, model=model.pk, inspected_on="2026-01-10", inspector="A",
                      rating="good")  # fmt: skip
    client.force_login(officer)
    client.get(reverse("inspections-list"))  # warm caches (sessions, translations)
    with django_assert_max_num_queries(11):  # 14 when each row read its model
        page = client.get(reverse("inspections-list")).content.decode()
    assert page.count("Mô hình ") >= 5


def test_a_patrol_of_today_is_taken_and_one_of_tomorrow_is_refused(make_user, unit, today):
    commune = unit("23059")  # the commune of that code today: Thị trấn Ma Lâm until 30/06/2025, then Xã Hàm Thuận
    officer = make_user(Role.OFFICER, commune)
    patrol = record_create(rt.PATROLS, user=officer, unit=commune, patrolled_on=today.isoformat(), hours=4,
                           violations_found=3, violations_handled=2)  # fmt: skip
    assert patrol.patrolled_on == today
    with pytest.raises(DomainError) as error:
        record_create(rt.PATROLS, user=officer, unit=commune, patrolled_on=(today + timedelta(days=1)).isoformat(),
                      hours=4, violations_found=0, violations_handled=0)  # fmt: skip
    assert "tương lai" in error.value.errors["patrolled_on"].vi


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/movement/models?unit=²", "unit"),
        ("/api/v1/movement/models?model_type=ufo", "model_type"),
        ("/api/v1/movement/inspections?date_from=2025-13-01", "date_from"),
        ("/api/v1/movement/exemplars?year=1900", "year"),
        ("/api/v1/movement/plans?date_from=2025-02-01&date_to=2025-01-01", "date_to"),
        ("/api/v1/movement/overdue/models?unit=²", "unit"),  # an int parameter before: a 422 of ninja's
        (f"/api/v1/movement/overdue/plans?unit={10**30}", "unit"),
        ("/api/v1/movement/overdue/models?day=31/02/2025", "day"),
    ],
)
def test_api_lists_refuse_a_bad_filter_naming_it(client, officer, url, field):
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 422, response.content
    assert set(response.json()["errors"][field]) == {"vi", "en"}


def test_a_type_without_dates_or_words_has_no_such_parameters(client, officer):
    """Exemplars are dated by a year, patrols have no text to search: their lists do not take (and silently ignore)
    a date range or words; the API's document says what each takes."""
    client.force_login(officer)
    parameters = client.get("/api/v1/openapi.json").json()["paths"]
    exemplars = {p["name"] for p in parameters["/api/v1/movement/exemplars"]["get"]["parameters"]}
    patrols = {p["name"] for p in parameters["/api/v1/movement/patrols"]["get"]["parameters"]}
    assert {"unit", "year", "kind", "q"} <= exemplars and not {"date_from", "date_to"} & exemplars
    assert {"unit", "year", "date_from", "date_to"} <= patrols and "q" not in patrols


@pytest.mark.parametrize(
    ("query", "field"), [({"unit": "²"}, "unit"), ({"unit": "999999999"}, "unit"), ({"day": "hôm qua"}, "day")]
)
def test_the_overdue_page_refuses_a_bad_filter_with_a_400_naming_it(client, officer, query, field):
    """Before #25 a unit out of reach was a 404 and a bad day was read as today."""
    client.force_login(officer)
    response = client.get(reverse("movement-overdue"), query)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()


PATROL = {"patrolled_on": "2025-09-05", "hours": 4, "violations_found": 3, "violations_handled": 3}


@pytest.mark.parametrize(("key", "values", "field"), [
    ("patrols", {**PATROL, "fines_vnd": 1_500_000}, "fines_vnd"),
    ("patrols", {**PATROL, "vehicles_impounded": 2}, "vehicles_impounded"),
    ("propaganda", {"held_on": "2025-09-05", "topic": "security", "sessions": 2, "attendees": 80, "materials": 200},
     "materials"),
    ("signage", {"done_on": "2025-09-05", "location": "QL28", "repaired": 2, "installed": 1}, "repaired"),
    ("signage", {"done_on": "2025-09-05", "location": "QL28", "repaired": 2, "installed": 1}, "installed"),
])  # fmt: skip
def test_a_number_emptied_on_a_change_is_refused_not_a_server_error(client, officer, ham_thuan, key, values, field):
    """#27: PATCH {"fines_vnd": null} answered 500 (the column holds a number); a cleared number is "required"."""
    record = record_create(getattr(rt, key.upper()), user=officer, unit=ham_thuan, **values)
    client.force_login(officer)
    response = client.patch(f"/api/v1/movement/{key}/{record.pk}", json.dumps({field: None}),
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 422, response.content
    error = response.json()["errors"][field]
    assert error["vi"] == "Bắt buộc nhập" and error["en"] == "Required"
    record.refresh_from_db()
    assert getattr(record, field) == values[field]  # nothing written
    response = client.patch(f"/api/v1/movement/{key}/{record.pk}", json.dumps({field: 0}),
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content  # zero is a number: no rule here refuses it
    assert response.json()[field] == 0
    record.refresh_from_db()
    assert getattr(record, field) == 0
