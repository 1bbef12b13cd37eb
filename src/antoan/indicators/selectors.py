"""Indicator reads for a user: figures for a unit and a period with the year before, trends, crosstabs,
the time-of-day grid and the points for the map. Every function checks the user may see the unit."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from antoan.accounts.models import User
from antoan.core.errors import DomainError, NotFound
from antoan.core.kept import code_version, kept
from antoan.core.memo import memoized
from antoan.core.rules import RuleVersion, all_versions
from antoan.incidents.categories import IncidentKind
from antoan.incidents.models import Incident
from antoan.indicators import blackspots
from antoan.indicators.blackspots import (
    Accident,
    BlackSpotResult,
    BlackSpotRule,
    black_spot_rule_on,
    find_black_spots,
    window_start,
)
from antoan.indicators.catalogue import Indicator, indicators, sections
from antoan.indicators.compute import Evaluation, groupable
from antoan.indicators.history import HistoryUse
from antoan.indicators.periods import Period, period_parse
from antoan.indicators.spot_places import black_spots_placed
from antoan.units.models import LEGACY_LAST_DAY, Hierarchy, Kind, Unit
from antoan.units.reorg import Mapping, incidents_q, mapping_used
from antoan.units.scope import scope_filter, user_scope
from antoan.units.selectors import unit_for_code

NOT_FOUND = ("Không tìm thấy đơn vị", "Unit not found")


def indicator_unit(*, user: User, unit: Unit | None) -> Unit | None:
    """`unit` if the user may see it; None (the whole country) only for an administrator."""
    scope = user_scope(user=user)
    if unit is None:
        if not scope.everything:
            raise DomainError.single(
                "unit", "Chọn một đơn vị (chỉ quản trị viên xem được số liệu cả nước)",
                "Choose a unit (only an administrator sees the whole country)",
            )  # fmt: skip
        return None
    if not scope.covers(unit):
        raise NotFound.single("unit", *NOT_FOUND)
    return unit


def indicator_unit_param(*, user: User, code: str | None, on: date | None = None) -> Unit | None:
    """The unit an official code names — today (or on `on`); a code that only an old unit carried (a district
    such as 597) is found on 30/06/2025 — if the user may see it. No code: the whole country (administrators)."""
    code = (code or "").replace("\x00", "").strip()
    if not code:
        return indicator_unit(user=user, unit=None)
    try:
        unit = unit_for_code(code=code, day=on)
    except NotFound:
        if on is not None:
            raise
        unit = unit_for_code(code=code, day=LEGACY_LAST_DAY)
    return indicator_unit(user=user, unit=unit)


def _codes(codes) -> list[str]:
    catalogue = indicators()
    if not codes:
        return list(catalogue)
    unknown = [c for c in codes if c not in catalogue]
    if unknown:
        raise DomainError.single(
            "indicator", f"Không có số liệu: {', '.join(unknown)}", f"No such indicator: {', '.join(unknown)}"
        )
    return list(codes)


def evaluate(*, user: User, unit: Unit | None, periods: list[Period], codes=None) -> Evaluation:
    unit = indicator_unit(user=user, unit=unit)
    return Evaluation(unit=unit, periods=periods, scope=scope_filter(user_scope(user=user), unit), codes=_codes(codes))


# One unit, one period and its comparison ------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    value: int | float | None
    comparison: int | float | None
    # Confirmed historical figures behind the value and the comparison (history.py), if any.
    history: HistoryUse | None = None
    comparison_history: HistoryUse | None = None

    @property
    def change(self):
        if self.value is None or self.comparison is None:
            return None
        change = self.value - self.comparison
        return round(change, 1) if isinstance(change, float) else change

    @property
    def change_pct(self) -> float | None:
        """Relative change in percent; none for a percentage (its change is in points) or from zero."""
        if self.change is None or not self.comparison or self.indicator.is_percent:
            return None
        return round(100 * self.change / self.comparison, 1)

    @property
    def direction(self) -> str | None:
        """ "tăng", "giảm", "không đổi": the word Vietnamese reports put before the change."""
        if self.change is None:
            return None
        return "tăng" if self.change > 0 else "giảm" if self.change < 0 else "không đổi"

    @property
    def direction_en(self) -> str | None:
        return {"tăng": "up", "giảm": "down", "không đổi": "unchanged", None: None}[self.direction]

    def as_dict(self) -> dict:
        i = self.indicator
        return {
            "code": i.code, "section": i.section, "parent": i.parent or None,
            "name_vi": i.vi, "name_en": i.en, "measure_vi": i.measure_vi, "measure_en": i.measure_en,
            "value": self.value, "comparison": self.comparison, "change": self.change,
            "change_pct": self.change_pct, "direction_vi": self.direction, "direction_en": self.direction_en,
            "history": self.history.as_dict() if self.history else None,
            "comparison_history": self.comparison_history.as_dict() if self.comparison_history else None,
        }  # fmt: skip


@dataclass(frozen=True)
class IndicatorSet:
    unit: Unit | None
    period: Period
    comparison: Period
    mapping: Mapping | None
    figures: tuple[Figure, ...]

    def figure(self, code: str) -> Figure:
        return next(f for f in self.figures if f.indicator.code == code)

    def by_section(self) -> list[tuple]:
        return [(s, [f for f in self.figures if f.indicator.section == s.code]) for s in sections()]


def indicator_set(*, user: User, unit: Unit | None, period: Period, codes=None) -> IndicatorSet:
    """Every indicator (or `codes`) for `unit` in `period` and in the same period of the year before."""
    comparison = period.previous()
    evaluation = evaluate(user=user, unit=unit, periods=[period, comparison], codes=codes)
    asked = _codes(codes)
    figures = tuple(
        Figure(
            indicators()[code], evaluation.value(code, 0), evaluation.value(code, 1),
            evaluation.history(code, 0), evaluation.history(code, 1),
        )  # fmt: skip
        for code in asked
    )
    mapping = mapping_used(unit, comparison.start, period.end)
    return IndicatorSet(unit=unit, period=period, comparison=comparison, mapping=mapping, figures=figures)


# Trend, crosstab ---------------------------------------------------------------------------------------------


def month_periods(year: int) -> list[Period]:
    return [period_parse(f"{year}-{month:02d}") for month in range(1, 13)]


def indicator_trend(*, user: User, unit: Unit | None, year: int, code: str) -> dict:
    """Month by month, `year` against the year before (one query per source for the 24 months)."""
    return indicator_trends(user=user, unit=unit, year=year, codes=[code])[code]


def indicator_trends(*, user: User, unit: Unit | None, year: int, codes: list[str]) -> dict[str, dict]:
    """`indicator_trend` of each of `codes`, read together (one query per source for all of them)."""
    months = month_periods(year) + month_periods(year - 1)
    evaluation = evaluate(user=user, unit=unit, periods=months, codes=codes)
    trends = {}
    for code in codes:
        values = [evaluation.value(code, i) for i in range(24)]
        trends[code] = {"months": list(range(1, 13)), "this_year": values[:12], "last_year": values[12:], "year": year}
    return trends


@dataclass(frozen=True)
class Crosstab:
    indicator: Indicator
    unit: Unit | None
    columns: tuple[Period, ...]
    rows: tuple[tuple[Unit, tuple], ...]  # a child unit, its value per column and its total last
    total: tuple  # the unit's own value per column, and over all the columns
    # The confirmed historical figures behind each value (history.py): per row, then for the total; None where none.
    row_history: tuple[tuple[HistoryUse | None, ...], ...] = ()
    total_history: tuple[HistoryUse | None, ...] = ()

    def as_table(self, *, english: bool = False) -> list[list]:
        header = ["Đơn vị / unit"] + [p.label_en if english else p.label_vi for p in self.columns]
        header.append("Cả kỳ / whole period")
        body = [[child.name, *values] for child, values in self.rows]
        name = self.unit.name if self.unit else "Cả nước"
        return [header, *body, [f"Tổng cộng / total: {name}", *self.total]]


@memoized  # a report's page asks three times (its pickers, the batch's count, a chart)
def indicator_children(*, user: User, unit: Unit | None) -> list[Unit]:
    """The rows of a crosstab: the units directly under `unit` (no establishments), that the user may see; a
    commune is its own only row; for the whole country, the provinces of today."""
    scope = user_scope(user=user)
    if unit is None:
        children = Unit.objects.filter(kind=Kind.PROVINCE, hierarchy=Hierarchy.CURRENT)
    elif unit.commune_id == unit.pk:
        return [unit]
    else:
        children = Unit.objects.filter(parent=unit).exclude(kind=Kind.ESTABLISHMENT)
    return list(children.filter(scope.q()).order_by("name"))


def indicator_crosstab(*, user: User, unit: Unit | None, code: str, columns: list[Period]) -> Crosstab:
    """`code` for each child of `unit` × each period in `columns`, with a total column (the periods' span)
    and a total row (the unit itself, which also counts records kept at its own level)."""
    unit = indicator_unit(user=user, unit=unit)
    [code] = _codes([code])
    span = Period.of_range(columns[0].start, columns[-1].end)
    periods = [*columns, span]
    with memoized.scope():  # the children and the unit itself read one set of historical figures
        found = children_values(user=user, unit=unit, periods=periods, codes=[code])
        own = evaluate(user=user, unit=unit, periods=periods, codes=[code])
    columns_at = range(len(periods))
    indicator = indicators()[code]
    row_history = tuple(tuple(values.history(code, i) for i in columns_at) for _, values in found)
    total_history = tuple(own.history(code, i) for i in columns_at)
    rows = tuple(
        (child, _spanned(indicator, tuple(values(code, i) for i in columns_at), used))
        for (child, values), used in zip(found, row_history, strict=True)
    )
    total = _spanned(indicator, tuple(own.value(code, i) for i in columns_at), total_history)
    return Crosstab(indicator, unit, tuple(columns), rows, total, row_history, total_history)


def _spanned(indicator: Indicator, values: tuple, used: tuple) -> tuple:
    """A row whose columns hold old reports' figures: its whole-span column (a range of days, which no figure is
    given for) is the sum of its columns when the indicator is a count or a sum over the days."""
    if not any(used[:-1]) or indicator.aggregate not in ("count", "sum") or indicator.is_annual:
        return values
    columns = values[:-1]
    return (*columns, None if any(v is None for v in columns) else sum(columns))


@dataclass(frozen=True)
class ChildValues:
    """A child's `value(code, index)` — called as the function itself — and `history(code, index)`: the confirmed
    historical figures behind a value (history.py), if any."""

    value: Callable
    history: Callable

    def __call__(self, code: str, index: int):
        return self.value(code, index)


def children_values(*, user: User, unit: Unit | None, periods: list[Period], codes) -> list[tuple[Unit, ChildValues]]:
    """For each child of `unit` (indicator_children), its `value(code, index)` over `periods`. When the user sees
    everything under the unit, every child's counts and sums come from one pass over the unit's records (a query per
    source, not one per child and source); the other codes (a state on a day, a median) are evaluated child by
    child."""
    unit = indicator_unit(user=user, unit=unit)
    codes = _codes(codes)
    children = indicator_children(user=user, unit=unit)
    scope = scope_filter(user_scope(user=user), unit)
    together = []
    if scope is None and children and children != [unit]:
        together = [code for code in codes if groupable(indicators()[code])]
    alone = [code for code in codes if code not in together]
    with memoized.scope():  # the children's evaluations read one set of historical figures
        return _children_values(user, unit, children, periods, codes, together, alone)


def _children_values(user, unit, children, periods, codes, together, alone) -> list[tuple[Unit, ChildValues]]:
    if not together:
        rows = []
        for child in children:
            own = evaluate(user=user, unit=child, periods=periods, codes=codes)
            rows.append((child, ChildValues(own.value, own.history)))
        return rows
    grouped = Evaluation(unit=unit, periods=periods, scope=None, codes=together, children=children)
    if not alone:
        return [(child, ChildValues(partial(grouped.child_value, child), partial(grouped.child_history, child)))
                for child in children]  # fmt: skip
    rows = []
    for child in children:
        own = evaluate(user=user, unit=child, periods=periods, codes=alone)
        rows.append((child, ChildValues(
            partial(_either, partial(grouped.child_value, child), own.value, set(together)),
            partial(_either, partial(grouped.child_history, child), own.history, set(together)),
        )))  # fmt: skip
    return rows


def _either(grouped: Callable, own: Callable, together: set[str], code: str, index: int):
    return grouped(code, index) if code in together else own(code, index)


def crosstab_columns(*, year: int, by: str, years: int = 5) -> list[Period]:
    if by == "month":
        return month_periods(year)
    if by == "year":
        return [period_parse(str(y)) for y in range(year - years + 1, year + 1)]
    raise DomainError.single("by", f"'{by}' không hợp lệ (month hoặc year)", f"'{by}' is not month or year")


# Incidents on a clock and on a map --------------------------------------------------------------------------

GRID_KINDS = (IncidentKind.TRAFFIC, IncidentKind.CRIME)
WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _incidents(*, user: User, unit: Unit | None, period: Period, kind: str | None):
    unit = indicator_unit(user=user, unit=unit)
    if kind and kind not in IncidentKind.values:
        raise DomainError.single("kind", f"Loại sự việc '{kind}' không hợp lệ", f"Unknown kind '{kind}'")
    records = Incident.objects.filter(
        incidents_q(unit), occurred_at__gte=period.start_datetime, occurred_at__lt=period.end_datetime_exclusive
    )
    scope = scope_filter(user_scope(user=user), unit)
    if scope is not None:
        records = records.filter(scope.q("unit"))
    return records.filter(kind=kind) if kind else records


def incident_time_grid(*, user: User, unit: Unit | None, period: Period, kind: str) -> list[list[int]]:
    """Counts by day of the week (Monday first) × hour of the day, in local time."""
    if kind not in GRID_KINDS:
        raise DomainError.single(
            "kind", f"'{kind}' không hợp lệ (traffic hoặc crime)", f"'{kind}' is not traffic or crime"
        )
    grid = [[0] * 24 for _ in range(7)]
    rows = (
        _incidents(user=user, unit=unit, period=period, kind=kind)
        .annotate(weekday=ExtractIsoWeekDay("occurred_at"), hour=ExtractHour("occurred_at"))
        .values_list("weekday", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for weekday, hour, n in rows:
        grid[weekday - 1][hour] += n
    return grid


MAP_LIMIT = 5000


def incident_points(*, user: User, unit: Unit | None, period: Period, kind: str | None = None) -> dict:
    """The located incidents for the map (the newest MAP_LIMIT), and how many have no coordinates."""
    records = _incidents(user=user, unit=unit, period=period, kind=kind)
    located = records.filter(latitude__isnull=False, longitude__isnull=False)
    points = list(
        located.order_by("-occurred_at").values(
            "pk", "kind", "category", "severity", "latitude", "longitude", "occurred_at", "dead", "injured"
        )[:MAP_LIMIT]
    )
    return {
        "points": points,
        "located": located.count(),
        "without_coordinates": records.filter(latitude__isnull=True).count(),
        "limit": MAP_LIMIT,
    }


# What the black spots depend on besides the accidents and the rule: the code that finds them and reads them.
_BLACK_SPOTS_VERSION = code_version(blackspots.__file__, __file__)


def black_spot_accidents(*, user: User, unit: Unit | None, period: Period, rule: BlackSpotRule):
    """The traffic accidents that count toward `unit` in the rule's window ending on the period's last day, as rows
    of `Accident`'s fields (dead and injured may be None)."""
    window = Period.of_range(window_start(period.end, rule.window_months), period.end)
    traffic = _incidents(user=user, unit=unit, period=window, kind=IncidentKind.TRAFFIC)
    return traffic.values_list(*Accident._fields)


