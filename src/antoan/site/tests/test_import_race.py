"""Two imports of the same external ids at once (#27, item 3): on PostgreSQL, with real connections, the second one's
insert waits on the first one's uncommitted record, then meets the unique constraint — the import must judge those
rows again (they now update the other import's record), never fail with a system error nor double a record.

SQLite has one writer at a time: there a second import waits for the whole first one, so the race cannot happen."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from antoan.accounts.models import Role
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.incidents.tests.test_transfer import HEADER, write_csv
from antoan.incidents.transfer import import_incidents
from antoan.movement import record_types as rt
from antoan.movement.records.services import record_create
from antoan.movement.records.transfer import import_records

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race of two writers: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def ham_thuan(loaded_units, unit):
    return unit("23059")  # Xã Hàm Thuận


@pytest.fixture
def officer(make_user, ham_thuan):
    return make_user(Role.OFFICER, ham_thuan)


def _other_import_holds(write, written: threading.Event, commit: threading.Event):
    """Another import's batch: its records are written, its transaction not yet committed."""
    try:
        with transaction.atomic():
            write()
            written.set()
            assert commit.wait(30)
    finally:
        connections.close_all()


def _race(write_other, run_this) -> dict:
    """Start the other import and hold it; run this one until it waits on the other's rows; let the other commit.
    Returns this import's report (or the error it raised)."""
    written, commit = threading.Event(), threading.Event()
    other = threading.Thread(target=_other_import_holds, args=(write_other, written, commit))
    other.start()
    assert written.wait(30)
    outcome = {}

    def this_import():
        try:
            outcome["report"] = run_this()
        except Exception as exc:  # what the import job (or the page) would show as a system error
            outcome["error"] = exc
        finally:
            connections.close_all()

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        before = {pid for (pid,) in cursor.fetchall()}
    mine = threading.Thread(target=this_import)
    mine.start()
    met = _waiting_on_a_lock(before)
    commit.set()
    other.join(30)
    mine.join(60)
    assert met, "this import never met the other import's rows"
    assert "error" not in outcome, outcome.get("error")
    return outcome["report"]


def _waiting_on_a_lock(backends_before: set[int], timeout: float = 20) -> bool:
    """True once a connection opened by this test waits on a row or index lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = "
                           "current_database()")  # fmt: skip
            if {pid for (pid,) in cursor.fetchall()} - backends_before:
                return True
        time.sleep(0.05)
    return False


def test_imports_racing_others_on_the_same_ids_update_their_records(officer, ham_thuan, tmp_path):
    """Incidents in batches (kept batch by batch, then all or nothing), and a movement register row by row. One test:
    each transactional test costs a flush and a reload of the units."""
    for all_or_nothing, ids in ((False, ("R1", "R2", "R3")), (True, ("S1", "S2", "S3"))):
        first, second, third = ids
        path = write_csv(tmp_path, f"{HEADER}\n{first},traffic,,23059,2026-03-01,,,,Va chạm,,1,1\n"
                                   f"{second},traffic,,23059,2026-03-02,,,,Va chạm,,0,2\n"
                                   f"{third},traffic,,23059,2026-03-03,,,,Va chạm,,0,1\n")  # fmt: skip

        def other(taken=(first, third)):
            for external_id in taken:
                incident_create(user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, 3, 1, 8),
                                summary="Va chạm (nhập khác)", dead=0, injured=1, external_id=external_id)  # fmt: skip

        report = _race(other, lambda path=path, whole=all_or_nothing: import_incidents(user=officer, path=path,
                                                                                   all_or_nothing=whole))
        assert report.rejected == []
        assert (report.created, report.updated, report.unchanged) == (1, 2, 0)  # the other's two updated, one new
        rows = {i.external_id: (i.dead, i.injured, i.summary) for i in Incident.objects.filter(external_id__in=ids)}
        assert rows == {first: (1, 1, "Va chạm"), second: (0, 2, "Va chạm"), third: (0, 1, "Va chạm")}  # no double

    path = tmp_path / "mo-hinh.csv"
    path.write_text("unit_code,name,model_type,started_on,places,teams,members,external_id\n"
                    "23059,Tổ tự quản thôn 1,self_managed,2026-02-01,Thôn 1,2,12,M1\n"
                    "23059,Tổ tự quản thôn 2,self_managed,2026-02-01,Thôn 2,1,8,M2\n", encoding="utf-8")  # fmt: skip

    def other_models():
        record_create(rt.MODELS, user=officer, unit=ham_thuan, name="Tổ tự quản thôn 1 (nhập khác)",
                      model_type="self_managed", started_on="2026-02-01", places="Thôn 1", teams=1, members=5,
                      external_id="M1")  # fmt: skip

    report = _race(other_models, lambda: import_records(rt.MODELS, user=officer, path=path))
    assert report.rejected == [] and (report.created, report.updated) == (1, 1)
    assert dict(rt.MODELS.model.objects.values_list("external_id", "members")) == {"M1": 12, "M2": 8}
