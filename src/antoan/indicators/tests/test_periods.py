"""Reporting periods: each code names the right days and round-trips, the comparison period is the same
period a year earlier (Tết by the lunar calendar), statistics close on the 14th, and bad input is refused
bilingually, naming the field."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from antoan.core.errors import DomainError
from antoan.indicators.periods import Period, can_chi, lunar_new_year, period_options, period_parse

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def default_tet_window(settings):
    """Seven days either side of mùng 1 Tết unless a test says otherwise."""
    settings.ANTOAN_TET_DAYS_BEFORE = 7
    settings.ANTOAN_TET_DAYS_AFTER = 7


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "label_vi", "label_en"),
    [
        ("2020", "year", date(2020, 1, 1), date(2020, 12, 31), "Năm 2020", "Year 2020"),
        ("2020-H1", "half", date(2020, 1, 1), date(2020, 6, 30), "6 tháng đầu năm 2020", "First half of 2020"),
        ("2020-H2", "half", date(2020, 7, 1), date(2020, 12, 31), "6 tháng cuối năm 2020", "Second half of 2020"),
        ("2020-Q1", "quarter", date(2020, 1, 1), date(2020, 3, 31), "Quý I/2020", "Q1 2020"),
        ("2020-Q2", "quarter", date(2020, 4, 1), date(2020, 6, 30), "Quý II/2020", "Q2 2020"),
        ("2020-Q3", "quarter", date(2020, 7, 1), date(2020, 9, 30), "Quý III/2020", "Q3 2020"),
        ("2020-Q4", "quarter", date(2020, 10, 1), date(2020, 12, 31), "Quý IV/2020", "Q4 2020"),
        ("2020-02", "month", date(2020, 2, 1), date(2020, 2, 29), "Tháng 2/2020", "February 2020"),
        ("2020-03", "month", date(2020, 3, 1), date(2020, 3, 31), "Tháng 3/2020", "March 2020"),
        ("2020-12", "month", date(2020, 12, 1), date(2020, 12, 31), "Tháng 12/2020", "December 2020"),
        (
            "st2020",
            "stat_year",
            date(2019, 12, 15),
            date(2020, 12, 14),
            "Năm thống kê 2020 (15/12/2019 – 14/12/2020)",
            "Statistical year 2020 (15/12/2019 – 14/12/2020)",
        ),
        (
            "stm2020-03",
            "stat_month",
            date(2020, 2, 15),
            date(2020, 3, 14),
            "Tháng 3/2020 (thống kê: 15/02 – 14/03/2020)",
            "March 2020 (statistical: 15/02 – 14/03/2020)",
        ),
        (
            "stm2020-01",
            "stat_month",
            date(2019, 12, 15),
            date(2020, 1, 14),
            "Tháng 1/2020 (thống kê: 15/12/2019 – 14/01/2020)",
            "January 2020 (statistical: 15/12/2019 – 14/01/2020)",
        ),
        (
            "tet2021",
            "tet",
            date(2021, 2, 5),
            date(2021, 2, 19),
            "Tết Nguyên đán Tân Sửu 2021 (05/02/2021 – 19/02/2021)",
            "Lunar New Year 2021 (05/02/2021 – 19/02/2021)",
        ),
        (
            "2020-01-05..2020-02-03",
            "range",
            date(2020, 1, 5),
            date(2020, 2, 3),
            "Từ 05/01/2020 đến 03/02/2020",
            "From 05/01/2020 to 03/02/2020",
        ),
    ],
)
def test_each_code_names_its_days_and_labels_and_round_trips(code, kind, start, end, label_vi, label_en):
    period = period_parse(code)
    assert (period.kind, period.start, period.end, period.code) == (kind, start, end, code)
    assert (period.label_vi, period.label_en) == (label_vi, label_en)
    assert period_parse(period.code) == period
    assert period.days == (end - start).days + 1
    with translation.override("vi"):
        assert period.label == str(period) == label_vi
    with translation.override("en"):
        assert period.label == label_en


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        (" 2020 ", "2020"),
        ("2020-h1", "2020-H1"),
        ("2020-q4", "2020-Q4"),
        ("2020-3", "2020-03"),
        ("ST2020", "st2020"),
        ("stm2020-3", "stm2020-03"),
        ("TET2021", "tet2021"),
        ("05/01/2020..03/02/2020", "2020-01-05..2020-02-03"),
    ],
)
def test_codes_are_read_in_any_case_and_written_in_one_form(typed, code):
    assert period_parse(typed).code == code


def test_two_dates_make_a_range_in_either_format():
    by_dates = period_parse(date_from=date(2020, 1, 5), date_to=date(2020, 2, 3))
    by_iso = period_parse(date_from="2020-01-05", date_to="2020-02-03")
    by_vietnamese = period_parse(date_from="05/01/2020", date_to="03/02/2020")
    assert by_dates == by_iso == by_vietnamese == period_parse("2020-01-05..2020-02-03")
    assert by_dates.kind == "range" and by_dates.days == 30
    assert period_parse(date_from="2020-03-01", date_to="2020-03-01").days == 1


def test_a_period_value_passes_through_period_parse():
    period = period_parse("2020-Q2")
    assert period_parse(period) is period


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        ("2020", "2019"),
        ("2020-H1", "2019-H1"),
        ("2020-H2", "2019-H2"),
        ("2020-Q1", "2019-Q1"),
        ("2020-Q4", "2019-Q4"),
        ("2020-03", "2019-03"),
        ("st2020", "st2019"),
        ("stm2020-01", "stm2019-01"),
        ("stm2020-03", "stm2019-03"),
        ("tet2021", "tet2020"),
        ("2020-01-05..2020-02-03", "2019-01-05..2019-02-03"),
    ],
)
def test_previous_is_the_same_period_one_year_earlier(code, previous):
    assert period_parse(code).previous() == period_parse(previous)


def test_previous_statistical_year_runs_from_15_december_two_years_before():
    before = period_parse("st2020").previous()
    assert (before.start, before.end) == (date(2018, 12, 15), date(2019, 12, 14))


def test_previous_tet_follows_the_lunar_calendar_not_365_days():
    tet2021 = period_parse("tet2021")
    tet2020 = tet2021.previous()
    # Mùng 1 Tết Canh Tý was 25/01/2020, Tân Sửu 12/02/2021: 384 days apart, not 365.
    assert tet2020.start == date(2020, 1, 25) - timedelta(days=7)
    assert tet2020.end == date(2020, 1, 25) + timedelta(days=7)
    assert tet2020.code == "tet2020"
    assert tet2020.label_vi == "Tết Nguyên đán Canh Tý 2020 (18/01/2020 – 01/02/2020)"
    assert tet2021.start - tet2020.start == timedelta(days=384)


def test_previous_of_a_range_ending_on_29_february_ends_on_28_february():
    leap = period_parse(date_from="2020-02-01", date_to="2020-02-29")
    assert leap.previous() == period_parse("2019-02-01..2019-02-28")
    starts_on_29 = period_parse("2020-02-29..2020-03-10")
    assert (starts_on_29.previous().start, starts_on_29.previous().end) == (date(2019, 2, 28), date(2019, 3, 10))
    single = period_parse("2024-02-29..2024-02-29").previous()
    assert (single.start, single.end, single.kind) == (date(2023, 2, 28), date(2023, 2, 28), "range")


def test_previous_of_february_in_a_leap_year_is_the_whole_february_before():
    assert period_parse("2020-02").previous() == Period.of_month(2019, 2)
    assert period_parse("2020-02").previous().end == date(2019, 2, 28)


def test_the_statistical_year_closes_on_14_december():
    st2020 = period_parse("st2020")
    assert st2020.contains(date(2020, 12, 14))
    assert not st2020.contains(date(2020, 12, 15))
    assert st2020.contains(date(2019, 12, 15))
    assert not st2020.contains(date(2019, 12, 14))
    assert period_parse("st2021").contains(date(2020, 12, 15))
    assert st2020.days == 366  # 2020 is a leap year


def test_statistical_months_follow_each_other_without_gap_or_overlap():
    months = [period_parse(f"stm2020-{m:02d}") for m in range(1, 13)]
    assert months[0].start == period_parse("st2020").start
    assert months[-1].end == period_parse("st2020").end
    for earlier, later in zip(months, months[1:], strict=False):
        assert later.start == earlier.end + timedelta(days=1)
    march = period_parse("stm2020-03")
    assert march.contains(date(2020, 3, 14)) and not march.contains(date(2020, 3, 15))
    assert march.contains(date(2020, 2, 15)) and not march.contains(date(2020, 2, 14))


def test_a_statistical_year_overlaps_thirteen_calendar_months():
    months = period_parse("st2020").months()
    assert len(months) == 13
    assert months[0] == period_parse("2019-12") and months[-1] == period_parse("2020-12")
    assert [m.kind for m in months] == ["month"] * 13
    assert [m.start for m in months] == sorted(m.start for m in months)


def test_months_of_calendar_periods():
    assert [m.code for m in period_parse("2020-Q2").months()] == ["2020-04", "2020-05", "2020-06"]
    assert len(period_parse("2020").months()) == 12
    assert period_parse("2020-03").months() == [period_parse("2020-03")]
    assert [m.code for m in period_parse("2020-01-31..2020-02-01").months()] == ["2020-01", "2020-02"]


def test_datetime_bounds_are_local_midnights_in_ho_chi_minh_city():
    st2020 = period_parse("st2020")
    assert st2020.start_datetime == datetime(2019, 12, 15, tzinfo=HCM)
    assert st2020.end_datetime_exclusive == datetime(2020, 12, 15, tzinfo=HCM)
    assert st2020.start_datetime.utcoffset() == timedelta(hours=7)
    # Midnight in Hà Nội is 17:00 UTC the day before.
    assert st2020.start_datetime.astimezone(UTC) == datetime(2019, 12, 14, 17, tzinfo=UTC)

    def inside(moment):
        return st2020.start_datetime <= moment < st2020.end_datetime_exclusive

    assert inside(datetime(2020, 12, 14, 23, 59, 59, tzinfo=HCM))
    assert not inside(datetime(2020, 12, 15, 0, 0, tzinfo=HCM))
    assert inside(datetime(2020, 12, 14, 16, 59, tzinfo=UTC))  # 23:59 local
    assert not inside(datetime(2020, 12, 14, 17, 0, tzinfo=UTC))  # 00:00 local on the 15th
    assert st2020.contains(datetime(2020, 12, 14, 16, 59, tzinfo=UTC))
    assert not st2020.contains(datetime(2020, 12, 14, 17, 0, tzinfo=UTC))


def test_datetime_bounds_use_the_project_time_zone_even_when_another_is_active():
    from django.utils import timezone as django_timezone

    with django_timezone.override(ZoneInfo("Europe/Paris")):
        assert period_parse("2020-03").start_datetime == datetime(2020, 3, 1, tzinfo=HCM)


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2020, date(2020, 1, 25)),
        (2021, date(2021, 2, 12)),
        (2023, date(2023, 1, 22)),
        (2024, date(2024, 2, 10)),
        (2025, date(2025, 1, 29)),
        (2026, date(2026, 2, 17)),
        # Years where Hà Nội's calendar (UTC+7) and Beijing's (UTC+8) disagree.
        (1985, date(1985, 1, 21)),
        (2007, date(2007, 2, 17)),
        (2030, date(2030, 2, 2)),
    ],
)
def test_mung_1_tet_is_read_from_the_vietnamese_lunar_calendar(year, day):
    assert lunar_new_year(year) == day


def test_the_lunar_helper_of_the_holidays_package_agrees_with_its_public_holidays():
    from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar

    helper = _ChineseLunisolar(VIETNAMESE_CALENDAR)
    for year in range(1990, 2101):
        assert helper.lunar_new_year_date(year)[0] == lunar_new_year(year), year


def test_the_tet_window_comes_from_the_settings(settings):
    settings.ANTOAN_TET_DAYS_BEFORE = 8  # from 23 tháng Chạp (ông Công ông Táo), 04/02/2021
    settings.ANTOAN_TET_DAYS_AFTER = 14  # to rằm tháng Giêng, 26/02/2021
    tet = period_parse("tet2021")
    assert (tet.start, tet.end) == (date(2021, 2, 4), date(2021, 2, 26))
    assert tet.label_vi == "Tết Nguyên đán Tân Sửu 2021 (04/02/2021 – 26/02/2021)"
    assert tet.previous().start == date(2020, 1, 17)


def test_a_misconfigured_tet_window_is_refused_loudly(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.ANTOAN_TET_DAYS_BEFORE = -3
    with pytest.raises(ImproperlyConfigured):
        period_parse("tet2021")


@pytest.mark.parametrize(
    ("year", "name"),
    [(1984, "Giáp Tý"), (2019, "Kỷ Hợi"), (2020, "Canh Tý"), (2021, "Tân Sửu"), (2024, "Giáp Thìn"), (2025, "Ất Tỵ")],
)
def test_can_chi_names_the_lunar_year(year, name):
    assert can_chi(year) == name


def _refused(field, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        period_parse(**kwargs)
    error = caught.value
    assert field in error.errors, error.errors
    message = error.errors[field]
    assert message.vi and message.en and message.vi != message.en
    return error


@pytest.mark.parametrize(
    "code",
    ["", "   ", "abc", "2020-Q5", "2020-Q0", "2020-13", "2020-00", "2020-H3", "1974", "2101", "st1974", "stm2020-13",
     "tet2101", "2020-01-05..2020-01-04", "2020-01-05..", "x..2020-01-01", "1974-12-31..1975-01-02", "20201",
     "2020-W12", "q1-2020"],
)  # fmt: skip
def test_bad_codes_are_refused_naming_the_period_field(code):
    _refused("period", code=code)


def test_an_unknown_code_lists_the_accepted_forms_in_both_languages():
    error = _refused("period", code="năm ngoái")
    message = error.errors["period"]
    for form in ("2020-H1", "2020-Q1", "2020-03", "st2020", "stm2020-03", "tet2021", "w:", ".."):
        assert form in message.vi and form in message.en
    assert "năm ngoái" in message.vi


def test_out_of_range_and_bad_numbers_say_what_was_wrong():
    assert "1975" in _refused("period", code="1974").errors["period"].vi
    assert "(got 5)" in _refused("period", code="2020-Q5").errors["period"].en
    assert "(nhận 13)" in _refused("period", code="2020-13").errors["period"].vi


def test_bad_dates_are_refused_naming_from_or_to():
    _refused("to", date_from="2020-02-03", date_to="2020-01-05")
    _refused("from", date_from="31/02/2020", date_to="2020-03-01")
    _refused("to", date_from="2020-01-01", date_to="hôm qua")
    _refused("from", date_from="1974-12-31", date_to="2020-01-01")
    _refused("to", date_from="2020-01-01", date_to="2101-01-01")
    _refused("to", date_from="2020-01-01")
    _refused("from", date_to="2020-01-01")
    error = _refused("from", date_from="nope", date_to="nope either")
    assert "to" in error.errors  # every problem at once


def test_a_code_and_dates_together_are_refused():
    _refused("period", code="2020", date_from="2020-01-01", date_to="2020-01-31")


def test_nothing_at_all_is_refused():
    _refused("period")
    _refused("period", code=None, date_from="", date_to=None)


@pytest.mark.django_db
def test_period_options_offer_the_calendar_statistical_and_tet_periods_of_the_year():
    options = period_options(2021)
    codes = [p.code for p in options]
    assert codes[:7] == ["2021", "2021-H1", "2021-H2", "2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]
    assert codes[7:19] == [f"2021-{m:02d}" for m in range(1, 13)]
    assert codes[19:] == ["st2021", "tet2021"]
    assert all(period_parse(p.code) == p for p in options)
