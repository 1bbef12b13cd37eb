"""The indicators API and the CLI give the selectors' figures, scoped and with bilingual errors."""

import io
import json
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from antoan.accounts.models import Role
from antoan.incidents.services import incident_create, incident_delete, incident_update
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set

URL = "/api/v1/indicators"


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def ham_thuan(unit):
    return unit("23059")


@pytest.fixture
def officer(make_user, ham_thuan):
    return make_user(Role.OFFICER, ham_thuan, username="canbo.ht")


@pytest.fixture
def some_incidents(officer, unit):
    ma_lam, ham_thuan = unit("23059", period_parse("2020").start), unit("23059")
    for day, solved in ((3, True), (9, False), (20, True)):
        incident_create(user=officer, unit=ma_lam, kind="crime", category="drugs", occurred_at=local(2020, 2, day, 9),
                        summary="Tàng trữ ma túy", solved=solved)  # fmt: skip
    incident_create(user=officer, unit=ma_lam, kind="crime", category="drugs", occurred_at=local(2019, 5, 1, 9),
                    summary="Mua bán ma túy", solved=True)  # fmt: skip
    incident_create(user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, 3, 2, 18), summary="TNGT",
                    dead=1, injured=2, latitude=11.05, longitude=108.2)  # fmt: skip


def _figures(body) -> dict:
    return {f["code"]: f for f in body["indicators"]}


@pytest.mark.parametrize("period", ["2020", "2020-Q1", "2020-H1", "2020-02", "st2020", "stm2020-02", "tet2020"])
def test_the_api_gives_the_selectors_figures_for_every_period_form(client, officer, ham_thuan, some_incidents, period):
    client.force_login(officer)
    response = client.get(URL, {"unit": "23059", "period": period})
    assert response.status_code == 200, response.content
    body = response.json()
    expected = indicator_set(user=officer, unit=ham_thuan, period=period_parse(period))
    figures = _figures(body)
    assert len(figures) == len(expected.figures)
    for figure in expected.figures:
        got = figures[figure.indicator.code]
        assert (got["value"], got["comparison"], got["direction_vi"]) == (
            figure.value, figure.comparison, figure.direction
        ), figure.indicator.code  # fmt: skip
    assert body["period"]["code"] == period
    assert body["mapping"]["units"]  # Xã Hàm Thuận before 1/7/2025: its old communes


def test_crime_figures_and_the_year_before(client, officer, some_incidents):
    client.force_login(officer)
    body = client.get(URL, {"unit": "23059", "period": "2020", "indicators": "crime.cases,crime.clearance_rate"}).json()
    figures = _figures(body)
    assert set(figures) == {"crime.cases", "crime.clearance_rate"}
    cases = figures["crime.cases"]
    assert (cases["value"], cases["comparison"], cases["change"], cases["change_pct"]) == (3, 1, 2, 200.0)
    assert (cases["direction_vi"], cases["direction_en"]) == ("tăng", "up")
    assert figures["crime.clearance_rate"]["value"] == 66.7
    assert body["comparison"]["code"] == "2019"


def test_a_date_range(client, officer, some_incidents):
    client.force_login(officer)
    body = client.get(URL, {"unit": "23059", "from": "2020-02-05", "to": "2020-02-25", "indicators": "crime.cases"})
    assert body.status_code == 200, body.content
    assert _figures(body.json())["crime.cases"]["value"] == 2


@pytest.mark.parametrize(
    "params, field",
    [
        ({"unit": "23059", "period": "2020-Q5"}, "period"),
        ({"unit": "23059", "period": "tomorrow"}, "period"),
        ({"unit": "23059"}, "period"),
        ({"unit": "23059", "period": "2020", "indicators": "crime.nope"}, "indicator"),
        ({"period": "2020"}, "unit"),
    ],
)
def test_bad_requests_are_bilingual_422s(client, officer, params, field):
    client.force_login(officer)
    response = client.get(URL, params)
    assert response.status_code == 422, response.content
    error = response.json()["errors"][field]
    assert error["vi"] and error["en"] and error["vi"] != error["en"]


def test_another_commune_is_not_found_and_anonymous_is_refused(client, officer):
    client.force_login(officer)
    response = client.get(URL, {"unit": "23086", "period": "2020"})
    assert response.status_code == 404
    assert response.json()["errors"]["unit"]["en"] == "Unit not found"
    client.logout()
    assert client.get(URL, {"unit": "23059", "period": "2020"}).status_code == 401


