"""Batches: one report per child unit of a unit (every commune of a province, every district of an old
province), in one or more formats, zipped with a manifest.

A batch is a `BatchJob` row and a work folder. It runs as a task of Django's task framework (`batch_task`) in
`antoan worker` — or in the foreground from `antoan report batch` — and survives its runner's death (decision 0007):

- each child is built on its own — `build_context` as the job's user, for that child only — and its files are
  written under a temporary name and then renamed (`os.replace`), so the folder only ever holds whole files;
- the child is then appended to `done` in one UPDATE, so `done` names exactly the children whose files are all
  written;
- whoever runs a job holds its run lock (core.runlock) from claiming the row (→ RUNNING) until the row is final,
  so a job RUNNING whose lock is free was cut short (its worker killed, crashed or restarted): the next look at it
  (its page, a worker's sweep, `antoan report batch --resume ID`) runs it again from `done`;
- every write of a run names the run (`task_id`): a run that was replaced meanwhile (its lock lost with its
  database connection, and the job taken over) stops instead of writing twice.

PDFs are converted from the DOCX of several children in one LibreOffice run (`docx_to_pdf_many`), which saves
LibreOffice's start-up per file; the children of a chunk are marked done once their PDFs are in place.
The ZIP holds only the files of the children in `done`, by name, never whatever else lies in the folder.
"""

import csv
import io
import os
import shutil
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.core import clock
from antoan.core.background import FAILED, LOST, enqueue, queued_task_fate, recovery, task_mark_lost
from antoan.core.errors import DomainError, NotFound
from antoan.core.paths import confined
from antoan.core.routers import reading_from_replica
from antoan.core.runlock import run_lock, run_lock_free
from antoan.indicators.periods import Period, period_parse
from antoan.indicators.selectors import indicator_children, indicator_unit
from antoan.reports.models import BatchJob
from antoan.reports.render import FORMATS, check_format, check_kind, render_report
from antoan.units.models import Unit

PARTIAL = ".partial"  # files being written, inside the work folder; never zipped
MANIFEST_TXT = "MANIFEST.txt"
MANIFEST_CSV = "manifest.csv"
LOCK_WAIT = 10  # seconds a run waits for the lock (held a moment by someone looking), before leaving it to its holder


class TakenOver(Exception):
    """Another run claimed the job (this one was thought dead): stop without writing anything more."""


def batch_root() -> Path:
    return Path(settings.ANTOAN_REPORT_BATCH_DIR)


def batch_zip_file(job: BatchJob) -> Path | None:
    """The finished batch's archive, if it exists inside the batches' folder (core.paths: a restored row could name
    any file)."""
    path = confined(job.zip_path, batch_root())
    return path if job.state == BatchJob.State.DONE and path is not None and path.is_file() else None


def _lock_name(job_pk: int) -> str:
    return f"report-batch-{job_pk}"


# Names ----------------------------------------------------------------------------------------------------------


def batch_formats(value) -> list[str]:
    """ "docx,pdf" (or a list) → the formats in the usual order, each checked; at least one."""
    items = value.split(",") if isinstance(value, str) else list(value or ())
    wanted = {check_format(str(item).replace("\x00", "").strip().lower()) for item in items if str(item).strip()}
    if not wanted:
        raise DomainError.single("formats", "Chọn ít nhất một định dạng (docx, pdf, xlsx, html)",
                                 "Choose at least one format (docx, pdf, xlsx, html)")  # fmt: skip
    return [fmt for fmt in FORMATS if fmt in wanted]


def unit_stem(unit: Unit) -> str:
    """ "23107-xa-ngu-phung": the child's code first, so two children never share a file name."""
    name = unit.name.replace("đ", "d").replace("Đ", "D")
    return f"{unit.code}-{slugify(name)[:60] or 'don-vi'}"


def zip_name(job: BatchJob) -> str:
    kind = "bao-cao-tong-ket" if job.kind == "annual" else "bao-cao"
    period = job.period_code.replace(":", "-").replace("..", "_")
    return f"{kind}-{job.unit.code}-{period}-theo-don-vi.zip"


def job_formats(job: BatchJob) -> list[str]:
    return [fmt for fmt in job.formats.split(",") if fmt]


# Start, read, resume -------------------------------------------------------------------------------------------


