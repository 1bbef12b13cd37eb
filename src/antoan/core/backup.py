"""Backup and restore: every row of every model (the audit history included) and every file antoan keeps on
disk, in one ZIP archive that `antoan restore` checks completely before it writes anything.

The archive:

    manifest.json                format and versions, the applied migrations per app, the source vendor, each
                                 table (its columns, rows, bytes, sha256) and each file (bytes, sha256)
    data/<app>.<model>.jsonl     one JSON array per row, the columns in the manifest's order, rows by key
    files/<area>/<path>          the files of each folder (see AREAS)

Values are written as the model's fields read them (`values_list`, so with each field's own conversion) and
encoded without loss: datetimes as ISO 8601 with their offset and microseconds, dates, times, decimals and
UUIDs as text, durations in microseconds, binary as base64, JSON as JSON. A restore decodes them and writes
them through each field's `get_db_prep_save` for the target's vendor (dates and datetimes directly in the text
that conversion would give): a backup taken on SQLite restores into PostgreSQL and back.

Consistency: a backup reads every table in one transaction — on PostgreSQL REPEATABLE READ and READ ONLY (one
snapshot), on SQLite one read transaction. Then it copies the files: a file is always written before the row
that names it, so every file the snapshot names is there (a file added meanwhile may come along; harmless).

A restore is all or nothing: it opens the archive and refuses, naming what is wrong, when the archive is not
whole (a missing member, a checksum or row count that differs, a truncated file), when the target is not
migrated to this antoan or its migrations are not the archive's, or when the target already holds records
(unless `replace`); it then unpacks the files into
folders beside their destinations, loads every table in one transaction (emptying them first) in dependency
order with bulk inserts, checks the foreign keys, resets PostgreSQL's sequences, commits, and only then moves
the files into place.

Not kept: login sessions (everyone logs in again; a restore empties them, since a session of the replaced
database would name whichever user now has that id), the cache, and the django_migrations table (it must
already match). Content types and permissions are kept and replace the target's: history and permission rows
refer to them by id.
"""

import base64
import hashlib
import io
import json
import os
import secrets
import shutil
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
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


