"""Evaluating catalogue indicators for a unit over any number of periods, live from the records.

Every count and sum of one source, for every period asked, is one SQL query with conditional aggregates
(`COUNT(*) FILTER (WHERE …)` on PostgreSQL, `CASE` on SQLite) over the records that count toward the unit
(reorg.py) in the union of the periods: a figure for a year and its comparison year reads each source once.
A few indicators are not sums of records in the period (models overdue as of the period's end, shares of
units recognised, a median time); they are computed here from the records too, never from stored totals.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Extract

from antoan.core import clock
from antoan.core.parallel_reads import run_reads
from antoan.incidents import daily
from antoan.incidents.models import DailyTotal
from antoan.indicators.catalogue import SOURCES, SQL_AGGREGATES, Indicator, Source, indicators
from antoan.indicators.history import FigureUse, HistoryUse, confirmed_figures, is_additive, topmost
from antoan.indicators.periods import Period
from antoan.movement.selectors import model_due_on, models_active_on, models_running_on, plans_overdue_on
from antoan.units.models import Hierarchy, Unit
from antoan.units.reorg import children_owners, incidents_q, records_q
from antoan.units.scope import Scope

DAILY_TOTALS = Source(DailyTotal, "day")

# Annual figures (ratings, recognition, exemplars: dated by a year only) are given for a period that covers
# at least this many days of a calendar year: a calendar or statistical year, not a quarter.
ANNUAL_MIN_DAYS = 300


def annual_years(period) -> list[int]:
    years = []
    for year in range(period.start.year, period.end.year + 1):
        first, last = max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31))
        if (last - first).days + 1 >= ANNUAL_MIN_DAYS:
            years.append(year)
    return years


def as_of(period) -> date:
    """The day a state indicator (models overdue, plans overdue) is read on: the period's end, or today."""
    return min(period.end, clock.today())


def _unit_q(source: Source, unit: Unit | None) -> Q:
    return incidents_q(unit) if source.reorganised else records_q(unit, "unit")


def _in_period(source: Source, period) -> Q:
    if source.year_field:
        return Q(**{f"{source.year_field}__in": annual_years(period)})
    if source.is_datetime:
        return Q(**{f"{source.date_field}__gte": period.start_datetime,
                    f"{source.date_field}__lt": period.end_datetime_exclusive})  # fmt: skip
    return Q(**{f"{source.date_field}__range": (period.start, period.end)})