def batch_start(*, user: User, unit: Unit, period: Period, kind: str, formats) -> BatchJob:
    """A job writing the report of every child unit of `unit` the user may see, queued for a worker."""
    job = batch_create(user=user, unit=unit, period=period, kind=kind, formats=formats)
    _enqueue(job)
    job.refresh_from_db()
    return job


def batch_create(*, user: User, unit: Unit, period: Period, kind: str, formats) -> BatchJob:
    """The job (QUEUED) and its work folder, not queued: `batch_start` queues it, the command line runs it."""
    check_kind(kind)
    chosen = batch_formats(formats)
    indicator_unit(user=user, unit=unit)  # NotFound out of scope
    children = [child for child in indicator_children(user=user, unit=unit) if child.pk != unit.pk]
    if not children:
        raise DomainError.single(
            "unit",
            f"{unit.name} không có đơn vị trực thuộc để lập báo cáo theo từng đơn vị",
            f"{unit.name} has no units under it to write one report each for",
        )
    with transaction.atomic():
        job = BatchJob.objects.create(
            user=user,
            unit=unit,
            period_code=period.code,
            kind=kind,
            formats=",".join(chosen),
            children=[child.pk for child in children],
            work_dir="",
        )
        # A fresh folder per job: a reused id (a database restored from a backup) never finds another job's files.
        job.work_dir = str(batch_root() / f"batch-{job.pk}-{uuid.uuid4().hex[:8]}")
        job.save(update_fields=["work_dir"])
        try:
            Path(job.work_dir).mkdir(parents=True, exist_ok=False)
        except OSError as exc:  # no job row without its folder
            raise DomainError.single(
                "__all__",
                f"Không tạo được thư mục làm việc {job.work_dir} ({exc.strerror})",
                f"Could not create the work folder {job.work_dir} ({exc.strerror})",
            ) from None
    return job


def _enqueue(job: BatchJob) -> None:
    """Queue a task for the job (its row is committed: the task always finds it); the task id is kept unless the run
    set it already."""
    task_id = enqueue(batch_task, job.pk)
    BatchJob.objects.filter(pk=job.pk, task_id="").update(task_id=task_id)


@task(takes_context=True, queue_name=settings.ANTOAN_TASKS_QUEUE)
def batch_task(context, job_pk: int) -> str:
    """The task: run the batch (in a worker) from `done`. Returns the job's state."""
    job = BatchJob.objects.select_related("unit", "user").filter(pk=job_pk).first()
    if job is None:
        return "gone"
    return batch_run(job, runner=context.task_result.id).state


def batch_get(*, user: User, pk: int) -> BatchJob:
    """The job, for its own user or an administrator; anyone else is told it does not exist."""
    job = BatchJob.objects.select_related("unit", "user").filter(pk=pk).first()
    if job is None or (job.user_id != user.pk and not user_is_admin(user=user)):
        raise NotFound.single("job", "Không tìm thấy lô báo cáo này", "Report batch not found")
    return job


def batch_list(*, user: User):
    return BatchJob.objects.select_related("unit").filter(user=user)


def batch_recover(job: BatchJob) -> bool:
    """What a look at the job does (its page, a worker's sweep): True if it queued the job again.

    RUNNING with its run lock free: its run died; it is queued again and resumes from `done`.
    QUEUED whose task will never run it (core.background.queued_task_fate): queued again — or, if that task failed
    before it started, the job fails with it."""
    if job.state == BatchJob.State.RUNNING:
        if not run_lock_free(_lock_name(job.pk)):  # being run (asked on this request's connection: a poll is cheap)
            return False
        with run_lock(_lock_name(job.pk)) as held:
            if not held:
                return False
            job.refresh_from_db()
            # Back to the queue under the lock; the dead run's id is cleared, so it could never write again.
            requeued = BatchJob.objects.filter(pk=job.pk, state=BatchJob.State.RUNNING, task_id=job.task_id).update(
                state=BatchJob.State.QUEUED, task_id=""
            )
            if not requeued:
                return False
            task_mark_lost(job.task_id)
        _enqueue(job)
        return True
    if job.state == BatchJob.State.QUEUED:
        fate = queued_task_fate(job.task_id, queued_at=job.started_at)
        mine = BatchJob.objects.filter(pk=job.pk, state=BatchJob.State.QUEUED, task_id=job.task_id)
        if fate == LOST and mine.update(task_id=""):
            _enqueue(job)
            return True
        if fate == FAILED:
            entry = {"unit": None, "code": "", "name": "",
                     "vi": "Không chạy được lô báo cáo (lỗi hệ thống, xem nhật ký của tiến trình nền)",
                     "en": "The batch could not start (an internal error: see the worker's log)"}  # fmt: skip
            mine.update(state=BatchJob.State.FAILED, failed=[*job.failed, entry], finished_at=clock.now())
    return False