def test_an_old_code_is_found_after_its_unit_ended(client, make_user, unit, login_verified):
    htb = unit("597", period_parse("2020").start)
    leader = make_user(Role.LEADER, htb)
    login_verified(client, leader)
    body = client.get(URL, {"unit": "597", "period": "2026", "indicators": "crime.cases"}).json()
    assert body["unit"]["name"] == "Huyện Hàm Thuận Bắc"
    assert "01/07/2025" in body["mapping"]["vi"]


def test_crosstab_downloads_as_csv_and_xlsx(client, officer, some_incidents):
    client.force_login(officer)
    params = {"unit": "23059", "indicator": "crime.cases", "year": 2020, "by": "month"}
    body = client.get(f"{URL}/crosstab", params).json()
    assert [len(r["values"]) for r in body["rows"]] == [13]  # a commune is its own row: 12 months and the year
    assert body["rows"][0]["values"][1] == 3 and body["total"][-1] == 3
    csv_response = client.get(f"{URL}/crosstab", {**params, "format": "csv"})
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert csv_response["Content-Disposition"].endswith('.csv"')
    assert "Xã Hàm Thuận" in text and "Tháng 2/2020" in text
    xlsx = client.get(f"{URL}/crosstab", {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[1][0] == "Xã Hàm Thuận" and rows[1][2] == 3


def test_trend_grid_points_and_catalogue(client, officer, some_incidents):
    client.force_login(officer)
    trend = client.get(f"{URL}/trend", {"unit": "23059", "year": 2020, "indicator": "crime.cases"}).json()
    assert trend["this_year"][1] == 3 and trend["last_year"][4] == 1
    grid = client.get(f"{URL}/time-grid", {"unit": "23059", "period": "2026", "kind": "traffic"}).json()
    assert grid["counts"][0][18] == 1  # Monday 2/3/2026, 18:00
    points = client.get(f"{URL}/points", {"unit": "23059", "period": "2026"}).json()
    assert (points["located"], points["without_coordinates"]) == (1, 0)
    catalogue = client.get(f"{URL}/catalogue").json()
    codes = {i["code"] for i in catalogue}
    assert {"crime.clearance_rate", "traffic.accidents.serious", "tips.received", "recognised.commune"} <= codes
    assert client.get(f"{URL}/time-grid", {"unit": "23059", "period": "2026", "kind": "fire"}).status_code == 422


def test_the_crime_groups_in_the_catalogue_and_the_figures(client, officer, some_incidents):
    """The drug cases of some_incidents are detected, not phạm pháp hình sự: both codes, in both languages."""
    client.force_login(officer)
    catalogue = {i["code"]: i for i in client.get(f"{URL}/catalogue").json()}
    social_order = catalogue["crime.social_order"]
    assert social_order["name_vi"] == "Số vụ phạm pháp hình sự (tội phạm về trật tự xã hội)"
    assert social_order["name_en"] == "Crimes against social order (phạm pháp hình sự)"
    assert social_order["where"] == {"kind": "crime", "category": "social_order"}
    detected = catalogue["crime.detected"]
    assert (detected["where"], detected["where_not"]) == ({"kind": "crime"}, {"category": "social_order"})
    assert catalogue["crime.detected.drugs"]["parent"] == "crime.detected"
    assert catalogue["crime.detected.suspects.drugs"]["name_en"].endswith(": Drugs")
    assert catalogue["crime.social_order.clearance_rate"]["source"] == "crime.social_order.solved+crime.social_order"
    codes = "crime.social_order,crime.social_order.clearance_rate,crime.detected.drugs,crime.cases"
    body = client.get(URL, {"unit": "23059", "period": "2020", "indicators": codes}).json()
    figures = _figures(body)
    assert figures["crime.social_order"]["value"] == 0
    assert figures["crime.social_order.clearance_rate"]["value"] is None  # nothing occurred: no rate, not 0%
    assert figures["crime.detected.drugs"]["value"] == figures["crime.cases"]["value"] == 3
    assert figures["crime.detected.drugs"]["name_vi"].endswith(": Ma túy")


def test_the_cli_prints_the_same_figures(officer, ham_thuan, some_incidents):
    out = io.StringIO()
    call_command("indicators", "--unit", "23059", "--period", "2020", "--json", "--indicators", "crime.cases",
                 stdout=out)  # fmt: skip
    body = json.loads(out.getvalue())
    assert _figures(body)["crime.cases"]["value"] == 3
    text = io.StringIO()
    call_command("indicators", "--unit", "23059", "--period", "2020", stdout=text)
    assert "crime.cases" in text.getvalue() and "tăng 2 (200%)" in text.getvalue()
    with pytest.raises(CommandError, match="period"):
        call_command("indicators", "--unit", "23059", "--period", "2020-13")


def test_black_spots_of_a_commune_with_the_rule_and_overrides(client, officer, ham_thuan):
    base_lat, base_lon = 11.0600, 108.2000
    # Four injury accidents ~130 m apart: a black spot under Thông tư 41/2024/TT-BGTVT as read (4 injury accidents).
    for i, (dlat, month) in enumerate(((0.0, 2), (0.0012, 4), (0.0025, 6), (0.0037, 7))):
        incident_create(user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, month, 3, 7),
                        summary=f"TNGT {i}", dead=0, injured=1, latitude=base_lat + dlat,
                        longitude=base_lon)  # fmt: skip
    incident_create(user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, 5, 1, 7), summary="far",
                    dead=1, injured=0, latitude=11.2, longitude=108.3)  # fmt: skip
    incident_create(user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, 5, 2, 7), summary="nowhere",
                    dead=0, injured=1)  # fmt: skip
    incident_create(user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, 5, 9, 7), summary="drunk",
                    dead=1, injured=0, latitude=11.3, longitude=108.3, road_cause="không")  # fmt: skip
    client.force_login(officer)
    body = client.get(f"{URL}/black-spots", {"unit": "23059", "period": "2026"}).json()
    assert (body["considered"], body["without_coordinates"], body["not_road_caused"]) == (5, 1, 1)
    assert body["rule"]["source"] == "Thông tư 41/2024/TT-BGTVT, Điều 14" and body["rule"]["radius_m"] == 500
    assert body["rule"]["verified"] is False and body["rule"]["unverified_vi"] and body["rule"]["potential_vi"]
    [spot] = body["spots"]
    assert spot["injury_accidents"] == 4 and len(spot["accidents"]) == 4 and not spot["potential"]
    assert spot["reason_vi"] and spot["reason_en"]
    # The far fatal accident is a potential spot (điểm tiềm ẩn); the one the road did not cause is not counted.
    [potential] = body["potential"]
    assert potential["potential"] and potential["dead"] == 1 and len(potential["accidents"]) == 1
    # Named as an official writes it: no road or address was entered, so by its commune alone.
    assert (spot["road"], spot["commune"]) == ("", "Xã Hàm Thuận")
    assert (spot["place_vi"], spot["place_en"]) == ("Xã Hàm Thuận", "Hàm Thuận commune")
    tighter = client.get(f"{URL}/black-spots", {"unit": "23059", "period": "2026", "radius_m": 100}).json()
    assert tighter["spots"] == []
    lower = client.get(f"{URL}/black-spots", {"unit": "23059", "period": "2026", "min_fatal": 1}).json()
    assert len(lower["spots"]) == 2
    bad = client.get(f"{URL}/black-spots", {"unit": "23059", "period": "2026", "radius_m": -5})
    assert bad.status_code == 422 and bad.json()["errors"]