class Evaluation:
    """Values of indicators for one unit and a list of periods: `value(code, index)`."""

    def __init__(
        self,
        *,
        unit: Unit | None,
        periods: list,
        scope: Scope | None,
        codes: list[str],
        children: list | None = None,
        history: bool = True,
    ):
        """With `children` (units directly under `unit`, of one hierarchy), the values are those of each child
        (`child_value`), read in one pass over `unit`'s records grouped by the unit each record counts toward:
        for a crosstab, one query per source instead of one per child and source. Only counts, sums, states on a
        day and their ratios (`groupable`). Confirmed historical figures take the place of the records' values
        (history.py) unless `history` is false; `history(code, index)` says which."""
        self.unit, self.periods, self.scope = unit, periods, scope
        self.children = children
        self.child_values: dict[int, dict] = {child.pk: {} for child in children or ()}
        self._owners: dict[str, dict[int, int]] = {}
        catalogue = indicators()
        wanted = {code: catalogue[code] for code in codes}
        for indicator in list(wanted.values()):  # a ratio needs its two terms
            for code in indicator.of:
                wanted.setdefault(code, catalogue[code])
        self.indicators = wanted
        self.values: dict[tuple[str, int], float | int | None] = {}
        self._shares: dict[int, dict] = {}
        self._dues: dict[date, list[int]] = {}  # day → [models on time, overdue]
        self._medians: dict[tuple[date, date], float | None] = {}
        self.uses: dict[tuple[str, int], HistoryUse] = {}
        self.child_uses: dict[int, dict] = {child.pk: {} for child in children or ()}
        self._evaluate()
        if history:
            self._apply_history()
        self._ratios()

    def value(self, code: str, index: int):
        return self.values.get((code, index))

    def child_value(self, child: Unit, code: str, index: int):
        return self.child_values[child.pk].get((code, index))

    def history(self, code: str, index: int) -> HistoryUse | None:
        """The confirmed figures behind `value(code, index)`, if any."""
        return self.uses.get((code, index))

    def child_history(self, child: Unit, code: str, index: int) -> HistoryUse | None:
        return self.child_uses[child.pk].get((code, index))

    def records(self, source: Source):
        queryset = source.model.objects.filter(_unit_q(source, self.unit))
        if self.scope is not None:
            queryset = queryset.filter(self.scope.q("unit"))
        return queryset

    def _evaluate(self) -> None:
        by_source: dict[str, list[Indicator]] = defaultdict(list)
        special = []
        for indicator in self.indicators.values():
            if indicator.aggregate in SQL_AGGREGATES:
                by_source[indicator.source].append(indicator)
            elif indicator.aggregate != "ratio":
                special.append(indicator)
        # Each read (_sql, _states, _read_…) queries the database and returns what applies its result here; the
        # reads share nothing, so they may run side by side (core/parallel_reads.py). The units' ids they all
        # filter by are read first, once (memoised on the unit).
        if self.unit is not None:
            incidents_q(self.unit), records_q(self.unit)
        if self.children is not None:
            read = {*by_source, *(i.source for i in special if i.aggregate in STATE_AGGREGATES)}
            for what in {"communes" if SOURCES[key].reorganised else "units" for key in read}:
                self._owners[what] = children_owners(self.unit, self.children, what)
        reads = [partial(self._sql, SOURCES[key], part) for key, group in by_source.items()
                 for part in self._split_for_daily_totals(SOURCES[key], group)]  # fmt: skip
        states = [indicator for indicator in special if indicator.aggregate in STATE_AGGREGATES]
        if states:
            reads.append(partial(self._states, states))
        needed = {indicator.aggregate for indicator in special}
        if needed & {"models_on_time", "models_overdue"}:
            reads.append(self._read_model_dues)
        if "tips_median_minutes" in needed:
            reads.append(self._read_tips_medians)
        if "share" in needed and self.unit is not None:
            reads.append(self._read_shares)
        for apply in run_reads(reads):
            apply()
        for indicator in special:
            if indicator.aggregate in STATE_AGGREGATES:
                continue
            for index, period in enumerate(self.periods):
                self.values[(indicator.code, index)] = getattr(self, f"_{indicator.aggregate}")(indicator, period)

    def _ratios(self) -> None:
        for indicator in self.indicators.values():
            if indicator.aggregate == "ratio":
                numerator, denominator = indicator.of
                for values, uses in zip(self._targets(), self._target_uses(), strict=True):
                    for index in range(len(self.periods)):
                        if (own := uses.get((indicator.code, index))) is not None and own.own is not None:
                            continue  # a rate an old report states is its value, not the ratio of its terms
                        values[(indicator.code, index)] = ratio(
                            values.get((numerator, index)), values.get((denominator, index))
                        )

    def _target_uses(self) -> list[dict]:
        return [self.uses] if self.children is None else list(self.child_uses.values())

    # Confirmed historical figures (history.py) ----------------------------------------------------------

    def _apply_history(self) -> None:
        found = confirmed_figures(unit=self.unit, periods=self.periods, codes=self.indicators)
        if not found:
            return
        owners = None if self.children is None else children_owners(self.unit, self.children, "units")
        children = {child.pk: child for child in self.children or ()}
        for index, pairs in found.items():
            if self.scope is not None:
                pairs = [(figure, stand_in) for figure, stand_in in pairs if self.scope.covers(figure.unit)]
            by_target: dict[tuple[int | None, str], list] = defaultdict(list)
            for figure, stand_in in pairs:
                owner = None if owners is None else owners.get(figure.unit_id)
                if owners is not None and owner is None:
                    continue  # a figure of the unit's own level, which no child row holds
                by_target[(owner, figure.indicator)].append((figure, stand_in))
            for (owner, code), figures in by_target.items():
                if owner is None:
                    self._use_figures(self.unit, self.values, self.uses, index, code, figures)
                else:
                    child = children[owner]
                    self._use_figures(child, self.child_values[owner], self.child_uses[owner], index, code, figures)

    def _use_figures(self, unit, values: dict, uses: dict, index: int, code: str, figures: list) -> None:
        """The value of `code` for `unit` in period `index`: its own confirmed figure, or its records with each
        unit below that has a figure counted by that figure instead."""
        recorded = values.get((code, index))
        own = next(((f, s) for f, s in figures if unit is not None and f.unit_id == unit.pk), None)
        if own is not None:
            figure, stand_in = own
            use = FigureUse(figure, stand_in, recorded)
            values[(code, index)], uses[(code, index)] = use.value, HistoryUse(own=use)
            return
        if not is_additive(self.indicators[code]) or recorded is None:
            return
        parts, total = [], recorded
        for figure, stand_in in topmost(figures):
            below = Evaluation(
                unit=figure.unit, periods=[self.periods[index]], scope=self.scope, codes=[code], history=False
            ).value(code, 0)
            part = FigureUse(figure, stand_in, below)
            parts.append(part)
            total += part.value - (below or 0)
        values[(code, index)], uses[(code, index)] = total, HistoryUse(parts=tuple(parts))

    def _targets(self) -> list[dict]:
        return [self.values] if self.children is None else list(self.child_values.values())

    def _sql(self, source: Source, group: list[Indicator]) -> Callable[[], None]:
        """One GROUP BY per layer of non-overlapping periods: a row per period × combination of the columns the
        indicators narrow by (kind, category, severity, …) with the count and the sums they need; each
        indicator then adds up the rows its `where` matches and its `where_not` does not. Far fewer SQL expressions
        than one FILTER aggregate per indicator and period, and the same single pass over the records."""
        columns: dict[str, str] = {}  # where- (or where_not-) key → the name grouped by
        annotations = {}
        for indicator in group:
            for key, value in (*indicator.where, *indicator.where_not):
                if key not in columns:
                    columns[key] = key if "__" not in key else f"_w{len(columns)}"
                    if "__" in key:  # a lookup (incident__isnull): group by whether it holds
                        annotations[columns[key]] = ExpressionWrapper(Q(**{key: value}), output_field=BooleanField())
        sums = {f"_s_{field}": Sum(field) for field in sorted({i.field for i in group if i.aggregate == "sum"})}
        records, count = self.records(source), Count("*")  # "*", not the id: an index holding the columns serves it
        if self._reads_daily_totals(source, group):
            source, records, count = DAILY_TOTALS, DailyTotal.objects.all(), Sum("n")
        by = [] if self.children is None else [self._owner_column(source)]
        owners = self._owners_of(source) if by else None
        fetched = []
        for layer in _layers(self.periods, source):
            bucket = Case(*(When(_in_period(source, p), then=Value(i)) for i, p in layer), output_field=IntegerField())
            rows = (
                records.filter(_window(source, [period for _, period in layer]))
                .annotate(_bucket=bucket, **annotations)
                .values("_bucket", *columns.values(), *by)
                .annotate(_n=count, **sums)
                .order_by()
            )
            fetched.append((layer, list(rows)))

        def apply():
            for layer, rows in fetched:
                for values in self._targets():
                    for index, _ in layer:
                        for indicator in group:
                            values[(indicator.code, index)] = 0
                for owner, bucket, indicator, total in _totals_by_where(rows, group, columns, owners, by):
                    values = self.values if owner is None else self.child_values[owner]
                    values[(indicator.code, bucket)] += total
            for index, period in enumerate(self.periods):
                if source.year_field and not annual_years(period):
                    for values in self._targets():
                        for indicator in group:
                            values[(indicator.code, index)] = None

        return apply

    def _owner_column(self, source: Source) -> str:
        if not source.reorganised:
            return "unit_id"
        return "current_commune_id" if self.children[0].hierarchy == Hierarchy.CURRENT else "legacy_commune_id"

    def _owners_of(self, source: Source) -> dict[int, int]:
        """unit id (the records' commune, or their unit) → the child it counts toward; the same rules as
        reorg.records_q / incidents_q asked child by child (tests compare the two)."""
        return self._owners["communes" if source.reorganised else "units"]

    def _reads_daily_totals(self, source: Source, group: list[Indicator]) -> bool:
        """The whole country's incidents, unscoped, by columns the daily totals keep: read those instead."""
        return (
            source is SOURCES["incidents"]
            and self.unit is None
            and self.children is None
            and self.scope is None
            and all(_in_daily_totals(indicator) for indicator in group)
        )

    def _split_for_daily_totals(self, source: Source, group: list[Indicator]) -> list[list[Indicator]]:
        """The whole country's incidents in two reads when some indicators narrow or sum by a column the daily totals
        do not keep (an offence, an accident's cause): the others still read the daily totals."""
        kept = [indicator for indicator in group if _in_daily_totals(indicator)]
        if not self._reads_daily_totals(source, kept) or len(kept) == len(group):
            return [group]
        return [kept, [indicator for indicator in group if not _in_daily_totals(indicator)]]

    # State as of the period's end ----------------------------------------------------------------

    def _states(self, group: list[Indicator]) -> Callable[[], None]:
        """Counts of records as they stand at each period's end (plans in force, models running, plans overdue):
        every indicator and period of one source as one query of filtered counts."""
        by_source: dict[str, dict[str, tuple[str, int, Count]]] = defaultdict(dict)
        for indicator in group:
            for index, period in enumerate(self.periods):
                counted = Count("pk", filter=_state(indicator, as_of(period)))
                wanted = by_source[indicator.source]
                wanted[f"_c{len(wanted)}"] = (indicator.code, index, counted)

        if self.children is None:
            rows = {
                key: self.records(SOURCES[key]).aggregate(**{alias: c for alias, (_, _, c) in wanted.items()})
                for key, wanted in by_source.items()
            }

            def apply():
                for key, wanted in by_source.items():
                    for alias, (code, index, _) in wanted.items():
                        self.values[(code, index)] = rows[key][alias]

            return apply

        # For the children: the same counts grouped by the unit each record counts toward.
        grouped = {}
        for key, wanted in by_source.items():
            column = self._owner_column(SOURCES[key])
            counts = {alias: c for alias, (_, _, c) in wanted.items()}
            grouped[key] = list(self.records(SOURCES[key]).values(column).annotate(**counts).order_by())

        def apply_children():
            for key, wanted in by_source.items():
                for values in self._targets():
                    for code, index, _ in wanted.values():
                        values[(code, index)] = 0
                column, owners = self._owner_column(SOURCES[key]), self._owners_of(SOURCES[key])
                for row in grouped[key]:
                    owner = owners.get(row[column])
                    if owner is None:
                        continue  # counted toward the unit itself, not toward any of its children
                    for alias, (code, index, _) in wanted.items():
                        self.child_values[owner][(code, index)] += row[alias]

        return apply_children

    def _read_model_dues(self) -> Callable[[], None]:
        """For each period's end (or today), how many models running then are inspected on time and how many are
        overdue (movement.selectors defines both, for these figures and for the overdue lists alike): one query of
        filtered counts for all the periods (two indicators use it)."""
        days = sorted({as_of(p) for p in self.periods})
        running, counts = Q(pk__in=[]), {}
        dues = {f"_due{n}": model_due_on(day) for n, day in enumerate(days)}
        for n, day in enumerate(days):
            running |= models_running_on(day)
            counts[f"running{n}"] = Count("pk", filter=models_running_on(day))
            counts[f"late{n}"] = Count("pk", filter=models_running_on(day) & Q(**{f"_due{n}__lt": day}))
        row = self.records(SOURCES["models"]).filter(running).alias(**dues).aggregate(**counts)
        found = {day: [row[f"running{n}"] - row[f"late{n}"], row[f"late{n}"]] for n, day in enumerate(days)}
        return partial(setattr, self, "_dues", found)

    def _models_on_time(self, indicator: Indicator, period) -> int:
        return self._dues[as_of(period)][0]

    def _models_overdue(self, indicator: Indicator, period) -> int:
        return self._dues[as_of(period)][1]

    # Shares and medians ---------------------------------------------------------------------------

    def _share(self, indicator: Indicator, period) -> float | None:
        years = annual_years(period)
        if not years or self.unit is None:
            return None
        row = self._shares[years[-1]][dict(indicator.where)["subject_type"]]
        return ratio(row.recognised, row.total) if row.assessed else None  # nobody assessed: no share, not 0%

    def _read_shares(self) -> Callable[[], None]:
        """The recognition shares of the last year of every period, read at once."""
        from antoan.assessment.shares import share_rows_by_year

        wanted = {annual_years(p)[-1] for p in self.periods if annual_years(p)}
        by_year = share_rows_by_year(unit=self.unit, years=wanted, within=self._within)
        shares = {year: {r.subject_type: r for r in rows} for year, rows in by_year.items()}
        return partial(setattr, self, "_shares", shares)

    def _within(self, field: str) -> Q:
        q = records_q(self.unit, field)
        return q & self.scope.q(field) if self.scope is not None else q

    def _tips_median_minutes(self, indicator: Indicator, period) -> float | None:
        return self._medians.get((period.start, period.end))

    def _read_tips_medians(self) -> Callable[[], None]:
        """The median minutes to a first action for every period, one query per layer of periods: on PostgreSQL
        computed by the database, elsewhere from the tips' two times (portal.selectors.median_minutes)."""
        from antoan.portal.selectors import median_minutes

        source, medians = SOURCES["tips"], {}
        for layer in _layers(self.periods, source):
            bucket = Case(*(When(_in_period(source, p), then=Value(i)) for i, p in layer), output_field=IntegerField())
            tips = self.records(source).filter(_window(source, [p for _, p in layer])).annotate(_bucket=bucket)
            if connection.vendor == "postgresql":
                waited = ExpressionWrapper(F("first_action_at") - F("received_at"), output_field=DurationField())
                rows = tips.values("_bucket").annotate(m=Median(Extract(waited, "epoch") / 60)).order_by()
                found = {row["_bucket"]: None if row["m"] is None else round(row["m"], 1) for row in rows}
            else:
                pairs = defaultdict(list)
                for index, received, first in tips.values_list("_bucket", "received_at", "first_action_at").order_by():
                    pairs[index].append((received, first))
                found = {index: median_minutes(times) for index, times in pairs.items()}
            for index, period in layer:
                medians[(period.start, period.end)] = found.get(index)
        return partial(setattr, self, "_medians", medians)


