"""Benchmark: the indicator set (`GET /api/v1/indicators?unit=…&period=…`, the year and the year before) for
a commune, a province and the whole country, against the raw-SQL floor on the same database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/antoan_bench_national .venv/bin/python bench/indicators.py
    DATABASE_URL=sqlite:////tmp/antoan_bench/bench.sqlite3 .venv/bin/python bench/indicators.py [--repeat 30]
    … bench/indicators.py --explain        # also EXPLAIN (ANALYZE, BUFFERS) the application's incident query

It reads a database made by bench/generate.py (nothing is written but a benchmark superuser and its
sessions). For each case it makes `--warmup` requests, then `--repeat` timed ones through Django's test
Client as a superuser (DEBUG off, as in production) and gives p50 / p95 / max. Then the floor:

- the incident aggregates the indicator set needs (48 figures × 2 years: counts by kind, category and
  severity, sums of dead, injured, damage, …) as ONE hand-written SQL query — `COUNT(*) FILTER (WHERE …)` on
  PostgreSQL, `SUM(CASE …)` on SQLite — over the same rows (the unit's communes through
  current_commune_id / legacy_commune_id and the units' path prefix; both years as one range), timed the
  same way; its figures are checked against the API's;
- the other sources the set reads (patrols, propaganda, tips, models, …): each SQL statement the
  application issues for them, captured once and re-executed as it is, timed the same way.

The ratio app / floor is the request's p50 over (raw incident query + other sources), both p50.
"""

import argparse
import math
import os
import re
import statistics
import sys
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antoan.settings")
os.environ["DEBUG"] = "0"  # as in production: no query log
if "DATABASE_URL" not in os.environ:
    sys.exit("DATABASE_URL must name a database made by bench/generate.py")

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# (label, unit code or None for the whole country, resolved on this day (None: today), year)
CASES = [
    ("commune 23059 (current), 2024", "23059", None, 2024),
    ("province 79 (current), 2024", "79", None, 2024),
    ("province 79 (current), 2025", "79", None, 2025),
    ("province 79 (legacy), 2024", "79", date(2025, 6, 30), 2024),
    ("country, 2024", None, None, 2024),
    ("country, 2025", None, None, 2025),
]


def variant_records_in() -> None:
    """Proposed change to reorg.records_q: the records of the units that count toward `unit` as
    `unit_id IN (SELECT id FROM units_unit WHERE <the same condition on the units>)`, instead of the
    condition itself on the joined unit (an OR across the join, which no index of the records' table serves)."""
    from django.db.models import Q

    from antoan.indicators import compute, reorg
    from antoan.units.models import Unit

    original = reorg.records_q

    def records_q(unit, field: str = "unit") -> Q:
        if unit is None or not field:
            return original(unit, field)
        return Q(**{f"{field}__in": Unit.objects.filter(original(unit, "")).values("pk")})

    compute.records_q = reorg.records_q = records_q


def variant_records_ids() -> None:
    """Proposed change to reorg.records_q: first the ids of the units that count toward `unit` (one query on
    units_unit, kept on the unit object for the request), then `unit_id = ANY(<those ids as one array
    parameter>)` on PostgreSQL (`IN (…)` on SQLite; `id` for the units themselves): the planner estimates it
    right and uses the records' unit_id index (an OR across the join to the units made it scan every record),
    and one array parameter instead of hundreds of placeholders costs no Python per id."""
    from django.db.models import Field, ForeignObject, Lookup, Q

    from antoan.indicators import compute, reorg
    from antoan.units.models import Unit

    class AnyOf(Lookup):
        lookup_name = "bench_any"

        def get_prep_lookup(self):
            return list(self.rhs)

        def as_sql(self, compiler, connection):
            lhs, params = self.process_lhs(compiler, connection)
            if connection.vendor == "postgresql":
                return f"{lhs} = ANY(%s)", [*params, self.rhs]
            return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs)) or 'NULL'})", [*params, *self.rhs]

    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # relations keep their own lookups
    original = reorg.records_q

    def records_q(unit, field: str = "unit") -> Q:
        if unit is None:
            return original(unit, field)
        ids = getattr(unit, "_bench_record_unit_ids", None)
        if ids is None:
            ids = unit._bench_record_unit_ids = list(
                Unit.objects.filter(original(unit, "")).values_list("pk", flat=True)
            )
        return Q(**{f"{field}__bench_any" if field else "pk__bench_any": ids})

    compute.records_q = reorg.records_q = records_q


