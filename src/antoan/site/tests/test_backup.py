"""`antoan backup` and `antoan restore`: every row of every table and every stored file comes back as it was;
a restore refuses (and writes nothing) over records, with damaged archives, across migrations; SQLite and
PostgreSQL restore each other's backups."""

import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from antoan.accounts.models import Role
from antoan.accounts.services import api_token_create, membership_grant, user_create
from antoan.assessment.ratings import rating_sheet_choose
from antoan.assessment.services import rating_record
from antoan.core import clock
from antoan.core.backup import AREAS
from antoan.core.tests.needs import missing
from antoan.core.tests.run import RUN_ID
from antoan.incidents.jobs import import_job_start
from antoan.incidents.models import ImportJob, Incident
from antoan.incidents.services import incident_create, incident_delete, incident_update
from antoan.indicators.periods import period_parse
from antoan.indicators.window_services import special_window_create
from antoan.movement import record_types as rt
from antoan.movement.records.services import record_create
from antoan.portal.services import tip_convert, tip_submit
from antoan.reports import jobs as report_jobs
from antoan.reports.services import report_draft_save, report_profile_save
from antoan.site.demo import demo_seed
from antoan.site.tests.backup_peer import (
    all_models,
    canonical_rows,
    data_folders,
    database_rows,
    file_digests,
    folder_files,
)
from antoan.units.locks import period_lock

pytestmark = pytest.mark.django_db

