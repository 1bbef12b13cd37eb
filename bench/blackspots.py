"""Benchmark: the black spots of one unit's year (`GET /api/v1/indicators/black-spots`, the report's table), on a
database made by bench/generate.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/antoan_bench_national .venv/bin/python bench/blackspots.py
    … bench/blackspots.py --unit 79 --year 2025 [--repeat 15]

Figures (median of --repeat runs after one to warm up):
- reading the year's accidents as `black_spot_list` does (the ORM, scoped to the unit), against the floor: the
  same SQL statement run on the driver's cursor, rows fetched and nothing else;
- `find_black_spots` afresh (no split remembered), then again with every split remembered (the accidents
  unchanged), with one accident changed in the largest cluster that is split, and with one changed elsewhere —
  each changed result is checked against the spots found afresh from the same accidents;
- `black_spot_list` whole when its result is kept (what a request pays while the unit's accidents do not change),
  in the cache "kept" of the settings: this process's memory, or with ANTOAN_CACHE_DIR set the folder that
  `antoan serve`'s workers share.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antoan.settings")
os.environ["DEBUG"] = "0"
if "DATABASE_URL" not in os.environ:
    sys.exit("DATABASE_URL must name a database made by bench/generate.py")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from timing import timed  # noqa: E402

from antoan.accounts.services import system_user  # noqa: E402
from antoan.indicators import blackspots  # noqa: E402
from antoan.indicators.periods import Period  # noqa: E402
from antoan.indicators.selectors import black_spot_accidents, black_spot_list, indicator_unit_param  # noqa: E402


def median_ms(func, repeat: int, prepare=None) -> tuple[float, object]:
    seconds, result = timed(func, repeat, prepare)
    return seconds * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unit", default="01", help="a unit code (default 01, Hà Nội)")
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    user = system_user()
    unit = indicator_unit_param(user=user, code=args.unit)
    period = Period.of_range(date(args.year, 1, 1), date(args.year, 12, 31))
    rule = blackspots.black_spot_rule_on(period.end)
    accidents = black_spot_accidents(user=user, unit=unit, period=period, rule=rule)

    read_ms, rows = median_ms(lambda: list(accidents.all()), args.repeat)
    sql, params = accidents.query.sql_with_params()

    def fetch():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    floor_ms, raw = median_ms(fetch, args.repeat)
    assert len(raw) == len(rows)
    given = [blackspots.Accident.of_row(row) for row in rows]

    def find(some=given):
        return blackspots.find_black_spots(some, rule=rule, window_end=period.end)

    forget = blackspots._SPLITS.clear
    afresh_ms, result = median_ms(find, args.repeat, prepare=forget)
    remembered_ms, again = median_ms(find, args.repeat)
    assert again == result

    # The accidents (ids) of each cluster that is split, and of the largest.
    split_clusters = []
    split_remembered = blackspots._split_remembered

    def watch(members, *rest):
        split_clusters.append([given_at[i].pk for i in members.tolist()])
        return split_remembered(members, *rest)

    given_at = blackspots._located(given, blackspots.window_start(period.end, rule.window_months), period.end)[0]
    blackspots._split_remembered = watch
    try:
        find()
    finally:
        blackspots._split_remembered = split_remembered
    largest = set(max(split_clusters, key=len, default=[]))

    def changed_ms(inside: bool) -> float | None:
        """Median time of finding the spots again with one accident changed (its injured + 1), inside the largest
        split cluster or outside every split one; each result checked against the spots found afresh."""
        others = {pk for pks in split_clusters for pk in pks}
        pool = [i for i, a in enumerate(given) if (a.pk in largest) == inside and (inside or a.pk not in others)]
        pool = [i for i in pool if given[i].latitude is not None]
        if not pool:
            return None
        times = []
        for k in range(args.repeat):
            find()  # every split of the unchanged accidents remembered
            changed = list(given)
            i = pool[(k * 7919) % len(pool)]
            changed[i] = changed[i]._replace(injured=changed[i].injured + 1)
            start = time.perf_counter()
            found = find(changed)
            times.append((time.perf_counter() - start) * 1000)
            forget()
            assert found == find(changed), "a remembered split gave other spots than splitting afresh"
        return statistics.median(times)

    inside_ms, outside_ms = changed_ms(True), changed_ms(False)
    kept_ms, _ = median_ms(lambda: black_spot_list(user=user, unit=unit, period=period), args.repeat)

    def show(value):
        return "—" if value is None else f"{value:.1f} ms"

    print(f"database: {connection.vendor}; {unit.code} {unit.name}, {args.year}: {len(rows):,} traffic accidents, "
          f"{result.considered:,} located in the window, {len(result.spots)} black spots; "
          f"{len(split_clusters)} clusters split, the largest {len(largest):,} accidents; "
          f"load {os.getloadavg()[0]:.1f}; median of {args.repeat}")  # fmt: skip
    print("| step | median |")
    print("|---|---|")
    print(f"| read the accidents (ORM) | {read_ms:.1f} ms ({read_ms / floor_ms:.1f}× the driver's {floor_ms:.1f} ms) |")
    print(f"| find afresh | {afresh_ms:.1f} ms |")
    print(f"| find again, accidents unchanged (every split remembered) | {remembered_ms:.1f} ms |")
    print(f"| find again, one accident changed in the largest split cluster | {show(inside_ms)} |")
    print(f"| find again, one accident changed outside the split clusters | {show(outside_ms)} |")
    print(f"| black_spot_list with its result kept (read + digest + cache) | {kept_ms:.1f} ms |")


if __name__ == "__main__":
    main()
