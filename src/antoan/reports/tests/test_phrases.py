"""The report's sentence patterns, one by one: changes, judgements, money, units named, dates (no database)."""

from datetime import date

import pytest

from antoan.indicators.catalogue import indicators
from antoan.indicators.periods import Period
from antoan.indicators.selectors import Figure
from antoan.reports.naming import commune_levels, level_word, named, party_committee
from antoan.reports.opening import default_issue_day, next_label, next_period, working_day_after
from antoan.reports.phrases import (
    change_clause,
    count_vi,
    date_line,
    join_clauses,
    million_vi,
    three_measures_judgement,
    with_change,
)
from antoan.units.models import Kind, Unit


def figure(code, value, before):
    return Figure(indicators()[code], value, before)


def test_report_says_giam_when_cases_fell():
    stated = with_change("Trên địa bàn xảy ra 44 vụ", figure("traffic.accidents", 44, 49), "năm 2019")
    assert stated == "Trên địa bàn xảy ra 44 vụ, giảm 05 vụ (-10,2%) so với năm 2019"


def test_report_says_tang_with_a_plus_sign():
    assert change_clause(figure("traffic.accidents", 60, 54), "năm 2019") == "tăng 06 vụ (+11,1%) so với năm 2019"


@pytest.mark.parametrize(
    ("value", "before", "label", "expected"),
    [
        (7, 7, "năm 2019", "bằng năm 2019"),
        (7, 7, "cùng kỳ năm 2025", "bằng cùng kỳ năm 2025"),  # never "bằng cùng kỳ cùng kỳ"
        (0, 3, "năm 2019", "giảm 03 vụ (-100%) so với năm 2019"),
        (2, 0, "năm 2019", "tăng 02 vụ so với năm 2019"),  # never "(không có)"
        (1234, None, "năm 2019", ""),  # no comparison year: no comparison
    ],
)
def test_unchanged_from_zero_and_without_comparison(value, before, label, expected):
    assert change_clause(figure("traffic.accidents", value, before), label) == expected


def test_a_rate_changes_in_percentage_points():
    rate = indicators()["crime.clearance_rate"]
    assert change_clause(Figure(rate, 90.9, 87.8), "năm 2019") == "tăng 3,1 điểm phần trăm so với năm 2019"
    assert change_clause(Figure(rate, 80.0, 80.0), "năm 2019") == "bằng năm 2019"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ((-3, -2, -5), "so với năm 2019, giảm 03 vụ (-15%), giảm 02 người chết (-10%), giảm 05 người bị thương (-25%), "
                       "kéo giảm trên cả 3 tiêu chí"),
        ((3, 2, 5), "so với năm 2019, tăng 03 vụ (+15%), tăng 02 người chết (+10%), tăng 05 người bị thương (+25%), "
                    "tăng trên cả 3 tiêu chí"),
        ((-3, 2, -5), "so với năm 2019, giảm 03 vụ (-15%), tăng 02 người chết (+10%), giảm 05 người bị thương (-25%)"),
        ((-3, 0, -5), "so với năm 2019, giảm 03 vụ (-15%), số người chết bằng năm 2019, giảm 05 người bị thương "
                      "(-25%)"),
        ((0, 0, 0), "bằng năm 2019 trên cả 3 tiêu chí"),
    ],
)  # fmt: skip
def test_traffic_is_judged_on_its_three_measures(changes, expected):
    codes = ("traffic.accidents", "traffic.dead", "traffic.injured")
    figures = [figure(code, 20 + change, 20) for code, change in zip(codes, changes, strict=True)]
    assert three_measures_judgement(figures, "năm 2019") == expected


def test_no_judgement_without_a_comparison_year():
    codes = ("traffic.accidents", "traffic.dead", "traffic.injured")
    assert three_measures_judgement([figure(code, 5, None) for code in codes], "năm 2019") == ""


def test_money_is_in_trieu_dong_and_numbers_the_vietnamese_way():
    assert million_vi(1_250_000_000) == "1.250"
    assert million_vi(350_000) == "0,4"
    assert million_vi(12_000_000) == "12"
    assert (count_vi(5), count_vi(44), count_vi(1234567), count_vi(0)) == ("05", "44", "1.234.567", "0")
    assert join_clauses(["a", "", "b", "c"]) == "a, b và c"


def test_dates_as_the_decree_writes_them():
    assert date_line("Hàm Thuận Bắc", date(2021, 1, 27)) == "Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021"
    assert date_line("Hàm Thuận Bắc", date(2021, 3, 5)) == "Hàm Thuận Bắc, ngày 05 tháng 3 năm 2021"


@pytest.mark.parametrize(
    ("name", "kind", "level", "phrase", "party"),
    [
        ("Huyện Hàm Thuận Bắc", Kind.DISTRICT, "huyện", "huyện Hàm Thuận Bắc", "Huyện ủy"),
        ("Thị xã La Gi", Kind.DISTRICT, "thị xã", "thị xã La Gi", "Thị ủy"),
        ("Thành phố Phan Thiết", Kind.DISTRICT, "thành phố", "thành phố Phan Thiết", "Thành ủy"),
        ("Tỉnh Lâm Đồng", Kind.PROVINCE, "tỉnh", "tỉnh Lâm Đồng", "Tỉnh ủy"),
        ("Thị Trấn Ma Lâm", Kind.COMMUNE, "thị trấn", "thị trấn Ma Lâm", "Đảng ủy"),
        ("Đặc khu Phú Quý", Kind.COMMUNE, "đặc khu", "đặc khu Phú Quý", "Đảng ủy"),
    ],
)
def test_units_are_named_as_documents_name_them(name, kind, level, phrase, party):
    unit = Unit(name=name, kind=kind)
    assert (level_word(unit), named(unit), party_committee(unit)) == (level, phrase, party)


def test_commune_levels_name_only_the_kinds_there_are():
    assert commune_levels(["Xã Hàm Đức", "Thị trấn Ma Lâm", "Xã Hồng Sơn"]) == "xã, thị trấn"
    assert commune_levels(["Phường Hàm Thắng", "Xã Hàm Thuận", "Đặc khu Phú Quý"]) == "xã, phường, đặc khu"


def test_a_report_is_dated_the_first_working_day_after_its_period():
    assert working_day_after(date(2020, 12, 31)) == date(2021, 1, 4)  # 1/1 is a holiday, then a weekend
    assert default_issue_day(Period.of_year(2020), date(2026, 12, 7)) == date(2021, 1, 4)
    # A year still running: today.
    assert default_issue_day(Period.of_year(2026), date(2026, 12, 7)) == date(2026, 12, 7)


def test_the_next_period_is_what_section_iii_plans_for():
    assert next_label(Period.of_year(2020)) == "năm 2021"
    assert next_label(Period.of_stat_year(2020)) == "năm 2021"
    assert next_label(Period.of_quarter(2026, 1)) == "quý II/2026"
    assert next_label(Period.of_quarter(2026, 4)) == "quý I/2027"
    assert next_period(Period.of_quarter(2026, 1)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert next_period(Period.of_month(2026, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert next_period(Period.of_year(2020)) == (date(2021, 1, 1), date(2021, 12, 31))