def batch_resume(job: BatchJob, *, inline: bool = False, on_progress=None) -> BatchJob:
    """Run a job again from `done`: one cut short, one still waiting in the queue, or one that failed (its failed
    children are tried again) — here (`inline`, the command line) or in a worker. A job that another process is
    running now is refused; a finished one is left as it is."""
    job.refresh_from_db()
    if job.state == BatchJob.State.DONE:
        return job
    if job.state == BatchJob.State.RUNNING and not run_lock_free(_lock_name(job.pk)):
        raise DomainError.single(
            "job",
            f"Lô báo cáo số {job.pk} đang chạy ở một tiến trình khác",
            f"Report batch {job.pk} is being run by another process",
        )
    if job.state == BatchJob.State.FAILED:
        BatchJob.objects.filter(pk=job.pk, state=BatchJob.State.FAILED).update(
            state=BatchJob.State.QUEUED, task_id="", finished_at=None
        )
        job.refresh_from_db()
    if inline:
        batch_run(job, runner=f"inline-{uuid.uuid4().hex}", on_progress=on_progress)
    elif job.state == BatchJob.State.QUEUED:
        _enqueue(job)
    else:
        batch_recover(job)  # RUNNING, its run dead: back to the queue
    job.refresh_from_db()
    return job


def batch_missing(job: BatchJob) -> list[Unit]:
    """The children not written yet (nor failed), in order."""
    settled = set(job.done) | {entry.get("unit") for entry in job.failed}
    pending = [pk for pk in job.children if pk not in settled]
    units = Unit.objects.in_bulk(pending)
    return [units[pk] for pk in pending if pk in units]


def _save(job: BatchJob, **extra) -> None:
    """Write `done` and `failed` (and `extra`) — only if the job is still this run's."""
    values = {"done": job.done, "failed": job.failed, **extra}
    if not BatchJob.objects.filter(pk=job.pk, state=BatchJob.State.RUNNING, task_id=job.task_id).update(**values):
        raise TakenOver
    for key, value in extra.items():
        setattr(job, key, value)


# Running -------------------------------------------------------------------------------------------------------


def batch_run(job: BatchJob, *, runner: str, on_progress=None) -> BatchJob:
    """Claim the job (QUEUED, or RUNNING with its previous run dead) and write every child not in `done` yet, then
    the manifest and the ZIP, holding the job's run lock. `runner` names this run (the task's id). `on_progress(job,
    unit, ok)` is called after each child. A job another process is running, or already finished, is left alone."""
    with run_lock(_lock_name(job.pk), wait=LOCK_WAIT) as held:
        if not held:  # another run has it (a duplicate task, the command line): it is that one's to finish
            return job
        previous = BatchJob.objects.filter(pk=job.pk).values_list("state", "task_id").first()
        claimed = BatchJob.objects.filter(
            pk=job.pk, state__in=(BatchJob.State.QUEUED, BatchJob.State.RUNNING)
        ).update(state=BatchJob.State.RUNNING, task_id=runner, finished_at=None)
        job.refresh_from_db()
        if not claimed:
            return job
        if previous and previous[0] == BatchJob.State.RUNNING and previous[1] != runner:
            task_mark_lost(previous[1])  # RUNNING, and the lock was free: that run died
        try:
            _run(job, on_progress)
        except TakenOver:
            pass
        except DomainError as exc:  # the job as a whole cannot run (its special window was deleted, …)
            message = next(iter(exc.errors.values()))
            _fail_job(job, message.vi, message.en)
        except KeyboardInterrupt:  # Ctrl-C on the command line: stopped, to be run again with --resume
            _fail_job(job, "Đã dừng (Ctrl-C) trước khi xong", "Stopped (Ctrl-C) before the end")
            raise
        except Exception as exc:
            _fail_job(job, f"Lỗi hệ thống khi lập báo cáo: {exc.__class__.__name__}",
                      f"Internal error while writing the reports: {exc.__class__.__name__}: {exc}")  # fmt: skip
            raise
    return job


