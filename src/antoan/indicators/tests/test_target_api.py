"""/api/v1/indicators/targets: the same services and selectors as the pages, documented in the OpenAPI schema, scoped,
and refusing bad input with 422 and both languages."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from antoan.accounts.models import Role
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.indicators.models import Target
from antoan.indicators.periods import period_parse
from antoan.indicators.target_services import target_create
from antoan.indicators.targets import target_results

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/targets"
LEGACY = date(2020, 1, 1)


@pytest.fixture
def leader_api(client, leader, login_verified):
    login_verified(client, leader)
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_leader_sets_a_target_by_the_units_code_and_year(leader_api, district):
    body = {"unit_code": "597", "year": 2020, "indicator": "traffic.accidents", "kind": "reduce_by_pct", "value": 5,
            "document": "Nghị quyết số 12/NQ-HĐND"}  # fmt: skip
    response = post(leader_api, URL, body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["unit"]["id"] == district.pk and out["value"] == 5.0
    assert out["statement_vi"] == "kéo giảm ít nhất 5% so với năm trước"
    assert out["kind_label_vi"] == "Kéo giảm ít nhất N% so với năm trước"
    assert out["indicator_name_vi"] == "Số vụ tai nạn giao thông"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"indicator": "crime.made_up"}, "indicator"),
        ({"value": -5}, "value"),
        ({"indicator": "crime.clearance_rate", "kind": "at_least", "value": 120}, "value"),
        ({"year": 1974}, "year"),
        ({"kind": "halve"}, "kind"),
    ],
)
def test_bad_input_is_a_bilingual_422_naming_the_field_and_writes_nothing(leader_api, district, change, field):
    body = {"unit_id": district.pk, "year": 2020, "indicator": "traffic.accidents", "kind": "reduce_by_pct",
            "value": 5, **change}  # fmt: skip
    response = post(leader_api, URL, body)
    assert response.status_code == 422, response.content
    error = response.json()["errors"][field]
    assert error["vi"] and error["en"] and error["vi"] != error["en"]
    assert not Target.all_objects.exists()


def test_an_unknown_body_field_is_refused(leader_api, district):
    response = post(leader_api, URL, {"unit_id": district.pk, "year": 2020, "colour": "red"})
    assert response.status_code == 422


def test_an_officer_is_refused_with_403_and_a_stranger_with_404(client, officer, make_user, unit, district):
    body = {"unit_id": district.pk, "year": 2020, "indicator": "traffic.accidents", "kind": "reduce"}
    client.force_login(officer)
    assert post(client, URL, body).status_code == 403
    client.force_login(make_user(Role.OFFICER, unit("23086", LEGACY)))  # Hồng Sơn: the district is not theirs
    assert post(client, URL, body).status_code == 404
    assert not Target.all_objects.exists()


def test_read_change_delete_restore_and_history(leader_api, leader, district, client, login_verified, make_user, unit):
    target = target_create(user=leader, unit=district, year=2020, indicator="traffic.dead", kind="reduce")
    one = f"{URL}/{target.pk}"
    assert leader_api.get(one).json()["kind"] == "reduce"
    response = leader_api.patch(one, {"kind": "reduce_by_pct", "value": "10"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["value"] == 10.0
    assert leader_api.patch(one, {"value": "abc"}, content_type="application/json").status_code == 422
    assert leader_api.delete(one).status_code == 204
    assert leader_api.get(one).status_code == 404
    history = None
    admin = make_user(Role.ADMIN, unit("01"))
    login_verified(client, admin)
    assert client.post(f"{one}/restore").status_code == 200
    history = client.get(f"{one}/history").json()
    assert [e["what_en"] for e in history] == ["Restored", "Deleted", "Changed", "Created"]
    assert history[-1]["who"] == "lanhdao.htb"


def test_the_list_is_scoped_and_filtered(client, officer, leader, district, make_user, unit):
    target_create(user=leader, unit=district, year=2020, indicator="traffic.dead", kind="reduce")
    target_create(user=leader, unit=district, year=2021, indicator="traffic.dead", kind="reduce")
    client.force_login(officer)
    assert client.get(URL).json()["count"] == 2
    assert client.get(URL, {"year": 2021}).json()["count"] == 1
    assert client.get(URL, {"unit": "597", "year": 2020}).json()["items"][0]["year"] == 2020
    client.force_login(make_user(Role.OFFICER, unit("23086", LEGACY)))
    assert client.get(URL).json()["count"] == 0


def test_the_year_in_one_go(leader_api, district):
    body = {"unit_code": "597", "year": 2020, "document": "Nghị quyết số 12/NQ-HĐND", "rows": [
        {"indicator": "traffic.accidents", "kind": "reduce_by_pct", "value": 5},
        {"indicator": "crime.clearance_rate", "kind": "at_least", "value": "75"},
    ]}  # fmt: skip
    response = post(leader_api, f"{URL}/grid", body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["created"], len(out["targets"])) == (2, 2)
    assert {t["document"] for t in out["targets"]} == {"Nghị quyết số 12/NQ-HĐND"}
    body["rows"][1]["value"] = "175"
    response = post(leader_api, f"{URL}/grid", body)
    assert response.status_code == 422 and "rows[1].value" in response.json()["errors"]


def test_the_results_are_target_results(client, officer, leader, district, unit):
    ma_lam = unit("23059", LEGACY)
    for year, n in ((2019, 2), (2020, 1)):
        for i in range(n):
            incident_create(user=officer, unit=ma_lam, kind="traffic", occurred_at=local(year, 4 + i, 2, 8),
                            summary="TNGT", dead=0, injured=1)  # fmt: skip
    target_create(user=leader, unit=district, year=2020, indicator="traffic.accidents", kind="reduce_by_pct", value=20)
    client.force_login(officer)
    response = client.get(f"{URL}/results", {"unit": "597", "on": "2020-06-30", "period": "2020"})
    assert response.status_code == 200, response.content
    [out] = response.json()
    [expected] = target_results(user=officer, unit=district, period=period_parse("2020"))
    assert (out["status"], out["value"], out["comparison"]) == (expected.status, expected.value, expected.comparison)
    assert out["phrase_vi"] == expected.phrase_vi == "vượt chỉ tiêu (kéo giảm 50%, chỉ tiêu 20%)"
    assert out["period"]["code"] == "2020" and out["comparison_period"]["code"] == "2019"
    bad = client.get(f"{URL}/results", {"unit": "597", "on": "2020-06-30", "period": "2020-Q5"})
    assert bad.status_code == 422 and bad.json()["errors"]["period"]["en"]


def test_the_kinds_and_the_openapi_schema(client, officer):
    client.force_login(officer)
    kinds = client.get(f"{URL}/kinds").json()
    assert [k["code"] for k in kinds][:2] == ["at_most", "at_least"]
    assert {k["code"]: k["takes_number"] for k in kinds}["reduce"] is False
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (URL, f"{URL}/grid", f"{URL}/results", f"{URL}/kinds", URL + "/{target_id}"):
        assert path in paths


def test_the_cli_judges_the_targets_as_the_api_does(officer, leader, district):
    import io
    import json

    from django.core.management import call_command

    target_create(user=leader, unit=district, year=2020, indicator="disaster.events", kind="at_most", value=0)
    out = io.StringIO()
    call_command("indicators", "--unit", "597", "--on", "2020-06-30", "--period", "2020", "--targets", "--json",
                 "--indicators", "disaster.events", "--user", officer.username, stdout=out)  # fmt: skip
    [judged] = json.loads(out.getvalue())["targets"]
    assert (judged["status"], judged["phrase_vi"]) == ("met", "đạt chỉ tiêu (không để xảy ra)")
    text = io.StringIO()
    call_command("indicators", "--unit", "597", "--on", "2020-06-30", "--period", "2020", "--targets",
                 "--indicators", "disaster.events", stdout=text)  # fmt: skip
    assert "CHỈ TIÊU NĂM 2020" in text.getvalue() and "Đạt chỉ tiêu: đạt chỉ tiêu (không để xảy ra)" in text.getvalue()


def test_a_running_years_results_say_so_with_the_day_and_the_pace(client, officer, leader, district, unit,
                                                                    time_machine):  # fmt: skip
    """1/4/2020 (day 92 of 366): two accidents so far, a cap of 5 for the year — the pace gives 8: at risk."""
    time_machine.move_to(datetime(2020, 4, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    ma_lam = unit("23059", LEGACY)
    for month in (1, 3):
        incident_create(user=officer, unit=ma_lam, kind="traffic", occurred_at=local(2020, month, 2, 8), summary="TNGT",
                        dead=0, injured=1)  # fmt: skip
    target_create(user=leader, unit=district, year=2020, indicator="traffic.accidents", kind="at_most", value=5)
    client.force_login(officer)
    [out] = client.get(f"{URL}/results", {"unit": "597", "period": "2020"}).json()
    assert (out["status"], out["running"], out["as_of"], out["value"]) == ("at_risk", True, "2020-04-01", 2)
    assert out["projected"] == round(2 * 366 / 92, 1) and out["margin"] == 3
    assert out["status_en"] == "At risk of missing the target" and out["inherited_from"] is None