class Median(Aggregate):
    """PostgreSQL's median (interpolated between the two middle values, as statistics.median is); NULLs skipped."""

    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _totals_by_where(rows, group: list[Indicator], columns: dict[str, str], owners, by: list[str]):
    """(owner, bucket, indicator, total) for every indicator of `group` from the grouped rows. The rows are first
    added up by each distinct set of columns the indicators narrow by (a handful), so an indicator is a look-up,
    not a test of every row: a province's two years are thousands of rows, the incidents ~50 indicators."""
    shapes = {_shape(indicator) for indicator in group}
    summed = ["_n", *(f"_s_{field}" for field in {i.field for i in group if i.aggregate == "sum"})]
    # shape → the shape's values → (owner, bucket) → column → total
    tables = {shape: defaultdict(lambda: defaultdict(lambda: dict.fromkeys(summed, 0))) for shape in shapes}
    for row in rows:
        if owners is None:
            owner = None
        elif (owner := owners.get(row[by[0]])) is None:
            continue  # counted toward the unit itself, not toward any of its children
        for shape, table in tables.items():
            added = table[tuple(row[columns[key]] for key in shape)][(owner, row["_bucket"])]
            for name in summed:
                added[name] += row[name] or 0
    for indicator in group:
        table = tables[_shape(indicator)]
        wanted = _grouped_values(indicator.where)
        name = "_n" if indicator.aggregate == "count" else f"_s_{indicator.field}"
        if not indicator.where_not:
            for (owner, bucket), added in table.get(wanted, {}).items():
                yield owner, bucket, indicator, added[name]
            continue
        # Every combination of the narrowing columns that matches `where` and none of `where_not` (a handful).
        excluded, kept = _grouped_values(indicator.where_not), len(wanted)
        for values, by_owner in table.items():
            if values[:kept] == wanted and all(v != x for v, x in zip(values[kept:], excluded, strict=True)):
                for (owner, bucket), added in by_owner.items():
                    yield owner, bucket, indicator, added[name]


