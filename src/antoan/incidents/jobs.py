"""Imports started from the web page: the file is stored, a job row is made, and the import runs in a
background thread of the web process while the page polls its progress.

Progress goes through Django's cache rather than the job row, because an all-or-nothing import holds one
transaction until it ends and nobody else could see a row it updates. With several web processes, point
CACHES at a shared cache (the job row still gets the final figures either way). An import that is not all or
nothing also writes its progress to the job row inside each batch's transaction, so the row names exactly the rows
written; if the process dies, `import_job_recover` (on the job's next look) marks the job failed and says so.
"""

import os
import socket
import threading
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.tabular import count_rows
from antoan.incidents.models import ImportJob
from antoan.incidents.transfer import import_incidents

SHOWN_PROBLEMS = 200
STALE_HOURS = 24  # a job of another machine (or of before `owner`) still running after this long was cut short
ACCEPTED_SUFFIXES = (".csv", ".xlsx")


def _progress_key(job_pk: int) -> str:
    return f"antoan:import:{job_pk}:processed"


def _storable(message: str) -> str:
    """A message as the job row keeps it: it may quote a file's cells, and PostgreSQL stores no NUL character."""
    return message.replace("\x00", "")


def problems_path(job: ImportJob) -> Path:
    return Path(job.stored_path).with_suffix(".errors.csv")


def import_job_start(*, user: User, uploaded, all_or_nothing: bool = False) -> ImportJob:
    """Store the upload and start importing it (in the background unless the settings say otherwise)."""
    name = Path(uploaded.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise DomainError.single(
            "file", "Chỉ nhận tệp .csv hoặc .xlsx", f"Only .csv and .xlsx files are accepted, not '{suffix or name}'"
        )
    if uploaded.size > settings.ANTOAN_IMPORT_MAX_BYTES:
        limit = settings.ANTOAN_IMPORT_MAX_BYTES // (1024 * 1024)
        raise DomainError.single("file", f"Tệp lớn hơn {limit} MB", f"The file is larger than {limit} MB")
    folder = Path(settings.ANTOAN_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{suffix}"
    with open(stored, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    job = ImportJob.objects.create(
        user=user, file_name=name[:255], stored_path=str(stored), all_or_nothing=all_or_nothing, owner=_owner()
    )
    if settings.ANTOAN_IMPORT_IN_BACKGROUND:
        threading.Thread(target=_run_in_thread, args=(job.pk,), daemon=True, name=f"import-{job.pk}").start()
    else:
        import_job_run(job)
    return job


def _run_in_thread(job_pk: int) -> None:
    close_old_connections()
    try:
        import_job_run(ImportJob.objects.get(pk=job_pk))
    finally:
        close_old_connections()


def import_job_run(job: ImportJob) -> ImportJob:
    path = Path(job.stored_path)
    job.state, job.owner = ImportJob.State.RUNNING, _owner()

    def progress(n: int) -> None:
        cache.set(_progress_key(job.pk), n, 3600)
        if not job.all_or_nothing:  # in the batch's transaction: the row says exactly which rows were written
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=n)

    try:
        job.total_rows = count_rows(path)
        job.save(update_fields=["state", "owner", "total_rows"])
        report = import_incidents(user=job.user, path=path, all_or_nothing=job.all_or_nothing, on_progress=progress)
    except DomainError as exc:
        message = next(iter(exc.errors.values()))
        job.state, job.message_vi, job.message_en = ImportJob.State.FAILED, _storable(message.vi), _storable(message.en)
    except Exception as exc:  # the page must say the import failed, not spin for ever
        job.state = ImportJob.State.FAILED
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
        job.finished_at = clock.now()
        job.save()
    return job


def import_job_get(*, user: User, pk: int) -> ImportJob:
    """A user's own import, with the progress so far."""
    job = ImportJob.objects.filter(user=user, pk=pk).first()
    if job is None:
        raise NotFound.single("job", "Không tìm thấy lần nhập này", "Import not found")
    if not job.finished and import_job_recover(job):
        job.refresh_from_db()
    if not job.finished:
        job.processed_rows = cache.get(_progress_key(job.pk), job.processed_rows)
    return job


# Recovery: a job whose process died (the server was killed or restarted) is marked failed, saying what landed --


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def _process_gone(owner: str, started_at) -> bool:
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False  # (a pid reused since by another process keeps the job "running" until STALE_HOURS)
    return started_at < clock.now() - timedelta(hours=STALE_HOURS)


def import_job_recover(job: ImportJob) -> bool:
    """Mark the job failed if the process running it no longer exists; say which of the file's rows were written.

    With all_or_nothing the whole file was one transaction, so nothing was. Otherwise each batch committed
    together with `processed_rows`, so the file's rows 2 … processed_rows + 1 were written (except the rejected
    ones) and none after them."""
    if job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING) or not (
        _process_gone(job.owner, job.started_at) or job.started_at < clock.now() - timedelta(hours=STALE_HOURS)
    ):
        return False
    current = ImportJob.objects.filter(pk=job.pk).values_list("processed_rows", flat=True).first() or 0
    vi, en = "Lần nhập bị ngắt giữa chừng (máy chủ đã dừng)", "The import was cut short (the server stopped)"
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
    return bool(
        ImportJob.objects.filter(pk=job.pk, state=job.state, owner=job.owner).update(
            state=ImportJob.State.FAILED, message_vi=vi, message_en=en, finished_at=clock.now()
        )
    )


def import_jobs_recover() -> int:
    """Every job cut short (run at start-up, or whenever): how many were marked failed."""
    pending = ImportJob.objects.filter(state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING))
    return sum(import_job_recover(job) for job in pending)