def _fail_job(job: BatchJob, vi: str, en: str) -> None:
    job.failed = [*job.failed, {"unit": None, "code": "", "name": "", "vi": vi, "en": en}]
    try:
        _save(job, state=BatchJob.State.FAILED, finished_at=clock.now())
    except TakenOver:
        pass


def _run(job: BatchJob, on_progress) -> None:
    job.failed = [entry for entry in job.failed if entry.get("unit") is not None]  # a resume tries again
    period = period_parse(job.period_code, user=job.user)
    formats = job_formats(job)
    work = Path(job.work_dir)
    partial = work / PARTIAL
    partial.mkdir(parents=True, exist_ok=True)
    units = Unit.objects.in_bulk(job.children)
    # A child counts as done only while all its files are there (a work folder restored without them: redo).
    job.done = [pk for pk in job.done if pk in units and all(
        (work / f"{unit_stem(units[pk])}.{fmt}").is_file() for fmt in formats
    )]  # fmt: skip
    done = set(job.done)
    pending = [pk for pk in job.children if pk not in done]
    issued_on = timezone.localtime(job.started_at).date()  # the same date line however often the job is resumed
    size = max(1, settings.ANTOAN_REPORT_BATCH_PDF_CHUNK) if "pdf" in formats else 1
    for start in range(0, len(pending), size):
        written: list[Unit] = []
        for pk in pending[start : start + size]:
            unit = units.get(pk)
            try:
                if unit is None:
                    raise DomainError.single("unit", "Đơn vị không còn trong hệ thống", "The unit no longer exists")
                _write_child(job, unit, period, formats, issued_on, work, partial)
            except DomainError as exc:
                _fail(job, pk, unit, exc, work, formats)
                _save(job)
                _notify(on_progress, job, unit, False)
            else:
                written.append(unit)
                _save(job)  # this child's files other than the PDF are in place (and the run is still this one)
        if "pdf" in formats and written:
            written = _convert(job, written, formats, work, partial, on_progress)
        for unit in written:
            job.done = [*job.done, unit.pk]
            job.failed = [entry for entry in job.failed if entry.get("unit") != unit.pk]
            _save(job)
            _notify(on_progress, job, unit, True)
    _finish(job, units, formats, period)


def _write_child(job, unit: Unit, period: Period, formats, issued_on, work: Path, partial: Path) -> None:
    from antoan.reports.context import build_context
    from antoan.reports.docx import render_docx

    # The child's own report, read as the job's user: the same scope as on the page, one unit only. Only this
    # reads from the replica; the job's own state (claims, `done`) stays on the primary.
    with reading_from_replica():
        report = build_context(user=job.user, unit=unit, period=period, kind=job.kind, issued_on=issued_on)
    stem = unit_stem(unit)
    for fmt in formats:
        if fmt != "pdf":
            _write_atomic(work / f"{stem}.{fmt}", render_report(report, fmt), partial)
    if "pdf" in formats and "docx" not in formats:
        _write_atomic(partial / f"{stem}.docx", render_docx(report), partial)  # only the PDF's source


def _convert(job, written: list[Unit], formats, work: Path, partial: Path, on_progress) -> list[Unit]:
    """The PDFs of a chunk of children, in one LibreOffice run; on failure the chunk's children fail."""
    from antoan.reports.pdf import docx_to_pdf_many

    folder = work if "docx" in formats else partial
    sources = [folder / f"{unit_stem(unit)}.docx" for unit in written]
    outdir = partial / "pdf"
    try:
        pdfs = docx_to_pdf_many(sources, outdir)
    except DomainError as exc:
        for unit in written:
            _fail(job, unit.pk, unit, exc, work, formats)
            _save(job)
            _notify(on_progress, job, unit, False)
        return []
    for unit, pdf in zip(written, pdfs, strict=True):
        os.replace(pdf, work / f"{unit_stem(unit)}.pdf")
    if "docx" not in formats:
        for source in sources:
            source.unlink(missing_ok=True)
    return written