def test_black_spots_follow_every_change_of_the_records_although_they_are_kept(client, officer, ham_thuan):
    """The spots are kept under a digest of the accidents they are found from (core/kept.py): an accident entered,
    corrected or deleted a moment ago is in the next answer."""
    near = [incident_create(user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, m, 3, 7),
                            summary=f"TNGT {m}", dead=0, injured=1, latitude=11.06 + m * 0.0005, longitude=108.2)
            for m in (2, 4, 5)]  # fmt: skip
    client.force_login(officer)

    def spots():
        return client.get(f"{URL}/black-spots", {"unit": "23059", "period": "2026"}).json()["spots"]

    assert spots() == [] == spots()  # three injury accidents: no black spot, asked twice
    fourth = incident_create(user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, 6, 3, 7),
                             summary="TNGT 6", dead=0, injured=1, latitude=11.0615, longitude=108.2)  # fmt: skip
    [spot] = spots()
    assert spot["injury_accidents"] == 4
    corrected, _ = incident_update(user=officer, incident=near[0], road_cause="0")  # the road did not cause it
    assert spots() == []
    incident_update(user=officer, incident=corrected, road_cause="")  # not known after all: counts again
    assert len(spots()) == 1
    incident_delete(user=officer, incident=fourth, reason="nhập nhầm")
    assert spots() == []