def variant_dues_once() -> None:
    """Proposed change to compute.Evaluation: the models' due dates read once per period (models.on_time and
    models.overdue each ran the same models × inspections query)."""
    from antoan.indicators import compute

    original = compute.Evaluation._model_dues

    def _model_dues(self, period):
        memo = self.__dict__.setdefault("_bench_dues", {})
        key = (period.start, period.end)
        if key not in memo:
            memo[key] = original(self, period)
        return memo[key]

    compute.Evaluation._model_dues = _model_dues


def variant_dues_subquery() -> None:
    """Proposed change to compute.Evaluation._model_dues: each model's last inspection up to the day as a
    correlated subquery (served by the inspections' model_id index) instead of joining every inspection and
    grouping by model; with dues-once, read once per period."""
    from django.db.models import OuterRef, Subquery

    from antoan.indicators import compute
    from antoan.indicators.catalogue import SOURCES
    from antoan.movement.models import Inspection
    from antoan.movement.record_types import add_months

    def _model_dues(self, period):
        memo = self.__dict__.setdefault("_bench_dues", {})
        key = (period.start, period.end)
        if key not in memo:
            day = compute.as_of(period)
            last = Inspection.objects.filter(model=OuterRef("pk"), inspected_on__lte=day).order_by("-inspected_on")
            models = (
                self.records(SOURCES["models"])
                .filter(compute.active_on(day))
                .annotate(last=Subquery(last.values("inspected_on")[:1]))
                .values_list("started_on", "inspection_interval_months", "last")
                .order_by()
            )
            memo[key] = [add_months(last or started, interval) < day for started, interval, last in models]
        return memo[key]

    compute.Evaluation._model_dues = _model_dues


def variant_median_unordered() -> None:
    """Proposed change to compute.Evaluation._tips_median_minutes: `.order_by()` on the pairs it reads (the
    model's default ordering made the database sort every tip of the period for nothing)."""
    from antoan.indicators import compute
    from antoan.indicators.catalogue import SOURCES

    def _tips_median_minutes(self, indicator, period):
        from antoan.portal.selectors import median_minutes

        tips = self.records(SOURCES["tips"]).filter(compute._in_period(SOURCES["tips"], period)).order_by()
        return median_minutes(tips.values_list("received_at", "first_action_at"))

    compute.Evaluation._tips_median_minutes = _tips_median_minutes


def variant_window_span() -> None:
    """Proposed change to compute.Evaluation._sql: the records' window ANDed with the span of the periods
    (`date >= first start AND date < last end`), besides the OR of the periods: one range an index can
    seek (an OR of ranges is not an index condition of a nested loop, so the planner scanned the table)."""
    from antoan.indicators import compute

    original_sql, original_records = compute.Evaluation._sql, compute.Evaluation.records

    def records(self, source):
        queryset = original_records(self, source)
        span = self.__dict__.get("_bench_span")
        if span is None or not source.date_field:
            return queryset
        field = source.date_field
        if source.is_datetime:
            return queryset.filter(**{f"{field}__gte": span[0].start_datetime,
                                      f"{field}__lt": span[1].end_datetime_exclusive})  # fmt: skip
        return queryset.filter(**{f"{field}__gte": span[0].start, f"{field}__lte": span[1].end})

    def _sql(self, source, group):
        self._bench_span = (min(self.periods, key=lambda p: p.start), max(self.periods, key=lambda p: p.end))
        try:
            original_sql(self, source, group)
        finally:
            self._bench_span = None

    compute.Evaluation.records, compute.Evaluation._sql = records, _sql