def black_spot_list(
    *,
    user: User,
    unit: Unit | None,
    period: Period,
    radius_m=None,
    window_months=None,
    min_fatal=None,
    min_injury=None,
) -> BlackSpotResult:
    """Black spots among the traffic accidents that count toward `unit`, in the rule's window (default 12
    months) ending on the period's last day; the radius, window and thresholds can be set by the user. Each spot is
    named by its road and commune as of the period's end (`road`, `commune`, `place_vi`, `place_en`: spot_places)."""
    rule = black_spot_rule_on(period.end).with_overrides(
        radius_m=radius_m, window_months=window_months, min_fatal=min_fatal, min_injury=min_injury
    )
    rows = list(black_spot_accidents(user=user, unit=unit, period=period, rule=rule))

    def find():
        return find_black_spots(map(Accident.of_row, rows), rule=rule, window_end=period.end)

    # The spots are a function of these accidents and the rule: kept, they are found again only when one changes.
    # Their names are not (a road name corrected leaves the rows alone): read afresh, one query for every spot.
    spots = kept("black-spots", _BLACK_SPOTS_VERSION, (rule, period.end, rows), find)
    return black_spots_placed(spots, day=period.end)


def unverified_rules(period: Period) -> list[RuleVersion]:
    """The versions not checked against their texts that a period's figures were judged by: each severity version
    governing one of its days, and the black-spot version in force on its last day. Administrators see them beside
    the figures; documents never mention them."""
    found = []
    for version in all_versions():
        if version.verified:
            continue
        if (
            version.rule == "traffic_severity"
            and version.valid_from <= period.end
            and (version.valid_to is None or version.valid_to >= period.start)
        ):
            found.append(version)
        elif version.rule == "black_spots" and version.in_force_on(period.end):
            found.append(version)
    return found


def indicator_period(params, *, user: User) -> Period:
    """The period a request names: `period=` a code, or `from=` and `to=` dates."""
    code = (params.get("period") or "").replace("\x00", "").strip()
    date_from, date_to = params.get("from"), params.get("to")
    if code and (date_from or date_to):
        raise DomainError.single("period", "Chỉ dùng period hoặc from/to", "Give either period or from/to")
    if code:
        return period_parse(code, user=user)
    if date_from or date_to:
        return period_parse(date_from=date_from, date_to=date_to)
    raise DomainError.single("period", "Thiếu kỳ báo cáo (period=2020 hoặc from=…&to=…)", "No period given")
