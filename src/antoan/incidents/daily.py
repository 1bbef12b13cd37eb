"""Daily totals of the whole registry (models.DailyTotal), kept exact by recomputing a day from the incidents.

Every service that writes incidents calls `daily_totals_refresh` with the local days it touched (both days when
a record moves), inside its transaction and after its writes: the day's rows are deleted and counted again
from the incidents. Recounting rather than adding deltas means a day is right after any write to it, whatever
was there before. Only live incidents count: deleting or restoring one (a write like any other) recounts its day.
On PostgreSQL a transaction-scoped advisory lock per day (taken in day order) makes two
writers of the same day recount one after the other, so neither misses the other's record; SQLite has one
writer at a time anyway.

`daily_totals_rebuild` recounts everything (after a bulk load that bypassed the services, e.g.
bench/generate.py, or from the migration that created the table).
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from antoan.incidents.models import GROUPED_COLUMNS, SUMMED_COLUMNS, DailyTotal, Incident

GROUPED, SUMMED = GROUPED_COLUMNS, SUMMED_COLUMNS
LOCK_CLASS = 0x44_41_59  # "DAY": the first key of the advisory locks, so they cannot clash with other uses
REBUILD_DAYS = 31  # days recounted per statement by the rebuild


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def daily_totals_refresh(days: Iterable[date]) -> None:
    days = sorted(set(days))
    if not days:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, d) FROM unnest(%s::int[]) AS d ORDER BY d",
                    [LOCK_CLASS, [day.toordinal() for day in days]],
                )
        DailyTotal.objects.filter(day__in=days).delete()
        DailyTotal.objects.bulk_create(_count(_on_days(days)), batch_size=2000)


def daily_totals_rebuild(incidents=Incident, totals=DailyTotal) -> int:
    """Recount every day; returns the number of rows written. (A migration passes its historical models.)"""
    with transaction.atomic():
        totals.objects.all().delete()
        span = _live(incidents).order_by().values_list("occurred_at", flat=True)
        first, last = span.order_by("occurred_at").first(), span.order_by("-occurred_at").first()
        if first is None:
            return 0
        written, day, end = 0, local_day(first), local_day(last)
        while day <= end:
            chunk = [day + timedelta(days=i) for i in range(min(REBUILD_DAYS, (end - day).days + 1))]
            rows = _count(_on_days(chunk), incidents, totals)
            totals.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
            day = chunk[-1] + timedelta(days=1)
        return written


def _on_days(days: list[date]) -> Q:
    """Incidents of these local days, as one range per run of consecutive days."""
    q, run_start = Q(pk__in=[]), days[0]
    for previous, day in zip(days, [*days[1:], None], strict=True):
        if day is None or day != previous + timedelta(days=1):
            q |= Q(occurred_at__gte=_midnight(run_start), occurred_at__lt=_midnight(previous + timedelta(days=1)))
            run_start = day
    return q


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _live(incidents):
    """Every live incident (a deleted one counts nowhere). Through `_base_manager`-like plain managers too: a
    migration's historical model has no soft-delete manager (and, before incidents 0006, no deleted_at)."""
    rows = incidents._base_manager.all()
    if any(f.name == "deleted_at" for f in incidents._meta.get_fields()):
        rows = rows.filter(deleted_at__isnull=True)
    return rows


def _count(on_days: Q, incidents=Incident, totals=DailyTotal) -> list[DailyTotal]:
    rows = (
        _live(incidents)
        .filter(on_days)
        .annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_default_timezone()))
        .values("day", *GROUPED)
        .annotate(n=Count("pk"), **{f"_{field}": Sum(field) for field in SUMMED})
        .order_by()
    )
    return [
        totals(day=row["day"], n=row["n"], **{f: row[f] for f in GROUPED}, **{f: row[f"_{f}"] or 0 for f in SUMMED})
        for row in rows
    ]