def variant_window_merged() -> None:
    """Proposed change to compute.Evaluation._sql: the records' window as the union of the layer's periods with
    adjacent ones merged — a year and the year before become ONE range (`date >= 1/1 of the year before AND
    date < 1/1 of the year after`), which an index can seek; the OR of two ranges could not be the index
    condition of a nested loop, so the planner scanned the table. The CASE still says which period a record
    is in. (This replacement is compute._sql of commit ae757e1 with only the window changed.)"""
    from datetime import timedelta

    from django.db.models import BooleanField, Case, Count, ExpressionWrapper, IntegerField, Q, Sum, Value, When

    from antoan.indicators import compute
    from antoan.indicators.periods import Period

    def merged_window(source, layer) -> Q:
        spans = []
        for start, end in sorted((p.start, p.end) for _, p in layer):
            if spans and start <= spans[-1][1] + timedelta(days=1):
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        window = Q(pk__in=[])
        for start, end in spans:
            window |= compute._in_period(source, Period.of_range(start, end))
        return window

    def _sql(self, source, group) -> None:
        columns: dict[str, str] = {}
        annotations = {}
        for indicator in group:
            for key, value in indicator.where:
                if key not in columns:
                    columns[key] = key if "__" not in key else f"_w{len(columns)}"
                    if "__" in key:
                        annotations[columns[key]] = ExpressionWrapper(Q(**{key: value}), output_field=BooleanField())
        sums = {f"_s_{field}": Sum(field) for field in sorted({i.field for i in group if i.aggregate == "sum"})}
        for layer in compute._layers(self.periods, source):
            for index, _ in layer:
                for indicator in group:
                    self.values[(indicator.code, index)] = 0
            bucket = Case(*(When(compute._in_period(source, p), then=Value(i)) for i, p in layer),
                          output_field=IntegerField())  # fmt: skip
            rows = (
                self.records(source)
                .filter(merged_window(source, layer))
                .annotate(_bucket=bucket, **annotations)
                .values("_bucket", *columns.values())
                .annotate(_n=Count("pk"), **sums)
                .order_by()
            )
            for row in rows:
                for indicator in group:
                    if all(row[columns[k]] == (v if "__" not in k else True) for k, v in indicator.where):
                        added = row["_n"] if indicator.aggregate == "count" else row[f"_s_{indicator.field}"] or 0
                        self.values[(indicator.code, row["_bucket"])] += added
        for index, period in enumerate(self.periods):
            if source.year_field and not compute.annual_years(period):
                for indicator in group:
                    self.values[(indicator.code, index)] = None

    compute.Evaluation._sql = _sql


def variant_country_summary() -> None:
    """Proposed summary table for the whole country: incidents counted and summed per local day × kind ×
    category × severity × solved (table bench_incident_day, made by hand in the bench database; the services
    would keep it exact). compute.Evaluation._sql reads it instead of the incidents when there is no unit and
    no scope: ~165,000 rows for ten years instead of 5 million."""
    from django.db import connection

    from antoan.indicators import compute
    from antoan.indicators.catalogue import SOURCES

    original_sql = compute.Evaluation._sql
    sums = ("suspects", "persons_involved", "dead", "injured", "property_damage_vnd", "missing", "houses_damaged",
            "houses_destroyed", "agriculture_ha", "economic_loss_million_vnd", "recovery_support_vnd")  # fmt: skip

    def _sql(self, source, group):
        if source is not SOURCES["incidents"] or self.unit is not None or self.scope is not None:
            return original_sql(self, source, group)
        for layer in compute._layers(self.periods, source):
            for index, _ in layer:
                for indicator in group:
                    self.values[(indicator.code, index)] = 0
            bucket = " ".join(f"WHEN day BETWEEN %s AND %s THEN {index}" for index, _ in layer)
            params = [d for _, p in layer for d in (p.start, p.end)]
            window = " OR ".join("day BETWEEN %s AND %s" for _ in layer)
            params += [d for _, p in layer for d in (p.start, p.end)]
            first, last = min(p.start for _, p in layer), max(p.end for _, p in layer)
            with connection.cursor() as cur:
                cur.execute(
                    f"SELECT CASE {bucket} END, kind, category, severity, solved, sum(n), "
                    + ", ".join(f"sum({c})" for c in sums)
                    + f" FROM bench_incident_day WHERE day >= %s AND day <= %s AND ({window}) GROUP BY 1, 2, 3, 4, 5",
                    [*params[: 2 * len(layer)], first, last, *params[2 * len(layer) :]],
                )
                rows = cur.fetchall()
            for bucket_index, kind, category, severity, solved, n, *totals in rows:
                row = {"kind": kind, "category": category, "severity": severity, "solved": solved}
                by_field = dict(zip(sums, totals, strict=True))
                for indicator in group:
                    if all(row[k] == v for k, v in indicator.where):
                        added = n if indicator.aggregate == "count" else by_field[indicator.field] or 0
                        self.values[(indicator.code, bucket_index)] += int(added)

    compute.Evaluation._sql = _sql


