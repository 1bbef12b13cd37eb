"""`backup_write`: one consistent snapshot of every table, then the files, into the archive."""

import hashlib
import json
import os
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import django
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from antoan.core import clock
from antoan.core.backup.layout import (
    AREAS,
    COPY_BYTES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    READ_CHUNK,
    ROW_JSON,
    SKIPPED,
    STORED_SUFFIXES,
    Area,
    BackupError,
    applied_migrations,
    area_files,
    unapplied_migrations,
)
from antoan.core.backup.values import backed_up_models, columns, encode_row, label, row_encoders
from antoan.core.errors import Message


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
                    "created_at": clock.now().isoformat(),
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
    encoders = row_encoders(model)
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
