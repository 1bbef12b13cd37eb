"""What a report is written from, gathered once: the indicator set of the unit and period (the same figures as the
dashboard), how the sentences name the period and its comparison, and the day the figures run to."""

from dataclasses import dataclass
from datetime import date

from antoan.indicators.periods import Period
from antoan.indicators.selectors import Figure, IndicatorSet
from antoan.reports.document import Table
from antoan.reports.phrases import capitalised, day_vi
from antoan.units.models import Unit

HEADER = ("Chỉ tiêu", "Đơn vị tính")


@dataclass(frozen=True)
class Facts:
    unit: Unit
    period: Period  # the period reported on, as asked (a year, a statistical year, a quarter …)
    counted: Period  # the days actually counted: the period, or up to today while it runs
    result: IndicatorSet
    this_label: str  # "năm 2020", "quý I/2026"
    before_label: str  # "năm 2019", "cùng kỳ năm 2025"

    @property
    def estimate(self) -> bool:
        """The period has not ended: its figures run to `counted.end` (today), an estimate of the whole."""
        return self.counted.end < self.period.end

    @property
    def data_span_vi(self) -> str:
        """ "từ ngày 15/12/2019 đến ngày 14/12/2020", the days the figures cover."""
        return f"từ ngày {day_vi(self.counted.start)} đến ngày {day_vi(self.counted.end)}"

    @property
    def old_reports_vi(self) -> str:
        """ "số liệu năm 2019 theo Báo cáo số 15/BC-UBND …": which figures of the period or of its comparison are
        confirmed figures of old reports rather than records (indicators.history), for the opening to say."""
        told = []
        for label, uses in ((self.this_label, [f.history for f in self.result.figures]),
                            (self.before_label, [f.comparison_history for f in self.result.figures])):  # fmt: skip
            sources = list(dict.fromkeys(u.own.source_vi for u in uses if u is not None and u.own is not None))
            if sources:
                told.append(f"số liệu {label} {'; '.join(sources)}")
            elif any(u is not None for u in uses):
                told.append(f"số liệu {label} của một số đơn vị trực thuộc theo báo cáo của các đơn vị đó")
        return "; ".join(told)

    def figure(self, code: str) -> Figure:
        return self.result.figure(code)

    def value(self, code: str):
        return self.figure(code).value

    def has(self, code: str) -> bool:
        """Whether the catalogue has the indicator (a code of a category that does not exist has no figure)."""
        return any(f.indicator.code == code for f in self.result.figures)

    def any_value(self, *codes: str) -> bool:
        """A figure other than zero or none, this period or the one before: the subject has records."""
        return any(self.value(c) or self.figure(c).comparison for c in codes if self.has(c))

    def parts(self, code: str) -> list[Figure]:
        """The figures of an indicator's parts (by category, severity, …) in the catalogue's order."""
        return [self.figure(part) for part in self.figure(code).indicator.parts]

    def table(self, key: str, title: str, codes: list[str], *, keep_empty: tuple[str, ...] = ()) -> Table:
        """A table of figures this period and the one before. A row whose figure is none or zero in both periods
        is left out (a part nobody recorded, a rate with nothing to divide), unless it is in `keep_empty`; money
        is in triệu đồng (the catalogue's VND sums are converted), so a table has one money unit."""
        rows = []
        for code in codes:
            if not self.has(code):
                continue
            f = self.figure(code)
            if not (f.value or f.comparison) and code not in keep_empty:
                continue
            name = f.indicator.vi if not f.indicator.parent else "- " + f.indicator.vi.split(": ", 1)[-1]
            value, before, change = f.value, f.comparison, f.change
            measure = f.indicator.measure_vi
            if measure == "đồng":
                measure = "triệu đồng"
                value, before, change = (
                    None if v is None else round(v / 1_000_000, 1) for v in (value, before, change)
                )
            rows.append((name, measure, value, before, change, f.change_pct))
        return Table(
            key=key,
            title=title,
            columns=(
                *HEADER,
                capitalised(self.this_label),
                capitalised(self.before_label),
                "Tăng (+), giảm (-)",
                "Tỷ lệ tăng, giảm (%)",
            ),
            rows=tuple(rows),
            number_format=("", "", "num", "num", "num", "pct"),
        )


def period_labels(period: Period, counted: Period) -> tuple[str, str]:
    """How sentences name the period and its comparison: "năm 2020" / "năm 2019"; a statistical year is a year
    there too (the opening states its days); a quarter compares with "cùng kỳ năm 2025"; a year still running
    compares with the same days of the year before ("cùng kỳ năm 2025")."""
    if period.kind in ("year", "stat_year"):
        this = f"năm {period.end.year}"
        before = f"năm {period.end.year - 1}" if counted.end == period.end else f"cùng kỳ năm {period.end.year - 1}"
        return this, before
    return period.label_vi[:1].lower() + period.label_vi[1:], f"cùng kỳ năm {period.start.year - 1}"


def counted_period(period: Period, today: date) -> Period:
    """The days a report counts: the whole period once it has ended, else its days up to today (compared with the
    same days of the year before) — a report issued on 7 December does not count days that have not happened."""
    if period.end <= today or period.start > today:
        return period
    return Period.of_range(period.start, today)
