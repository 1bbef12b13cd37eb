"""Faults: the process doing an import or a report batch is killed (SIGKILL, no clean-up) half-way, and on
restart nothing is half-written.

Each test runs the real `antoan` command in a subprocess against its own migrated database (SQLite file when the
suite runs on SQLite; a throwaway PostgreSQL database, antoan_h_faults_x, when it runs on PostgreSQL), watches the
database from here until the work is visibly under way, kills the process, then checks what is left and runs the
work again.

- Import, all or nothing: the file is one transaction, so after the kill none of its rows exist.
- Import, per batch: every batch of BATCH_SIZE rows is committed on its own, so what landed is exactly the file's
  first whole batches (by external id, each once); what the command reported as written is inside that. Running
  the file again updates those rows instead of duplicating them and gives every row exactly once.
- Report batch: the folder holds only whole files (temporary name + rename), `done` names exactly the children
  written, `--resume` finishes the job, and every child's DOCX is there once and opens.
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

PG_SERVER = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "antoan_h_faults_x"
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

    def __init__(self, home: Path):
        self.home = home
        if _vendor() == "postgresql":
            try:
                _postgres_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
                _postgres_admin(f"CREATE DATABASE {PG_NAME}")
            except Exception as exc:  # noqa: BLE001 — any failure to reach the server
                pytest.skip(f"PostgreSQL is not reachable at {PG_SERVER} ({str(exc).strip()[:120]})")
            self.url = PG_SERVER.rsplit("/", 1)[0] + "/" + PG_NAME
        else:
            self.url = f"sqlite:///{home / 'faults.sqlite3'}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ANTOAN_")}
        self.env.update(DATABASE_URL=self.url, ANTOAN_HOME=str(home), DJANGO_SETTINGS_MODULE="antoan.settings",
                        ANTOAN_IMPORT_DIR=str(home / "imports"), ANTOAN_TIP_PHOTO_DIR=str(home / "photos"),
                        ANTOAN_REPORT_BATCH_DIR=str(home / "batches"), DEBUG="0")  # fmt: skip
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
            _postgres_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


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


def test_an_all_or_nothing_import_killed_half_way_leaves_none_of_its_rows(peer):
    source = peer.home / "all-or-nothing.csv"
    ids = incident_file(source, "AN")
    process = peer.start("import", "incidents", str(source), "--all-or-nothing")
    if _vendor() == "postgresql":  # the rows are not visible outside the transaction: watch the server work

        def busy():
            rows = peer.query(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'incidents_incident' AND l.mode = 'RowExclusiveLock' AND l.granted"
            )
            return rows[0][0] > 0 and time.sleep(1.5) is None and process.poll() is None
    else:  # the journal grows as the one transaction writes
        journal = peer.home / "faults.sqlite3-journal"

        def busy():
            return journal.exists() and journal.stat().st_size > 200_000

    kill_when(process, busy, "the all-or-nothing import")
    assert landed(peer, "AN") == []

    again = peer.antoan("import", "incidents", str(source), "--all-or-nothing")
    assert f"{ROWS} rows: {ROWS} created, 0 updated, 0 unchanged, 0 rejected" in again.stdout
    assert sorted(landed(peer, "AN")) == ids


RUN_JOB = """
from antoan.accounts.services import system_user
from antoan.incidents.jobs import import_job_run
from antoan.incidents.models import ImportJob
job = ImportJob.objects.create(user=system_user(), file_name="upload.csv", stored_path={path!r})
print(import_job_run(job).state)
"""
RECOVER = """
import json
from antoan.incidents.jobs import import_jobs_recover
from antoan.incidents.models import ImportJob
print(json.dumps({{"recovered": import_jobs_recover(),
                  "job": list(ImportJob.objects.filter(pk={pk}).values("state", "processed_rows", "message_en"))}}))
