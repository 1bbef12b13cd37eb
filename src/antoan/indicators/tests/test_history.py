"""Historical figures (#24): confirmed figures of periods before the records are the indicators' values, for the
unit itself, as the comparison year, up the hierarchy and in crosstabs; drafts never are; every write is checked
and audited."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from antoan.accounts.models import Role
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.indicators.figure_selectors import figure_history, figure_list
from antoan.indicators.figure_services import (
    figure_confirm,
    figure_correct,
    figure_create,
    figure_delete,
    figures_grid_save,
)
from antoan.indicators.models import FigureState, HistoricalFigure
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import crosstab_columns, indicator_crosstab, indicator_set

pytestmark = pytest.mark.django_db

LEGACY = date(2019, 1, 1)
REPORT = "Báo cáo số 15/BC-UBND ngày 20/12/2018 của UBND huyện Hàm Thuận Bắc"


@pytest.fixture
def ma_lam(unit):
    return unit("23059", LEGACY)


@pytest.fixture
def hong_son(unit):
    return unit("23086", LEGACY)


@pytest.fixture
def hong_son_leader(make_user, hong_son):
    return make_user(Role.LEADER, hong_son)


def accidents(officer, where, year: int, n: int):
    for k in range(n):
        incident_create(user=officer, unit=where, kind="traffic", occurred_at=local(year, 3 + k, 5, 18),
                        summary="Va chạm xe máy trên QL1A", dead=0, injured=1)  # fmt: skip


def confirmed(leader, where, period, indicator, value, **more):
    return figure_create(user=leader, unit=where, period=period, indicator=indicator, value=value, document=REPORT,
                         quote=f"xảy ra {value} vụ", confirm=True, **more)  # fmt: skip


def figure(result, code):
    return result.figure(code)


# Used as the value -------------------------------------------------------------------------------------------


def test_a_confirmed_figure_is_the_comparison_year_and_says_so(leader, officer, district, ma_lam):
    accidents(officer, ma_lam, 2019, 3)
    accidents(officer, ma_lam, 2018, 1)  # a few records of 2018 exist too: shown beside, never added
    confirmed(leader, district, "2018", "traffic.accidents", 5)
    result = indicator_set(user=officer, unit=district, period=period_parse("2019"), codes=["traffic.accidents"])
    shown = figure(result, "traffic.accidents")
    assert (shown.value, shown.comparison, shown.change) == (3, 5, -2)
    assert shown.history is None
    used = shown.comparison_history.own
    assert used.recorded == 1 and used.difference == 4 and not used.stand_in
    assert shown.comparison_history.source_vi == f"theo {REPORT}"
    assert shown.as_dict()["comparison_history"]["figure"]["quote"] == "xảy ra 5 vụ"


def test_a_draft_is_never_used(leader, officer, district, ma_lam):
    accidents(officer, ma_lam, 2018, 1)
    figure_create(user=officer, unit=district, period="2018", indicator="traffic.accidents", value=9)
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("2018")), "traffic.accidents")
    assert (shown.value, shown.history) == (1, None)


def test_a_calendar_year_serves_the_statistical_year_marked_and_an_exact_figure_wins(leader, officer, district):
    confirmed(leader, district, "2018", "traffic.accidents", 40)
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("st2018")), "traffic.accidents")
    assert shown.value == 40 and shown.history.own.stand_in
    assert "năm dương lịch" in shown.history.source_vi
    confirmed(leader, district, "st2018", "traffic.accidents", 41)
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("st2018")), "traffic.accidents")
    assert shown.value == 41 and not shown.history.own.stand_in
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("2018")), "traffic.accidents")
    assert shown.value == 40  # the calendar year keeps its own


def test_up_the_hierarchy_a_communes_figure_replaces_its_records_only(leader, officer, district, ma_lam, hong_son):
    accidents(officer, ma_lam, 2018, 1)
    accidents(officer, hong_son, 2018, 2)
    confirmed(leader, ma_lam, "2018", "traffic.accidents", 7)
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("2018")), "traffic.accidents")
    assert shown.value == 7 + 2  # Ma Lâm's figure, Hồng Sơn's records
    assert [part.figure.unit for part in shown.history.parts] == [ma_lam]
    assert shown.history.parts[0].recorded == 1
    assert "1 đơn vị trực thuộc" in shown.history.source_vi
    confirmed(leader, district, "2018", "traffic.accidents", 20)  # the district's own figure holds its communes'
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("2018")), "traffic.accidents")
    assert shown.value == 20 and shown.history.own is not None


def test_a_rate_follows_its_figures_unless_the_report_states_it(leader, officer, district):
    confirmed(leader, district, "2018", "crime.social_order", 50)
    confirmed(leader, district, "2018", "crime.social_order.solved", 45)
    codes = ["crime.social_order.clearance_rate"]
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("2018"), codes=codes), codes[0])
    assert shown.value == 90.0
    confirmed(leader, district, "2018", "crime.social_order.clearance_rate", "86,5")
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("2018"), codes=codes), codes[0])
    assert shown.value == 86.5 and shown.history.own is not None


def test_a_crosstab_by_year_shows_a_communes_figure_and_the_total_counts_it(
    leader, officer, district, ma_lam, hong_son
):
    accidents(officer, hong_son, 2018, 2)
    accidents(officer, ma_lam, 2019, 1)
    confirmed(leader, ma_lam, "2018", "traffic.accidents", 6)
    table = indicator_crosstab(user=officer, unit=district, code="traffic.accidents",
                               columns=crosstab_columns(year=2019, by="year", years=2))  # fmt: skip
    rows = {child.code: values for child, values in table.rows}
    assert rows["23059"][:2] == (6, 1) and rows["23086"][:2] == (2, 0)
    assert table.total[:2] == (8, 1)


def test_the_command_line_compares_with_the_confirmed_figures(leader, officer, district, ma_lam):
    accidents(officer, ma_lam, 2019, 3)
    confirmed(leader, district, "2018", "traffic.accidents", 5)
    out = StringIO()
    call_command("indicators", unit="597", on="2019-06-30", period="2019", indicators="traffic.accidents",
                 user=officer.username, stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "giảm 2" in text and f"Năm 2018: theo {REPORT}" in text


# Written ---------------------------------------------------------------------------------------------------


def test_an_officer_enters_a_draft_a_leader_confirms_it_all_audited(leader, officer, district):
    draft = figure_create(user=officer, unit=district, period="2018", indicator="traffic.dead", value="12",
                          document=REPORT, location="trang 3", quote="làm chết 12 người")  # fmt: skip
    assert draft.state == FigureState.DRAFT and draft.entered_by == officer
    with pytest.raises(Forbidden):
        figure_confirm(user=officer, figure=draft)
    done = figure_confirm(user=leader, figure=draft)
    assert (done.state, done.confirmed_by) == (FigureState.CONFIRMED, leader)
    entries = figure_history(user=leader, figure=done)
    assert [(e.change_type, e.who) for e in entries] == [("~", str(leader)), ("+", str(officer))]
    assert entries[0].reason == "Xác nhận / confirmed"
    assert {c.field for c in entries[0].changes} >= {"state", "confirmed_by"}


def test_a_second_confirmed_value_is_refused_a_correction_needs_a_reason(leader, officer, district):
    first = confirmed(leader, district, "2018", "traffic.accidents", 55)
    other = figure_create(user=officer, unit=district, period="2018", indicator="traffic.accidents", value=52)
    with pytest.raises(DomainError) as caught:
        figure_confirm(user=leader, figure=other)
    assert "55" in caught.value.errors["state"].vi
    with pytest.raises(DomainError) as caught:
        figure_correct(user=leader, figure=first, value=52, reason=" ")
    assert "reason" in caught.value.errors
    fixed = figure_correct(user=leader, figure=first, value=52, reason="Báo cáo số 15 in nhầm; theo sổ thống kê")
    assert fixed.value == Decimal("52.00") and fixed.reason.startswith("Báo cáo")
    last = HistoricalFigure.history.filter(id=first.pk).order_by("-history_date").first()
    assert last.history_change_reason.startswith("Báo cáo số 15") and last.value == Decimal("52.00")
    assert last.prev_record.value == Decimal("55.00")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"period": "2018-13"}, "period"),
        ({"period": "2018-01-05..2018-02-03"}, "period"),
        ({"period": "2999"}, "period"),  # not over yet
        ({"indicator": "traffic.nonsense"}, "indicator"),
        ({"value": "abc"}, "value"),
        ({"value": "-3"}, "value"),
        ({"indicator": "crime.social_order.clearance_rate", "value": "120"}, "value"),
    ],
)
def test_bad_input_names_the_field_in_both_languages_and_writes_nothing(officer, district, fields, field):
    values = {"period": "2018", "indicator": "traffic.accidents", "value": "5", **fields}
    with pytest.raises(DomainError) as caught:
        figure_create(user=officer, unit=district, **values)
    message = caught.value.errors[field]
    assert message.vi and message.en and message.vi != message.en
    assert not HistoricalFigure.all_objects.exists()


def test_scope_is_enforced(hong_son_leader, district, ma_lam, officer):
    with pytest.raises(NotFound):
        figure_create(user=hong_son_leader, unit=ma_lam, period="2018", indicator="traffic.accidents", value=1)
    mine = figure_create(user=officer, unit=ma_lam, period="2018", indicator="traffic.accidents", value=1)
    assert list(figure_list(user=hong_son_leader)) == []
    assert list(figure_list(user=officer)) == [mine]


def test_the_grid_writes_two_years_or_nothing_naming_the_cell(leader, district):
    with pytest.raises(DomainError) as caught:
        figures_grid_save(user=leader, unit=district, values={("traffic.accidents", 2017): "55",
                                                                ("traffic.accidents", 2018): "abc"})  # fmt: skip
    assert "traffic.accidents/2018" in caught.value.errors
    assert not HistoricalFigure.all_objects.exists()
    saved = figures_grid_save(user=leader, unit=district, document=REPORT, confirm=True,
                              values={("traffic.accidents", 2017): "55", ("traffic.accidents", 2018): "52",
                                      ("traffic.dead", 2018): ""})  # fmt: skip
    assert sorted((f.period, f.value) for f in saved) == [("2017", Decimal("55.00")), ("2018", Decimal("52.00"))]
    assert all(f.state == FigureState.CONFIRMED for f in saved)


def test_a_deleted_confirmed_figure_stops_counting_and_needs_a_reason(leader, officer, district):
    done = confirmed(leader, district, "2018", "traffic.accidents", 5)
    with pytest.raises(DomainError):
        figure_delete(user=leader, figure=done, reason="")
    figure_delete(user=leader, figure=done, reason="Nhập nhầm đơn vị")
    shown = figure(indicator_set(user=officer, unit=district, period=period_parse("2018")), "traffic.accidents")
    assert (shown.value, shown.history) == (0, None)


def test_the_dashboard_marks_a_value_from_an_old_report(client, leader, officer, district, ma_lam):
    accidents(officer, ma_lam, 2018, 1)
    confirmed(leader, district, "2018", "traffic.accidents", 5)
    client.force_login(officer)
    page = client.get("/chi-tieu/", {"unit": "597", "on": "2019-06-30", "period": "2019"}).content.decode()
    assert f'title="theo {REPORT}; sổ ghi chép của kỳ: 1"' in page


def test_an_administrator_restores_a_deleted_figure_unless_another_is_confirmed_in_its_place(
    leader, officer, district, make_user, unit
):
    from antoan.indicators.figure_services import figure_restore

    admin = make_user(Role.ADMIN, unit("60", LEGACY))  # the province
    done = confirmed(leader, district, "2018", "traffic.accidents", 5)
    figure_delete(user=leader, figure=done, reason="Nhầm")
    with pytest.raises(Forbidden):
        figure_restore(user=leader, instance=done)
    back = figure_restore(user=admin, instance=done)
    assert not back.is_deleted
    figure_delete(user=leader, figure=back, reason="Nhầm lần nữa")
    confirmed(leader, district, "2018", "traffic.accidents", 6)
    with pytest.raises(DomainError) as caught:
        figure_restore(user=admin, instance=done)
    assert "6" in caught.value.errors["state"].vi


def test_the_crosstab_says_which_values_come_from_old_reports(client, leader, officer, district, ma_lam, hong_son):
    accidents(officer, hong_son, 2018, 2)
    confirmed(leader, ma_lam, "2018", "traffic.accidents", 6)
    client.force_login(officer)
    asked = {"indicator": "traffic.accidents", "year": 2019, "by": "year", "years": 2, "unit": "597",
             "on": "2019-12-31"}  # fmt: skip
    table = client.get("/api/v1/indicators/crosstab", asked).json()
    rows = {row["unit"]["code"]: row for row in table["rows"]}
    assert rows["23059"]["values"] == [6, 0, 6]  # the whole span adds the old report's year to the records'
    assert rows["23059"]["history"][0]["vi"] == f"theo {REPORT}"
    assert rows["23086"]["history"] == [None, None, None]
    assert table["total"] == [8, 0, 8] and "1 đơn vị trực thuộc" in table["total_history"][0]["vi"]
