"""Imports started from the web page: the file is stored, a job row is made, and the import runs in a
background thread of the web process while the page polls its progress.

Progress goes through Django's cache rather than the job row, because an all-or-nothing import holds one
transaction until it ends and nobody else could see a row it updates. With several web processes, point
CACHES at a shared cache (the job row still gets the final figures either way).
"""

import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone

from antoan.accounts.models import User
from antoan.core.errors import DomainError, NotFound
from antoan.core.tabular import count_rows
from antoan.incidents.models import ImportJob
from antoan.incidents.transfer import import_incidents

SHOWN_PROBLEMS = 200
ACCEPTED_SUFFIXES = (".csv", ".xlsx")


def _progress_key(job_pk: int) -> str:
    return f"antoan:import:{job_pk}:processed"


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
        user=user, file_name=name[:255], stored_path=str(stored), all_or_nothing=all_or_nothing
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
    job.state = ImportJob.State.RUNNING
    try:
        job.total_rows = count_rows(path)
        job.save(update_fields=["state", "total_rows"])
        report = import_incidents(
            user=job.user,
            path=path,
            all_or_nothing=job.all_or_nothing,
            on_progress=lambda n: cache.set(_progress_key(job.pk), n, 3600),
        )
    except DomainError as exc:
        message = next(iter(exc.errors.values()))
        job.state, job.message_vi, job.message_en = ImportJob.State.FAILED, message.vi, message.en
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
            {"row": p.row, "column": p.column, "vi": p.message.vi, "en": p.message.en}
            for p in report.rejected[:SHOWN_PROBLEMS]
        ]
        summary = report.summary()
        job.message_vi, job.message_en = summary.vi, summary.en
        if report.rejected or report.converted:
            report.write_problems_csv(problems_path(job))
    finally:
        job.finished_at = timezone.now()
        job.save()
    return job


def import_job_get(*, user: User, pk: int) -> ImportJob:
    """A user's own import, with the progress so far."""
    job = ImportJob.objects.filter(user=user, pk=pk).first()
    if job is None:
        raise NotFound.single("job", "Không tìm thấy lần nhập này", "Import not found")
    if not job.finished:
        job.processed_rows = cache.get(_progress_key(job.pk), job.processed_rows)
    return job
