"""`antoan worker`: runs the background tasks — imports uploaded on the site, report batches — beside the web server.

    antoan worker                  # until stopped (SIGTERM or Ctrl-C: the task in hand is finished first)
    antoan worker --burst          # what is queued now, then stop
    antoan worker --max-tasks 50   # stop after 50 tasks (a supervisor such as systemd starts a fresh one)

Long work runs here and never in a web process: LibreOffice and matplotlib do not compete with requests, and a
restart of the web server cuts nothing short (decision 0007). With ANTOAN_TASKS_BACKEND=database (the default) this
is django-tasks-db's worker (`db_worker`) taking tasks from a table of antoan's database; with `rq` it is RQ's worker
on the Redis server at ANTOAN_REDIS_URL (each task in a forked process). Either way, when it starts and then every
30 s while it waits, it looks for jobs that will never finish on their own — a worker killed half-way, a task lost —
and queues them again or reports them (core.background.recover_all).

Several workers may run side by side (on one machine, or with PostgreSQL or Redis on several); on SQLite one is
enough, as SQLite writes one transaction at a time anyway.
"""

import logging
import os
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

from antoan.core.background import SWEEP_SECONDS, recover_all

logger = logging.getLogger(__name__)


def _default_worker_id() -> str:
    """Unique across the pool, and says where it runs (it is recorded on every task it takes)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"


class Command(BaseCommand):
    help = "Run background tasks (imports, report batches) until stopped: start one beside the web server."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Run the tasks queued now, then stop")
        parser.add_argument("--max-tasks", type=int, metavar="N", help="Stop after N tasks (a supervisor restarts it)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds between looks at an empty queue (database backend; default 1)")  # fmt: skip
        parser.add_argument("--worker-id", help="A name for this worker, unique in the pool (default: host-pid-random)")

    def handle(self, *args, burst, max_tasks, interval, worker_id, verbosity, **options):
        if max_tasks is not None and max_tasks < 1:
            raise CommandError("--max-tasks must be at least 1")
        if interval < 0:
            raise CommandError("--interval must not be negative")
        worker_id = (worker_id or _default_worker_id())[:64]
        if verbosity >= 1:
            # Each task's start and end (django-tasks logs them at INFO), through the project's log handler.
            logging.getLogger("django_tasks").setLevel(logging.INFO)
        backend = settings.ANTOAN_TASKS_BACKEND
        where = settings.ANTOAN_REDIS_URL if backend == "rq" else "the database"
        self.stdout.write(f"antoan worker {worker_id}: queue {settings.ANTOAN_TASKS_QUEUE} on {where} ({backend})")
        self.stdout.flush()
        if backend == "rq":
            from antoan.core.worker_rq import rq_work

            rq_work(worker_id=worker_id, burst=burst, max_tasks=max_tasks, verbosity=verbosity)
        else:
            worker = database_worker(worker_id=worker_id, max_tasks=max_tasks, interval=interval,
                                     startup_delay=not burst)  # fmt: skip
            worker.serve(burst=burst)


def _recover() -> None:
    recover_all()
    connections.close_all()  # none held across the wait (nor, with RQ, into a forked task)


class DatabaseWorker(Worker):
    """django-tasks-db's worker, run in rounds: every ready task (its batch mode), then — every SWEEP_SECONDS — the
    recovery of jobs cut short, then a pause. Its signal handling is kept: SIGTERM or Ctrl-C finishes the task in
    hand, then stops; a second one stops at once."""

    def serve(self, *, burst: bool = False, handle_signals: bool = True) -> None:
        if handle_signals:  # (only the main thread may; a test runs this in a thread)
            self.configure_signals()
        swept_at = None
        while self.running:
            if swept_at is None or time.monotonic() - swept_at >= SWEEP_SECONDS:
                _recover()  # first: a batch cut short is queued again before this round takes tasks
                swept_at = time.monotonic()
            try:
                self.run()  # batch mode: returns when no task is ready
            except OperationalError as exc:
                # SQLite busy past its timeout while taking a task: django-tasks-db lets that end the worker; the next
                # round tries again (nothing was taken).
                if not is_locked_database_exception(exc):
                    raise
                logger.warning("the database is locked; trying again in %s s", self.interval)
            self.startup_delay = False
            if burst or (self.max_tasks is not None and self._run_tasks >= self.max_tasks):
                return
            if self.running:
                time.sleep(self.interval)


def database_worker(*, worker_id: str, max_tasks: int | None = None, interval: float = 1.0,
                    startup_delay: bool = True) -> DatabaseWorker:  # fmt: skip
    return DatabaseWorker(
        queue_names=[settings.ANTOAN_TASKS_QUEUE],
        interval=interval,
        batch=True,
        backend_name="default",
        startup_delay=startup_delay,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
