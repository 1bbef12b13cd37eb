"""`restore`: all or nothing — the files unpacked beside their folders, every table loaded in one transaction and
checked, then the files moved into place (see the package's docstring)."""

import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from antoan.core.backup.layout import AREAS, CHECK_EVERY, COPY_BYTES, WRITE_CHUNK, BackupError, area_files
from antoan.core.backup.read import Archive, compatibility_problems, damaged, refuse_records, tables_with_records
from antoan.core.backup.values import columns, label, preparers, references
from antoan.core.errors import Message


@dataclass
class RestoreResult:
    manifest: dict
    rows: int = 0
    files: int = 0
    seconds: float = 0.0
    moved: list[Path] = field(default_factory=list)


def restore(path: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS, progress=None) -> RestoreResult:
    """Restore the archive into the database and folders; all or nothing (see the package's docstring)."""
    started = time.monotonic()
    say = progress or (lambda message: None)
    with Archive(path) as archive:
        manifest = archive.manifest
        problems = compatibility_problems(manifest, using)
        if problems:
            raise BackupError({f"{i}": m for i, m in enumerate(problems)})
        if not replace:
            if found := tables_with_records(using):
                raise refuse_records(found)
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
                    raise refuse_records(found)  # written meanwhile
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
    prepare = preparers(model, connection, rewrites)
    steps = [(i, fn) for i, fn in enumerate(prepare) if fn is not None]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in cols)
    # Rows come in key order: a self-reference to a key not yet written keeps the checks deferred until it is.
    pk_index = next(i for i, f in enumerate(cols) if f.primary_key)
    self_refs = [i for i, f in enumerate(cols) if f.is_relation and f.related_model is model and f.db_constraint]
    rows, since_check, needed, batch = 0, 0, None, []
    # PostgreSQL queues a deferred check per row and key until the commit: for a big table, check every
    # CHECK_EVERY rows instead, when every table it refers to is loaded already (not in a cycle).
    checks = connection.vendor == "postgresql" and all(label(r) in loaded for r in references(model) if r is not model)

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
