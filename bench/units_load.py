"""Benchmark: `units_load` into an empty database, a second (no-op) load, and a subtree query,
each against the raw-SQL floor on the same database.

    .venv/bin/python bench/units_load.py                      # SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/antoan_bench .venv/bin/python bench/units_load.py

The PostgreSQL database named in DATABASE_URL is dropped and re-created (it must not be a real one).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antoan.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"


def recreate_postgres_database() -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if not cfg["NAME"].startswith("antoan_bench"):
        sys.exit("refusing to drop a database whose name does not start with antoan_bench")
    dsn = f"host={cfg['HOST']} port={cfg['PORT'] or 5432} user={cfg['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def timed(fn, repeat=1):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def main() -> None:
    if os.environ["DATABASE_URL"].startswith("postgres"):
        recreate_postgres_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from antoan.units.loader import read_dataset
    from antoan.units.models import Unit
    from antoan.units.selectors import unit_for_code
    from antoan.units.services import units_load

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")

    data, t_read = timed(read_dataset)
    report, t_first = timed(lambda: units_load(actor=None))
    assert report.created == len(data.units)
    report2, t_second = timed(lambda: units_load(actor=None))
    assert not report2.changed_anything

    # Floor: the same unit rows (without history, successions or diffing) inserted with raw executemany.
    rows = [(f"x{i}", u.name, u.path.replace(".", "/", 1) + f"x{i}") for i, u in enumerate(data.units)]

    def raw_insert():
        with connection.cursor() as cur:
            cur.execute("CREATE TEMPORARY TABLE bench_units (code varchar(20), name varchar(200), path varchar(255))")
            cur.executemany("INSERT INTO bench_units (code, name, path) VALUES (%s, %s, %s)", rows)
            cur.execute("DROP TABLE bench_units")

    _, t_raw = timed(raw_insert)
    print(f"read vietnamadminunits data:    {t_read:6.2f} s  ({len(data.units)} units, {len(data.successions)} links)")
    print(f"first load (with audit rows):   {t_first:6.2f} s")
    print(f"second load (no change):        {t_second:6.2f} s")
    print(f"raw executemany of unit rows:   {t_raw:6.2f} s  → first load / raw = {t_first / t_raw:4.1f}×")

    province = unit_for_code(code="68")  # Tỉnh Lâm Đồng, current: 124 communes
    n, t_orm = timed(lambda: Unit.objects.filter(path__startswith=province.path).count(), repeat=50)

    def raw_subtree():
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM units_unit WHERE path LIKE %s", [province.path + "%"])
            return cur.fetchone()[0]

    n_raw, t_sql = timed(raw_subtree, repeat=50)
    assert n == n_raw
    print(
        f"subtree count, ORM (n={n}):     {t_orm * 1000:6.2f} ms  raw SQL {t_sql * 1000:6.2f} ms "
        f"→ {t_orm / t_sql:4.1f}×"
    )


if __name__ == "__main__":
    main()
