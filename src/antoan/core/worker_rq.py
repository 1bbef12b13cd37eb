"""`antoan worker` on the Redis backend (ANTOAN_TASKS_BACKEND=rq): RQ's worker, through django-rq, with
django-tasks-rq's job class. Imported only then: rq and django-rq are the `rq` extra.

RQ forks a process per task (a memory-hungry LibreOffice or matplotlib run ends with it) and keeps its own books on
workers that vanish (their tasks are failed as abandoned once their heartbeat lapses). antoan's jobs do not wait for
that: a job's run lock tells at once that its run died (core.runlock), and the recovery — run at start and at each of
RQ's maintenance rounds, every SWEEP_SECONDS — queues it again or reports it.
"""

from django.conf import settings
from django.db import connections
from django_rq.utils import reset_db_connections
from django_rq.workers import get_worker
from rq import Worker

from antoan.core.background import SWEEP_SECONDS, recover_all


class RecoveringWorker(Worker):
    """RQ's forking worker; its maintenance rounds also run antoan's recovery of jobs cut short."""

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        recover_all()
        connections.close_all()  # a forked task must not share the parent's database connections


def rq_work(*, worker_id: str, burst: bool, max_tasks: int | None, verbosity: int) -> None:
    worker = get_worker(
        settings.ANTOAN_TASKS_QUEUE,
        job_class="django_tasks_rq.backend.Job",
        worker_class=RecoveringWorker,
        name=worker_id,
        maintenance_interval=SWEEP_SECONDS,
    )
    reset_db_connections()
    level = "DEBUG" if verbosity >= 2 else "WARNING" if verbosity == 0 else "INFO"
    worker.work(burst=burst, max_jobs=max_tasks, logging_level=level)
