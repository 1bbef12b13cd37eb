"""Figure sentences read like the seed reports."""

import pytest

from antoan.indicators.catalogue import indicators
from antoan.indicators.selectors import Figure
from antoan.reports.phrases import count_vi, date_line, figure_sentence


def sentence(code, value, before, label="năm 2019"):
    return figure_sentence(Figure(indicators()[code], value, before), label)


def test_report_says_giam_when_cases_fell():
    assert sentence("crime.cases", 44, 49) == (
        "Số vụ phạm pháp hình sự xảy ra 44 vụ, giảm 05 vụ (-10,2%) so với năm 2019 (49 vụ)."
    )


def test_report_says_tang_with_a_plus_sign():
    assert sentence("traffic.accidents", 60, 54) == (
        "Số vụ tai nạn giao thông xảy ra 60 vụ, tăng 06 vụ (+11,1%) so với năm 2019 (54 vụ)."
    )


@pytest.mark.parametrize(
    "value, before, expected",
    [
        (0, 0, "Không xảy ra vụ phạm pháp hình sự nào, bằng cùng kỳ năm 2019."),
        (0, 3, "Không xảy ra vụ phạm pháp hình sự nào, giảm 03 vụ so với năm 2019."),
        (7, 7, "Số vụ phạm pháp hình sự xảy ra 07 vụ, bằng cùng kỳ năm 2019."),
        (2, 0, "Số vụ phạm pháp hình sự xảy ra 02 vụ, tăng 02 vụ so với năm 2019 (không xảy ra)."),
        (1234, None, "Số vụ phạm pháp hình sự xảy ra 1.234 vụ."),
    ],
)
def test_zero_and_unchanged_read_naturally(value, before, expected):
    assert sentence("crime.cases", value, before) == expected


def test_a_rate_changes_in_percentage_points():
    assert sentence("crime.clearance_rate", 90.9, 87.8) == (
        "Tỷ lệ điều tra, khám phá đạt 90,9%, tăng 3,1 điểm phần trăm so với năm 2019 (87,8%)."
    )
    assert sentence("crime.clearance_rate", None, 80.0).endswith("chưa có số liệu (không có vụ việc để tính).")


def test_nothing_the_year_before_reads_by_the_figure():
    assert sentence("officers.deployed", 75, 0).endswith("tăng 75 người so với năm 2019 (không có).")


def test_an_indicator_without_a_phrase_uses_its_name():
    assert (
        sentence("signs.installed", 12, 10)
        == "Biển báo được lắp mới 12 biển, tăng 02 biển (+20%) so với năm 2019 (10 biển)."
    )


def test_numbers_and_dates_the_vietnamese_way():
    from datetime import date

    assert (count_vi(5), count_vi(44), count_vi(1234567), count_vi(0)) == ("05", "44", "1.234.567", "0")
    assert date_line("Hàm Thuận Bắc", date(2021, 1, 27)) == "Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021"
    assert date_line("Hàm Thuận Bắc", date(2021, 3, 5)) == "Hàm Thuận Bắc, ngày 05 tháng 3 năm 2021"