def _write_atomic(path: Path, data: bytes, partial: Path) -> None:
    temporary = partial / f"{path.name}.{uuid.uuid4().hex[:8]}.tmp"
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def _fail(job, pk: int, unit: Unit | None, exc: DomainError, work: Path, formats) -> None:
    message = next(iter(exc.errors.values()))
    entry = {"unit": pk, "code": unit.code if unit else "", "name": unit.name if unit else "",
             "vi": message.vi, "en": message.en}  # fmt: skip
    job.failed = [*(e for e in job.failed if e.get("unit") != pk), entry]
    if unit is not None:  # no half of a child's formats in the ZIP
        for fmt in formats:
            (work / f"{unit_stem(unit)}.{fmt}").unlink(missing_ok=True)


def _notify(on_progress, job, unit, ok: bool) -> None:
    if on_progress is not None:
        on_progress(job, unit, ok)


# The end: manifest and ZIP ---------------------------------------------------------------------------------------


def _finish(job: BatchJob, units: dict[int, Unit], formats: list[str], period: Period) -> None:
    work = Path(job.work_dir)
    partial = work / PARTIAL
    done = set(job.done)
    failed = {entry.get("unit"): entry for entry in job.failed if entry.get("unit") is not None}
    rows = []
    for pk in job.children:
        unit = units.get(pk)
        code, name = (unit.code, unit.name) if unit else ("", f"#{pk}")
        if pk in done and unit is not None:
            rows.append((code, name, "written", [f"{unit_stem(unit)}.{fmt}" for fmt in formats], "", ""))
        elif pk in failed:
            rows.append((code, name, "failed", [], failed[pk]["vi"], failed[pk]["en"]))
        else:
            rows.append((code, name, "missing", [], "Chưa lập", "Not written"))
    _write_atomic(work / MANIFEST_TXT, _manifest_text(job, period, formats, rows).encode("utf-8"), partial)
    _write_atomic(work / MANIFEST_CSV, _manifest_csv(rows).encode("utf-8-sig"), partial)

    target = work.with_name(work.name + ".zip")
    temporary = partial / f"{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(work / MANIFEST_TXT, MANIFEST_TXT)
        archive.write(work / MANIFEST_CSV, MANIFEST_CSV)
        for _code, _name, status, files, _vi, _en in rows:
            for file_name in files if status == "written" else ():
                archive.write(work / file_name, file_name)
    os.replace(temporary, target)
    shutil.rmtree(partial, ignore_errors=True)
    _save(job, state=BatchJob.State.DONE, zip_path=str(target), finished_at=clock.now())


def _manifest_text(job: BatchJob, period: Period, formats, rows) -> str:
    written = [r for r in rows if r[2] == "written"]
    failed = [r for r in rows if r[2] == "failed"]
    missing = [r for r in rows if r[2] == "missing"]
    kind = ("Báo cáo tổng kết năm", "annual report") if job.kind == "annual" else ("Báo cáo theo kỳ", "period report")
    out = [
        "BÁO CÁO THEO TỪNG ĐƠN VỊ TRỰC THUỘC / ONE REPORT PER UNIT",
        f"Đơn vị / unit: {job.unit.name} ({job.unit.code})",
        f"Kỳ báo cáo / period: {period.label_vi} / {period.label_en}",
        f"Loại / kind: {kind[0]} / {kind[1]}",
        f"Định dạng / formats: {', '.join(formats)}",
        f"Lô số / batch: {job.pk}",
        f"Hoàn thành lúc / finished: {clock.local_now().strftime('%d/%m/%Y %H:%M')}",
        "",
        f"Đã lập / written: {len(written)}/{len(rows)}",
        *(f"  {code} {name}: {', '.join(files)}" for code, name, _s, files, _vi, _en in written),
        "",
        f"Không lập được / failed: {len(failed)}",
        *(f"  {code} {name}: {vi} / {en}" for code, name, _s, _f, vi, en in failed),
        "",
        f"Chưa lập / missing: {len(missing)}",
        *(f"  {code} {name}" for code, name, *_rest in missing),
    ]
    return "\n".join(out) + "\n"


def _manifest_csv(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["unit_code", "unit_name", "status", "files", "reason_vi", "reason_en"])
    for code, name, status, files, vi, en in rows:
        writer.writerow([code, name, status, " ".join(files), vi, en])
    return buffer.getvalue()


@recovery
def batch_jobs_recover() -> int:
    """Every unfinished batch that will never finish on its own, queued again (run by the workers): how many."""
    pending = BatchJob.objects.select_related("unit", "user").filter(
        state__in=(BatchJob.State.QUEUED, BatchJob.State.RUNNING)
    )
    return sum(batch_recover(job) for job in pending)
