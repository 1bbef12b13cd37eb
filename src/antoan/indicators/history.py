"""Confirmed historical figures in the indicators (docs/history.md): the figures of periods before the records, read
from old reports.

For a unit and a period with a confirmed figure for an indicator, the figure *is* the value; what the records of
that period give is kept beside it (`recorded`), never added to it. A calendar-year figure also serves the
statistical year of the same number and the other way round (`stand_in`). Up the hierarchy, a unit without its own
figure counts each unit below it that has one by that figure instead of its records: the records' value of that
unit is taken out and the figure put in — for counts, sums and states, which add up; ratios are worked out again
from their terms. Drafts are never used.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language

from antoan.core.memo import memoized
from antoan.indicators.catalogue import Indicator
from antoan.indicators.models import FigureState, HistoricalFigure
from antoan.units.models import Unit
from antoan.units.reorg import counted_unit_ids

# Period kinds a historical figure is given for (periods.py); a range or a window is never matched.
FIGURE_KINDS = ("year", "stat_year", "half", "quarter", "month")
ADDITIVE = ("count", "sum", "as_of", "models_active", "plans_overdue")


def stand_in_code(code: str) -> str | None:
    """The period a figure of `code` also serves: a calendar year's statistical year and back ("2018" ↔ "st2018")."""
    if code.isdigit():
        return f"st{code}"
    if code.startswith("st") and code[2:].isdigit():
        return code[2:]
    return None


@dataclass(frozen=True)
class FigureUse:
    """A confirmed figure used as a value, and what the records of its unit and period give."""

    figure: HistoricalFigure
    stand_in: bool
    recorded: int | float | None

    @property
    def value(self) -> int | float:
        return plain_number(self.figure.value)

    @property
    def difference(self) -> int | float | None:
        """The figure less what the records give: the records are shown beside the figure, never added to it."""
        if self.recorded is None:
            return None
        return plain_number(self.figure.value - Decimal(str(self.recorded)))

    @property
    def source_vi(self) -> str:
        """"theo Báo cáo số 12/BC-UBND …" — or "theo báo cáo năm 2018" when the document is not named."""
        document = self.figure.document or f"báo cáo năm {self.figure.period.removeprefix('st')[:4]}"
        told = f"theo {document}"
        if self.stand_in:
            told += " (số liệu năm thống kê)" if self.figure.period.startswith("st") else " (số liệu năm dương lịch)"
        return told

    @property
    def source_en(self) -> str:
        document = self.figure.document or f"the report of {self.figure.period.removeprefix('st')[:4]}"
        told = f"according to {document}"
        if self.stand_in:
            statistical = self.figure.period.startswith("st")
            told += " (statistical year's figure)" if statistical else " (calendar year's figure)"
        return told

    @property
    def source(self) -> str:
        return self.source_en if (get_language() or "").startswith("en") else self.source_vi

    def as_dict(self) -> dict:
        figure = self.figure
        return {
            "id": figure.pk, "unit": figure.unit.code, "unit_name": figure.unit.name, "period": figure.period,
            "value": self.value, "recorded": self.recorded,
            "difference": self.difference,
            "stand_in": self.stand_in, "document": figure.document, "location": figure.location, "quote": figure.quote,
            "source_vi": self.source_vi, "source_en": self.source_en,
        }  # fmt: skip


@dataclass(frozen=True)
class HistoryUse:
    """How a value came from confirmed figures: the unit's own (`own`), or those of units below it (`parts`)."""

    own: FigureUse | None = None
    parts: tuple[FigureUse, ...] = field(default=())

    @property
    def source_vi(self) -> str:
        if self.own is not None:
            return self.own.source_vi
        return f"gồm số liệu theo báo cáo của {len(self.parts)} đơn vị trực thuộc"

    @property
    def source_en(self) -> str:
        if self.own is not None:
            return self.own.source_en
        return f"includes figures from the reports of {len(self.parts)} units below"

    @property
    def source(self) -> str:
        return self.source_en if (get_language() or "").startswith("en") else self.source_vi

    def as_dict(self) -> dict:
        return {
            "source_vi": self.source_vi, "source_en": self.source_en,
            "figure": self.own.as_dict() if self.own else None, "parts": [part.as_dict() for part in self.parts],
        }  # fmt: skip


def plain_number(value):
    """A stored Decimal as the indicators give numbers: an int when whole, else a float."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


@memoized  # a crosstab evaluates child by child: inside its scope the figures of its periods are read once
def _confirmed(period_codes: tuple[str, ...]) -> list[HistoricalFigure]:
    return list(
        HistoricalFigure.objects.filter(state=FigureState.CONFIRMED, period__in=period_codes).select_related("unit")
    )


def confirmed_figures(*, unit: Unit | None, periods: list, codes) -> dict[int, list[tuple[HistoricalFigure, bool]]]:
    """Confirmed figures of the units whose records count toward `unit` (itself, its subtree, across the
    reorganisation) for `codes` and `periods`: period index → [(figure, stand_in)]. One query (none when no period is
    of a kind figures are given for); the units are matched here, against ids the evaluation has read already."""
    wanted: dict[str, list[tuple[int, bool]]] = {}
    for index, period in enumerate(periods):
        if period.kind in FIGURE_KINDS:
            wanted.setdefault(period.code, []).append((index, False))
            if (other := stand_in_code(period.code)) is not None:
                wanted.setdefault(other, []).append((index, True))
    found: dict[int, list[tuple[HistoricalFigure, bool]]] = {}
    if not wanted:
        return found
    units = None if unit is None else counted_unit_ids(unit)
    for figure in _confirmed(tuple(sorted(wanted))):
        if figure.indicator in codes and (units is None or figure.unit_id in units):
            for index, stand_in in wanted[figure.period]:
                found.setdefault(index, []).append((figure, stand_in))
    for index, pairs in found.items():
        # A figure of the period itself wins over its stand-in (both may be confirmed: "2018" and "st2018").
        exact = {(f.unit_id, f.indicator) for f, stand_in in pairs if not stand_in}
        found[index] = [(f, s) for f, s in pairs if not s or (f.unit_id, f.indicator) not in exact]
    return found


def topmost(figures: list[tuple[HistoricalFigure, bool]]) -> list[tuple[HistoricalFigure, bool]]:
    """The figures of one indicator and period whose unit lies under no other unit with a figure: a district's
    figure already holds its communes'."""
    paths = [figure.unit.path for figure, _ in figures]
    return [
        (figure, stand_in)
        for figure, stand_in in figures
        if not any(figure.unit.path != path and figure.unit.path.startswith(path) for path in paths)
    ]


def is_additive(indicator: Indicator) -> bool:
    return indicator.aggregate in ADDITIVE
