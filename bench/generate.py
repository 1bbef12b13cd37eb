"""A national-size benchmark data set: every commune of both hierarchies, ten years of incidents and the
movement's records, for bench/indicators.py.

    .venv/bin/python bench/generate.py [--incidents N] [--years 10] [--end-year 2026] [--seed S] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/antoan_bench_national .venv/bin/python bench/generate.py
    DATABASE_URL=sqlite:////tmp/antoan_bench/bench.sqlite3 .venv/bin/python bench/generate.py --incidents 1000000

It migrates, loads the administrative units (`units_load`: 10,040 legacy commune-level units, 3,321 current
communes) and generates N incidents (default 5,000,000) from 1 January of the first year to 30 November of
`--end-year`: records before 1 July 2025 belong to legacy communes, later ones to current communes, as the
services require. Without DATABASE_URL the database is a SQLite file in a temp dir (its URL is printed).
The PostgreSQL database (its name must start with antoan_bench) is dropped and re-created, and a SQLite file
(its name must contain "bench") removed, unless --keep is given (then records are added to what is there).

The spread is meant to look like the registry of a real country, not to be uniform:
- each legacy commune has a log-normal "population" weight, more for urban wards (phường) and towns (thị
  trấn); a current commune weighs what its predecessors weighed (a split commune shared among its
  successors), so figures do not jump on 1 July 2025;
- kinds: traffic accidents 45%, criminal cases 35%, social evils 15%, disasters 5%; disasters are rural,
  more in the central provinces and the northern mountains, and in the rainy months (June – November);
- hours and weekdays by kind (traffic peaks at 6-8h and 17-19h and on weekends, social evils in the
  evening), more traffic accidents around Tết, a slow decline of traffic accidents over the years;
- realistic categories, dead and injured (most traffic accidents: nobody killed, one person injured),
  damage; the severity class from the rule in force on the day
  (`severity_rule_on(day).classify(facts)`, as the services do);
- about 60% of the records have coordinates within ±0.02° of the commune's centre (so that a split old
  commune's records go to the successor they lie in).

"Through the bulk path", honestly but fast: each record gets its fields as `incident_create_many` gives them
(values of the kind's fields, severity and its source from the rule of the day, status, created_by = the
system user); `attribute_communes(batch)` — the services' own function — sets `current_commune_id` and
`legacy_commune_id` (called on ~50,000 records at a time: it makes one query per call); then the rows are
written, 5,000 at a time, with COPY on PostgreSQL and `executemany` on SQLite (RowWriter: every column of the
model, in the form Django writes it). `--orm` builds real `Incident` objects and writes them with
`Incident.objects.bulk_create(batch_size=5000)` instead: the same rows, about three times slower (building
a model instance and compiling its INSERT cost more than everything else here). What is skipped, for
speed: the validation of each value (the generator only makes valid values), the scope and period-lock
checks (the system user is a superuser and nothing is locked), the duplicate check (records are not flagged)
and the audit (history) rows; the daily totals (incidents/daily.py) are recounted once at the end.
`created_at` is the time of the load. Records are written in the order they happened, as a live registry
receives them.

Then, per commune and year, a few records of the movement — models and their inspections (the due date kept
as the services keep it), patrols, force deployments, commendations, exemplars, propaganda sessions, road
signs, response plans — and citizens' tips (besides, 1 incident in 50 came from a tip, linked to it): about
1.4 million rows, whatever N is. Models are written with bulk_create (the inspections need their keys), the
rest with the same row writer; no history rows either. `--movement 0` leaves them out, `--movement 2` makes
twice as many. Assessments are not generated.

On PostgreSQL the tables are VACUUM ANALYZEd at the end (what autovacuum does on a live database);
on SQLite they are ANALYZEd.
"""

import argparse
import math
import os
import random
import sys
import tempfile
import time
from bisect import bisect_right
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from units_load import recreate_postgres_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antoan.settings")
os.environ.setdefault("DEBUG", "0")  # no query log: millions of statements
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='antoan_bench_')) / 'bench.sqlite3'}"

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ATTRIBUTION_BATCH = 50_000
REORGANISED_ON = date(2025, 7, 1)
KINDS = ("traffic", "crime", "social_evil", "disaster")
KIND_SHARE = (0.45, 0.35, 0.15, 0.05)