"""


def test_an_upload_job_killed_half_way_is_marked_cut_short_naming_the_rows_written(peer):
    """The upload page's path: an ImportJob run by a process that is killed. Its row must not say "running" for
    ever: the recovery (on the job's next visit, or import_jobs_recover) finds its process gone and marks it
    failed, naming exactly the file's rows that were written."""
    source = peer.home / "upload.csv"
    ids = incident_file(source, "UJ")
    process = peer.run_python(RUN_JOB.format(path=str(source)), wait=False)

    def progress():
        rows = peer.query("SELECT id, processed_rows FROM incidents_importjob WHERE stored_path = ?", (str(source),))
        return rows[0] if rows and 2 * BATCH_SIZE <= rows[0][1] < ROWS else None

    pk, _ = kill_when(process, progress, "the upload job")
    ((state, processed),) = peer.query("SELECT state, processed_rows FROM incidents_importjob WHERE id = ?", (pk,))
    assert state == "running"
    assert sorted(landed(peer, "UJ")) == ids[:processed], "the job's figure and the rows written disagree"

    answer = json.loads(peer.python(RECOVER.format(pk=pk)).stdout)
    assert answer["recovered"] == 1
    (job,) = answer["job"]
    assert job["state"] == "failed" and job["processed_rows"] == processed
    assert f"rows 2–{processed + 1} were written" in job["message_en"]
    assert json.loads(peer.python(RECOVER.format(pk=pk)).stdout)["recovered"] == 0  # once

    assert peer.python(RUN_JOB.format(path=str(source))).stdout.strip() == "done"
    assert sorted(landed(peer, "UJ")) == ids


# Report batches ------------------------------------------------------------------------------------------------


def batch_row(peer: Peer, pk: int) -> tuple[str, list, str, str]:
    state, done, work_dir, zip_path = peer.query(
        "SELECT state, done, work_dir, zip_path FROM reports_batchjob WHERE id = ?", (pk,)
    )[0]
    return state, done if isinstance(done, list) else json.loads(done), work_dir, zip_path


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

    refused = peer.antoan("report", "batch", "--resume", str(pk), check=False)
    assert refused.returncode != 0 and "being run by another process" in refused.stderr
    # Its heartbeat grows old (ANTOAN_REPORT_BATCH_STALE_SECONDS, 60 s): age it rather than wait.
    peer.query("UPDATE reports_batchjob SET heartbeat_at = ? WHERE id = ?", ("2000-01-01 00:00:00+00:00", pk))

    resumed = peer.antoan("report", "batch", "--resume", str(pk))
    assert f"{len(done)}/8" in resumed.stdout and "8/8" in resumed.stdout
    state, final, _, zip_path = batch_row(peer, pk)
    assert state == "done" and len(final) == len(set(final)) == 8 and final[: len(done)] == done

    documents = sorted(work.glob("*.docx"))
    assert len(documents) == 8
    for path in documents:
        docx.Document(str(path))
    assert not (work / ".partial").exists()
    assert not [p for p in (peer.home / "batches").rglob("*") if p.name.endswith(".tmp")]
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert sorted(n for n in names if n.endswith(".docx")) == [p.name for p in documents]
        assert len(names) == len(set(names)) == 10  # 8 reports + MANIFEST.txt + manifest.csv


@pytest.mark.django_db
def test_a_job_whose_process_is_alive_is_left_running_and_one_of_a_dead_process_is_not(django_user_model):
    import socket

    from antoan.incidents.jobs import _owner, import_job_get, import_job_recover
    from antoan.incidents.models import ImportJob

    user = django_user_model.objects.create(username="faults")
    alive = ImportJob.objects.create(user=user, file_name="a.csv", stored_path="a", state="running", owner=_owner())
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    owner = f"{socket.gethostname()}:{dead.stdout.strip()}"
    gone = ImportJob.objects.create(user=user, file_name="b.csv", stored_path="b", state="running",
                                    all_or_nothing=True, owner=owner)  # fmt: skip
    elsewhere = ImportJob.objects.create(user=user, file_name="c.csv", stored_path="c", state="queued",
                                         owner="another-host:1")  # fmt: skip
    assert not import_job_recover(alive) and not import_job_recover(elsewhere)
    job = import_job_get(user=user, pk=gone.pk)  # what the page's poll does
    assert job.state == "failed" and job.finished_at is not None
    assert "Lần nhập bị ngắt giữa chừng" in job.message_vi and "no row was written" in job.message_en
    ImportJob.objects.filter(pk=elsewhere.pk).update(started_at=job.started_at.replace(year=2000))
    elsewhere.refresh_from_db()
    assert import_job_recover(elsewhere)
