"""Run locks and the queue's bookkeeping: a lock has one holder at a time and is free again once its holder lets go;
a job left QUEUED is queued again when its task is lost, failed when its task failed before it started, and left
alone while its task waits. (Killed workers, for real: test_faults.py.)"""

import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from antoan.core import clock
from antoan.core.background import LOST, WAITING, queued_task_fate, task_mark_lost
from antoan.core.runlock import run_lock, run_lock_free
from antoan.incidents.jobs import import_job_recover, import_job_start
from antoan.incidents.models import ImportJob

pytestmark = pytest.mark.django_db

CSV = b"kind,unit_code,occurred_at,summary,dead,injured\ntraffic,23059,2026-03-01 08:00,Va cham,0,1\n"


def test_a_run_lock_has_one_holder_at_a_time_and_is_free_once_let_go():
    assert run_lock_free("job-1")
    with run_lock("job-1") as first:
        assert first and not run_lock_free("job-1")
        with run_lock("job-1", wait=0.3) as second:
            assert not second  # another holder (a connection, an open file of its own) is refused
        with run_lock("job-2") as other:
            assert other  # locks are by name
    assert run_lock_free("job-1")


def test_a_run_waits_for_a_lock_held_for_a_moment():
    holding = threading.Event()

    def hold_briefly():
        with run_lock("job-3") as held:
            assert held
            holding.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold_briefly)
    holder.start()
    holding.wait(10)
    started = time.monotonic()
    with run_lock("job-3", wait=10) as held:
        assert held and time.monotonic() - started >= 0.2
    holder.join(10)


@pytest.fixture
def queued_import(make_user, settings, tmp_path, tasks_queued):
    settings.ANTOAN_IMPORT_DIR = tmp_path
    job = import_job_start(user=make_user(), uploaded=SimpleUploadedFile("a.csv", CSV))
    assert job.state == ImportJob.State.QUEUED and job.task_id  # no worker here: it waits
    return job


def test_a_job_waiting_for_its_task_is_left_alone(queued_import):
    assert queued_task_fate(queued_import.task_id, queued_at=queued_import.started_at) == WAITING
    assert not import_job_recover(queued_import)
    assert DBTaskResult.objects.get(id=queued_import.task_id).status == "READY"


def test_a_job_whose_task_was_lost_is_queued_again(queued_import):
    DBTaskResult.objects.filter(id=queued_import.task_id).delete()  # pruned, or a database restored from a backup
    assert queued_task_fate(queued_import.task_id, queued_at=queued_import.started_at) == LOST
    assert import_job_recover(queued_import)
    job = ImportJob.objects.get(pk=queued_import.pk)
    assert job.state == ImportJob.State.QUEUED and job.task_id not in ("", queued_import.task_id)
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"


def test_a_job_whose_worker_died_before_claiming_it_is_queued_again(queued_import):
    DBTaskResult.objects.filter(id=queued_import.task_id).update(status="RUNNING",
                                                                started_at=clock.now() - timedelta(minutes=5))
    assert import_job_recover(queued_import)
    assert ImportJob.objects.get(pk=queued_import.pk).task_id != queued_import.task_id


def test_a_job_whose_task_failed_before_it_started_fails_with_it(queued_import):
    DBTaskResult.objects.filter(id=queued_import.task_id).update(status="FAILED", finished_at=clock.now())
    assert import_job_recover(queued_import)
    job = ImportJob.objects.get(pk=queued_import.pk)
    assert job.state == ImportJob.State.FAILED and "could not start" in job.message_en
    assert DBTaskResult.objects.count() == 1  # not queued again: it would fail again


def test_a_job_queued_a_moment_ago_without_a_task_yet_is_being_queued(queued_import):
    assert queued_task_fate("", queued_at=clock.now()) == WAITING
    assert queued_task_fate("", queued_at=clock.now() - timedelta(minutes=5)) == LOST


def test_a_task_whose_worker_died_is_marked_failed_not_left_running(queued_import):
    DBTaskResult.objects.filter(id=queued_import.task_id).update(status="RUNNING", started_at=clock.now())
    task_mark_lost(queued_import.task_id)
    task_mark_lost("inline-a-command-line-run")  # not a task: nothing to mark
    task = DBTaskResult.objects.get(id=queued_import.task_id)
    assert task.status == "FAILED" and task.exception_class_path == "antoan.core.background.WorkerLost"
