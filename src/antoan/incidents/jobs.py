"""Imports started from the web page: the file is stored, a job row is made, and a task of Django's task framework
(`import_job_task`) imports it in `antoan worker` while the page polls the row (decision 0007).

Whoever runs an import holds its run lock (core.runlock) from claiming the row (QUEUED → RUNNING) until the row is
final, so "RUNNING, and nobody holds its lock" means exactly "cut short": the worker died half-way (SIGKILL, a
crash, a restart, the machine). What landed is then known from the row: an all-or-nothing import is one transaction
and wrote nothing; otherwise each batch committed together with `processed_rows`, which names the file's rows
written. Such a job is marked failed, saying so, by the next look at it (its page, or a worker's sweep). It is never
run again by itself: rows without an external id would be imported twice.

Progress for the page goes through a small file beside the upload (the web processes and the workers share that
folder: the worker reads the upload from it): an all-or-nothing import holds one transaction until it ends, and no
other process could see a row it updates — on SQLite none could even write one.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django_tasks import task

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.background import FAILED, LOST, enqueue, queued_task_fate, recovery, task_mark_lost
from antoan.core.errors import DomainError, NotFound
from antoan.core.paths import confined
from antoan.core.runlock import run_lock, run_lock_free
from antoan.core.tabular import count_rows, save_upload, upload_suffix
from antoan.incidents.models import ImportJob
from antoan.incidents.transfer import import_incidents

SHOWN_PROBLEMS = 200
LOCK_WAIT = 10  # seconds a run waits for the lock (held a moment by someone looking), before leaving it to its holder


def _storable(message: str) -> str:
    """A message as the job row keeps it: it may quote a file's cells, and PostgreSQL stores no NUL character."""
    return message.replace("\x00", "")


def stored_file(job: ImportJob) -> Path | None:
    """The job's upload, if its path lies in the import folder (core.paths: a restored row could name any file)."""
    return confined(job.stored_path, settings.ANTOAN_IMPORT_DIR)


def problems_path(job: ImportJob) -> Path | None:
    stored = stored_file(job)
    return stored.with_suffix(".errors.csv") if stored else None


def progress_path(job: ImportJob) -> Path | None:
    stored = stored_file(job)
    return stored.with_suffix(".progress") if stored else None


def _lock_name(job_pk: int) -> str:
    return f"incident-import-{job_pk}"


def import_job_start(*, user: User, uploaded, all_or_nothing: bool = False) -> ImportJob:
    """Store the upload and queue its import for a worker."""
    name = Path(uploaded.name or "").name
    suffix = upload_suffix(uploaded)
    folder = Path(settings.ANTOAN_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{suffix}"
    save_upload(uploaded, stored)
    job = ImportJob.objects.create(user=user, file_name=name[:255], stored_path=str(stored),
                                   all_or_nothing=all_or_nothing)  # fmt: skip
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: ImportJob) -> None:
    """The row is committed first, so the task always finds it; the task id is kept unless the run set it already."""
    task_id = enqueue(import_job_task, job.pk)
    ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=task_id)


@task(takes_context=True, queue_name=settings.ANTOAN_TASKS_QUEUE)
def import_job_task(context, job_pk: int) -> str:
    """The task: import the job's file (in a worker). Returns the job's final state."""
    job = ImportJob.objects.select_related("user").filter(pk=job_pk).first()
    if job is None:
        return "gone"
    return import_job_run(job, runner=context.task_result.id).state


def import_job_run(job: ImportJob, *, runner: str) -> ImportJob:
    """Run a QUEUED job here, holding its run lock; `runner` (the task's id) is written on the row."""
    with run_lock(_lock_name(job.pk), wait=LOCK_WAIT) as held:
        if not held:  # another run has it (a duplicate task): it is that one's to finish
            return job
        claimed = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.RUNNING, task_id=runner
        )
        job.refresh_from_db()
        if not claimed:
            if job.state == ImportJob.State.RUNNING:  # RUNNING, and the lock was free: its run died
                _mark_cut_short(job)
                job.refresh_from_db()
            return job
        return _import(job)


def _import(job: ImportJob) -> ImportJob:
    path, progress_file = stored_file(job), progress_path(job)

    def progress(n: int) -> None:
        _write_progress(progress_file, n)
        if not job.all_or_nothing:  # in the batch's transaction: the row says exactly which rows were written
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=n)

    try:
        if path is None:
            raise DomainError.single("file", "Tệp của lần nhập không nằm trong thư mục nhập: không đọc",
                                     "The import's file is not in the import folder: it is not read")  # fmt: skip
        job.total_rows = count_rows(path)
        job.save(update_fields=["total_rows"])
        report = import_incidents(user=job.user, path=path, all_or_nothing=job.all_or_nothing, on_progress=progress)
    except DomainError as exc:
        message = next(iter(exc.errors.values()))
        job.state, job.message_vi, job.message_en = ImportJob.State.FAILED, _storable(message.vi), _storable(message.en)
    except Exception as exc:  # the page must say the import failed, not spin for ever; the task records the trace
        job.state = ImportJob.State.FAILED
        # What the committed batches wrote (none, all or nothing): the row's figure, not this object's stale one.
        job.processed_rows = ImportJob.objects.filter(pk=job.pk).values_list("processed_rows", flat=True).first() or 0
        job.message_vi = f"Lỗi hệ thống khi nhập: {exc.__class__.__name__}"
        job.message_en = f"Internal error while importing: {exc}"
        raise
    else:
        job.state = ImportJob.State.DONE
        job.processed_rows = report.rows + report.blank
        job.created, job.updated, job.unchanged = report.created, report.updated, report.unchanged
        job.rejected_rows, job.rolled_back = report.rejected_rows, report.rolled_back
        job.converted_rows = len({row for row, _, _ in report.converted})
        job.problems = [
            {"row": p.row, "column": p.column, "vi": _storable(p.message.vi), "en": _storable(p.message.en)}
            for p in report.rejected[:SHOWN_PROBLEMS]
        ]
        summary = report.summary()
        job.message_vi, job.message_en = summary.vi, summary.en
        if report.rejected or report.converted:
            report.write_problems_csv(problems_path(job))
    finally:
        # Stopped by force (a worker's second SIGTERM, Ctrl-C): the row stays RUNNING, exactly as the last batch left
        # it, and the recovery says what was written once the lock is let go.
        if job.state != ImportJob.State.RUNNING:
            job.finished_at = clock.now()
            job.save()
            if progress_file:
                progress_file.unlink(missing_ok=True)
    return job


