"""Independent read queries of one request, run side by side on PostgreSQL.

An indicator set reads a dozen sources (incidents, patrols, tips, models, …), one aggregate query each; run one
after the other, a province's year spends ~110 ms waiting on them although they share nothing. `run_reads` runs
such reads on `ANTOAN_QUERY_LANES` lanes: the calling thread and worker threads, each with its own database
connection (Django's connections are per thread), so the database works on several at once while Python builds
the next statement. docs/benchmarks.md has the figures.

They run one after the other, as before, where side by side would be wrong or useless:
- inside a transaction (`atomic`, and every test case that wraps its test in one): another connection would
  not see what the transaction wrote;
- on SQLite (one file, one writer; the demo's database), or when ANTOAN_QUERY_LANES is 1.

Each read sees the database as of its own statement, as it did when they ran in turn in autocommit mode. The
workers run in a copy of the caller's context (the replica router's state, contextvars). Their connections
follow CONN_MAX_AGE like the request's own: checked before and after each use (close_old_connections).
"""

import contextvars
import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connection

# How often a thread holding the GIL lets another run (Python's default: 5 ms). A lane whose query has just
# answered waits for the GIL while another builds its statement: in an A/B of a province's indicator set, 5 ms
# gave p50 131 – 133 ms, p95 159 – 171 ms; 1 ms 120 – 123 ms, 147 ms (a second A/B, on a busier machine, was
# within its noise). Set for the process when the pool is made.
SWITCH_INTERVAL = 0.001

_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None
_executor_lock = threading.Lock()
_lane = threading.local()  # `busy` in a worker thread: reads it runs that ask for lanes run in turn


def lanes() -> int:
    return max(1, settings.ANTOAN_QUERY_LANES)


def side_by_side() -> bool:
    return (
        lanes() > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not getattr(_lane, "busy", False)  # a read that itself ran reads would wait for its own pool
    )


def run_reads(reads: list[Callable]) -> list:
    """The results of `reads` (callables that only read), in order; side by side when `side_by_side()`. The first
    exception raised by any of them is raised here, after the others have finished."""
    if len(reads) < 2 or not side_by_side():
        return [read() for read in reads]
    pending = deque(enumerate(reads))
    results: list = [None] * len(reads)

    def drain() -> None:
        while True:
            try:
                index, read = pending.popleft()
            except IndexError:
                return
            results[index] = read()

    workers = [
        _pool().submit(contextvars.copy_context().run, _in_worker, drain) for _ in range(min(lanes(), len(reads)) - 1)
    ]
    try:
        drain()
    finally:
        for worker in workers:
            # Not started yet (the pool's thread busy with another request's reads, under `antoan serve --threads`):
            # there is nothing left for it to do, so this request does not wait for it.
            if not worker.cancel():
                worker.result()
    return results


def _in_worker(drain: Callable) -> None:
    _lane.busy = True
    close_old_connections()
    try:
        drain()
    finally:
        close_old_connections()
        _lane.busy = False


def _pool() -> ThreadPoolExecutor:
    """One pool per process, made on first use: gunicorn forks its workers after loading the application, and a
    pool's threads do not survive a fork."""
    global _executor, _executor_pid
    with _executor_lock:
        if _executor is None or _executor_pid != os.getpid():
            _executor = ThreadPoolExecutor(max_workers=max(1, lanes() - 1), thread_name_prefix="antoan-reads")
            _executor_pid = os.getpid()
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        return _executor
