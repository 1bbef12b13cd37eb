"""Run locks: a lock that a process holds while it runs a job, and that the operating system or the database releases
when the process dies — however it dies (SIGKILL, the out-of-memory killer, a crash, a restart).

"Is anybody still running this job?" then has an exact answer, asked by trying the lock: no heartbeat to keep
fresh, no process id that another process may have taken since, no timeout to guess. A job row that says RUNNING
while its lock is free was cut short (decision 0007).

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its own, opened for the
  run and closed after it, so that nothing Django does with its own connections (closing them between requests or
  tasks) can let it go. The server releases it when that connection ends; TCP keepalives make it notice a machine
  that vanished within about a minute and a half.
- SQLite: `flock()` on a file in a folder beside the database (`antoan.sqlite3.locks/`). SQLite is one machine's
  database, so every process that may run a job is on that machine; the kernel releases the lock with the process.
  An in-memory database (the tests) belongs to one process, which gets a folder of its own.
"""

import atexit
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

POLL_SECONDS = 0.1
# A vanished machine's connection is dropped by the server after idle + interval × count seconds.
KEEPALIVES = (("tcp_keepalives_idle", 30), ("tcp_keepalives_interval", 10), ("tcp_keepalives_count", 6))


@contextmanager
def run_lock(name: str, *, wait: float = 0.0) -> Iterator[bool]:
    """Hold the lock `name` for the block; yields False (and holds nothing) if another process has it and it did not
    come free within `wait` seconds."""
    holder = _PostgresHolder(name) if _vendor() == "postgresql" else _FileHolder(name)
    deadline = time.monotonic() + wait
    try:
        while not holder.try_acquire():
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(POLL_SECONDS)
        yield True
    finally:
        holder.release()


def run_lock_free(name: str) -> bool:
    """Nobody holds the lock `name` now (it is taken and given back at once)."""
    if _vendor() == "postgresql":
        key = _key(name)
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_try_advisory_lock(%s) THEN pg_advisory_unlock(%s) ELSE false END", [key, key]
            )
            return bool(cursor.fetchone()[0])
    with run_lock(name) as held:
        return held


def _vendor() -> str:
    return connections[DEFAULT_DB_ALIAS].vendor


def _key(name: str) -> int:
    """The advisory lock's 64-bit key for a name (PostgreSQL's advisory locks are per database already)."""
    digest = hashlib.blake2b(f"antoan:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class _PostgresHolder:
    def __init__(self, name: str):
        self.key = _key(name)
        self.connection = None
        self.held = False

    def try_acquire(self) -> bool:
        if self.connection is None:
            # A connection of the lock's own, outside Django's handler: never closed under the run's feet.
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.connection.cursor() as cursor:
                for setting, value in KEEPALIVES:
                    cursor.execute(f"SET {setting} = {int(value)}")
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            self.held = bool(cursor.fetchone()[0])
        return self.held

    def release(self) -> None:
        if self.connection is not None:
            if self.held:
                # Let go before closing: the server ends a closed session a moment after the client has moved on,
                # and until then the lock would still look taken to the next one asking.
                try:
                    with self.connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])
                except DatabaseError:  # the connection is gone already, and the lock with it
                    pass
            self.connection.close()  # the session ends, and any advisory lock with it
            self.connection = None
        self.held = False


class _FileHolder:
    def __init__(self, name: str):
        self.path = _lock_folder() / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.lock"
        self.descriptor: int | None = None

    def try_acquire(self) -> bool:
        if self.descriptor is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Never deleted: a process waiting on a deleted file would hold a lock nobody else can see.
            self.descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        if self.descriptor is not None:
            os.close(self.descriptor)  # closing the last descriptor of the open file releases its flock
            self.descriptor = None


_memory_folder: Path | None = None


def _lock_folder() -> Path:
    global _memory_folder
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.is_in_memory_db():
        database = Path(connection.settings_dict["NAME"]).resolve()
        return database.with_name(database.name + ".locks")
    if _memory_folder is None:  # this process's database: this process's locks
        _memory_folder = Path(tempfile.mkdtemp(prefix="antoan-runlocks-"))
        atexit.register(shutil.rmtree, _memory_folder, True)
    return _memory_folder
