"""The daily totals (incidents/daily.py) stay equal to the incidents they count, whatever the services write."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from antoan.accounts.models import Membership, Role, User
from antoan.core.history_guard import history_deletion_allowed
from antoan.incidents.daily import GROUPED, SUMMED, daily_totals_rebuild, daily_totals_refresh
from antoan.incidents.models import DailyTotal, Incident
from antoan.incidents.services import (
    incident_create,
    incident_create_many,
    incident_delete,
    incident_merge_duplicate,
    incident_update,
)
from antoan.incidents.tests.conftest import HAM_THUAN, local


def _recount() -> Counter:
    """The totals walked from the incidents in Python: (day, kind, category, severity, solved, figure) → value."""
    totals = Counter()
    for incident in Incident.objects.all():
        key = (timezone.localtime(incident.occurred_at).date(), *(getattr(incident, f) for f in GROUPED))
        totals[(*key, "n")] += 1
        for field in SUMMED:
            totals[(*key, field)] += getattr(incident, field) or 0
    return +totals  # zero entries dropped


def _stored() -> Counter:
    totals = Counter()
    for row in DailyTotal.objects.all():
        key = (row.day, *(getattr(row, f) for f in GROUPED))
        for field in ("n", *SUMMED):
            assert (*key, field) not in totals, "a combination is stored twice"
            totals[(*key, field)] += getattr(row, field)
    return +totals


def test_every_write_of_the_services_keeps_the_daily_totals_exact(officer, ham_thuan, traffic_fields):
    admin = officer
    items = [
        {"unit": ham_thuan, **traffic_fields(occurred_at=local(2026, 3, day, 23, 30), dead=day % 2, injured=day)}
        for day in range(1, 6)
    ] + [{"unit": ham_thuan, "kind": "crime", "occurred_at": local(2026, 3, 2, 0, 10), "summary": "Trộm cắp",
          "category": "social_order", "solved": True, "suspects": 2}]  # fmt: skip
    created = incident_create_many(user=admin, items=items)
    assert all(isinstance(i, Incident) for i in created)
    assert _stored() == _recount() and _stored()  # 23:30 local is the same local day, not the next UTC one

    moved, _ = incident_update(user=admin, incident=created[0], occurred_at=local(2026, 4, 1, 8), dead=3)
    assert _stored() == _recount()
    assert not DailyTotal.objects.filter(day=local(2026, 3, 1).date()).exists()  # the day it left is emptied

    incident_delete(user=admin, incident=created[1], reason="nhập nhầm")
    assert _stored() == _recount()

    first = incident_create(user=admin, unit=ham_thuan, **traffic_fields(occurred_at=local(2026, 5, 1, 7), dead=0))
    second = incident_create(user=admin, unit=ham_thuan, **traffic_fields(occurred_at=local(2026, 5, 1, 7), dead=0))
    assert second.duplicate_of_id == first.pk
    assert DailyTotal.objects.get(day=local(2026, 5, 1).date()).n == 2
    incident_merge_duplicate(user=admin, incident=second)
    assert _stored() == _recount()
    assert DailyTotal.objects.get(day=local(2026, 5, 1).date()).n == 1

    kept = _stored()
    DailyTotal.objects.all().delete()
    assert daily_totals_rebuild() == len({key[:-1] for key in kept if key[-1] == "n"})
    assert _stored() == kept


def test_two_officers_writing_the_same_day_at_once_are_both_counted(db, unit, traffic_fields):
    """Four transactions recount the same day concurrently: on PostgreSQL the day's advisory lock makes each wait
    for the one before and then see its record (without the lock this fails most runs); SQLite has one writer at
    a time. The threads commit on their own connections; the test's transaction sees what they committed, and
    their rows are removed at the end (by another thread: this one's transaction is rolled back)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the lock under test is PostgreSQL's")
    ham_thuan, day = unit(HAM_THUAN), local(2026, 6, 1).date()
    barrier, errors, names = threading.Barrier(4), [], [f"daily.race.{i}" for i in range(4)]

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def enter(name, hour):
        officer = User.objects.create(username=name)
        Membership.objects.create(user=officer, unit=ham_thuan, role=Role.OFFICER)
        barrier.wait(timeout=20)
        fields = traffic_fields(occurred_at=local(2026, 6, 1, hour), latitude=None, longitude=None)
        incident_create(user=officer, unit=ham_thuan, **fields)

    def clean_up():
        ours = Incident.objects.filter(created_by__username__in=names)
        ids = list(ours.values_list("pk", flat=True))
        ours.delete()
        user_ids = list(User.objects.filter(username__in=names).values_list("pk", flat=True))
        daily_totals_refresh([day])
        User.objects.filter(username__in=names).delete()
        with history_deletion_allowed():  # a test's own rows, after the deletes above wrote theirs
            Incident.history.filter(id__in=ids).delete()
            User.history.filter(username__in=names).delete()
            Membership.history.filter(user_id__in=user_ids).delete()

    threads = [in_thread(lambda n=name, h=6 + i: enter(n, h)) for i, name in enumerate(names)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
        assert Incident.objects.filter(created_by__username__in=names).count() == 4
        assert DailyTotal.objects.get(day=day).n == 4
        assert _stored() == _recount()
    finally:
        cleaner = in_thread(clean_up)
        cleaner.start()
        cleaner.join(timeout=60)
