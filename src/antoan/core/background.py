"""Background work: tasks of Django's task framework, run by `antoan worker` beside the web server (decision 0007).

The framework is the django-tasks backport of Django 6's `django.tasks` (moving to Django 6 changes the imports
of this module and of the jobs modules, nothing else). Its backend is chosen by ANTOAN_TASKS_BACKEND: the database
(default) or Redis through RQ.

A job that runs as a task (an import, a report batch) keeps its own row, which the pages show; the row records the
task's id. Each kind of job registers a `recovery` here: it looks at the rows not finished yet and, with their run
locks (core.runlock) and their tasks' states, finds the ones that will never finish on their own and deals with them.
`antoan worker` runs every recovery when it starts and then every SWEEP_SECONDS while it waits for work; a job's page
runs its kind's recovery for that job when it is looked at.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import autodiscover_modules
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist

from antoan.core import clock

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 30
# A queued job whose task has been "running" this long without claiming the job's row lost its worker before it could.
CLAIM_GRACE = timedelta(minutes=1)

WAITING, LOST, FAILED = "waiting", "lost", "failed"  # what became of a queued job's task (queued_task_fate)


class WorkerLost(Exception):
    """Recorded on a task whose worker died while it ran (the database backend would say RUNNING for ever)."""


def enqueue(task, *args) -> str:
    """Queue `task(*args)` on antoan's queue and give the task's id. (The tests' immediate backend has run it by
    the time this returns.)"""
    return task.using(queue_name=settings.ANTOAN_TASKS_QUEUE).enqueue(*args).id


def _backend():
    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]


def queued_task_fate(task_id: str, *, queued_at: datetime) -> str:
    """For a job still QUEUED (its row not claimed by any run): will its task run it?

    WAITING: the task is in the queue, or just started and about to claim the row, or the backend cannot tell (the
    tests' immediate backend keeps no results); a job queued less than CLAIM_GRACE ago without a task id yet is
    being queued now.
    LOST: the task ended without claiming the row (a run that found the job busy), is gone from the queue (results
    pruned, Redis emptied, a database restored from a backup), or its worker died before it could claim the row —
    queue the job again: nothing of it was done.
    FAILED: the task raised before claiming the row — queuing it again would fail again; the job is failed."""
    now = clock.now()
    if not task_id:
        return LOST if queued_at < now - CLAIM_GRACE else WAITING
    backend = _backend()
    if not backend.supports_get_result:
        return WAITING
    try:
        result = backend.get_result(task_id)
    except TaskResultDoesNotExist:
        return LOST
    except Exception:  # the queue's server is unreachable: say nothing rather than guess
        logger.warning("could not read the state of task %s", task_id, exc_info=True)
        return WAITING
    if result.status == TaskResultStatus.READY:
        return WAITING
    if result.status == TaskResultStatus.RUNNING:
        return LOST if (result.started_at or now) < now - CLAIM_GRACE else WAITING
    return FAILED if result.status == TaskResultStatus.FAILED else LOST


def task_mark_lost(task_id: str) -> None:
    """The task's worker died while it ran (its job's run lock was found free): say so on the task. RQ notices a
    dead worker by itself; django-tasks-db would leave the task RUNNING for ever (its issue #46)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not task_id or not isinstance(_backend(), DatabaseBackend):
        return
    try:
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=clock.now(),
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback="WorkerLost: the worker running this task stopped (killed, crashed or restarted)\n",
        )
    except ValidationError:  # not a task of this backend (a run from the command line)
        pass


# Recoveries ------------------------------------------------------------------------------------------------------

_recoveries: list[Callable[[], int]] = []


def recovery(function: Callable[[], int]) -> Callable[[], int]:
    """Register a kind of job's recovery: looks at its unfinished jobs, deals with those cut short, says how many."""
    if function not in _recoveries:
        _recoveries.append(function)
    return function


def recover_all() -> int:
    """Every kind of job's recovery (each app's `jobs` module registers its own)."""
    autodiscover_modules("jobs")
    dealt_with = 0
    for function in _recoveries:
        try:
            dealt_with += function()
        except Exception:  # one kind's trouble must not keep the others' jobs cut short
            logger.exception("recovery %s failed", function.__qualname__)
    return dealt_with