PASSWORD = "Sao-luu@2026!"
LEGACY = date(2020, 1, 1)
SESSIONS = "sessions.session"
TASK_QUEUE = "django_tasks_database.dbtaskresult"  # not backed up: a worker on the target takes the jobs up again
PG_SERVER = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PEER_PG_NAME = f"antoan_h_backup_{RUN_ID}"
PATH_COLUMNS = {
    ("incidents.importjob", "stored_path"): "imports",
    ("reports.batchjob", "work_dir"): "reports",
    ("reports.batchjob", "zip_path"): "reports",
}


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    """The three data folders under the test's own directory; imports and batches run inline."""
    data = tmp_path / "data"
    settings.ANTOAN_IMPORT_DIR = data / "imports"
    settings.ANTOAN_TIP_PHOTO_DIR = data / "tip-photos"
    settings.ANTOAN_REPORT_BATCH_DIR = data / "reports"
    return data


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, format="JPEG")
    return SimpleUploadedFile("hien-truong.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(unit, client):
    """A small registry built through the services: users with roles, groups and a token; incidents of three
    kinds (one a flagged double entry, one edited); a tip with a photo, converted; an uploaded import with its
    problem report; a movement model and its inspection; a rating; a report profile and draft; a locked
    month; a special window; a batch of reports (files on disk); a failed login; a session."""
    ham_thuan, lam_dong, phu_qui = unit("23059"), unit("68"), unit("602", LEGACY)
    admin = user_create(actor=None, username="quantri.bk", password=PASSWORD, full_name="Nguyễn Văn Quản")
    membership_grant(actor=None, user=admin, unit=lam_dong, role=Role.ADMIN)
    officer = user_create(actor=admin, username="canbo.bk", password=PASSWORD, full_name="Lê Thị Hoa")
    membership_grant(actor=admin, user=officer, unit=ham_thuan, role=Role.OFFICER)
    leader = user_create(actor=admin, username="lanhdao.bk", password=PASSWORD, full_name="Đặng Quốc Bảo")
    membership_grant(actor=admin, user=leader, unit=ham_thuan, role=Role.LEADER)
    membership_grant(actor=admin, user=leader, unit=phu_qui, role=Role.LEADER)
    api_token_create(user=officer, owner=officer, name="Máy chủ thống kê")
    group = Group.objects.create(name="Thống kê")
    group.permissions.add(*Permission.objects.filter(codename__in=["view_incident", "view_tip"]))
    officer.groups.add(group)
    officer.user_permissions.add(Permission.objects.get(codename="view_unit"))

    traffic = {"kind": "traffic", "occurred_at": local(2026, 3, 2, 18, 30, 15, 123456), "dead": 1, "injured": 2,
               "summary": "Xe máy va chạm ô tô tải trên QL28", "latitude": 11.0512345678, "longitude": 108.0498765432,
               "road_name": "QL28"}  # fmt: skip
    first = incident_create(user=officer, unit=ham_thuan, **traffic)
    incident_create(user=officer, unit=ham_thuan, **traffic)  # the same accident again: a double entry
    incident_update(user=officer, incident=first, injured=3)
    incident_create(user=officer, unit=ham_thuan, kind="crime", category="social_order", solved=True,
                    solved_on=date(2026, 2, 20), suspects=2, occurred_at=local(2026, 2, 1, 22, 5),
                    summary="Trộm cắp xe máy tại chợ Lâm Hòa")  # fmt: skip
    incident_create(user=officer, unit=ham_thuan, kind="disaster", category="flood", occurred_at=local(2025, 10, 15),
                    ended_at=local(2025, 10, 17, 6), summary="Lũ quét", dead=0, missing=1, injured=0,
                    houses_damaged=12, economic_loss_million_vnd=1500)  # fmt: skip

    tip = tip_submit(unit=ham_thuan, category="traffic", occurred_at=clock.now() - timedelta(hours=3),
                     description="Xe tải chở cát chạy quá tốc độ qua cổng trường", address="Quốc lộ 28",
                     photos=[jpeg()])  # fmt: skip
    tip_convert(user=officer, tip=tip, kind="traffic", unit=ham_thuan, occurred_at=tip.occurred_at,
                summary=tip.description, dead=0, injured=1)  # fmt: skip

    mistaken = incident_create(user=officer, unit=ham_thuan, kind="crime", category="social_order", solved=False,
                               occurred_at=local(2026, 2, 3, 9), summary="Nhập nhầm")  # fmt: skip
    incident_delete(user=officer, incident=mistaken, reason="Nhập trùng")  # kept, marked deleted: backed up too

    rows = "kind,unit_code,occurred_at,summary,dead,injured\n"
    rows += "traffic,23059,2026-03-05 08:00,Va chạm nhẹ,0,1\ntraffic,23059,2026-03-06,Thiếu số người,,\n"
    job = import_job_start(user=officer, uploaded=SimpleUploadedFile("su-viec-thang-3.csv", rows.encode()))

    model = record_create(rt.MODELS, user=officer, unit=ham_thuan, name="Tổ tự quản an ninh trật tự thôn Lâm Hòa",
                          model_type="self_managed", started_on=date(2025, 8, 1), teams="3", members="24",
                          status="active")  # fmt: skip
    record_create(rt.INSPECTIONS, user=officer, model=model.pk, inspected_on=date(2026, 1, 10),
                  inspector="Đặng Quốc Bảo", rating="good", findings="Duy trì tốt")  # fmt: skip
    _, sheet = rating_sheet_choose(subject_type="commune", year=2026)
    rating_record(user=officer, unit=ham_thuan, year=2026, points={c.code: c.max_points for c in sheet.criteria})
    report_profile_save(user=leader, unit=ham_thuan, signer_name="Đặng Quốc Bảo", place="Hàm Thuận")
    report_draft_save(user=leader, unit=ham_thuan, period=period_parse("2025"), shortcomings="Tồn tại A.",
                      tasks="Nhiệm vụ B.")  # fmt: skip
    period_lock(user=leader, unit=phu_qui, month=date(2020, 12, 1))
    special_window_create(user=admin, slug="bau-cu-2026", name="Bầu cử đại biểu Quốc hội khóa XVI",
                          start=date(2026, 3, 1), end=date(2026, 3, 20), unit=lam_dong)  # fmt: skip
    batch = report_jobs.batch_start(user=leader, unit=phu_qui, period=period_parse("2020"), kind="annual",
                                    formats="xlsx")  # fmt: skip

    client.post(reverse("login"), {"username": "canbo.bk", "password": "sai-mat-khau"}, REMOTE_ADDR="10.0.0.7")
    client.force_login(officer)
    # A task waiting in the database backend's queue (the tests' own backend runs tasks at once).
    DBTaskResult.objects.create(args_kwargs={"args": [batch.pk], "kwargs": {}}, backend_name="default",
                                task_path="antoan.reports.jobs.batch_task")  # fmt: skip

    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.problems and Path(job.stored_path).is_file()
    assert batch.state == "done" and Path(batch.zip_path).is_file()
    assert Incident.objects.filter(duplicate_of=first).exists()
    return {"admin": admin, "officer": officer, "ham_thuan": ham_thuan, "job": job}


# Helpers -------------------------------------------------------------------------------------------------------


def files_now() -> dict[str, dict[str, bytes]]:
    return {key: folder_files(folder) for key, folder in data_folders().items()}


def assert_same_rows(expected: dict, actual: dict, *, skip=()) -> None:
    assert actual.keys() == expected.keys()
    for model in expected:
        if model in skip:
            continue
        assert len(actual[model]) == len(expected[model]), model
        for before, after in zip(expected[model], actual[model], strict=True):
            assert after == before, model


def stored_rows() -> dict[str, list[tuple]]:
    """Every table as the database stores it (raw SQL, no field conversion): the same text for a datetime on
    SQLite, the same types on PostgreSQL."""
    found = {}
    with connection.cursor() as cursor:
        for model in all_models():
            table, key = (connection.ops.quote_name(n) for n in (model._meta.db_table, model._meta.pk.column))
            cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")
            found[model._meta.label_lower] = cursor.fetchall()
    return found


def wipe() -> None:
    """Empty every table (raw DELETEs, not the code under test) and delete the data folders."""
    with connection.cursor() as cursor:
        for model in all_models():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    for folder in data_folders().values():
        shutil.rmtree(folder, ignore_errors=True)
    assert not any(database_rows().values())


def refused(*args) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("restore", *args)
    return str(caught.value)


def leftovers(data: Path) -> list[str]:
    return [p.name for p in data.iterdir() if ".restore-" in p.name or ".old-" in p.name] if data.exists() else []


def repack(source: Path, target: Path, *, replace=None, drop=(), manifest=None) -> Path:
    """A copy of the archive with members replaced or dropped, or its manifest edited: a valid ZIP."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            data = old.read(info.filename)
            if info.filename == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif replace and info.filename in replace:
                data = replace[info.filename]
            new.writestr(info.filename, data)
    return target


def flip_byte(source: Path, target: Path, member: str) -> Path:
    """A copy with one byte of the member's stored (compressed) data inverted: the ZIP's directory is intact."""
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    raw = bytearray(source.read_bytes())
    name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    raw[start + info.compress_size // 2] ^= 0xFF
    target.write_bytes(raw)
    return target


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def photo_member(path: Path) -> str:
    return next(f["member"] for f in manifest_of(path)["files"] if f["area"] == "tip-photos")


# The round trip ------------------------------------------------------------------------------------------------


def test_backup_wipe_restore_gives_back_every_row_of_every_table_and_every_file(world, folders, tmp_path):
    demo_seed()
    rows, stored, files = database_rows(), stored_rows(), files_now()
    assert rows[SESSIONS], "a logged-in user has a session"
    filled = [m for m, table in rows.items() if table]
    assert len(filled) >= 45 and all(f"historical{name}" in " ".join(filled) for name in ("incident", "tip", "unit"))
    assert files["imports"] and files["tip-photos"] and files["reports"]

    archive = tmp_path / "antoan.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())

    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes, citizens' contact details: owner only
    manifest = manifest_of(archive)
    assert manifest["source"]["vendor"] == connection.vendor and manifest["format_version"] == 1
    applied = MigrationRecorder(connection).applied_migrations()
    assert {(app, name) for app, names in manifest["migrations"].items() for name in names} == set(applied)
    tables = {t["model"]: t for t in manifest["tables"]}
    assert rows[TASK_QUEUE], "a task is queued"
    assert set(tables) == set(rows) - {SESSIONS, TASK_QUEUE}  # every model, the many-to-many and history tables
    assert {m: t["rows"] for m, t in tables.items()} == {m: len(rows[m]) for m in tables}
    assert [s["model"] for s in manifest["skipped"]] == [SESSIONS, TASK_QUEUE]
    listed = {(f["area"], f["path"]): f["sha256"] for f in manifest["files"]}
    on_disk = {
        (area, rel): hashlib.sha256(data).hexdigest() for area, found in files.items() for rel, data in found.items()
    }
    assert listed == on_disk

    deleted = list(Incident.all_objects.filter(deleted_at__isnull=False).values_list("pk", "delete_reason"))
    assert deleted and tables["incidents.incident"]["rows"] == Incident.all_objects.count()
    wipe()
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "Xong / done" in out.getvalue()
    # A deleted record comes back deleted (and restorable), with its history.
    assert list(Incident.all_objects.filter(deleted_at__isnull=False).values_list("pk", "delete_reason")) == deleted
    after = database_rows()
    assert_same_rows(rows, after, skip={SESSIONS, TASK_QUEUE})
    assert_same_rows(stored, stored_rows(), skip={SESSIONS, TASK_QUEUE})
    assert after[SESSIONS] == [] and after[TASK_QUEUE] == []  # not kept: everyone logs in again; no task runs twice
    assert files_now() == files
    assert leftovers(folders) == []


def test_restore_replace_puts_the_backup_back_over_changed_data_and_files(world, folders, tmp_path):
    rows, files = database_rows(), files_now()
    archive = tmp_path / "antoan.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    Incident.objects.filter(kind="crime").delete()
    incident_create(user=world["officer"], unit=world["ham_thuan"], kind="traffic", occurred_at=local(2026, 4, 1),
                    summary="Ghi sau khi sao lưu", dead=0, injured=1)  # fmt: skip
    (data_folders()["tip-photos"] / "la.jpg").write_bytes(b"not from the backup")
    Path(world["job"].stored_path).unlink()

    call_command("restore", str(archive), "--replace", stdout=io.StringIO())

    assert_same_rows(rows, database_rows(), skip={SESSIONS, TASK_QUEUE})
    assert files_now() == files
    assert leftovers(folders) == []


# Refusals: nothing written ------------------------------------------------------------------------------------


def test_restore_over_records_is_refused_without_replace_and_changes_nothing(world, folders, tmp_path):
    archive = tmp_path / "antoan.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    rows, files = database_rows(), files_now()

    message = refused(str(archive))

    assert "đã có dữ liệu" in message and "already holds records" in message and "--replace" in message
    assert "units_unit (14," in message and "more tables" in message  # the biggest tables first
    assert database_rows() == rows and files_now() == files and leftovers(folders) == []

    # An empty database beside folders that still hold files: refused too, naming the folder.
    wipe()
    (data_folders()["imports"]).mkdir(parents=True)
    (data_folders()["imports"] / "old.csv").write_text("kind\n")
    message = refused(str(archive))
    assert str(data_folders()["imports"]) in message and "already holds 1 files" in message
    assert not any(database_rows().values()) and files_now()["imports"] == {"old.csv": b"kind\n"}


def test_a_damaged_archive_is_refused_naming_what_is_wrong_and_nothing_is_written(world, folders, tmp_path):
    archive = tmp_path / "antoan.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    rows, files = database_rows(), files_now()
    incidents = "data/incidents.incident.jsonl"
    photo = photo_member(archive)
    with zipfile.ZipFile(archive) as z:
        shorter = b"".join(z.read(incidents).splitlines(keepends=True)[:-1])
    damaged = {
        "a flipped byte in the units": (flip_byte(archive, tmp_path / "a.zip", "data/units.unit.jsonl"),
                                        "data/units.unit.jsonl"),
        "a flipped byte in the photo": (flip_byte(archive, tmp_path / "b.zip", photo), photo),
        "a truncated archive": (tmp_path / "c.zip", "truncated"),
        "a member missing": (repack(archive, tmp_path / "d.zip", drop={"data/incidents.historicalincident.jsonl"}),
                             "data/incidents.historicalincident.jsonl"),
        "a row removed": (repack(archive, tmp_path / "e.zip", replace={incidents: shorter}), incidents),
        "another photo": (repack(archive, tmp_path / "f.zip", replace={photo: b"\xff\xd8 other"}), photo),
        "no manifest": (repack(archive, tmp_path / "g.zip", drop={"manifest.json"}), "manifest.json"),
    }  # fmt: skip
    (tmp_path / "c.zip").write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    checked = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=checked)
    assert "the archive is whole" in checked.getvalue() and "it fits this database" in checked.getvalue()

    for case, (path, named) in damaged.items():
        message = refused(str(path), "--replace")
        assert named in message, (case, message)
        assert named in refused(str(path), "--check"), case
        assert " / " in message and any(w in message for w in ("hỏng", "thiếu", "cắt cụt", "không phải")), case
        assert leftovers(folders) == [], case
    assert database_rows() == rows  # once for all the cases: a write by any of them would still be there
    assert files_now() == files


@pytest.mark.parametrize(
    "column, value, refusal",
    [
        ("unit_id", 987_654_321, ("khóa ngoại", "foreign keys")),  # a unit that does not exist
        ("summary", "Va chạm\x00", ("từ chối dữ liệu của bảng incidents.incident", "refused the rows of table")),
    ],
    ids=["missing-unit", "nul-character"],
)
def test_restore_is_all_or_nothing_when_the_database_refuses_a_row(world, folders, tmp_path, column, value, refusal):
    """An archive whose checksums agree but whose first incident the database refuses: the tables were already
    emptied and partly loaded by then; everything is rolled back, and the unpacked files are removed."""
    if column == "summary" and connection.vendor != "postgresql":
        pytest.skip("SQLite stores a NUL character in text; PostgreSQL refuses it")
    archive = tmp_path / "antoan.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    rows, files = database_rows(), files_now()
    member = "data/incidents.incident.jsonl"
    with zipfile.ZipFile(archive) as z:
        lines = z.read(member).splitlines(keepends=True)
    manifest = manifest_of(archive)
    columns = next(t["columns"] for t in manifest["tables"] if t["model"] == "incidents.incident")
    row = json.loads(lines[0])
    row[columns.index(column)] = value
    lines[0] = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    data = b"".join(lines)

    def agree(m):
        entry = next(t for t in m["tables"] if t["member"] == member)
        entry["sha256"], entry["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
        return m

    bad = repack(archive, tmp_path / "bad.zip", replace={member: data}, manifest=agree)

    message = refused(str(bad), "--replace")

    assert refusal[0] in message and refusal[1] in message
    assert database_rows() == rows
    assert files_now() == files and leftovers(folders) == []


def test_restore_refuses_an_archive_of_other_migrations_naming_app_and_migration(world, tmp_path):
    archive = tmp_path / "antoan.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    rows = database_rows()

    def newer(m):
        m["migrations"]["incidents"].append("9999_from_a_newer_antoan")
        return m

    message = refused(str(repack(archive, tmp_path / "newer.zip", manifest=newer)), "--replace")
    assert "app incidents: migration 9999_from_a_newer_antoan is in the backup but not applied here" in message
    assert "Ứng dụng incidents: migration 9999_from_a_newer_antoan có trong bản sao lưu nhưng chưa áp dụng" in message

    latest_units = max(manifest_of(archive)["migrations"]["units"])

    def older(m):
        m["migrations"]["units"].remove(latest_units)
        return m

    message = refused(str(repack(archive, tmp_path / "older.zip", manifest=older)), "--replace")
    assert f"app units: migration {latest_units} is applied here but not in the backup" in message

    latest = MigrationRecorder.Migration.objects.filter(app="portal").order_by("-name").first()
    latest.delete()  # this database now lacks a migration of this antoan (rolled back with the test)
    message = refused(str(archive), "--replace")
    assert f"app portal: migration {latest.name} is not applied to this database (run `antoan migrate`)" in message
    assert f"Ứng dụng portal: migration {latest.name} chưa áp dụng" in message
    with pytest.raises(CommandError, match=f"portal: migration {latest.name} is not applied"):
        call_command("backup", "-o", str(tmp_path / "unmigrated.zip"))
    assert database_rows() == rows and not (tmp_path / "unmigrated.zip").exists()


def test_the_backed_up_folders_are_the_ones_the_application_writes_to(settings, folders):
    assert {area.key: area.directory() for area in AREAS} == data_folders()
    assert data_folders()["reports"] == report_jobs.batch_root()


def test_backup_does_not_overwrite_a_file_nor_write_into_a_data_folder(world, tmp_path):
    archive = tmp_path / "antoan.zip"
    archive.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", "-o", str(archive))
    assert archive.read_bytes() == b"yesterday's backup"
    with pytest.raises(CommandError, match="inside the data folder"):
        call_command("backup", "-o", str(data_folders()["imports"] / "b.zip"))


# Across vendors ---------------------------------------------------------------------------------------------


def _postgres_reachable() -> str | None:
    import psycopg

    try:
        psycopg.connect(PG_SERVER, connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {PG_SERVER} ({str(exc).strip()[:120]})"
    return None


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        admin.execute(sql)


class Peer:
    """The other vendor's antoan, run as subprocesses with its own DATABASE_URL and data folders."""

    def __init__(self, url: str, home: Path):
        self.home = home
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ANTOAN_")}
        self.env.update(DATABASE_URL=url, ANTOAN_HOME=str(home), DJANGO_SETTINGS_MODULE="antoan.settings",
                        ANTOAN_IMPORT_DIR=str(home / "imports"), ANTOAN_TIP_PHOTO_DIR=str(home / "photos"),
                        ANTOAN_REPORT_BATCH_DIR=str(home / "batches"), DEBUG="0")  # fmt: skip
        cli = Path(sys.executable).with_name("antoan")
        self.cli = [str(cli)] if cli.exists() else [sys.executable, "-m", "antoan.cli"]

    def run(self, *args, check=True) -> subprocess.CompletedProcess:
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=600, cwd=self.home)
        if check and done.returncode:
            pytest.fail(f"{' '.join(args[-3:])} → {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def antoan(self, *args, check=True):
        return self.run(*self.cli, *args, check=check)

    def peer(self, *args):
        return self.run(sys.executable, "-m", "antoan.site.tests.backup_peer", *args)


def test_a_backup_restores_into_the_other_vendor_and_back(world, folders, tmp_path):
    """SQLite → PostgreSQL → SQLite when the suite runs on SQLite; PostgreSQL → SQLite → PostgreSQL when it
    runs on PostgreSQL. Each hop goes through the real `antoan` command in a subprocess."""
    home = tmp_path / "peer"
    home.mkdir()
    if connection.vendor == "sqlite":
        if reason := _postgres_reachable():
            missing(reason)
        _postgres_admin(f"DROP DATABASE IF EXISTS {PEER_PG_NAME} WITH (FORCE)")
        _postgres_admin(f"CREATE DATABASE {PEER_PG_NAME}")
        url = PG_SERVER.rsplit("/", 1)[0] + "/" + PEER_PG_NAME
    else:
        url = f"sqlite:///{home / 'peer.sqlite3'}"
    peer = Peer(url, home)
    try:
        rows, files = database_rows(), files_now()
        first = tmp_path / "here.zip"
        call_command("backup", "-o", str(first), stdout=io.StringIO())

        peer.antoan("migrate", "-v", "0")
        peer.antoan("restore", str(first))
        peer.peer("dump", str(home / "there.json"))
        there = json.loads((home / "there.json").read_text())
        expected = canonical_rows(rows)
        expected[SESSIONS] = expected[TASK_QUEUE] = []
        moved = {"imports": home / "imports", "reports": home / "batches"}
        for (model, column), area in PATH_COLUMNS.items():  # a path into a data folder follows the folder
            index = [f.attname for f in apps.get_model(model)._meta.concrete_fields].index(column)
            for row in expected[model]:
                row[index] = row[index].replace(str(data_folders()[area]), str(moved[area]))
        assert there["rows"] == json.loads(json.dumps(expected))
        assert there["files"] == file_digests()
        stored = [f.attname for f in ImportJob._meta.concrete_fields].index("stored_path")
        assert Path(there["rows"]["incidents.importjob"][0][stored]).parent == home / "imports"

        again = peer.antoan("restore", str(first), check=False)
        assert again.returncode != 0 and "already holds records" in again.stderr

        isolation = there["snapshot"]
        if isolation["vendor"] == "postgresql":
            assert (isolation["isolation"], isolation["read_only"]) == ("repeatable read", "on")
        assert isolation["in_transaction"]

        second = tmp_path / "there.zip"
        peer.antoan("backup", "-o", str(second))
        created = json.loads(peer.peer("new-incident").stdout)
        assert created["pk"] > created["max_before"] and created["history"] == 1

        if connection.vendor == "postgresql":  # a fresh sequence here too: the restore must move it on
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence('incidents_incident', 'id'), 1, false)")
        call_command("restore", str(second), "--replace", stdout=io.StringIO())

        assert_same_rows(rows, database_rows(), skip={SESSIONS, TASK_QUEUE})
        assert files_now() == files
        top = max(Incident.objects.values_list("pk", flat=True))
        new = incident_create(user=world["officer"], unit=world["ham_thuan"], kind="traffic", summary="Mới",
                              occurred_at=local(2026, 4, 2), dead=0, injured=1)  # fmt: skip
        assert new.pk > top
    finally:
        if connection.vendor == "sqlite":
            _postgres_admin(f"DROP DATABASE IF EXISTS {PEER_PG_NAME} WITH (FORCE)")
