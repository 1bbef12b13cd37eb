"""Opening an archive and judging it before anything is written: whole (every member, checksum and row count),
made by this antoan's migrations, and a target without records unless they are to be replaced."""

import hashlib
import io
import json
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS

from antoan.core.backup.layout import (
    AREAS,
    COPY_BYTES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MIGRATE_FILLS,
    BackupError,
    applied_migrations,
    unapplied_migrations,
)
from antoan.core.backup.values import backed_up_models, columns, label
from antoan.core.errors import Message


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


def refuse_records(found: list[tuple[str, int]]) -> BackupError:
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
