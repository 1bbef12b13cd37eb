"""Faults: the process doing an import or a report batch is killed (SIGKILL, no clean-up) half-way, and on
restart nothing is half-written.

Each test runs the real `antoan` command in a subprocess against its own migrated database (SQLite file when the
suite runs on SQLite; a throwaway PostgreSQL database, antoan_h_faults_<run>, when it runs on PostgreSQL), watches the
database from here until the work is visibly under way, kills the process, then checks what is left and runs the
work again.

- Import from the command line, all or nothing: the file is one transaction, so after the kill none of its rows exist.
- Import from the command line, per batch: every batch of BATCH_SIZE rows is committed on its own, so what landed is
  exactly the file's first whole batches (by external id, each once); what the command reported as written is inside
  that. Running the file again updates those rows instead of duplicating them and gives every row exactly once.
- Upload imported by `antoan worker` (the task framework, database backend): the worker is killed; the next worker
  finds the job RUNNING with its run lock free and marks it failed, naming exactly the rows written (per batch) or
  none (all or nothing); the dead task is marked failed too, not left "running".
- Report batch from the command line, or in `antoan worker`: the folder holds only whole files (temporary name +
  rename), `done` names exactly the children written; `--resume`, or the next worker, finishes the job, and every
  child's documents are in the ZIP exactly once and open.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from django.conf import settings

from antoan.core.tests.needs import missing
from antoan.core.tests.run import RUN_ID

PG_SERVER = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = f"antoan_h_faults_{RUN_ID}"
ROWS = 4000
BATCH_SIZE = 500  # antoan.incidents.transfer.BATCH_SIZE
UNIT = "00004"  # Phường Ba Đình (current)
BATCH_UNIT = "06"  # Tỉnh Bắc Kạn before 01/07/2025: 8 districts
WAIT = 45  # seconds for a run to show progress


def _vendor() -> str:
    return "postgresql" if "postgres" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as admin:
        admin.execute(sql)


class Peer:
    """antoan in subprocesses, with its own database and folders; `query` reads that database directly."""

    def __init__(self, home: Path, *, pg_name: str = PG_NAME, **env):
        self.home = home
        self.pg_name = pg_name
        if _vendor() == "postgresql":
            try:
                _postgres_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
                _postgres_admin(f"CREATE DATABASE {pg_name}")
            except Exception as exc:  # noqa: BLE001 — any failure to reach the server
                missing(f"PostgreSQL is not reachable at {PG_SERVER} ({str(exc).strip()[:120]})")
            self.url = PG_SERVER.rsplit("/", 1)[0] + "/" + pg_name
        else:
            self.url = f"sqlite:///{home / 'faults.sqlite3'}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ANTOAN_")}
        self.env.update(DATABASE_URL=self.url, ANTOAN_HOME=str(home), DJANGO_SETTINGS_MODULE="antoan.settings",
                        ANTOAN_IMPORT_DIR=str(home / "imports"), ANTOAN_TIP_PHOTO_DIR=str(home / "photos"),
                        ANTOAN_REPORT_BATCH_DIR=str(home / "batches"), DEBUG="0",
                        ANTOAN_TASKS_BACKEND="database", ANTOAN_REPORT_BATCH_PDF_CHUNK="2")  # fmt: skip
        self.env.update(env)
        cli = Path(sys.executable).with_name("antoan")
        self.cli = [str(cli)] if cli.exists() else [sys.executable, "-m", "antoan.cli"]

    def antoan(self, *args, check=True) -> subprocess.CompletedProcess:
        done = subprocess.run([*self.cli, *args], env=self.env, capture_output=True, text=True, timeout=300,
                              cwd=self.home)  # fmt: skip
        if check and done.returncode:
            pytest.fail(f"antoan {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def python(self, code: str) -> subprocess.CompletedProcess:
        return self.run_python(code, wait=True)

    def run_python(self, code: str, *, wait: bool):
        args = [sys.executable, "-c", f"import django; django.setup()\n{code}"]
        if not wait:
            return self._popen(args)
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=300, cwd=self.home)
        if done.returncode:
            pytest.fail(f"{code}\n→ {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, *args) -> subprocess.Popen:
        return self._popen([*self.cli, *args])

    def _popen(self, args) -> subprocess.Popen:
        return subprocess.Popen(args, env=self.env, cwd=self.home, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip

    def query(self, sql: str, params=()) -> list[tuple]:
        """Read (or write, autocommit) the peer's database as any other client would."""
        if _vendor() == "postgresql":
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as db:
                cursor = db.execute(sql.replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        db = sqlite3.connect(self.home / "faults.sqlite3", timeout=30, isolation_level=None)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def drop(self) -> None:
        if _vendor() == "postgresql":
            _postgres_admin(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    home = tmp_path_factory.mktemp("faults")
    peer = Peer(home)
    try:
        peer.antoan("migrate", "-v", "0")
        peer.antoan("units", "load")
        yield peer
    finally:
        peer.drop()


def kill_when(process: subprocess.Popen, ready, what: str):
    """SIGKILL the process as soon as `ready()` gives a true value (which is returned)."""
    deadline = time.monotonic() + WAIT
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"{what} ended (rc {process.returncode}) before it could be killed\n{out!r}\n{err!r}")
            seen = ready()
            if seen:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
                return seen
            time.sleep(0.02)
        pytest.fail(f"{what} showed no progress in {WAIT} s")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


# Imports -------------------------------------------------------------------------------------------------------


def incident_file(path: Path, prefix: str) -> list[str]:
    ids = [f"{prefix}-{i:06d}" for i in range(ROWS)]
    lines = ["external_id,kind,unit_code,occurred_at,summary,dead,injured"]
    lines += [f"{eid},traffic,{UNIT},15/03/2026 08:00,Va chạm {eid},0,1" for eid in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def landed(peer: Peer, prefix: str) -> list[str]:
    rows = peer.query("SELECT external_id FROM incidents_incident WHERE external_id LIKE ?", (f"{prefix}-%",))
    return [eid for (eid,) in rows]


def test_an_import_killed_half_way_keeps_whole_batches_only_and_running_it_again_gives_each_row_once(peer):
    source = peer.home / "per-batch.csv"
    ids = incident_file(source, "PB")
    process = peer.start("import", "incidents", str(source))

    def some_batches():
        count = len(landed(peer, "PB"))
        return count if 2 * BATCH_SIZE <= count < ROWS else 0

    count = kill_when(process, some_batches, "the import")
    assert 0 < count < ROWS

    after = landed(peer, "PB")  # a new client: SQLite rolls a hot journal back, PostgreSQL aborted the transaction
    assert len(after) == len(set(after)), "a row was written twice"
    assert len(after) % BATCH_SIZE == 0 and 0 < len(after) < ROWS, f"{len(after)} rows: a batch was half written"
    assert sorted(after) == ids[: len(after)], "what landed is not the file's first whole batches"

    again = peer.antoan("import", "incidents", str(source))
    kept = len(after)
    assert f"{ROWS} rows: {ROWS - kept} created, 0 updated, {kept} unchanged, 0 rejected" in again.stdout
    final = landed(peer, "PB")
    assert sorted(final) == ids


def writing_in_one_transaction(peer: Peer) -> bool:
    """An all-or-nothing import has written rows in its one transaction, not yet committed. PostgreSQL: the rows are
    not visible outside the transaction, but the lock of its first INSERT is — the test kills at once, for a 4,000-row
    import commits about a second later (a pause here once let it commit first). SQLite: its write lock is held."""
    if _vendor() == "postgresql":
        rows = peer.query(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'incidents_incident' AND l.mode = 'RowExclusiveLock' AND l.granted"
        )
        return rows[0][0] > 0
    # In WAL mode (settings) the uncommitted rows may all sit in the writer's cache; its write lock is what shows.
    db = sqlite3.connect(peer.home / "faults.sqlite3", timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:  # "database is locked": the import's transaction holds the write lock
        return True
    finally:
        db.close()


def test_an_all_or_nothing_import_killed_half_way_leaves_none_of_its_rows(peer):
    source = peer.home / "all-or-nothing.csv"
    ids = incident_file(source, "AN")
    process = peer.start("import", "incidents", str(source), "--all-or-nothing")
    kill_when(process, lambda: writing_in_one_transaction(peer), "the all-or-nothing import")
    assert landed(peer, "AN") == []

    again = peer.antoan("import", "incidents", str(source), "--all-or-nothing")
    assert f"{ROWS} rows: {ROWS} created, 0 updated, 0 unchanged, 0 rejected" in again.stdout
    assert sorted(landed(peer, "AN")) == ids


QUEUE_UPLOAD = """
from django.core.files.uploadedfile import SimpleUploadedFile
from antoan.accounts.services import system_user
from antoan.incidents.jobs import import_job_start
upload = SimpleUploadedFile("upload.csv", open({path!r}, "rb").read(), content_type="text/csv")
print(import_job_start(user=system_user(), uploaded=upload, all_or_nothing={all_or_nothing!r}).pk)
"""


def import_row(peer: Peer, pk: int) -> dict:
    ((state, processed, message, task_id),) = peer.query(
        "SELECT state, processed_rows, message_en, task_id FROM incidents_importjob WHERE id = ?", (pk,)
    )
    return {"state": state, "processed": processed, "message": message, "task_id": task_id}


def task_status(peer: Peer, task_id: str) -> tuple[str, str]:
    """The task's status and exception class, as the database backend keeps them."""
    task_id = task_id if _vendor() == "postgresql" else task_id.replace("-", "")  # SQLite keeps UUIDs as hex
    ((status, exception),) = peer.query(
        "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult WHERE id = ?", (task_id,)
    )
    return status, exception


def queue_upload(peer: Peer, source: Path, *, all_or_nothing: bool) -> int:
    code = QUEUE_UPLOAD.format(path=str(source), all_or_nothing=all_or_nothing)
    pk = int(peer.python(code).stdout.strip())
    assert import_row(peer, pk)["state"] == "queued"  # queued for a worker, nothing run here
    return pk


def test_an_upload_whose_worker_is_killed_half_way_is_marked_cut_short_naming_the_rows_written(peer):
    """The upload page's path: an ImportJob run by `antoan worker`, which is killed. The job must not say
    "running" for ever: the next worker finds its run lock free and marks it failed, naming exactly the file's rows
    that were written; the task the dead worker held is marked failed as well."""
    source = peer.home / "upload.csv"
    ids = incident_file(source, "UJ")
    pk = queue_upload(peer, source, all_or_nothing=False)
    worker = peer.start("worker", "--interval", "0.2")

    def progress():
        row = import_row(peer, pk)
        return row if row["state"] == "running" and 2 * BATCH_SIZE <= row["processed"] < ROWS else None

    cut = kill_when(worker, progress, "the worker importing the upload")
    processed = import_row(peer, pk)["processed"]
    assert import_row(peer, pk)["state"] == "running"  # nobody could tell the job its worker was killed
    assert sorted(landed(peer, "UJ")) == ids[:processed], "the job's figure and the rows written disagree"
    assert task_status(peer, cut["task_id"])[0] == "RUNNING"

    peer.antoan("worker", "--burst")  # a new worker: its first look finds the job cut short
    job = import_row(peer, pk)
    assert job["state"] == "failed" and job["processed"] == processed
    assert f"rows 2–{processed + 1} were written" in job["message"]
    assert task_status(peer, cut["task_id"]) == ("FAILED", "antoan.core.background.WorkerLost")
    assert sorted(landed(peer, "UJ")) == ids[:processed]  # and nothing was run again by itself

    again = queue_upload(peer, source, all_or_nothing=False)  # the user imports the file again
    peer.antoan("worker", "--burst")
    assert import_row(peer, again)["state"] == "done"
    assert task_status(peer, import_row(peer, again)["task_id"])[0] == "SUCCESSFUL"
    assert sorted(landed(peer, "UJ")) == ids


def test_an_all_or_nothing_upload_whose_worker_is_killed_leaves_none_of_its_rows_and_says_so(peer):
    source = peer.home / "upload-all.csv"
    ids = incident_file(source, "UA")
    pk = queue_upload(peer, source, all_or_nothing=True)
    worker = peer.start("worker", "--interval", "0.2")
    # The job running and a write lock held: the import's one transaction — not the worker claiming the task (a
    # write too, on SQLite the same lock), after which the job would still say "queued".
    importing = lambda: import_row(peer, pk)["state"] == "running" and writing_in_one_transaction(peer)  # noqa: E731
    kill_when(worker, importing, "the worker importing all or nothing")
    assert landed(peer, "UA") == []
    peer.antoan("worker", "--burst")
    job = import_row(peer, pk)
    assert job["state"] == "failed" and "no row was written" in job["message"]
    assert landed(peer, "UA") == []

    again = queue_upload(peer, source, all_or_nothing=True)
    peer.antoan("worker", "--burst")
    assert import_row(peer, again)["state"] == "done" and sorted(landed(peer, "UA")) == ids


# Report batches ------------------------------------------------------------------------------------------------


def batch_row(peer: Peer, pk: int) -> tuple[str, list, str, str]:
    state, done, work_dir, zip_path = peer.query(
        "SELECT state, done, work_dir, zip_path FROM reports_batchjob WHERE id = ?", (pk,)
    )[0]
    return state, done if isinstance(done, list) else json.loads(done), work_dir, zip_path


def assert_whole_and_once(peer: Peer, work: Path, zip_path: str, formats: tuple[str, ...]) -> None:
    """Every child's document in each format is in the folder and in the ZIP exactly once, and opens."""
    for fmt in formats:
        documents = sorted(work.glob(f"*.{fmt}"))
        assert len(documents) == 8, (fmt, documents)
        for path in documents:
            if fmt == "docx":
                docx.Document(str(path))
            else:
                assert path.read_bytes().startswith(b"%PDF") and path.read_bytes().rstrip().endswith(b"%%EOF")
    assert not (work / ".partial").exists()
    assert not [p for p in (peer.home / "batches").rglob("*") if p.name.endswith(".tmp")]
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert len(names) == len(set(names)) == 8 * len(formats) + 2  # + MANIFEST.txt and manifest.csv
        for fmt in formats:
            assert sorted(n for n in names if n.endswith(f".{fmt}")) == [p.name for p in sorted(work.glob(f"*.{fmt}"))]
        assert "Đã lập / written: 8/8" in archive.read("MANIFEST.txt").decode()


def test_a_report_batch_killed_half_way_resumes_and_leaves_every_document_whole_and_once(peer):
    process = peer.start("report", "batch", "--unit", BATCH_UNIT, "--on", "2025-06-30", "--year", "2020",
                         "--formats", "docx")  # fmt: skip

    def two_done():
        rows = peer.query("SELECT id FROM reports_batchjob ORDER BY id DESC")
        if rows:
            state, done, _, _ = batch_row(peer, rows[0][0])
            return rows[0][0] if state == "running" and 2 <= len(done) else None
        return None

    pk = kill_when(process, two_done, "the batch")
    state, done, work_dir, _ = batch_row(peer, pk)
    work = Path(work_dir)
    assert state == "running"  # nobody could tell the job it was killed
    written = sorted(p.name for p in work.glob("*.docx"))
    assert len(written) >= len(done)  # a child may be written but not yet recorded: it is written again
    for path in work.glob("*.docx"):
        docx.Document(str(path))  # a whole file: the folder never holds a half-written one

    # Its run lock went with the process: no waiting for a heartbeat to grow old.
    resumed = peer.antoan("report", "batch", "--resume", str(pk))
    assert f"{len(done)}/8" in resumed.stdout and "8/8" in resumed.stdout
    state, final, _, zip_path = batch_row(peer, pk)
    assert state == "done" and len(final) == len(set(final)) == 8 and final[: len(done)] == done
    assert_whole_and_once(peer, work, zip_path, ("docx",))


QUEUE_BATCH = """
from datetime import date
from antoan.accounts.services import system_user
from antoan.indicators.periods import period_parse
from antoan.reports.jobs import batch_start
from antoan.units.selectors import unit_for_code
unit = unit_for_code(code={unit!r}, day=date(2025, 6, 30))
print(batch_start(user=system_user(), unit=unit, period=period_parse("2020"), kind="annual", formats={formats!r}).pk)
"""


def test_a_worker_killed_mid_batch_is_followed_by_one_that_finishes_it_with_every_document_once(peer):
    """The batch page's path: `antoan worker` writes the batch (DOCX and PDF, two children to a LibreOffice run),
    is killed with SIGKILL after two children; a new worker resumes it from `done`: the ZIP is whole and holds every
    document exactly once."""
    pk = int(peer.python(QUEUE_BATCH.format(unit=BATCH_UNIT, formats="docx,pdf")).stdout.strip())
    assert batch_row(peer, pk)[0] == "queued"
    ((first_task,),) = peer.query("SELECT task_id FROM reports_batchjob WHERE id = ?", (pk,))
    worker = peer.start("worker", "--interval", "0.2")

    def two_done():
        state, done, _, _ = batch_row(peer, pk)
        return done if state == "running" and 2 <= len(done) < 8 else None

    kill_when(worker, two_done, "the worker writing the batch")
    state, done, work_dir, _ = batch_row(peer, pk)
    work = Path(work_dir)
    assert state == "running" and len(done) < 8
    for path in work.glob("*.docx"):
        docx.Document(str(path))  # whole files only, even for the children not recorded yet
    assert task_status(peer, first_task)[0] == "RUNNING"

    peer.antoan("worker", "--burst")  # a new worker: it finds the batch cut short, queues it again and runs it
    state, final, _, zip_path = batch_row(peer, pk)
    assert state == "done" and len(final) == len(set(final)) == 8 and final[: len(done)] == done
    assert task_status(peer, first_task) == ("FAILED", "antoan.core.background.WorkerLost")
    ((second_task,),) = peer.query("SELECT task_id FROM reports_batchjob WHERE id = ?", (pk,))
    assert second_task != first_task and task_status(peer, second_task)[0] == "SUCCESSFUL"
    assert_whole_and_once(peer, work, zip_path, ("docx", "pdf"))


@pytest.mark.django_db
def test_an_import_whose_run_holds_its_lock_is_left_running_and_one_whose_lock_is_free_is_cut_short(
    django_user_model,
):
    from antoan.core.runlock import run_lock
    from antoan.incidents.jobs import import_job_get, import_job_recover
    from antoan.incidents.models import ImportJob

    user = django_user_model.objects.create(username="faults")
    alive = ImportJob.objects.create(user=user, file_name="a.csv", stored_path="a", state="running",
                                     processed_rows=500)  # fmt: skip
    gone = ImportJob.objects.create(user=user, file_name="b.csv", stored_path="b", state="running",
                                    all_or_nothing=True)  # fmt: skip
    with run_lock(f"incident-import-{alive.pk}") as held:  # its run, alive (in "another process")
        assert held and not import_job_recover(alive)
        job = import_job_get(user=user, pk=gone.pk)  # what the page's poll does
        assert job.state == "failed" and job.finished_at is not None
        assert "Lần nhập bị ngắt giữa chừng" in job.message_vi and "no row was written" in job.message_en
        assert not import_job_recover(job)  # once
    alive.refresh_from_db()
    assert alive.state == "running"
    assert import_job_recover(alive)  # its run is gone now
    alive.refresh_from_db()
    assert alive.state == "failed" and "rows 2–501 were written" in alive.message_en