# Relative frequency by hour of the day (0-23), weekday (Monday first) and month, per kind.
HOURS = {
    "traffic": [0.5, 0.35, 0.3, 0.3, 0.4, 0.9, 2.0, 2.6, 2.2, 1.3, 1.1, 1.2,
                1.2, 1.0, 1.0, 1.2, 1.6, 2.4, 2.8, 2.2, 1.6, 1.2, 0.9, 0.7],
    "crime": [1.2, 1.0, 0.8, 0.6, 0.5, 0.5, 0.6, 0.8, 1.0, 1.1, 1.1, 1.1,
              1.0, 1.0, 1.1, 1.1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.5, 1.4, 1.3],
    "social_evil": [1.5, 1.2, 0.9, 0.6, 0.4, 0.3, 0.3, 0.4, 0.6, 0.8, 0.9, 1.0,
                    1.0, 1.0, 1.0, 1.1, 1.2, 1.3, 1.5, 1.8, 2.0, 2.1, 2.0, 1.8],
    "disaster": [0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1.0, 1.0, 1.1, 1.1, 1.1, 1.1,
                 1.1, 1.2, 1.2, 1.2, 1.2, 1.1, 1.1, 1.0, 1.0, 0.9, 0.9, 0.8],
}  # fmt: skip
WEEKDAYS = {
    "traffic": [0.95, 0.93, 0.93, 0.95, 1.0, 1.12, 1.12],
    "crime": [1.0, 1.0, 1.0, 1.0, 1.02, 1.05, 1.05],
    "social_evil": [0.9, 0.9, 0.9, 0.95, 1.05, 1.2, 1.2],
    "disaster": [1.0] * 7,
}
MONTHS = {
    "traffic": [1.25, 1.2, 1.0, 1.0, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 1.0, 1.1],
    "crime": [1.1, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1],
    "social_evil": [1.3, 1.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1],
    "disaster": [0.3, 0.3, 0.4, 0.6, 1.0, 1.5, 1.8, 2.2, 2.5, 2.5, 1.8, 0.6],
}
YEARLY_TREND = {"traffic": -0.04, "crime": -0.02, "social_evil": 0.0, "disaster": 0.0}

