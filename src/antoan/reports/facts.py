"""What the report's sections are written from: the indicator set of the unit and period, with the labels the
sentences use ("năm 2020", "năm 2019"), and the reads the drafts need."""

from dataclasses import dataclass

from antoan.indicators.periods import Period
from antoan.indicators.selectors import (
    Figure,
    IndicatorSet,
)
from antoan.reports.document import Table
from antoan.reports.phrases import Phrase, capitalised, count_vi, figure_sentence
from antoan.units.models import Unit

HEADER = ("Chỉ tiêu", "Đơn vị tính")


@dataclass(frozen=True)
class Facts:
    """What the sections are written from, gathered once."""

    unit: Unit
    period: Period
    result: IndicatorSet
    this_label: str  # "năm 2020"
    before_label: str  # "năm 2019"

    def figure(self, code: str) -> Figure:
        return self.result.figure(code)

    def value(self, code: str):
        return self.figure(code).value

    def sentence(self, code: str, phrase: Phrase | None = None) -> str:
        return figure_sentence(self.figure(code), self.before_label, phrase=phrase)

    def parts_clause(self, code: str, measure: str = "vụ") -> str:
        """ "trong đó: trật tự xã hội 30 vụ, ma túy 10 vụ" — the parts of an indicator that are not zero."""
        figure = self.figure(code)
        parts = [
            f"{self.figure(p).indicator.vi.split(': ', 1)[-1].lower()} {count_vi(self.value(p))} {measure}"
            for p in figure.indicator.parts
            if self.value(p)
        ]
        return f" (trong đó: {', '.join(parts)})" if parts else ""

    def table(self, key: str, title: str, codes: list[str]) -> Table:
        rows = []
        for code in codes:
            f = self.figure(code)
            name = f.indicator.vi if not f.indicator.parent else "- " + f.indicator.vi.split(": ", 1)[-1]
            rows.append((name, f.indicator.measure_vi, f.value, f.comparison, f.change, f.change_pct))
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


def period_labels(result: IndicatorSet) -> tuple[str, str]:
    """How the report names the period and its comparison inside sentences: "năm 2020" / "năm 2019"."""
    this, before = result.period, result.comparison
    if this.kind == "year":
        return f"năm {this.start.year}", f"năm {before.start.year}"
    return this.label_vi[:1].lower() + this.label_vi[1:], "cùng kỳ " + before.label_vi[:1].lower() + before.label_vi[1:]
