"""The head of a report: its subject, its opening paragraph (the basis it is made under and the days its figures
cover) and the day it is issued."""

from datetime import date, timedelta

import holidays

from antoan.indicators.periods import Period
from antoan.reports.facts import Facts
from antoan.reports.naming import committee, named
from antoan.reports.phrases import capitalised, day_vi

FIELDS_VI = ("bảo đảm an ninh, trật tự, phong trào Toàn dân bảo vệ an ninh Tổ quốc, trật tự an toàn giao thông, phòng, "
             "chống thiên tai và tìm kiếm cứu nạn")  # fmt: skip


def next_label(period: Period) -> str:
    """What section III plans for: "năm 2021" after a year, "quý II/2026" after a quarter, "tháng 4/2026" …"""
    day = period.end + timedelta(days=1)
    if period.kind in ("year", "stat_year"):
        return f"năm {period.end.year + 1}"
    if period.kind == "half":
        return f"6 tháng {'cuối' if day.month == 7 else 'đầu'} năm {day.year}"
    if period.kind == "quarter":
        return f"quý {('I', 'II', 'III', 'IV')[(day.month - 1) // 3]}/{day.year}"
    if period.kind in ("month", "stat_month"):
        return f"tháng {day.month}/{day.year}"
    return "thời gian tới"


def next_period(period: Period) -> tuple[date, date]:
    """The days section III plans for (its events are looked up there): the next year, half, quarter or month; for
    any other span, as many days after it."""
    day = period.end + timedelta(days=1)
    following = {
        "year": lambda: Period.of_year(day.year),
        "stat_year": lambda: Period.of_year(day.year),
        "half": lambda: Period.of_half(day.year, 1 if day.month <= 6 else 2),
        "quarter": lambda: Period.of_quarter(day.year, (day.month - 1) // 3 + 1),
        "month": lambda: Period.of_month(day.year, day.month),
    }.get(period.kind)
    if following is not None:
        found = following()
        return found.start, found.end
    return day, day + (period.end - period.start)


def subject(kind: str, facts: Facts) -> str:
    if kind == "annual":
        return f"Tổng kết công tác {FIELDS_VI} {facts.this_label}; phương hướng, nhiệm vụ {next_label(facts.period)}"
    return f"Kết quả công tác {FIELDS_VI} {facts.this_label}; nhiệm vụ trọng tâm {next_label(facts.period)}"


def opening(kind: str, facts: Facts, basis: str) -> tuple[str, ...]:
    """ "Thực hiện …, UBND huyện Hàm Thuận Bắc báo cáo tổng kết … năm 2020 (số liệu tính từ ngày 01/01/2020 đến
    ngày 31/12/2020) như sau:" — a year still running says its figures are estimated up to today."""
    unit = facts.unit
    superior = committee(unit.parent) if unit.parent is not None else "Chính phủ, Bộ Công an"
    basis = basis.rstrip(" ,.;") or (
        f"Thực hiện chương trình công tác {facts.this_label} và chỉ đạo của {superior} về công tác bảo đảm an ninh, "
        "trật tự"
    )
    if not basis.lower().startswith(("thực hiện", "căn cứ", "theo")):
        basis = f"Thực hiện {basis[:1].lower()}{basis[1:]}"
    span = (f"số liệu ước thực hiện đến ngày {day_vi(facts.counted.end)}" if facts.estimate
            else f"số liệu tính {facts.data_span_vi}")  # fmt: skip
    if facts.old_reports_vi:
        span += f"; {facts.old_reports_vi}"
    what = "tổng kết công tác" if kind == "annual" else "kết quả công tác"
    plan = (f"phương hướng, nhiệm vụ {next_label(facts.period)}" if kind == "annual"
            else f"nhiệm vụ trọng tâm {next_label(facts.period)}")  # fmt: skip
    return (
        f"{capitalised(basis)}, Ủy ban nhân dân {named(unit)} báo cáo {what} {FIELDS_VI} {facts.this_label} ({span}); "
        f"{plan} như sau:",
    )


def working_day_after(day: date) -> date:
    """The first working day after `day`: not a Saturday, a Sunday or a public holiday of Việt Nam (the `holidays`
    package, which knows Tết and the substitute days off)."""
    calendar = holidays.country_holidays("VN", years=[day.year, day.year + 1])
    day += timedelta(days=1)
    while day.weekday() >= 5 or day in calendar:
        day += timedelta(days=1)
    return day


def default_issue_day(period: Period, today: date) -> date:
    """A report is dated the first working day after its period ends — or today, if that is earlier (a report of a
    year still running)."""
    return min(working_day_after(period.end), today)