def _shape(indicator: Indicator) -> tuple[str, ...]:
    """The columns an indicator narrows by, `where`'s then `where_not`'s: the key of its table of totals."""
    return tuple(key for key, _ in (*indicator.where, *indicator.where_not))


def _in_daily_totals(indicator: Indicator) -> bool:
    """Whether the daily totals answer the indicator: it narrows by kept columns only (a lookup on one, severity__in,
    too) and sums a kept column."""
    return all(key.split("__")[0] in daily.GROUPED for key, _ in (*indicator.where, *indicator.where_not)) and (
        indicator.aggregate != "sum" or indicator.field in daily.SUMMED
    )


def _grouped_values(pairs) -> tuple:
    """The values the grouped rows carry for (column, value) pairs: a lookup (incident__isnull) is grouped by whether
    it holds."""
    return tuple(value if "__" not in key else True for key, value in pairs)


def groupable(indicator: Indicator) -> bool:
    """Evaluated for all children at once (Evaluation's `children`): counts, sums, records in a state on a day
    (models running, plans in force) and ratios of them."""
    if indicator.aggregate in SQL_AGGREGATES or indicator.aggregate in STATE_AGGREGATES:
        return True
    return indicator.aggregate == "ratio" and all(groupable(indicators()[code]) for code in indicator.of)


