"""Benchmark: `antoan import incidents` of a generated 100,000-row CSV, against the raw floor on the same
database (executemany on SQLite, COPY on PostgreSQL, of the same rows into the same table, without
validation, scope, audit or duplicate checks), then a re-import (every row unchanged) and an export.

    .venv/bin/python bench/incidents_import.py [ROWS]           # SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/antoan_bench .venv/bin/python bench/incidents_import.py

The PostgreSQL database named in DATABASE_URL is dropped and re-created (it must not be a real one).
Peak memory (max RSS) is printed to show that the file is streamed, not held.
"""

import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from units_load import recreate_postgres_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antoan.settings")
os.environ.setdefault("DEBUG", "0")  # as in production: no query log
WORK = Path(tempfile.mkdtemp())
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"

CROP = ("social_order", "drugs", "economic", "environment")
EVILS = ("gambling", "drug_abuse", "loan_sharking")
HAZARDS = ("storm", "flood", "heavy_rain", "drought")


def generate(path: Path, rows: int, legacy_codes: list[str], current_codes: list[str]) -> None:
    """Rows over Hàm Thuận Bắc's legacy communes (2015 – June 2025) and its successors (July 2025 on),
    every 7 minutes or so, scattered enough that no two are possible duplicates."""
    rng = random.Random(100_000)
    start = datetime(2015, 1, 1)
    step = (datetime(2026, 11, 1) - start) / rows
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["external_id", "kind", "category", "unit_code", "occurred_at", "latitude", "longitude",
                         "address", "summary", "solved", "dead", "injured", "property_damage_vnd", "missing",
                         "houses_damaged", "economic_loss_million_vnd"])  # fmt: skip
        for i in range(rows):
            when = start + step * i
            codes = legacy_codes if when < datetime(2025, 7, 1) else current_codes
            kind = rng.choices(("traffic", "crime", "social_evil", "disaster"), (50, 35, 13, 2))[0]
            row = [f"B-{i:06d}", kind, "", rng.choice(codes), when.strftime("%Y-%m-%d %H:%M"),
                   "", "", f"Thôn {rng.randint(1, 9)}", f"Sự việc số {i}", "", "", "", "", "", "", ""]  # fmt: skip
            if kind == "traffic":
                row[10], row[11] = rng.choice((0, 0, 0, 1, 2)), rng.randint(0, 3)
                row[12] = rng.choice(("", "5000000", "120000000"))
            elif kind == "crime":
                row[2], row[9] = rng.choice(CROP), rng.choice(("1", "1", "0"))
            elif kind == "social_evil":
                row[2] = rng.choice(EVILS)
            else:
                row[2], row[13], row[14], row[15] = rng.choice(HAZARDS), 0, rng.randint(0, 30), rng.randint(0, 900)
            writer.writerow(row)


def raw_floor(path: Path, unit_ids: dict[str, int], connection) -> float:
    """The same rows into a copy of the incidents table, unchecked: the most a database can do."""
    with open(path, encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = [
            (r["kind"], r["category"], unit_ids[r["unit_code"]], r["occurred_at"] + ":00+07", r["address"],
             r["summary"], r["external_id"], int(r["dead"] or 0), int(r["injured"] or 0))
            for r in reader
        ]  # fmt: skip
    columns = "kind, category, unit_id, occurred_at, address, summary, external_id, dead, injured"
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE bench_incidents AS SELECT * FROM incidents_incident WHERE false")
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY bench_incidents ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO bench_incidents ({columns}) VALUES ({', '.join(['%s'] * 9)})", rows)
        cur.execute("DROP TABLE bench_incidents")
    return time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if os.environ["DATABASE_URL"].startswith("postgres"):
        recreate_postgres_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from antoan.accounts.models import Membership, Role, User
    from antoan.incidents.models import Incident
    from antoan.incidents.transfer import export_csv, import_incidents
    from antoan.units.models import Kind, Unit
    from antoan.units.selectors import unit_for_code
    from antoan.units.services import units_load

    call_command("migrate", verbosity=0)
    units_load(actor=None)
    print(f"database: {connection.vendor}, rows: {rows:,}")

    district = unit_for_code(code="597", day=datetime(2020, 1, 1).date())
    legacy = list(Unit.objects.filter(parent=district, kind=Kind.COMMUNE).values_list("code", "pk"))
    current = [unit_for_code(code=c) for c in ("23059", "23086", "23089", "23065", "23074", "23095")]
    province = unit_for_code(code="68")
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, unit=province, role=Role.OFFICER)
    Membership.objects.create(user=user, unit=district, role=Role.OFFICER)

    path = WORK / "incidents.csv"
    generate(path, rows, [c for c, _ in legacy], [u.code for u in current])
    print(f"generated {path.stat().st_size / 1e6:.1f} MB CSV")

    start = time.perf_counter()
    report = import_incidents(user=user, path=path)
    t_import = time.perf_counter() - start
    assert report.created == rows and not report.rejected, report.summary()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    start = time.perf_counter()
    again = import_incidents(user=user, path=path)
    t_again = time.perf_counter() - start
    assert again.unchanged == rows

    start = time.perf_counter()
    size = sum(len(chunk) for chunk in export_csv(Incident.objects.select_related("unit").iterator(2000)))
    t_export = time.perf_counter() - start

    unit_ids = {code: pk for code, pk in legacy} | {u.code: u.pk for u in current}
    t_raw = raw_floor(path, unit_ids, connection)
    print(f"import (validated, audited):   {t_import:7.1f} s  {rows / t_import:8,.0f} rows/s  max RSS {rss_mb:,.0f} MB")
    print(f"re-import (all unchanged):     {t_again:7.1f} s  {rows / t_again:8,.0f} rows/s")
    print(f"export CSV ({size / 1e6:.1f} MB):          {t_export:7.1f} s  {rows / t_export:8,.0f} rows/s")
    floor = "COPY" if connection.vendor == "postgresql" else "executemany"
    ratio = t_import / t_raw
    print(f"raw {floor} floor:        {t_raw:7.1f} s  {rows / t_raw:8,.0f} rows/s  → import / raw = {ratio:5.0f}×")


if __name__ == "__main__":
    main()