def variant_median_sql() -> None:
    """Proposed change to compute.Evaluation._tips_median_minutes on PostgreSQL: the median computed by the
    database (`percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes)`, the same interpolation as
    statistics.median) instead of every tip's two timestamps loaded into Python; on SQLite, as median-unordered."""
    from django.db import connection
    from django.db.models import Aggregate, FloatField
    from django.db.models.expressions import RawSQL

    from antoan.indicators import compute
    from antoan.indicators.catalogue import SOURCES

    if connection.vendor != "postgresql":
        return variant_median_unordered()

    class Median(Aggregate):
        template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        output_field = FloatField()

    minutes = RawSQL('EXTRACT(EPOCH FROM "portal_tip"."first_action_at" - "portal_tip"."received_at") / 60', [])

    def _tips_median_minutes(self, indicator, period):
        tips = self.records(SOURCES["tips"]).filter(compute._in_period(SOURCES["tips"], period))
        value = tips.filter(first_action_at__isnull=False).order_by().aggregate(m=Median(minutes))["m"]
        return None if value is None else round(value, 1)

    compute.Evaluation._tips_median_minutes = _tips_median_minutes


def variant_jit_off() -> None:
    """Proposed setting: `jit = off` on the application's PostgreSQL connections (DATABASES OPTIONS
    {"options": "-c jit=off"}): compiling the aggregate queries took longer than running them."""
    from django.db.backends.signals import connection_created

    def no_jit(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET jit = off")

    connection_created.connect(no_jit, weak=False)


# Proposed changes measured without changing the application's files: patched in this process only.
VARIANTS = {
    "median-sql": variant_median_sql,
    "jit-off": variant_jit_off,
    "window-span": variant_window_span,
    "window-merged": variant_window_merged,
    "country-summary": variant_country_summary,
    "records-in": variant_records_in,
    "records-ids": variant_records_ids,
    "dues-once": variant_dues_once,
    "dues-subquery": variant_dues_subquery,
    "median-unordered": variant_median_unordered,
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the application's incident query")
    parser.add_argument("--only", default="", help="run only the cases whose label contains this text")
    parser.add_argument(
        "--variant", default="", help="proposed change(s) to measure, comma-separated: " + ", ".join(VARIANTS)
    )
    return parser.parse_args()


def percentile(values: list[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(fn, repeat: int, warmup: int, budget: float | None = None) -> tuple[list[float], object]:
    """Times of `repeat` calls after `warmup` ones; with a budget (seconds), fewer calls (at least 5) when the
    last warm-up call says they would take longer."""
    result = None
    for _ in range(warmup):
        start = time.perf_counter()
        result = fn()
        if budget is not None:
            repeat = max(5, min(repeat, int(budget / (time.perf_counter() - start))))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def incident_aggregates(vendor: str) -> list[tuple[str, str, str]]:
    """(indicator code, condition, what is summed or None for a count), written out for the raw query."""
    from antoan.incidents.categories import CATEGORIES
    from antoan.incidents.severity import severity_rules

    true = "true" if vendor == "postgresql" else "1"
    severities = list(dict.fromkeys(c.code for rule in reversed(severity_rules()) for c in rule.classes))
    rows = [("crime.cases", "i.kind = 'crime'", None)]
    rows += [
        (f"crime.cases.{c.code}", f"i.kind = 'crime' AND i.category = '{c.code}'", None) for c in CATEGORIES["crime"]
    ]
    rows += [
        ("crime.solved", f"i.kind = 'crime' AND i.solved = {true}", None),
        ("crime.suspects", "i.kind = 'crime'", "i.suspects"),
        ("social_evil.cases", "i.kind = 'social_evil'", None),
    ]
    rows += [
        (f"social_evil.cases.{c.code}", f"i.kind = 'social_evil' AND i.category = '{c.code}'", None)
        for c in CATEGORIES["social_evil"]
    ]
    rows += [
        ("social_evil.persons", "i.kind = 'social_evil'", "i.persons_involved"),
        ("traffic.accidents", "i.kind = 'traffic'", None),
    ]
    rows += [(f"traffic.accidents.{s}", f"i.kind = 'traffic' AND i.severity = '{s}'", None) for s in severities]
    rows += [
        ("traffic.dead", "i.kind = 'traffic'", "i.dead"),
        ("traffic.injured", "i.kind = 'traffic'", "i.injured"),
        ("traffic.property_damage", "i.kind = 'traffic'", "i.property_damage_vnd"),
        ("disaster.events", "i.kind = 'disaster'", None),
    ]
    rows += [
        (f"disaster.events.{c.code}", f"i.kind = 'disaster' AND i.category = '{c.code}'", None)
        for c in CATEGORIES["disaster"]
    ]
    for code, column in (("dead", "dead"), ("missing", "missing"), ("injured", "injured"),
                         ("houses_damaged", "houses_damaged"), ("houses_destroyed", "houses_destroyed"),
                         ("agriculture", "agriculture_ha"), ("economic_loss", "economic_loss_million_vnd"),
                         ("recovery_support", "recovery_support_vnd")):  # fmt: skip
        rows.append((f"disaster.{code}", "i.kind = 'disaster'", f"i.{column}"))
    return rows


def raw_incident_query(vendor: str, unit, years: tuple[int, int]) -> tuple[str, list, list[tuple[str, int]]]:
    """The hand-written query: (sql, params, [(indicator code, period index)] in column order)."""
    from django.db import connection

    from antoan.units.models import Hierarchy, Kind

    def moment(year):
        value = datetime(year, 1, 1, tzinfo=TZ)
        return value if vendor == "postgresql" else connection.ops.adapt_datetimefield_value(value)

    aggregates = incident_aggregates(vendor)
    columns, names, params = [], [], []
    for index, year in enumerate(years):
        in_year = "i.occurred_at >= %s AND i.occurred_at < %s"
        for code, condition, summed in aggregates:
            where = f"{in_year} AND {condition}"
            if vendor == "postgresql":
                aggregate = "count(*)" if summed is None else f"sum({summed})"
                columns.append(f"{aggregate} FILTER (WHERE {where})")
            else:
                columns.append(f"sum(CASE WHEN {where} THEN {1 if summed is None else summed} END)")
            params += [moment(year), moment(year + 1)]
            names.append((code, index))
    joins, where = "", ["i.occurred_at >= %s AND i.occurred_at < %s"]
    params += [moment(min(years)), moment(max(years) + 1)]
    if unit is not None:
        column = "current_commune_id" if unit.hierarchy == Hierarchy.CURRENT else "legacy_commune_id"
        if unit.kind == Kind.COMMUNE or unit.commune_id == unit.pk:
            where.append(f"i.{column} = %s")
            params.append(unit.pk)
        else:
            joins = f" JOIN units_unit c ON c.id = i.{column}"
            where.append("c.path LIKE %s")
            params.append(unit.path + "%")
    sql = f"SELECT {', '.join(columns)} FROM incidents_incident i{joins} WHERE {' AND '.join(where)}"
    return sql, params, names


def raw_grouped_query(vendor: str, unit, years: tuple[int, int]) -> tuple[str, list]:
    """The same figures by another hand-written query: one row per year × kind × category × severity × solved
    with the count and the sums, added up in Python (what a GROUP BY costs instead of 96 FILTERs)."""
    from django.db import connection

    from antoan.units.models import Hierarchy, Kind

    def moment(year):
        value = datetime(year, 1, 1, tzinfo=TZ)
        return value if vendor == "postgresql" else connection.ops.adapt_datetimefield_value(value)

    bucket = "CASE WHEN i.occurred_at >= %s THEN 0 ELSE 1 END"
    params = [moment(max(years))]
    joins, where = "", ["i.occurred_at >= %s AND i.occurred_at < %s"]
    params += [moment(min(years)), moment(max(years) + 1)]
    if unit is not None:
        column = "current_commune_id" if unit.hierarchy == Hierarchy.CURRENT else "legacy_commune_id"
        if unit.kind == Kind.COMMUNE or unit.commune_id == unit.pk:
            where.append(f"i.{column} = %s")
            params.append(unit.pk)
        else:
            joins = f" JOIN units_unit c ON c.id = i.{column}"
            where.append("c.path LIKE %s")
            params.append(unit.path + "%")
    sums = ", ".join(f"sum(i.{c})" for c in GROUPED_SUMS)
    sql = (
        f"SELECT {bucket}, i.kind, i.category, i.severity, i.solved, count(*), {sums} "
        f"FROM incidents_incident i{joins} WHERE {' AND '.join(where)} GROUP BY 1, 2, 3, 4, 5"
    )
    return sql, params


GROUPED_SUMS = ("suspects", "persons_involved", "dead", "injured", "property_damage_vnd", "missing", "houses_damaged",
                "houses_destroyed", "agriculture_ha", "economic_loss_million_vnd", "recovery_support_vnd")  # fmt: skip


def grouped_figures(rows) -> dict[tuple[str, int], int]:
    """The 48 × 2 figures from the grouped rows, by the same conditions as the FILTER query."""
    from antoan.incidents.categories import CATEGORIES

    figures: dict[tuple[str, int], int] = {}
    field = {"crime.suspects": "suspects", "social_evil.persons": "persons_involved", "traffic.dead": "dead",
             "traffic.injured": "injured", "traffic.property_damage": "property_damage_vnd", "disaster.dead": "dead",
             "disaster.missing": "missing", "disaster.injured": "injured", "disaster.houses_damaged": "houses_damaged",
             "disaster.houses_destroyed": "houses_destroyed", "disaster.agriculture": "agriculture_ha",
             "disaster.economic_loss": "economic_loss_million_vnd",
             "disaster.recovery_support": "recovery_support_vnd"}  # fmt: skip
    totals = {"crime": "crime.cases", "social_evil": "social_evil.cases", "traffic": "traffic.accidents",
              "disaster": "disaster.events"}  # fmt: skip
    for bucket, kind, category, severity, solved, n, *sums in rows:
        by_column = dict(zip(GROUPED_SUMS, sums, strict=True))

        def add(code, value, bucket=bucket):
            figures[(code, bucket)] = figures.get((code, bucket), 0) + (value or 0)

        add(totals[kind], n)
        if kind in CATEGORIES and category and kind != "traffic":
            add(f"{totals[kind]}.{category}", n)
        if kind == "traffic" and severity:
            add(f"traffic.accidents.{severity}", n)
        if kind == "crime" and solved:
            add("crime.solved", n)
        for code, column in field.items():
            if code.split(".")[0] == kind:
                add(code, by_column[column])
    return figures


SOURCE_TABLES = {
    "incidents_incident": "incidents",
    "bench_incident_day": "incidents",
    "movement_trafficpatrol": "patrols",
    "movement_propagandasession": "propaganda",
    "movement_roadsignage": "signage",
    "movement_forcedeployment": "deployments",
    "movement_commendation": "commendations",
    "movement_exemplar": "exemplars",
    "movement_responseplan": "plans",
    "movement_movementmodel": "models",
    "movement_inspection": "inspections",
    "portal_tip": "tips",
    "assessment_assessment": "assessments",
}


def source_of(sql: str) -> str:
    match = re.search(r'\bFROM\s+"?(\w+)"?', sql)
    return SOURCE_TABLES.get(match.group(1), "other") if match else "other"


def run_case(args, client, label, code, on, year, results) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from antoan.units.selectors import unit_resolve

    query = {"period": str(year)}
    if code:
        query["unit"] = code
    if on:
        query["on"] = on.isoformat()
    unit = unit_resolve(code=code, on=on) if code else None

    def request():
        response = client.get("/api/v1/indicators", query)
        assert response.status_code == 200, response.content[:500]
        return response

    app_times, response = timed(request, args.repeat, args.warmup)
    figures = {f["code"]: (f["value"], f["comparison"]) for f in response.json()["indicators"]}

    with CaptureQueriesContext(connection) as captured:
        request()
    statements = [q["sql"] for q in captured.captured_queries]

    raw_cursor = connection.cursor().cursor  # the driver's cursor: no Django wrapper in the floor
    sql, params, names = raw_incident_query(connection.vendor, unit, (year, year - 1))
    sql = sql if connection.vendor == "postgresql" else sql.replace("%s", "?")

    def raw():
        raw_cursor.execute(sql, params)
        return raw_cursor.fetchone()

    raw_times, row = timed(raw, args.repeat, args.warmup, budget=60)
    mismatches = []
    for (indicator, index), value in zip(names, row, strict=True):
        app_value = figures[indicator][index]
        if (value or 0) != (app_value or 0):
            mismatches.append(f"{indicator}[{index}] raw {value} app {app_value}")
    grouped_sql, grouped_params = raw_grouped_query(connection.vendor, unit, (year, year - 1))
    grouped_sql = grouped_sql if connection.vendor == "postgresql" else grouped_sql.replace("%s", "?")

    def raw_grouped():
        raw_cursor.execute(grouped_sql, grouped_params)
        return raw_cursor.fetchall()

    grouped_times, grouped_rows = timed(raw_grouped, args.repeat, args.warmup, budget=60)
    grouped = grouped_figures(grouped_rows)
    for (indicator, index), value in zip(names, row, strict=True):
        if (value or 0) != grouped.get((indicator, index), 0):
            mismatches.append(f"{indicator}[{index}] FILTER {value} GROUP BY {grouped.get((indicator, index))}")

    summary_p50 = None
    if unit is None and "country-summary" in args.variant:  # the floor of a query on the summary table
        first, last = date(year - 1, 1, 1), date(year, 12, 31)
        summary_sql = (
            "SELECT CASE WHEN day >= %s THEN 0 ELSE 1 END, kind, category, severity, solved, sum(n), "
            + ", ".join(f"sum({c})" for c in GROUPED_SUMS)
            + " FROM bench_incident_day WHERE day >= %s AND day <= %s GROUP BY 1, 2, 3, 4, 5"
        )
        summary_params = [date(year, 1, 1), first, last]
        if connection.vendor != "postgresql":
            summary_sql = summary_sql.replace("%s", "?")
            summary_params = [d.isoformat() for d in summary_params]

        def raw_summary():
            raw_cursor.execute(summary_sql, summary_params)
            return raw_cursor.fetchall()

        summary_times, summary_rows = timed(raw_summary, args.repeat, args.warmup)
        summary_p50 = statistics.median(summary_times)
        summed = grouped_figures([(b, k, c, s, v, int(n), *(int(x) if x is not None else None for x in rest))
                                  for b, k, c, s, v, n, *rest in summary_rows])  # fmt: skip
        for (indicator, index), value in zip(names, row, strict=True):
            if (value or 0) != summed.get((indicator, index), 0):
                mismatches.append(f"{indicator}[{index}] incidents {value} summary {summed.get((indicator, index))}")

    totals = ("crime.cases", "social_evil.cases", "traffic.accidents", "disaster.events")
    incident_rows = sum(value or 0 for (code, _), value in zip(names, row, strict=True) if code in totals)

    def again(statement):
        def run():
            raw_cursor.execute(statement)
            return raw_cursor.fetchall()

        return statistics.median(timed(run, max(5, args.repeat // 3), 1)[0])

    # Each statement the application issued, re-executed as it is: for incidents, the SQL the app sends for the
    # same aggregates; for the other sources, what reading them costs.
    by_source: dict[str, float] = {}
    for statement in statements:
        source = source_of(statement)
        if source != "other":
            by_source[source] = by_source.get(source, 0.0) + again(statement)
    app_incident_sql = by_source.pop("incidents", 0.0)
    other_total = sum(by_source.values())
    captured_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000

    app_p50 = statistics.median(app_times)
    raw_filter, raw_grouped_p50 = statistics.median(raw_times), statistics.median(grouped_times)
    best_raw = min(raw_filter, raw_grouped_p50, summary_p50 or math.inf)
    result = {
        "label": label, "queries": len(statements), "captured_sql_ms": captured_ms, "rows": incident_rows,
        "app": app_times, "app_incident_sql": app_incident_sql, "raw_filter": raw_filter,
        "raw_grouped": raw_grouped_p50, "summary": summary_p50, "others": by_source, "other_total": other_total,
        "ratio_incidents": app_incident_sql / best_raw, "ratio": app_p50 / (best_raw + other_total),
        "mismatches": mismatches,
    }  # fmt: skip
    results.append(result)
    ms = 1000
    print(f"{label}: {incident_rows:,} incidents in the two years; {len(statements)} queries, "
          f"{captured_ms:.0f} ms of SQL in one captured request")  # fmt: skip
    print(f"  app (API request)  p50 {app_p50 * ms:.1f}  p95 {percentile(app_times, 95) * ms:.1f}  "
          f"max {max(app_times) * ms:.1f} ms")  # fmt: skip
    print(f"  incidents: app's SQL {app_incident_sql * ms:.1f} ms; hand-written FILTER query p50 {raw_filter * ms:.1f} "
          f"(p95 {percentile(raw_times, 95) * ms:.1f}), GROUP BY query p50 {raw_grouped_p50 * ms:.1f} ms"
          + (f", GROUP BY on the summary table p50 {summary_p50 * ms:.1f} ms" if summary_p50 else "")
          + f" → app's SQL / best raw {result['ratio_incidents']:.2f}×")  # fmt: skip
    listing = ", ".join(f"{k} {v * ms:.1f}" for k, v in sorted(by_source.items(), key=lambda kv: -kv[1]))
    print(f"  other sources (the app's SQL re-executed) {other_total * ms:.1f} ms: {listing}")
    equal = f"\n  MISMATCH: {'; '.join(mismatches[:5])}" if mismatches else " (figures equal)"
    print(f"  app / (best raw incident SQL + other sources) {result['ratio']:.2f}×{equal}", flush=True)
    if args.explain:
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        for statement in statements:
            if source_of(statement) == "other":
                continue
            raw_cursor.execute(explain + statement)
            print("  the application's query:\n    " + statement[:1500])
            print("\n".join("    " + " ".join(str(c) for c in r) for r in raw_cursor.fetchall()))
        for title, text, values in (("FILTER", sql, params), ("GROUP BY", grouped_sql, grouped_params)):
            raw_cursor.execute(explain + text, values)
            print(f"  hand-written {title} query:")
            print("\n".join("    " + " ".join(str(c) for c in r) for r in raw_cursor.fetchall()))


def main() -> None:
    args = parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test import Client
    from django.test.utils import setup_test_environment

    from antoan.accounts.models import User
    from antoan.incidents.models import Incident

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:  # the code moved on since the data set was generated
        print(f"applying {len(plan)} migration(s): " + ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan))
        call_command("migrate", verbosity=0)
    for name in filter(None, args.variant.split(",")):
        VARIANTS[name]()
        print(f"variant {name}: {' '.join(VARIANTS[name].__doc__.split())}")
    setup_test_environment()  # lets the test Client's host in; DEBUG stays off
    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(user)
    with connection.cursor() as cur:
        version = connection.pg_version if connection.vendor == "postgresql" else cur.execute("select sqlite_version()")
        if connection.vendor == "sqlite":
            version = cur.fetchone()[0]
    print(f"database: {connection.vendor} {version}, {Incident.objects.count():,} incidents; {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}; {args.repeat} requests after {args.warmup} to warm up")  # fmt: skip

    results = []
    for label, code, on, year in CASES:
        if args.only and args.only not in label:
            continue
        run_case(args, client, label, code, on, year, results)

    ms = 1000
    print(
        "\n| case | incidents in the 2 years | queries | app p50 | app p95 | app max | app's incident SQL "
        "| raw FILTER query | raw GROUP BY query | other sources (app's SQL) | app / (best raw + other sources) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['label']} | {r['rows']:,} | {r['queries']} | {statistics.median(r['app']) * ms:.1f} ms "
            f"| {percentile(r['app'], 95) * ms:.1f} ms | {max(r['app']) * ms:.1f} ms "
            f"| {r['app_incident_sql'] * ms:.1f} ms | {r['raw_filter'] * ms:.1f} ms | {r['raw_grouped'] * ms:.1f} ms"
            + (f" (summary table: {r['summary'] * ms:.1f} ms)" if r["summary"] else "")
            + " "
            f"| {r['other_total'] * ms:.1f} ms | {r['ratio']:.2f}× |"
        )
    print(f"(load average at the end {os.getloadavg()[0]:.1f})")
    if any(r["mismatches"] for r in results):
        sys.exit("the raw query's figures differ from the API's")


if __name__ == "__main__":
    main()