# Folders ---------------------------------------------------------------------------------------------------------


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
    configured = getattr(settings, "ANTOAN_REPORT_BATCH_DIR", None) or os.environ.get("ANTOAN_REPORT_BATCH_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "reports"


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


# Models and values -----------------------------------------------------------------------------------------------


def label(model) -> str:
    return model._meta.label_lower


def backed_up_models() -> list:
    """Every installed model with a table of its own (many-to-many tables included), parents before the models
    that refer to them; models in a cycle of foreign keys come last, in name order."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and label(m) not in SKIPPED
    ]
    needs = {m: {r for r in _references(m) if r is not m and r in models} for m in models}
    ordered, placed = [], set()
    while len(ordered) < len(models):
        ready = sorted((m for m in models if m not in placed and needs[m] <= placed), key=label)
        if not ready:
            ready = sorted((m for m in models if m not in placed), key=label)
        for m in ready:
            ordered.append(m)
            placed.add(m)
    return ordered


def _references(model) -> set:
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is not None and getattr(f, "db_constraint", True)
    }


def columns(model) -> list:
    return list(model._meta.concrete_fields)


def _base(f):
    while f.is_relation:  # a key holds its target's value
        f = f.target_field
    return f


def _iso(value) -> str:
    return value.isoformat()


ENCODE = {
    "DateTimeField": _iso,
    "DateField": _iso,
    "TimeField": _iso,
    "DecimalField": str,
    "UUIDField": str,
    "DurationField": lambda v: v // timedelta(microseconds=1),
    "BinaryField": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
}
DECODE = {
    "DateTimeField": datetime.fromisoformat,
    "DateField": date.fromisoformat,
    "TimeField": clock.fromisoformat,
    "DecimalField": Decimal,
    "UUIDField": uuid.UUID,
    "DurationField": lambda n: timedelta(microseconds=n),
    "BinaryField": base64.b64decode,
}
# Django's own fields whose decoded JSON value is already what the database driver takes.
AS_IS = {
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "BooleanField", "FloatField", "IntegerField",
    "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField", "AutoField", "BigAutoField", "SmallAutoField",
}  # fmt: skip


def _encoders(model) -> list[tuple[int, Callable]]:
    """(column index, encoder) for the columns whose values JSON cannot carry as they are."""
    found = [(i, ENCODE.get(_base(f).get_internal_type())) for i, f in enumerate(columns(model))]
    return [(i, enc) for i, enc in found if enc is not None]


def encode_row(row, encoders) -> list:
    row = list(row)
    for i, enc in encoders:
        if row[i] is not None:
            row[i] = enc(row[i])
    return row


def _preparers(model, connection, rewrites: dict[str, Callable]) -> list:
    """One function per column: archive value → the value the target's driver takes (None: as it is)."""
    prepare = []
    for f in columns(model):
        base = _base(f)
        kind = base.get_internal_type()
        builtin = type(base).__module__.startswith("django.db.models")
        rewrite = rewrites.get(f.attname)
        fast = _fast_path(kind, connection) if builtin else None
        if (kind in AS_IS and builtin) or fast is _unchanged:
            prepare.append(rewrite)  # None: nothing to do
            continue
        decode = DECODE.get(kind)

        def prep(value, rewrite=rewrite, fast=fast, decode=decode, f=f):
            if rewrite is not None:
                value = rewrite(value)
            if fast is not None and (quick := fast(value)) is not None:
                return quick
            return f.get_db_prep_save(decode(value) if decode else value, connection)

        prepare.append(prep)
    return prepare


def _unchanged(value):
    return value


def _sqlite_datetime(value: str) -> str | None:
    """ "2026-03-02T11:30:00.123456+00:00" → "2026-03-02 11:30:00.123456", as Django writes an aware datetime into
    SQLite (naive UTC, str()); None for another offset (then the field converts it)."""
    return value[:-6].replace("T", " ", 1) if value.endswith("+00:00") else None


def _fast_path(kind: str, connection):
    """What spares Django's own conversion for the biggest share of values, when it gives the same result: an ISO
    date is what SQLite stores and what PostgreSQL's COPY reads; so is an ISO datetime with its offset for
    COPY; SQLite stores a UTC datetime as naive text."""
    if kind == "DateField" and connection.vendor in ("sqlite", "postgresql"):
        return _unchanged
    if kind == "DateTimeField" and connection.vendor == "postgresql":
        return _unchanged
    if kind == "DateTimeField" and connection.vendor == "sqlite" and settings.USE_TZ:
        if connection.timezone_name == "UTC":
            return _sqlite_datetime
    return None


# Reading the source -------------------------------------------------------------------------------------------


@contextmanager
def snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """One consistent view of the whole database for the reads inside. PostgreSQL: a REPEATABLE READ, READ ONLY
    transaction; SQLite: one read transaction. Inside a transaction already (a caller's, a test's), that one."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


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


def _antoan_version() -> str:
    try:
        return version("antoan")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without installing
        return "unknown"


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"])

    @property
    def files(self) -> int:
        return len(self.manifest["files"])


def backup_write(path: Path, *, using: str = DEFAULT_DB_ALIAS, overwrite: bool = False, progress=None) -> BackupResult:
    """Write the archive to `path` (through `path.partial`, renamed when complete)."""
    started = time.monotonic()
    path = Path(path)
    say = progress or (lambda message: None)
    if path.exists() and not overwrite:
        raise BackupError.of(f"Tệp {path} đã có: chọn tên khác", f"{path} exists already: choose another name")
    for area in AREAS:
        folder = area.directory().resolve()
        if path.resolve().is_relative_to(folder):
            raise BackupError.of(
                f"Không ghi bản sao lưu vào thư mục dữ liệu {folder}",
                f"Do not write the backup inside the data folder {folder}",
            )
    connection = connections[using]
    if applied_migrations(using) is None:
        raise BackupError.of("Cơ sở dữ liệu chưa có bảng nào để sao lưu", "The database has no tables to back up")
    if pending := unapplied_migrations(using):
        # This antoan's tables are not the database's: back up with the version that matches it.
        raise BackupError({f"{i}": m for i, m in enumerate(pending)})
    partial = path.with_name(path.name + ".partial")
    try:
        # Only its owner reads it: it holds password hashes, citizens' contact details and every record.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        raw = os.fdopen(fd, "wb")
        with raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            with snapshot(using):
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "antoan_version": _antoan_version(),
                    "django_version": django.get_version(),
                    "created_at": datetime.now(UTC).isoformat(),
                    "source": {"vendor": connection.vendor},
                    "migrations": applied_migrations(using) or {},
                    "tables": [],
                    "skipped": [{"model": key, "vi": m.vi, "en": m.en} for key, m in SKIPPED.items()],
                }
                for model in backed_up_models():
                    began = time.monotonic()
                    entry = _write_table(archive, model, using)
                    manifest["tables"].append(entry)
                    took = f"{time.monotonic() - began:.1f} s"
                    say(Message(f"  {entry['model']}: {entry['rows']:,} dòng, {took}", f"{entry['rows']:,} rows"))
            manifest["areas"], manifest["files"] = {}, []
            for area in AREAS:
                folder = area.directory()
                files = []
                for rel, file in area_files(folder):
                    try:
                        files.append(_write_file(archive, area, rel, file))
                    except FileNotFoundError:  # deleted since the folder was listed
                        continue
                manifest["areas"][area.key] = {
                    "setting": area.setting,
                    "path": str(folder.resolve()),
                    "configured": str(folder),
                    "files": len(files),
                }
                manifest["files"].extend(files)
                say(Message(f"  {area.key} ({folder}): {len(files)} tệp", f"{len(files)} files"))
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path, manifest, time.monotonic() - started)


def _write_table(archive: zipfile.ZipFile, model, using: str) -> dict:
    cols = columns(model)
    encoders = _encoders(model)
    member = f"data/{label(model)}.jsonl"
    digest, rows, size = hashlib.sha256(), 0, 0
    query = model._base_manager.using(using).order_by("pk").values_list(*[f.attname for f in cols])
    info = zipfile.ZipInfo(member, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as out:
        lines = []
        for row in query.iterator(chunk_size=READ_CHUNK):
            lines.append(ROW_JSON.encode(encode_row(row, encoders)))
            if len(lines) >= READ_CHUNK:
                size += _write_lines(out, digest, lines)
                rows += len(lines)
                lines = []
        size += _write_lines(out, digest, lines)
        rows += len(lines)
    return {
        "model": label(model),
        "table": model._meta.db_table,
        "member": member,
        "columns": [f.attname for f in cols],
        "rows": rows,
        "bytes": size,
        "sha256": digest.hexdigest(),
    }


def _write_lines(out, digest, lines: list[str]) -> int:
    if not lines:
        return 0
    data = ("\n".join(lines) + "\n").encode("utf-8")
    digest.update(data)
    out.write(data)
    return len(data)


def _write_file(archive: zipfile.ZipFile, area: Area, rel: str, path: Path) -> dict:
    stat = path.stat()
    member = f"files/{area.key}/{rel}"
    info = zipfile.ZipInfo(member, date_time=time.localtime(max(stat.st_mtime, 315532800))[:6])
    stored = path.suffix.lower() in STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as source, archive.open(info, "w", force_zip64=True) as out:
        while chunk := source.read(COPY_BYTES):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return {"area": area.key, "path": rel, "member": member, "bytes": size, "sha256": digest.hexdigest(),
            "mtime": stat.st_mtime}  # fmt: skip


# Restoring -----------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    rows: int = 0
    files: int = 0
    seconds: float = 0.0
    moved: list[Path] = field(default_factory=list)


class Archive:
    """An opened archive whose manifest has been read and whose members are all present."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise BackupError.of(f"Không có tệp {self.path}", f"No such file: {self.path}")
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BackupError.of(
                f"Tệp {self.path.name} bị cắt cụt, hỏng hoặc không phải tệp ZIP ({exc})",
                f"{self.path.name} is truncated, damaged or not a ZIP file ({exc})",
            ) from None
        try:
            self.manifest = json.loads(self._read_all(MANIFEST))
            if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
                raise ValueError(MANIFEST)
        except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
            self.zip.close()
            raise BackupError.of(
                f"{self.path.name} không phải bản sao lưu antoan (không đọc được {MANIFEST})",
                f"{self.path.name} is not an antoan backup ({MANIFEST} is missing or unreadable)",
            ) from None
        if self.manifest.get("format_version") != FORMAT_VERSION:
            self.zip.close()
            found = self.manifest.get("format_version")
            raise BackupError.of(
                f"Bản sao lưu dạng {found}, phiên bản antoan này đọc dạng {FORMAT_VERSION}",
                f"The backup has format version {found}; this antoan reads version {FORMAT_VERSION}",
            )
        names = set(self.zip.namelist())
        try:
            listed = [e["member"] for e in self.manifest["tables"] + self.manifest["files"]]
            self.manifest["migrations"].items()
            for e in self.manifest["tables"]:
                e["model"], e["columns"], e["rows"], e["bytes"], e["sha256"]  # noqa: B018 - each must be there
            for e in self.manifest["files"]:
                e["path"], e["bytes"], e["sha256"], e["mtime"]  # noqa: B018
                if e["area"] not in {area.key for area in AREAS}:
                    raise KeyError(e["area"])
        except (KeyError, TypeError, AttributeError):
            self.zip.close()
            raise BackupError.of(
                f"Tệp {MANIFEST} của {self.path.name} không đầy đủ", f"The {MANIFEST} of {self.path.name} is incomplete"
            ) from None
        missing = [member for member in listed if member not in names]
        if missing:
            self.zip.close()
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            raise BackupError.of(
                f"Bản sao lưu thiếu {len(missing)} phần: {shown}", f"The backup lacks {len(missing)} members: {shown}"
            )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def _read_all(self, member: str) -> bytes:
        with self.zip.open(member) as stream:
            return stream.read()

    @contextmanager
    def reading(self, member: str):
        """The member's stream; any damage found while reading it becomes a BackupError naming it."""
        try:
            with self.zip.open(member) as stream:
                yield io.BufferedReader(stream, buffer_size=COPY_BYTES)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise damaged(member, str(exc)) from None

    def verify(self) -> None:
        """Read every member through: its checksum, size and (for a table) row count must be the manifest's."""
        for entry in self.manifest["tables"] + self.manifest["files"]:
            digest, size, lines = hashlib.sha256(), 0, 0
            with self.reading(entry["member"]) as stream:
                while chunk := stream.read(COPY_BYTES):
                    digest.update(chunk)
                    size += len(chunk)
                    lines += chunk.count(b"\n")
            if digest.hexdigest() != entry["sha256"] or size != entry["bytes"]:
                raise damaged(entry["member"], "sha256")
            if "rows" in entry and lines != entry["rows"]:
                raise damaged(entry["member"], f"{lines} ≠ {entry['rows']}")


def damaged(member: str, detail: str) -> BackupError:
    return BackupError.of(
        f"Bản sao lưu bị hỏng: phần {member} không khớp ({detail})",
        f"The backup is damaged: member {member} does not match ({detail})",
    )


def compatibility_problems(manifest: dict, using: str = DEFAULT_DB_ALIAS) -> list[Message]:
    """What makes the archive's tables differ from the target's: migrations first, then tables and columns."""
    target = applied_migrations(using)
    if target is None:
        return [Message("Cơ sở dữ liệu đích chưa có bảng: chạy `antoan migrate` trước",
                        "The target database has no tables: run `antoan migrate` first")]  # fmt: skip
    problems = unapplied_migrations(using)
    if problems:
        return problems
    archived = manifest["migrations"]
    for app in sorted(set(archived) | set(target)):
        theirs, ours = set(archived.get(app, ())), set(target.get(app, ()))
        for name in sorted(theirs - ours):
            problems.append(Message(
                f"Ứng dụng {app}: migration {name} có trong bản sao lưu nhưng chưa áp dụng ở đây "
                "(cập nhật antoan rồi chạy `antoan migrate`)",
                f"app {app}: migration {name} is in the backup but not applied here "
                "(update antoan, run `antoan migrate`)",
            ))  # fmt: skip
        for name in sorted(ours - theirs):
            problems.append(Message(
                f"Ứng dụng {app}: migration {name} đã áp dụng ở đây nhưng không có trong bản sao lưu "
                "(khôi phục vào cơ sở dữ liệu của phiên bản antoan đã tạo bản sao lưu)",
                f"app {app}: migration {name} is applied here but not in the backup "
                "(restore into a database of the antoan version that made the backup)",
            ))  # fmt: skip
    if problems:
        return problems
    models = {label(m): m for m in backed_up_models()}
    for entry in manifest["tables"]:
        model = models.get(entry["model"])
        if model is None:
            problems.append(Message(f"Không có bảng {entry['model']} ở đây", f"No table {entry['model']} here"))
        elif entry["columns"] != [f.attname for f in columns(model)]:
            what = entry["model"]
            problems.append(Message(f"Các cột của bảng {what} khác ở đây", f"Table {what} has other columns here"))
    return problems


def tables_with_records(using: str = DEFAULT_DB_ALIAS) -> list[tuple[str, int]]:
    """(table, rows) of every table holding records; what `antoan migrate` fills and sessions do not count."""
    found = []
    for model in backed_up_models():
        if label(model) in MIGRATE_FILLS:
            continue
        rows = model._base_manager.using(using)
        if rows.exists():
            found.append((model._meta.db_table, rows.count()))
    return found


def _refuse_records(found: list[tuple[str, int]]) -> BackupError:
    found = sorted(found, key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{table} ({n:,})" for table, n in found[:8])
    more_vi = f" và {len(found) - 8} bảng khác" if len(found) > 8 else ""
    more_en = f" and {len(found) - 8} more tables" if len(found) > 8 else ""
    return BackupError.of(
        f"Cơ sở dữ liệu đích đã có dữ liệu: {shown}{more_vi}. Không ghi gì. "
        "Dùng --replace để xóa hết và thay bằng bản sao lưu",
        f"The target database already holds records: {shown}{more_en}. Nothing was written. "
        "Use --replace to empty it and put the backup in its place",
    )


def archive_check(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> tuple[dict, list[Message]]:
    """Read the whole archive through (refused as in a restore when it is damaged); returns its manifest and
    what would keep it from restoring into this database (migrations, tables). Writes nothing."""
    with Archive(path) as archive:
        archive.verify()
        return archive.manifest, compatibility_problems(archive.manifest, using)


def restore(path: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS, progress=None) -> RestoreResult:
    """Restore the archive into the database and folders; all or nothing (see the module's docstring)."""
    started = time.monotonic()
    say = progress or (lambda message: None)
    with Archive(path) as archive:
        manifest = archive.manifest
        problems = compatibility_problems(manifest, using)
        if problems:
            raise BackupError({f"{i}": m for i, m in enumerate(problems)})
        if not replace:
            if found := tables_with_records(using):
                raise _refuse_records(found)
            for area in AREAS:
                if files := area_files(area.directory()):
                    folder = area.directory()
                    raise BackupError.of(
                        f"Thư mục {folder} đã có {len(files)} tệp. Không ghi gì. Dùng --replace để thay",
                        f"The folder {folder} already holds {len(files)} files. Nothing was written. Use --replace",
                    )
        say(Message("Kiểm tra bản sao lưu…", "Checking the archive…"))
        archive.verify()
        result = RestoreResult(manifest)
        staged = _stage_files(archive)
        try:
            with _page_cache(using), transaction.atomic(using=using):
                if not replace and (found := tables_with_records(using)):
                    raise _refuse_records(found)  # written meanwhile
                _empty_tables(using)
                rewrites, loaded = _path_rewrites(manifest), set()
                for entry in manifest["tables"]:
                    began = time.monotonic()
                    result.rows += _load_table(archive, entry, using, rewrites.get(entry["model"], {}), loaded)
                    loaded.add(entry["model"])
                    took = f"{time.monotonic() - began:.1f} s"
                    say(Message(f"  {entry['model']}: {entry['rows']:,} dòng, {took}", f"{entry['rows']:,} rows"))
                _check_and_reset(using)
        except BaseException:
            for temp, _ in staged:
                shutil.rmtree(temp, ignore_errors=True)
            raise
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    result.files = len(manifest["files"])
    result.moved = _move_into_place(staged)
    result.seconds = time.monotonic() - started
    return result


@contextmanager
def _page_cache(using: str, kib: int = 256 * 1024):
    """SQLite: a bigger page cache while the tables and their indexes are written (2 MB by default, which makes
    every insert into a big index read pages from the disk again); as it was afterwards."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _stage_files(archive: Archive) -> list[tuple[Path, Path]]:
    """Unpack each area's files into a new folder beside its destination: [(staged folder, destination)]."""
    staged = []
    try:
        for area in AREAS:
            target = area.directory().resolve()
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.parent / f".{target.name}.restore-{secrets.token_hex(4)}"
            temp.mkdir()
            staged.append((temp, target))
            for entry in (e for e in archive.manifest["files"] if e["area"] == area.key):
                _unpack(archive, entry, temp)
    except BaseException:
        for temp, _ in staged:
            shutil.rmtree(temp, ignore_errors=True)
        raise
    return staged


def _unpack(archive: Archive, entry: dict, folder: Path) -> None:
    rel = PurePosixPath(entry["path"])
    unsafe = rel.is_absolute() or "\\" in entry["path"] or any(part in ("", ".", "..") for part in rel.parts)
    if unsafe or not rel.parts:
        raise damaged(entry["member"], "path")
    destination = folder.joinpath(*rel.parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with archive.reading(entry["member"]) as stream, open(destination, "wb") as out:
        while chunk := stream.read(COPY_BYTES):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry["sha256"]:
        raise damaged(entry["member"], "sha256")
    os.utime(destination, (entry["mtime"], entry["mtime"]))


def _move_into_place(staged: list[tuple[Path, Path]]) -> list[Path]:
    """After the commit: each staged folder takes its destination's place (the old one is removed)."""
    moved = []
    for temp, target in staged:
        try:
            if target.exists():
                old = target.parent / f".{target.name}.old-{secrets.token_hex(4)}"
                try:
                    os.rename(target, old)
                except OSError:  # a mount point cannot be renamed: replace what is inside instead
                    for child in list(target.iterdir()):
                        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
                    for child in list(temp.iterdir()):
                        shutil.move(str(child), str(target / child.name))
                    temp.rmdir()
                    moved.append(target)
                    continue
                os.rename(temp, target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(temp, target)
            moved.append(target)
        except OSError as exc:
            raise BackupError.of(
                f"Đã khôi phục cơ sở dữ liệu nhưng không chuyển được tệp vào {target} ({exc}); tệp nằm ở {temp}",
                f"The database is restored but the files could not be moved into {target} ({exc}); they are in {temp}",
            ) from None
    return moved


def _path_rewrites(manifest: dict) -> dict[str, dict[str, Callable]]:
    """{model: {column: function}} moving absolute paths from the source's folders into the target's."""
    rewrites: dict[str, dict[str, Callable]] = {}
    for area in AREAS:
        source = manifest.get("areas", {}).get(area.key, {})
        target = str(area.directory())
        # the longest first
        found = sorted({p for p in (source.get("path"), source.get("configured")) if p and p != target}, key=len)
        if not found:
            continue

        def move(value, prefixes=found[::-1], target=target):
            for prefix in prefixes:
                if value == prefix or value.startswith(prefix.rstrip("/\\") + os.sep):
                    return target + value[len(prefix) :]
            return value

        for model, column in area.paths:
            rewrites.setdefault(model, {})[column] = move
    return rewrites


def _empty_tables(using: str) -> None:
    """Every model's table, sessions included (a session of the old database would name another user)."""
    connection = connections[using]
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses tables with pending checks
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=False):
            cursor.execute(sql)


def _load_table(archive: Archive, entry: dict, using: str, rewrites: dict, loaded: set) -> int:
    connection = connections[using]
    model = apps.get_model(entry["model"])
    cols = columns(model)
    prepare = _preparers(model, connection, rewrites)
    steps = [(i, fn) for i, fn in enumerate(prepare) if fn is not None]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in cols)
    # Rows come in key order: a self-reference to a key not yet written keeps the checks deferred until it is.
    pk_index = next(i for i, f in enumerate(cols) if f.primary_key)
    self_refs = [i for i, f in enumerate(cols) if f.is_relation and f.related_model is model and f.db_constraint]
    rows, since_check, needed, batch = 0, 0, None, []
    # PostgreSQL queues a deferred check per row and key until the commit: for a big table, check every
    # CHECK_EVERY rows instead, when every table it refers to is loaded already (not in a cycle).
    checks = connection.vendor == "postgresql" and all(label(r) in loaded for r in _references(model) if r is not model)

    def flush():
        nonlocal since_check, needed
        try:
            _insert(connection, table, names, len(cols), batch)
        except DatabaseError as exc:
            raise BackupError.of(
                f"Cơ sở dữ liệu từ chối dữ liệu của bảng {entry['model']}: {exc}",
                f"The database refused the rows of table {entry['model']}: {exc}",
            ) from None
        since_check += len(batch)
        if checks and since_check >= CHECK_EVERY:
            top = batch[-1][pk_index]
            if needed is None or (isinstance(top, int) and needed <= top):
                _check_constraints(connection, entry["model"])
                since_check, needed = 0, None
        batch.clear()

    with archive.reading(entry["member"]) as stream:
        for line in stream:
            values = json.loads(line)
            for i in self_refs:
                ref = values[i]
                if ref is not None and (needed is None or ref > needed):
                    needed = ref
            for i, fn in steps:
                if values[i] is not None:
                    values[i] = fn(values[i])
            batch.append(values)
            rows += 1
            if len(batch) >= WRITE_CHUNK:
                flush()
        if batch:
            flush()
    if rows != entry["rows"]:
        raise damaged(entry["member"], f"{rows} ≠ {entry['rows']}")
    return rows


def _insert(connection, table: str, names: str, width: int, batch: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own cursor for COPY: its errors become Django's, as through Django's cursor
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * width)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)


def _check_constraints(connection, what: str) -> None:
    try:
        connection.check_constraints()
    except DatabaseError as exc:
        raise BackupError.of(
            f"Bản sao lưu không nhất quán (khóa ngoại, sau bảng {what}): {exc}",
            f"The backup is inconsistent (foreign keys, after table {what}): {exc}",
        ) from None


def _check_and_reset(using: str) -> None:
    """Every foreign key checked now (not at commit, so the error names it), then PostgreSQL's sequences moved
    past the restored keys."""
    connection = connections[using]
    _check_constraints(connection, "—")
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
