"""The pages of targets (a unit's year as a grid, one target, its history, delete) and the dashboard's "met the target"
beside a headline figure, which must be target_results' judgement of the figure the card shows."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.indicators.models import Target
from antoan.indicators.periods import period_parse
from antoan.indicators.target_services import target_create
from antoan.indicators.targets import target_results

pytestmark = pytest.mark.django_db

LEGACY = date(2020, 1, 1)


@pytest.fixture
def leader_client(client, leader, login_verified):
    login_verified(client, leader)
    return client


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def year_url(unit, year=2020):
    return reverse("indicators:target_year", args=[unit.pk, year])


def grid_post(rows, document=""):
    data = {"row_count": str(len(rows)), "document": document}
    for i, row in enumerate(rows):
        for field, value in row.items():
            data[f"r{i}-{field}"] = value
    return data


def test_the_grid_offers_one_row_per_main_indicator(leader_client, district):
    page = leader_client.get(year_url(district)).content.decode()
    for code in ("crime.cases", "crime.clearance_rate", "traffic.accidents", "traffic.dead", "models.active"):
        assert f'value="{code}"' in page
    assert 'value="traffic.accidents.' not in page  # the parts are not offered a row of their own
    assert 'name="r0-kind"' in page and "Hàm Thuận Bắc" in page


def test_a_leader_enters_the_years_targets_in_one_go(leader_client, leader, district):
    page = leader_client.get(year_url(district)).content.decode()
    codes = re.findall(r'name="r(\d+)-indicator" value="([^"]+)"', page)
    rows = [{"indicator": code, "kind": "", "value": "", "document": ""} for _, code in codes]
    index = {code: int(i) for i, code in codes}
    rows[index["traffic.accidents"]].update(kind="reduce_by_pct", value="5")
    rows[index["crime.clearance_rate"]].update(kind="at_least", value="75", document="NQ 96/2019/QH14")
    response = leader_client.post(year_url(district), grid_post(rows, document="Nghị quyết số 12/NQ-HĐND"))
    assert response.status_code == 302
    saved = {t.indicator: t for t in Target.objects.filter(unit=district, year=2020)}
    assert set(saved) == {"traffic.accidents", "crime.clearance_rate"}
    assert saved["traffic.accidents"].document == "Nghị quyết số 12/NQ-HĐND"
    assert saved["crime.clearance_rate"].created_by == leader


def test_a_bad_row_is_shown_in_both_languages_and_nothing_is_saved(leader_client, district):
    page = leader_client.get(year_url(district)).content.decode()
    codes = re.findall(r'name="r(\d+)-indicator" value="([^"]+)"', page)
    rows = [{"indicator": code, "kind": "", "value": ""} for _, code in codes]
    index = {code: int(i) for i, code in codes}
    rows[index["traffic.accidents"]].update(kind="reduce_by_pct", value="5")
    rows[index["crime.clearance_rate"]].update(kind="at_least", value="120")
    response = leader_client.post(year_url(district), grid_post(rows))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was saved" in text or "Chưa lưu" in text
    assert "từ 0% đến 100%" in text and "from 0% to 100%" in text
    assert not Target.objects.exists()


def test_an_officer_reads_the_grid_but_cannot_post_it(officer_client, leader, district):
    target_create(user=leader, unit=district, year=2020, indicator="traffic.accidents", kind="reduce_by_pct", value=5)
    page = officer_client.get(year_url(district))
    assert page.status_code == 200
    text = page.content.decode()
    assert "kéo giảm ít nhất 5% so với năm trước" in text and 'name="r0-kind"' not in text
    response = officer_client.post(year_url(district), grid_post([]))
    assert response.status_code == 403


def test_another_units_year_is_not_found(client, make_user, unit, district):
    client.force_login(make_user(Role.OFFICER, unit("23086", LEGACY)))  # Hồng Sơn
    assert client.get(year_url(district)).status_code == 404


def test_one_target_form_refuses_bad_input_bilingually(leader_client, district):
    response = leader_client.post(
        reverse("indicators:target_create"),
        {"unit": str(district.pk), "year": "2020", "indicator": "crime.made_up", "kind": "at_most", "value": "-3"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "crime.made_up" in text and "Không được là số âm" in text and "Must not be negative" in text
    assert not Target.objects.exists()


def test_the_target_page_shows_its_result_and_its_history_and_delete_is_soft(leader_client, officer, district, unit):
    incident_create(user=officer, unit=unit("23059", LEGACY), kind="traffic", occurred_at=local(2019, 5, 1, 8),
                    summary="TNGT", dead=0, injured=1)  # fmt: skip
    response = leader_client.post(
        reverse("indicators:target_create"),
        {"unit": str(district.pk), "year": "2020", "indicator": "traffic.accidents", "kind": "reduce", "value": "",
         "document": "Kế hoạch 01/KH-UBND"},
    )  # fmt: skip
    target = Target.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("indicators:target_detail", args=[target.pk])
    page = leader_client.get(response["Location"]).content.decode()
    assert "Kế hoạch 01/KH-UBND" in page and 'id="target-result"' in page
    assert "Đạt chỉ tiêu</span> giảm 1 vụ, 100%" in page  # 1 accident in 2019, none in 2020
    assert "lanhdao.htb" in page  # the history names who
    leader_client.post(reverse("indicators:target_edit", args=[target.pk]),
                       {"unit": str(district.pk), "year": "2020", "indicator": "traffic.accidents",
                        "kind": "reduce_by_pct", "value": "10", "document": "Kế hoạch 01/KH-UBND"})  # fmt: skip
    assert Target.objects.get().kind == "reduce_by_pct"
    leader_client.post(reverse("indicators:target_delete", args=[target.pk]), {"reason": "Nhập nhầm"})
    assert not Target.objects.exists() and Target.all_objects.get().delete_reason == "Nhập nhầm"
    assert leader_client.get(reverse("indicators:target_detail", args=[target.pk])).status_code == 404


def test_an_administrator_sees_a_deleted_target_and_restores_it(client, login_verified, make_user, unit, leader,
                                                              district):  # fmt: skip
    target = target_create(user=leader, unit=district, year=2020, indicator="traffic.dead", kind="reduce")
    from antoan.indicators.target_services import target_delete

    target_delete(user=leader, target=target)
    admin = make_user(Role.ADMIN, unit("01"))
    login_verified(client, admin)
    page = client.get(reverse("indicators:target_detail", args=[target.pk])).content.decode()
    assert 'id="deleted-notice"' in page
    deleted = client.get(reverse("deleted-list") + "?kind=targets").content.decode()
    assert reverse("indicators:target_detail", args=[target.pk]) in deleted
    client.post(reverse("deleted-restore", args=["targets", target.pk]))
    assert Target.objects.filter(pk=target.pk).exists()


def test_the_list_shows_the_targets_in_scope(officer_client, leader, district):
    target_create(user=leader, unit=district, year=2020, indicator="traffic.accidents", kind="reduce_by_pct", value=5)
    page = officer_client.get(reverse("indicators:target_list")).content.decode()
    assert "kéo giảm ít nhất 5% so với năm trước" in page


# The dashboard --------------------------------------------------------------------------------------------

CARD_TARGET = re.compile(
    r'id="card-([a-z0-9-]+)".*?data-value="([^"]*)".*?(?:data-target-status="([a-z_]+)"|</article>)', re.S
)


def test_the_dashboard_says_whether_a_headline_figure_met_its_target_as_target_results_does(
    officer_client, officer, leader, district, unit
):
    ma_lam = unit("23059", LEGACY)
    for year, n in ((2019, 4), (2020, 3)):
        for i in range(n):
            incident_create(user=officer, unit=ma_lam, kind="traffic", occurred_at=local(year, 3 + i, 2, 18),
                            summary="Va chạm xe máy", dead=0, injured=1)  # fmt: skip
    for code, kind, value in (("traffic.accidents", "reduce_by_pct", 20),
                              ("crime.social_order.clearance_rate", "at_least", 75),
                              ("traffic.dead", "at_most", 0), ("traffic.injured", "reduce_by_pct", 30)):
        target_create(user=leader, unit=district, year=2020, indicator=code, kind=kind, value=value)  # fmt: skip
    query = {"unit": "597", "on": "2020-06-30", "period": "2020"}
    response = officer_client.get(reverse("indicators:dashboard"), query)
    assert response.status_code == 200
    page = response.content.decode()
    shown = {slug: (value, status) for slug, value, status in CARD_TARGET.findall(page)}
    results = {r.target.indicator: r for r in target_results(user=officer, unit=district, period=period_parse("2020"))}
    for code, result in results.items():
        slug = code.replace(".", "-").replace("_", "-")
        value, status = shown[slug]
        assert status == result.status, code
        assert value == ("" if result.value is None else str(int(result.value)) if float(result.value).is_integer()
                         else str(result.value))  # fmt: skip
    assert shown["traffic-accidents"][1] == "exceeded"  # 4 → 3: down 25 %, target 20 %
    assert shown["traffic-injured"][1] == "missed"  # down 25 %, target 30 %
    assert shown["traffic-dead"][1] == "met"
    assert shown["crime-social-order-clearance-rate"][1] == "unknown"  # no crime: no rate
    assert shown["social-evil-cases"][1] == ""  # no target, no status
    assert "Vượt chỉ tiêu" in page and "Đạt chỉ tiêu" in page and 'id="dashboard-targets"' in page
    assert reverse("indicators:target_year", args=[district.pk, 2020]) in page


def test_while_the_year_runs_the_dashboard_says_on_track_or_at_risk_as_of_today(
    officer_client, officer, leader, district, unit, time_machine
):
    """1/7/2020: three accidents so far against three on the same days of 2019 (a reduction asked: at risk), one
    person hurt in each — six in the year at this pace, under the cap of ten (on track)."""
    time_machine.move_to(datetime(2020, 7, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    ma_lam = unit("23059", LEGACY)
    for day in ((2019, 2, 3), (2019, 3, 9), (2019, 6, 1), (2019, 9, 20), (2020, 2, 11), (2020, 5, 2), (2020, 6, 20)):
        incident_create(user=officer, unit=ma_lam, kind="traffic", occurred_at=local(*day, 18), summary="Va chạm",
                        dead=0, injured=1)  # fmt: skip
    target_create(user=leader, unit=district, year=2020, indicator="traffic.accidents", kind="reduce", value=None)
    target_create(user=leader, unit=district, year=2020, indicator="traffic.injured", kind="at_most", value=10)
    page = officer_client.get(reverse("indicators:dashboard"), {"unit": "597", "period": "2020"}).content.decode()
    cards = {slug: status for slug, _, status in CARD_TARGET.findall(page)}
    assert (cards["traffic-accidents"], cards["traffic-injured"]) == ("at_risk", "on_track")
    assert "tính đến ngày 01/07/2020" in re.search(r'id="dashboard-targets".*?</h2>', page, re.S).group(0)
    assert "Có nguy cơ không đạt chỉ tiêu" in page and "Dự kiến đạt chỉ tiêu" in page
    assert "ước cả năm 6 người" in page
