"""What an archive holds and where antoan keeps its files: the format, the tables left out, the folders whose files
are data, the migrations a database has applied; the one error type of backup and restore."""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from antoan.core.errors import DomainError, Message

FORMAT = "antoan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
READ_CHUNK = 2000  # rows fetched per round trip while backing up
WRITE_CHUNK = 2000  # rows per INSERT batch / COPY while restoring
CHECK_EVERY = 50_000  # rows after which PostgreSQL checks the deferred foreign keys (bounds its queue)
COPY_BYTES = 1024 * 1024
ROW_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)

SKIPPED = {
    "sessions.session": Message(
        "phiên đăng nhập không được sao lưu: sau khi khôi phục mọi người đăng nhập lại",
        "login sessions are not backed up: everyone logs in again after a restore",
    ),
    # A restored queue would run again what the source's workers were running; the jobs' own rows are kept, and a
    # worker on the target queues again whatever of them was not finished (decision 0007).
    "django_tasks_database.dbtaskresult": Message(
        "hàng đợi việc nền không được sao lưu: việc nhập và lô báo cáo chưa xong được tiến trình nền xử lý lại sau "
        "khi khôi phục",
        "the queue of background tasks is not backed up: a worker takes up unfinished imports and report batches "
        "again after a restore",
    ),
}

# Filled by `antoan migrate` itself: they do not make a target "hold records", and a restore replaces them.
MIGRATE_FILLS = {"contenttypes.contenttype", "auth.permission"}

# Files that are compressed already: stored as they are.
STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip", ".xlsx", ".docx", ".pdf", ".gz"}


class BackupError(DomainError):
    """The archive cannot be written or restored; each entry names what is wrong, in both languages."""

    @classmethod
    def of(cls, vi: str, en: str) -> "BackupError":
        return cls({"archive": Message(vi, en)})

    def messages(self) -> list[Message]:
        return list(self.errors.values())


@dataclass(frozen=True)
class Area:
    """A folder whose files belong to the data; `paths` are columns holding absolute paths inside it, rewritten
    on restore when the folder is somewhere else on the target."""

    key: str
    setting: str
    directory: Callable[[], Path]
    paths: tuple[tuple[str, str], ...] = ()


def _report_dir() -> Path:
    # As antoan.reports.jobs.batch_root() says (not imported: that module pulls in the indicators and scipy).
    return Path(settings.ANTOAN_REPORT_BATCH_DIR)


AREAS = (
    Area("imports", "ANTOAN_IMPORT_DIR", lambda: Path(settings.ANTOAN_IMPORT_DIR),
         (("incidents.importjob", "stored_path"),)),
    Area("tip-photos", "ANTOAN_TIP_PHOTO_DIR", lambda: Path(settings.ANTOAN_TIP_PHOTO_DIR)),
    Area("reports", "ANTOAN_REPORT_BATCH_DIR", _report_dir,
         (("reports.batchjob", "work_dir"), ("reports.batchjob", "zip_path"))),
)  # fmt: skip


def area_files(directory: Path) -> list[tuple[str, Path]]:
    """(path relative to the folder, in POSIX form; the file) for every regular file under it, sorted."""
    if not directory.is_dir():
        return []
    found = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(directory).as_posix(), path))
    return found


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]] | None:
    """{app: [migration, …]} applied on the database, or None when it has never been migrated."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return None
    applied: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[Message]:
    """The migrations of this antoan that the database lacks, each named (empty when it is up to date)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [
        Message(
            f"Ứng dụng {m.app_label}: migration {m.name} chưa áp dụng cho cơ sở dữ liệu này (chạy `antoan migrate`)",
            f"app {m.app_label}: migration {m.name} is not applied to this database (run `antoan migrate`)",
        )
        for m, backwards in plan
        if not backwards
    ]