# Special aggregates that count records in the state they are in on a day (`_state`): read by `_states`.
STATE_AGGREGATES = ("as_of", "models_active", "plans_overdue")


def _state(indicator: Indicator, day: date) -> Q:
    if indicator.aggregate == "models_active":
        return models_active_on(day)
    if indicator.aggregate == "plans_overdue":
        return plans_overdue_on(day)
    state = Q(**{f"{SOURCES[indicator.source].date_field}__lte": day}, **dict(indicator.where))
    for key, value in indicator.where_not:
        state &= ~Q(**{key: value})
    return state


def _window(source: Source, periods) -> Q:
    """Records in any of the periods, with adjacent periods merged into one range (a year and the year before
    are one): an index can seek a range, not an OR of ranges."""
    spans: list[list[date]] = []
    for start, end in sorted((p.start, p.end) for p in periods):
        if spans and start <= spans[-1][1] + timedelta(days=1):
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    window = Q(pk__in=[])
    for start, end in spans:
        window |= _in_period(source, Period.of_range(start, end))
    return window


def _layers(periods, source: Source) -> list[list[tuple[int, object]]]:
    """The periods (with their positions) in layers whose periods do not overlap: a record falls in at most one
    period of a layer, so one CASE can say which. Months of a year are one layer; the year itself another."""
    layers: list[list[tuple[int, object]]] = []
    for index, period in enumerate(periods):
        if source.year_field and not annual_years(period):
            continue
        for layer in layers:
            if all(period.end < other.start or other.end < period.start for _, other in layer):
                layer.append((index, period))
                break
        else:
            layers.append([(index, period)])
    return layers


def ratio(part, whole) -> float | None:
    """part ÷ whole as a percentage with one decimal; None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


