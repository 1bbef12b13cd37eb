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

The package: layout (the format, the folders, the error type), values (the tables and their values), write
(`backup_write`), read (opening and judging an archive, `archive_check`), restore (`restore`).
"""

from antoan.core.backup.layout import AREAS, SKIPPED, BackupError
from antoan.core.backup.read import archive_check
from antoan.core.backup.restore import restore
from antoan.core.backup.write import backup_write, snapshot

__all__ = ["AREAS", "SKIPPED", "BackupError", "archive_check", "backup_write", "restore", "snapshot"]
