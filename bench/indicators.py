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
- for the whole country, which the application reads from the daily totals (incidents/daily.py), the same
  GROUP BY by hand on `incidents_dailytotal` (the floor for that case; its figures checked too);
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
os.environ.setdefault("CONN_MAX_AGE", "60")  # as `antoan serve` is run (docs/operations.md): connections kept
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


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the application's incident query")
    parser.add_argument("--only", default="", help="run only the cases whose label contains this text")
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
    joins, where = "", ["i.occurred_at >= %s AND i.occurred_at < %s", "i.deleted_at IS NULL"]  # live records only
    params += [moment(min(years)), moment(max(years) + 1)]
    if unit is not None:
        column = "current_commune_id" if unit.hierarchy == Hierarchy.CURRENT else "legacy_commune_id"
        if unit.kind == Kind.COMMUNE or unit.commune_id == unit.pk:
            where.append(f"i.{column} = %s")
            params.append(unit.pk)
        else:
            joins = f" JOIN units_unit c ON c.id = i.{column}"
            where.append("c.path >= %s AND c.path < %s")  # the subtree as a range (SQLite cannot seek a LIKE)
            params += [unit.path, unit.path[:-1] + chr(ord(unit.path[-1]) + 1)]
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
    joins, where = "", ["i.occurred_at >= %s AND i.occurred_at < %s", "i.deleted_at IS NULL"]  # live records only
    params += [moment(min(years)), moment(max(years) + 1)]
    if unit is not None:
        column = "current_commune_id" if unit.hierarchy == Hierarchy.CURRENT else "legacy_commune_id"
        if unit.kind == Kind.COMMUNE or unit.commune_id == unit.pk:
            where.append(f"i.{column} = %s")
            params.append(unit.pk)
        else:
            joins = f" JOIN units_unit c ON c.id = i.{column}"
            where.append("c.path >= %s AND c.path < %s")  # the subtree as a range (SQLite cannot seek a LIKE)
            params += [unit.path, unit.path[:-1] + chr(ord(unit.path[-1]) + 1)]
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
    "incidents_dailytotal": "incidents",
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
    from django.test.utils import CaptureQueriesContext, override_settings

    from antoan.units.selectors import unit_for_code

    query = {"period": str(year)}
    if code:
        query["unit"] = code
    if on:
        query["on"] = on.isoformat()
    unit = unit_for_code(code=code, day=on) if code else None

    def request():
        response = client.get("/api/v1/indicators", query)
        assert response.status_code == 200, response.content[:500]
        return response

    app_times, response = timed(request, args.repeat, args.warmup)
    figures = {f["code"]: (f["value"], f["comparison"]) for f in response.json()["indicators"]}

    # Captured with the reads in turn, so that every statement is on this thread's connection (side by side,
    # core/parallel_reads.py, the other lanes' statements are on theirs).
    with override_settings(ANTOAN_QUERY_LANES=1), CaptureQueriesContext(connection) as captured:
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
    if unit is None:  # the country reads the daily totals: the floor of the same GROUP BY on them
        first, last = date(year - 1, 1, 1), date(year, 12, 31)
        summary_sql = (
            "SELECT CASE WHEN day >= %s THEN 0 ELSE 1 END, kind, category, severity, solved, sum(n), "
            + ", ".join(f"sum({c})" for c in GROUPED_SUMS)
            + " FROM incidents_dailytotal WHERE day >= %s AND day <= %s GROUP BY 1, 2, 3, 4, 5"
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
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test import Client
    from django.test.utils import setup_test_environment

    from antoan.accounts.models import User
    from antoan.accounts.testing import login_verified
    from antoan.incidents.models import Incident

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:  # the code moved on since the data set was generated
        print(f"applying {len(plan)} migration(s): " + ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan))
        call_command("migrate", verbosity=0)
    setup_test_environment()  # lets the test Client's host in; DEBUG stays off
    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    login_verified(client, user)  # a superuser's session must pass two-factor login (accounts/testing.py)
    with connection.cursor() as cur:
        version = connection.pg_version if connection.vendor == "postgresql" else cur.execute("select sqlite_version()")
        if connection.vendor == "sqlite":
            version = cur.fetchone()[0]
    print(f"database: {connection.vendor} {version}, {Incident.objects.count():,} incidents; {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}; {args.repeat} requests after {args.warmup} to warm up; "
          f"ANTOAN_QUERY_LANES {settings.ANTOAN_QUERY_LANES}, CONN_MAX_AGE {os.environ['CONN_MAX_AGE']}")  # fmt: skip

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