CATEGORY_WEIGHTS = {
    "traffic": {"road": 96, "waterway": 2.5, "railway": 1.5},
    "crime": {"social_order": 55, "drugs": 20, "economic": 9, "environment": 6, "smuggling": 4, "high_tech": 5,
              "corruption": 1},
    "social_evil": {"gambling": 45, "drug_abuse": 35, "prostitution": 10, "loan_sharking": 10},
    "disaster": {"storm": 10, "tropical_depression": 5, "heavy_rain": 18, "flood": 14, "flash_flood": 5,
                 "inundation": 10, "landslide": 12, "whirlwind": 10, "lightning": 5, "hail": 2, "drought": 3,
                 "saline_intrusion": 2, "forest_fire": 3, "other": 1},
}  # fmt: skip
ROADS = [
    "Quốc lộ 1A",
    "Quốc lộ 14",
    "Quốc lộ 20",
    "Quốc lộ 5",
    "Tỉnh lộ 8",
    "Tỉnh lộ 711",
    "Đường liên xã",
    "Đường liên thôn",
    "Đường Nguyễn Trãi",
    "Đường Lê Lợi",
    "Đường Trần Hưng Đạo",
    "Đường Hùng Vương",
]
CAUSES = [
    "Không chú ý quan sát",
    "Chạy quá tốc độ",
    "Sử dụng rượu bia",
    "Đi không đúng phần đường",
    "Chuyển hướng không đúng quy định",
    "Vượt không đúng quy định",
    "Không nhường đường",
]
SUMMARIES = {
    "traffic": ["Va chạm giữa xe mô tô và xe mô tô", "Va chạm giữa xe mô tô và ô tô", "Ô tô tông người đi bộ",
                "Xe mô tô tự gây tai nạn", "Va chạm giữa ô tô và ô tô"],
    "crime": ["Trộm cắp tài sản", "Cố ý gây thương tích", "Cướp giật tài sản", "Lừa đảo chiếm đoạt tài sản",
              "Tàng trữ trái phép chất ma túy", "Đánh bạc", "Gây rối trật tự công cộng"],
    "social_evil": ["Phát hiện tụ điểm đánh bạc", "Phát hiện người sử dụng trái phép chất ma túy",
                    "Hoạt động cho vay nặng lãi", "Phát hiện hoạt động mại dâm"],
    "disaster": ["Mưa lớn gây ngập úng", "Lốc xoáy làm tốc mái nhà", "Sạt lở đất ven đường", "Lũ cuốn trôi tài sản"],
}  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=5_000_000, help="incidents to generate (5,000,000)")
    parser.add_argument("--years", type=int, default=10, help="years of records, up to --end-year (10)")
    parser.add_argument("--end-year", type=int, default=2026, help="the last year; it ends on 30 November (2026)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=5000, help="records per bulk_create (5000)")
    parser.add_argument("--movement", type=float, default=1.0, help="scale of the movement records (1; 0: none)")
    parser.add_argument("--orm", action="store_true", help="write incidents with bulk_create (slower)")
    parser.add_argument("--keep", action="store_true", help="keep the database and add to it")
    return parser.parse_args()


def prepare_database(keep: bool) -> None:
    url = os.environ["DATABASE_URL"]
    if keep:
        return
    if url.startswith("postgres"):
        recreate_postgres_database()
    elif url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        if path.exists():
            if "bench" not in path.name:
                sys.exit(f"refusing to remove {path}: its name does not contain 'bench' (or give --keep)")
            path.unlink()
            for suffix in ("-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)


class Communes:
    """The commune-level units of one hierarchy, with a sampling weight per kind."""

    def __init__(self, rows, weights: dict[str, np.ndarray]):
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.lat = np.array([r[1] for r in rows], dtype=float)
        self.lon = np.array([r[2] for r in rows], dtype=float)
        self.urban = np.array([r[3] for r in rows], dtype=bool)
        self.cumulative = {kind: np.cumsum(w) for kind, w in weights.items()}

    def sample(self, rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
        cumulative = self.cumulative[kind]
        return np.minimum(np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right"), len(self.ids) - 1)


def commune_weights(rng: np.random.Generator):
    """(legacy, current) Communes: log-normal population of each legacy commune, urban ones weigh more; a
    current commune gets its predecessors' weights (shared among the successors of a split one)."""
    from django.db.models import F

    from antoan.units.models import Hierarchy, Succession, Unit

    def rows(hierarchy):
        return list(
            Unit.objects.filter(hierarchy=hierarchy, commune_id=F("pk"))
            .order_by("pk")
            .values_list("pk", "latitude", "longitude", "type_name")
        )

    legacy_rows, current_rows = rows(Hierarchy.LEGACY), rows(Hierarchy.CURRENT)
    population = rng.lognormal(0.0, 0.7, len(legacy_rows))
    urban_factor = np.array([{"Phường": 2.5, "Thị trấn": 1.6}.get(r[3], 1.0) for r in legacy_rows])
    lat = np.array([r[1] or 16.0 for r in legacy_rows])
    hazard = np.where((lat > 12) & (lat < 19), 2.5, np.where(lat > 21, 1.5, 1.0))  # central coast, north
    legacy_weights = {
        "traffic": population * urban_factor,
        "crime": population * urban_factor**1.2,
        "social_evil": population * urban_factor,
        "disaster": np.sqrt(population) * hazard / urban_factor,
    }
    position = {pk: i for i, (pk, *_) in enumerate(legacy_rows)}
    current_position = {pk: i for i, (pk, *_) in enumerate(current_rows)}
    links = list(Succession.objects.values_list("predecessor_id", "successor_id"))
    fan_out: dict[int, int] = {}
    for pred, _ in links:
        fan_out[pred] = fan_out.get(pred, 0) + 1
    current_weights = {kind: np.zeros(len(current_rows)) for kind in KINDS}
    for pred, succ in links:
        if pred in position and succ in current_position:
            for kind in KINDS:
                current_weights[kind][current_position[succ]] += legacy_weights[kind][position[pred]] / fan_out[pred]
    for kind in KINDS:  # a commune no old one maps to still has records now and then
        weights = current_weights[kind]
        weights[weights == 0] = weights[weights > 0].min()

    def flag(rows_):
        return [(pk, lat_, lon_, type_name in ("Phường", "Thị trấn")) for pk, lat_, lon_, type_name in rows_]

    return Communes(flag(legacy_rows), legacy_weights), Communes(flag(current_rows), current_weights)


def day_counts(rng: np.random.Generator, n: int, first: date, last: date) -> tuple[list[date], np.ndarray]:
    """How many records of each kind on each day: a multinomial draw over days × kinds."""
    days = [first + timedelta(d) for d in range((last - first).days + 1)]
    year_noise = {y: rng.lognormal(0, 0.05) for y in range(first.year, last.year + 1)}
    disaster_years = {y: rng.lognormal(0, 0.3) for y in range(first.year, last.year + 1)}
    weights = np.empty((len(days), len(KINDS)))
    for i, day in enumerate(days):
        for k, kind in enumerate(KINDS):
            trend = (1 + YEARLY_TREND[kind]) ** (day.year - first.year)
            noise = disaster_years[day.year] if kind == "disaster" else year_noise[day.year]
            weights[i, k] = KIND_SHARE[k] * MONTHS[kind][day.month - 1] * WEEKDAYS[kind][day.weekday()] * trend * noise
    weights *= np.array(KIND_SHARE) / weights.sum(axis=0)  # seasons and trends move records, the shares stay
    counts = rng.multinomial(n, (weights / weights.sum()).ravel()).reshape(weights.shape)
    return days, counts


def choice_table(weights: dict[str, float]) -> tuple[list[str], list[float]]:
    values = list(weights)
    total = sum(weights.values())
    cumulative, running = [], 0.0
    for v in values:
        running += weights[v] / total
        cumulative.append(running)
    return values, cumulative


def pick(rnd: random.Random, table) -> str:
    values, cumulative = table
    return values[min(bisect_right(cumulative, rnd.random()), len(values) - 1)]


def lognormal_int(rnd: random.Random, median: float, sigma: float, low: int = 0) -> int:
    return max(low, int(median * math.exp(rnd.gauss(0, sigma))))


class IncidentFactory:
    """The fields of a record as incident_create_many sets them: values, severity and its source, creator."""

    def __init__(self, seed: int, user_id: int):
        from antoan.incidents.severity import severity_rule_on

        self.severity_rule_on = severity_rule_on
        self.rnd = random.Random(seed)
        self.user_id = user_id
        self.categories = {kind: choice_table(w) for kind, w in CATEGORY_WEIGHTS.items()}
        self.rules: dict[date, object] = {}
        self.today = date.today()

    def rule(self, day: date):
        rule = self.rules.get(day)
        if rule is None:
            rule = self.rules[day] = self.severity_rule_on(day)
        return rule

    def make(self, when: datetime, kind: str, unit_id: int, lat, lon, urban: bool) -> dict:
        rnd = self.rnd
        category = pick(rnd, self.categories[kind])
        day = when.date()
        age = (self.today - day).days
        status = "closed" if age > 90 and rnd.random() < 0.85 else ("processing" if rnd.random() < 0.6 else "received")
        village = f"Tổ dân phố {rnd.randint(1, 30)}" if urban else f"Thôn {rnd.randint(1, 15)}"
        fields = dict(
            kind=kind, category=category, unit_id=unit_id, occurred_at=when, latitude=lat, longitude=lon,
            address=village, summary=rnd.choice(SUMMARIES[kind]), status=status, created_by_id=self.user_id,
            updated_by_id=self.user_id,
        )  # fmt: skip
        if kind == "traffic":
            if category != "road":
                fields["category"] = category
            elif rnd.random() < 0.7:  # often left empty on the form (road is the default)
                fields["category"] = ""
            r = rnd.random()
            dead = 0 if r < 0.78 else 1 if r < 0.97 else 2 if r < 0.995 else rnd.randint(3, 6)
            r = rnd.random()
            injured = 0 if r < 0.25 else 1 if r < 0.75 else 2 if r < 0.9 else 3 if r < 0.96 else rnd.randint(4, 9)
            rate = None
            if injured and rnd.random() < 0.6:
                rate = min(1000, sum(min(100, lognormal_int(rnd, 14, 0.9, 1)) for _ in range(injured)))
            damage = None if rnd.random() < 0.3 else lognormal_int(rnd, 8_000_000, 1.2) // 100_000 * 100_000
            fields.update(
                dead=dead, injured=injured, injury_rate_total_pct=rate, property_damage_vnd=damage,
                vehicles=rnd.choice((1, 2, 2, 2, 2, 2, 2, 3)), road_name=rnd.choice(ROADS), cause=rnd.choice(CAUSES),
            )  # fmt: skip
            rule = self.rule(day)
            facts = {"dead": dead, "injured": injured, "injury_rate_total_pct": rate, "property_damage_vnd": damage}
            fields["severity"] = rule.classify(facts).code
            fields["severity_source"] = rule.source
        elif kind == "crime":
            solved = rnd.random() < (0.78 if age > 180 else 0.55)
            solved_on = None
            if solved and rnd.random() < 0.8:
                solved_on = min(day + timedelta(days=int(rnd.expovariate(1 / 20))), self.today)
            r = rnd.random()
            suspects = 1 if r < 0.55 else 2 if r < 0.8 else 3 if r < 0.9 else rnd.randint(4, 12)
            fields.update(solved=solved, solved_on=solved_on, suspects=suspects if solved or rnd.random() < 0.3 else 0)
        elif kind == "social_evil":
            low, high = {"gambling": (3, 15), "drug_abuse": (1, 3), "prostitution": (2, 4)}.get(category, (1, 5))
            fields["persons_involved"] = rnd.randint(low, high)
        else:
            r = rnd.random()
            fields.update(
                ended_at=when + timedelta(hours=rnd.randint(1, 72)),
                dead=0 if r < 0.95 else rnd.randint(1, 4),
                missing=0 if rnd.random() < 0.98 else rnd.randint(1, 3),
                injured=0 if rnd.random() < 0.85 else rnd.randint(1, 6),
                houses_damaged=lognormal_int(rnd, 6, 1.3) if rnd.random() < 0.7 else 0,
                houses_destroyed=rnd.randint(1, 5) if rnd.random() < 0.1 else 0,
                agriculture_ha=lognormal_int(rnd, 10, 1.5) if rnd.random() < 0.5 else 0,
                economic_loss_million_vnd=lognormal_int(rnd, 200, 1.5),
                recovery_support_vnd=lognormal_int(rnd, 50_000_000, 1.0) // 1_000_000 * 1_000_000
                if rnd.random() < 0.4 else None,
            )  # fmt: skip
        return fields


class RowWriter:
    """Writes saved-to-be model objects as rows: every concrete column but the key, in the form Django
    writes it (`connection.ops.adapt_*` for dates and times), `auto_now` columns set to the load time; with
    COPY on PostgreSQL, `executemany` on SQLite. The same rows `bulk_create` would write, without its
    per-value query compilation (which costs more than the rest of the generation: --orm uses it)."""

    def __init__(self, model, connection, *, as_given=()):
        from django.db import models

        self.model, self.connection = model, connection
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.auto = [
            f.name not in as_given and bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
            for f in self.fields
        ]
        ops = connection.ops
        self.adapt = []
        for f in self.fields:
            if connection.vendor == "postgresql":
                self.adapt.append(None)
            elif isinstance(f, models.DateTimeField):
                self.adapt.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                self.adapt.append(ops.adapt_datefield_value)
            else:
                self.adapt.append(None)
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.table = connection.ops.quote_name(model._meta.db_table)

    def rows(self, objects):
        from operator import attrgetter

        from django.utils import timezone

        now = timezone.now()
        values = attrgetter(*[f.attname for f in self.fields])
        auto = [i for i, a in enumerate(self.auto) if a]
        adapt = [(i, fn) for i, fn in enumerate(self.adapt) if fn is not None]
        for obj in objects:
            row = list(values(obj))
            for i in auto:
                row[i] = now
            for i, fn in adapt:
                if row[i] is not None:
                    row[i] = fn(row[i])
            yield row

    def write(self, objects) -> None:
        from django.db import transaction

        with transaction.atomic(), self.connection.cursor() as cur:
            if self.connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in self.rows(objects):
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cur.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", list(self.rows(objects)))


def generate_incidents(args, legacy: "Communes", current: "Communes", user_id: int) -> tuple[int, float]:
    """Write the incidents, day by day, in batches; return (written, seconds)."""
    from django.db import connection, transaction

    from antoan.incidents.models import Incident
    from antoan.units.reorg import attribute_communes

    rng = np.random.default_rng(args.seed)
    first, last = date(args.end_year - args.years + 1, 1, 1), date(args.end_year, 11, 30)
    days, counts = day_counts(rng, args.incidents, first, last)
    factory = IncidentFactory(args.seed, user_id)
    hour_cdf = {kind: np.cumsum(HOURS[kind]) / sum(HOURS[kind]) for kind in KINDS}
    writer = RowWriter(Incident, connection)

    # Without --orm, a record is a plain object with every column of an unsaved Incident (its defaults) and
    # the generated values: building a model instance costs more than everything else here.
    blank = Incident()
    defaults = {f.attname: getattr(blank, f.attname) for f in Incident._meta.concrete_fields}

    def record(fields: dict):
        return Incident(**fields) if args.orm else SimpleNamespace(**{**defaults, **fields})

    written, start, cpu_start, last_report = 0, time.perf_counter(), time.process_time(), 0.0
    spent = {"attribute_communes": 0.0, "write": 0.0}
    batch: list = []

    def flush():
        nonlocal written, last_report
        if not batch:
            return
        t0 = time.perf_counter()
        attribute_communes(batch)  # one query per call: called on a few weeks of records at once
        t1 = time.perf_counter()
        for i in range(0, len(batch), args.batch):
            if args.orm:
                with transaction.atomic():
                    Incident.objects.bulk_create(batch[i : i + args.batch], batch_size=args.batch)
            else:
                writer.write(batch[i : i + args.batch])
        spent["attribute_communes"] += t1 - t0
        spent["write"] += time.perf_counter() - t1
        written += len(batch)
        batch.clear()
        elapsed = time.perf_counter() - start
        if elapsed - last_report >= 10 or written == args.incidents:
            last_report = elapsed
            rate, cpu = written / elapsed, time.process_time() - cpu_start
            print(f"  incidents {written:>10,} / {args.incidents:,} {elapsed:7.0f} s {rate:8,.0f} rows/s"
                  f"  (this process's CPU {cpu:6.0f} s; load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip

    for i, day in enumerate(days):
        communes = legacy if day < REORGANISED_ON else current
        todays = []
        for k, kind in enumerate(KINDS):
            n = int(counts[i, k])
            if not n:
                continue
            where = communes.sample(rng, kind, n)
            hours = np.searchsorted(hour_cdf[kind], rng.random(n), side="right").clip(0, 23)
            minutes = rng.integers(0, 60, n)
            located = rng.random(n) < 0.6
            dlat, dlon = rng.uniform(-0.02, 0.02, n), rng.uniform(-0.02, 0.02, n)
            for j in range(n):
                c = where[j]
                lat = lon = None
                if located[j] and not math.isnan(communes.lat[c]):
                    lat, lon = round(communes.lat[c] + dlat[j], 5), round(communes.lon[c] + dlon[j], 5)
                when = datetime(day.year, day.month, day.day, int(hours[j]), int(minutes[j]), tzinfo=TZ)
                todays.append((when, kind, int(communes.ids[c]), lat, lon, bool(communes.urban[c])))
        todays.sort(key=lambda t: t[0])
        batch.extend(record(factory.make(*today)) for today in todays)
        if len(batch) >= ATTRIBUTION_BATCH:
            flush()
    flush()
    took = time.perf_counter() - start
    print(f"  of the {took:.0f} s: building the records {took - sum(spent.values()):.0f} s, "
          + ", ".join(f"{key} {value:.0f} s" for key, value in spent.items()))  # fmt: skip
    return written, took


def generate_movement(args, legacy: "Communes", current: "Communes") -> dict[str, int]:
    """A few records per commune and year of each movement source; tips, some of which became incidents.
    Written every 500 communes (models with bulk_create, for their keys; the rest with RowWriter)."""
    from django.db import connection, transaction
    from django.db.models import F

    from antoan.incidents.models import Incident
    from antoan.movement import models as m
    from antoan.movement.record_types import add_months
    from antoan.portal.models import Tip

    rnd = random.Random(args.seed + 2)
    rng = np.random.default_rng(args.seed + 2)
    first, last = date(args.end_year - args.years + 1, 1, 1), min(date(args.end_year, 11, 30), date.today())
    segments = [(legacy, first, min(last, REORGANISED_ON - timedelta(1))), (current, max(first, REORGANISED_ON), last)]
    # records per commune per year
    rates = {"patrols": 4, "propaganda": 3, "signage": 1, "deployments": 0.5, "commendations": 1, "exemplars": 0.5,
             "plans": 0.3, "models": 0.3, "tips": 3}  # fmt: skip
    sources = {"patrols": m.TrafficPatrol, "propaganda": m.PropagandaSession, "signage": m.RoadSignage,
               "deployments": m.ForceDeployment, "commendations": m.Commendation, "exemplars": m.Exemplar,
               "plans": m.ResponsePlan, "inspections": m.Inspection, "tips": Tip}  # fmt: skip
    writers = {key: RowWriter(model, connection, as_given=("received_at",)) for key, model in sources.items()}
    objects: dict[str, list] = {key: [] for key in [*rates, "inspections"]}
    counts = dict.fromkeys(objects, 0)
    models_meta = []  # (model, inspection dates)
    serial = 0  # numbers names, decisions and tracking codes

    def some_day(lo: date, hi: date) -> date:
        return lo + timedelta(rnd.randint(0, (hi - lo).days))

    def flush():
        nonlocal models_meta
        with transaction.atomic():
            models = [model for model, _ in models_meta]
            m.MovementModel.objects.bulk_create(models, batch_size=args.batch)  # the inspections need their keys
            objects["models"] = models
            objects["inspections"] = [
                m.Inspection(model_id=model.pk, unit_id=model.unit_id, inspected_on=day, inspector="Công an xã",
                             rating=rnd.choices(("good", "fair", "average", "poor"), (40, 40, 15, 5))[0])
                for model, dates in models_meta for day in dates
            ]  # fmt: skip
            for key, writer in writers.items():
                for i in range(0, len(objects[key]), args.batch):
                    writer.write(objects[key][i : i + args.batch])
        for key, items in objects.items():
            counts[key] += len(items)
            items.clear()
        models_meta = []

    for communes, lo, hi in segments:
        if hi < lo:
            continue
        years = ((hi - lo).days + 1) / 365.25
        weight = np.diff(communes.cumulative["crime"], prepend=0.0)
        weight = weight / weight.mean()  # busier communes do a little more
        for c, unit_id in enumerate(communes.ids.tolist()):
            factor = args.movement * years * (0.5 + 0.5 * weight[c])
            n = {key: int(rng.poisson(rate * factor)) for key, rate in rates.items()}
            for _ in range(n["patrols"]):
                found = rnd.randint(0, 40)
                handled = rnd.randint(0, found)
                objects["patrols"].append(m.TrafficPatrol(
                    unit_id=unit_id, patrolled_on=some_day(lo, hi), hours=rnd.choice((2, 3, 4, 6, 8)),
                    violations_found=found, violations_handled=handled,
                    fines_vnd=handled * rnd.randint(2, 40) * 100_000,
                    vehicles_impounded=rnd.randint(0, handled // 3 + 1)))  # fmt: skip
            for _ in range(n["propaganda"]):
                objects["propaganda"].append(m.PropagandaSession(
                    unit_id=unit_id, held_on=some_day(lo, hi), topic=rnd.choice(m.Topic.values),
                    sessions=rnd.randint(1, 4), attendees=rnd.randint(20, 400),
                    materials=rnd.randint(0, 500)))  # fmt: skip
            for _ in range(n["signage"]):
                objects["signage"].append(m.RoadSignage(
                    unit_id=unit_id, done_on=some_day(lo, hi), repaired=rnd.randint(0, 10), installed=rnd.randint(0, 6),
                    location=rnd.choice(ROADS)))  # fmt: skip
            for _ in range(n["deployments"]):
                objects["deployments"].append(m.ForceDeployment(
                    unit_id=unit_id, deployed_on=some_day(lo, hi), officers=rnd.randint(1, 5),
                    from_body="Công an huyện" if communes is legacy else "Công an tỉnh"))  # fmt: skip
            for _ in range(n["commendations"]):
                day = some_day(lo, hi)
                individual = rnd.random() < 0.7
                serial += 1
                objects["commendations"].append(m.Commendation(
                    award=rnd.choices(m.Award.values, (2, 15, 80, 3))[0],
                    authority=rnd.choices(m.Authority.values, (1, 5, 10, 20, 60, 4))[0],
                    recipient_kind="individual" if individual else "collective",
                    recipient_name=f"Nguyễn Văn {serial}" if individual else f"Tổ tự quản số {serial}",
                    recipient_birth_year=rnd.randint(1950, 2000) if individual else None, unit_id=unit_id,
                    year=day.year, decision_number=f"{serial}/QĐ-UBND", decision_date=day))  # fmt: skip
            for _ in range(n["exemplars"]):
                serial += 1
                objects["exemplars"].append(m.Exemplar(
                    kind=rnd.choice(m.RecipientKind.values), name=f"Điển hình {serial}", unit_id=unit_id,
                    year=some_day(lo, hi).year, achievement="Tích cực tham gia phong trào"))  # fmt: skip
            for _ in range(n["plans"]):
                approved = some_day(lo, hi)
                objects["plans"].append(m.ResponsePlan(
                    unit_id=unit_id, hazard=rnd.choice(("storm", "flood", "landslide", "heavy_rain", "drought")),
                    approved_on=approved, next_review_on=add_months(approved, 12)))  # fmt: skip
            for _ in range(n["models"]):
                started = some_day(lo, hi)
                interval = rnd.choice((3, 6, 6, 12))
                serial += 1
                model = m.MovementModel(
                    name=f"Mô hình tự quản {serial}", model_type=rnd.choice(m.ModelType.values), unit_id=unit_id,
                    started_on=started, teams=rnd.randint(1, 10), members=rnd.randint(5, 80),
                    status=rnd.choices(m.ModelStatus.values, (85, 5, 10))[0],
                    inspection_interval_months=interval)  # fmt: skip
                dates, day = [], started
                while True:  # inspected about on time; now and then late, or forgotten for months
                    day = add_months(day, interval) + timedelta(rnd.randint(-20, 45 if rnd.random() < 0.8 else 200))
                    if day > hi:
                        break
                    dates.append(day)
                # as the services keep it: the last inspection (or the start) plus the interval
                model.next_inspection_due = add_months(dates[-1] if dates else started, interval)
                models_meta.append((model, dates))
            for _ in range(n["tips"]):
                received = datetime.combine(some_day(lo, hi), datetime.min.time(), TZ)
                objects["tips"].append(tip(rnd, unit_id, received + timedelta(minutes=rnd.randint(360, 1320)), None))
            if c % 500 == 499:
                flush()
        flush()
    # 2% of the incidents came from a citizen's tip (one in 50, by key): the tip is linked to its record.
    converted = Incident.objects.annotate(r=F("pk") % 50).filter(r=0).values_list("pk", "unit_id", "occurred_at")
    for incident_id, unit_id, occurred in converted.iterator(5000):
        objects["tips"].append(tip(rnd, unit_id, occurred + timedelta(minutes=rnd.randint(5, 120)), incident_id))
        if len(objects["tips"]) >= 50_000:
            flush()
    flush()
    return counts


def tip(rnd: random.Random, unit_id: int, received: datetime, incident_id):
    from antoan.portal.models import Tip
    from antoan.portal.services import CODE_ALPHABET, CODE_LENGTH

    converted = incident_id is not None
    status = "handled" if converted else rnd.choices(("received", "processing", "handled", "not_actionable"),
                                                     (5, 10, 70, 15))[0]  # fmt: skip
    first_action = None if status == "received" else received + timedelta(minutes=lognormal_int(rnd, 90, 1.0, 1))
    closed = status in ("handled", "not_actionable")
    return Tip(
        tracking_code="".join(rnd.choices(CODE_ALPHABET, k=CODE_LENGTH)),
        category=rnd.choice(("security_order", "drugs", "gambling", "loan_sharking", "traffic", "disaster", "other")),
        unit_id=unit_id, occurred_at=received - timedelta(minutes=rnd.randint(5, 600)),
        description="Người dân phản ánh", status=status, received_at=received, first_action_at=first_action,
        closed_at=first_action + timedelta(hours=rnd.randint(1, 72)) if closed else None,
        incident_id=incident_id,
    )  # fmt: skip


def finish(connection) -> float:
    start = time.perf_counter()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            connection.connection.autocommit = True
            cur.execute("VACUUM ANALYZE")
        else:
            cur.execute("ANALYZE")
    return time.perf_counter() - start


def main() -> None:
    args = parse_args()
    prepare_database(args.keep)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from antoan.accounts.services import system_user
    from antoan.units.services import units_load

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    units_load(actor=None)
    print(f"database: {connection.vendor} {os.environ['DATABASE_URL']}")
    print(f"migrate + units_load: {time.perf_counter() - start:.1f} s", flush=True)
    user = system_user()
    if connection.vendor == "sqlite":  # a bigger page cache for the generator's connection (default: 2 MB)
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -1000000")
    legacy, current = commune_weights(np.random.default_rng(args.seed))
    print(f"communes: {len(legacy.ids):,} legacy (before 1/7/2025), {len(current.ids):,} current", flush=True)

    written, seconds = generate_incidents(args, legacy, current, user.pk)
    print(f"incidents: {written:,} in {seconds:.0f} s — {written / seconds:,.0f} rows/s", flush=True)

    if args.movement > 0:
        start = time.perf_counter()
        counts = generate_movement(args, legacy, current)
        took = time.perf_counter() - start
        total = sum(counts.values())
        print(f"movement and tips: {total:,} rows in {took:.0f} s — {total / took:,.0f} rows/s: "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)  # fmt: skip
    from antoan.incidents.daily import daily_totals_rebuild

    start = time.perf_counter()
    rows = daily_totals_rebuild()  # the services keep them per write; the bulk writer above bypassed them
    print(f"daily totals: {rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
    took = finish(connection)
    print(f"{'VACUUM ANALYZE' if connection.vendor == 'postgresql' else 'ANALYZE'}: {took:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                        "pg_size_pretty(pg_total_relation_size('incidents_incident'))")  # fmt: skip
            db, table = cur.fetchone()
        print(f"size: database {db}, incidents table with its indexes {table}")
    else:
        path = Path(connection.settings_dict["NAME"])
        print(f"size: {path.stat().st_size / 1e9:.2f} GB ({path})")
    print(f"DATABASE_URL={os.environ['DATABASE_URL']}")


if __name__ == "__main__":
    main()