def _write_progress(path: Path, rows: int) -> None:
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    temporary.write_text(str(rows))
    os.replace(temporary, path)  # the page reads a whole number, never half of one


def _read_progress(job: ImportJob) -> int | None:
    path = progress_path(job)
    if path is None:
        return None
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return None


def import_job_get(*, user: User, pk: int) -> ImportJob:
    """A user's own import, with the progress so far (a job cut short is marked so first)."""
    job = ImportJob.objects.filter(user=user, pk=pk).first()
    if job is None:
        raise NotFound.single("job", "Không tìm thấy lần nhập này", "Import not found")
    if not job.finished and import_job_recover(job):
        job.refresh_from_db()
    if job.state == ImportJob.State.RUNNING:
        job.processed_rows = max(job.processed_rows, _read_progress(job) or 0)
    return job


# Recovery: jobs cut short are marked failed, saying what landed; jobs whose task was lost are queued again --------


def import_job_recover(job: ImportJob) -> bool:
    """Deal with a job that will never finish on its own; True if it did something.

    RUNNING with its run lock free: its run died. It is marked failed, naming what was written.
    QUEUED whose task will never run it (core.background.queued_task_fate): nothing was written, so it is queued
    again — or, if that task failed before it started, the job fails with it."""
    if job.state == ImportJob.State.RUNNING:
        if not run_lock_free(_lock_name(job.pk)):  # being run (asked on this request's connection: a poll is cheap)
            return False
        with run_lock(_lock_name(job.pk)) as held:
            if not held:
                return False
            job.refresh_from_db()
            return job.state == ImportJob.State.RUNNING and _mark_cut_short(job)
    if job.state == ImportJob.State.QUEUED:
        fate = queued_task_fate(job.task_id, queued_at=job.started_at)
        mine = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.QUEUED, task_id=job.task_id)
        if fate == LOST and mine.update(task_id=""):
            _enqueue(job)
            return True
        if fate == FAILED:
            return bool(
                mine.update(
                    state=ImportJob.State.FAILED,
                    finished_at=clock.now(),
                    message_vi="Không chạy được việc nhập (lỗi hệ thống, xem nhật ký của tiến trình nền). "
                    "Hãy nhập lại tệp.",
                    message_en="The import could not start (an internal error: see the worker's log). "
                    "Import the file again.",
                )
            )
    return False


def _mark_cut_short(job: ImportJob) -> bool:
    """Mark a RUNNING job whose run died (the caller holds its lock) failed; say which of the file's rows were written.

    With all_or_nothing the whole file was one transaction, so nothing was. Otherwise each batch committed
    together with `processed_rows`, so the file's rows 2 … processed_rows + 1 were written (except the rejected
    ones) and none after them."""
    current = ImportJob.objects.filter(pk=job.pk).values_list("processed_rows", flat=True).first() or 0
    vi, en = "Lần nhập bị ngắt giữa chừng (tiến trình nền đã dừng)", "The import was cut short (its worker stopped)"
    if job.all_or_nothing or not current:
        vi, en = (
            f"{vi}; không dòng nào được ghi. Hãy nhập lại tệp.",
            f"{en}; no row was written. Import the file again.",
        )
    else:
        last = current + 1
        vi += (
            f"; các dòng 2–{last} của tệp đã được ghi (trừ dòng bị từ chối), các dòng sau chưa được ghi. "
            "Nhập lại tệp: dòng có mã (external_id) đã ghi sẽ không bị nhân đôi; dòng không có mã thì chỉ nhập "
            f"các dòng sau dòng {last}."
        )
        en += (
            f"; the file's rows 2–{last} were written (except rejected ones), the rows after them were not. "
            "Import the file again: written rows with an external_id are not duplicated; for rows without one, "
            f"import only the rows after row {last}."
        )
    marked = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
        state=ImportJob.State.FAILED, processed_rows=current, message_vi=vi, message_en=en, finished_at=clock.now()
    )
    if marked:
        task_mark_lost(job.task_id)
        if progress_path(job):
            progress_path(job).unlink(missing_ok=True)
    return bool(marked)


@recovery
def import_jobs_recover() -> int:
    """Every unfinished job that will never finish on its own, dealt with (run by the workers): how many."""
    pending = ImportJob.objects.filter(state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING))
    return sum(import_job_recover(job) for job in pending)
