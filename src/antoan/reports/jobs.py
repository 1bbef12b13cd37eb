"""Batches: one report per child unit of a unit (every commune of a province, every district of an old
province), in one or more formats, zipped with a manifest.

A batch is a `BatchJob` row and a work folder. It runs in a background thread of the web process (or in the
foreground from `antoan report batch`) and survives a restart:

- each child is built on its own — `build_context` as the job's user, for that child only — and its files are
  written under a temporary name and then renamed (`os.replace`), so the folder only ever holds whole files;
- the child is then appended to `done` in the same UPDATE that moves the heartbeat on, so `done` names exactly
  the children whose files are all written;
- a job still RUNNING whose heartbeat is older than ANTOAN_REPORT_BATCH_STALE_SECONDS (default 60) was cut
  short: the next visit to its page, or `antoan report batch --resume ID`, runs it again from `done`;
- whoever runs a job first claims it with a conditional UPDATE, and every later write names the heartbeat it
  last wrote: if another process took the job over meanwhile, the first one stops instead of writing twice.

PDFs are converted from the DOCX of several children in one LibreOffice run (`docx_to_pdf_many`), which saves
LibreOffice's start-up per file; the children of a chunk are marked done once their PDFs are in place.
The ZIP holds only the files of the children in `done`, by name, never whatever else lies in the folder.
"""

import csv
import io
import os
import shutil
import threading
import time
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.routers import reading_from_replica
from antoan.indicators.periods import Period, period_parse
from antoan.indicators.selectors import indicator_children, indicator_unit
from antoan.reports.models import BatchJob
from antoan.reports.render import FORMATS, check_format, check_kind, render_report
from antoan.units.models import Unit

STALE_SECONDS = 60
PDF_CHUNK = 8  # children whose DOCX one LibreOffice run converts (see bench/reports.py)
PARTIAL = ".partial"  # files being written, inside the work folder; never zipped
SAVE_ATTEMPTS = 8
MANIFEST_TXT = "MANIFEST.txt"
MANIFEST_CSV = "manifest.csv"


class TakenOver(Exception):
    """Another process claimed the job (this one was thought dead): stop without writing anything more."""


# Settings ------------------------------------------------------------------------------------------------------


def batch_root() -> Path:
    configured = getattr(settings, "ANTOAN_REPORT_BATCH_DIR", None) or os.environ.get("ANTOAN_REPORT_BATCH_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "reports"


def stale_seconds() -> int:
    return int(getattr(settings, "ANTOAN_REPORT_BATCH_STALE_SECONDS", STALE_SECONDS))


def pdf_chunk() -> int:
    return max(1, int(getattr(settings, "ANTOAN_REPORT_BATCH_PDF_CHUNK", PDF_CHUNK)))


def in_background() -> bool:
    return bool(getattr(settings, "ANTOAN_REPORT_BATCH_IN_BACKGROUND", True))


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


def batch_start(
    *, user: User, unit: Unit, period: Period, kind: str, formats, background: bool | None = None
) -> BatchJob:
    """A job writing the report of every child unit of `unit` the user may see; started in a background thread
    (or run here when `background` is False, or the setting says so)."""
    job = batch_create(user=user, unit=unit, period=period, kind=kind, formats=formats)
    batch_launch(job, background=background)
    return job


def batch_create(*, user: User, unit: Unit, period: Period, kind: str, formats) -> BatchJob:
    """The job (QUEUED) and its work folder, not started: `batch_launch` starts it."""
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


def batch_launch(job: BatchJob, *, background: bool | None = None, on_progress=None) -> bool:
    """Start a QUEUED job: in a background thread, or here (`background=False`) with `on_progress`."""
    background = in_background() if background is None else background
    return _launch(job, claim=_QUEUED, background=background, on_progress=on_progress)


def batch_release(job: BatchJob) -> None:
    """This process stops running the job (Ctrl-C): clear its heartbeat, so a resume may start at once."""
    BatchJob.objects.filter(pk=job.pk, state=BatchJob.State.RUNNING, heartbeat_at=job.heartbeat_at).update(
        heartbeat_at=None
    )


def batch_get(*, user: User, pk: int) -> BatchJob:
    """The job, for its own user or an administrator; anyone else is told it does not exist."""
    job = BatchJob.objects.select_related("unit", "user").filter(pk=pk).first()
    if job is None or (job.user_id != user.pk and not user_is_admin(user=user)):
        raise NotFound.single("job", "Không tìm thấy lô báo cáo này", "Report batch not found")
    return job


def batch_list(*, user: User):
    return BatchJob.objects.select_related("unit").filter(user=user)


def batch_is_stale(job: BatchJob, *, now=None) -> bool:
    """Cut short by a restart: RUNNING with no heartbeat for a while, or QUEUED and never picked up."""
    limit = (now or clock.now()) - timedelta(seconds=stale_seconds())
    if job.state == BatchJob.State.RUNNING:
        return job.heartbeat_at is None or job.heartbeat_at < limit
    if job.state == BatchJob.State.QUEUED:
        return job.started_at < limit
    return False


def batch_resume_if_stale(job: BatchJob) -> bool:
    """What a visit to the job's page does: a job cut short is run again from `done` (in the background)."""
    if not batch_is_stale(job):
        return False
    return _launch(job, claim=_stale_q(), background=in_background())


def batch_resume(job: BatchJob, *, background: bool | None = None, on_progress=None) -> BatchJob:
    """Run a job again from `done`: one cut short, or one that failed (its failed children are tried again).
    A job another process is running now is refused; a finished one is left as it is."""
    job.refresh_from_db()
    if job.state == BatchJob.State.DONE:
        return job
    if job.state in (BatchJob.State.RUNNING, BatchJob.State.QUEUED) and not batch_is_stale(job):
        beat = timezone.localtime(job.heartbeat_at or job.started_at).strftime("%H:%M:%S %d/%m/%Y")
        raise DomainError.single(
            "job",
            f"Lô báo cáo số {job.pk} đang chạy ở một tiến trình khác (nhịp gần nhất lúc {beat})",
            f"Report batch {job.pk} is being run by another process (last heartbeat {beat})",
        )
    claim = _stale_q() | Q(state=BatchJob.State.FAILED)
    _launch(job, claim=claim, background=in_background() if background is None else background, on_progress=on_progress)
    job.refresh_from_db()
    return job


def batch_missing(job: BatchJob) -> list[Unit]:
    """The children not written yet (nor failed), in order."""
    settled = set(job.done) | {entry.get("unit") for entry in job.failed}
    pending = [pk for pk in job.children if pk not in settled]
    units = Unit.objects.in_bulk(pending)
    return [units[pk] for pk in pending if pk in units]


# Claiming ------------------------------------------------------------------------------------------------------

_QUEUED = Q(state=BatchJob.State.QUEUED)


def _stale_q() -> Q:
    limit = clock.now() - timedelta(seconds=stale_seconds())
    running = Q(state=BatchJob.State.RUNNING) & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=limit))
    return running | Q(state=BatchJob.State.QUEUED, started_at__lt=limit)


def _claim(job: BatchJob, claim: Q) -> bool:
    """Make the job RUNNING for this process if it is still in a state `claim` allows (one UPDATE: of two
    processes trying at once, one wins)."""
    claimed = BatchJob.objects.filter(claim, pk=job.pk).update(
        state=BatchJob.State.RUNNING, heartbeat_at=clock.now(), finished_at=None
    )
    if claimed:
        job.refresh_from_db()
    return bool(claimed)


def _launch(job: BatchJob, *, claim: Q, background: bool, on_progress=None) -> bool:
    if not _claim(job, claim):
        return False
    if background:
        name = f"report-batch-{job.pk}"
        thread = threading.Thread(target=_run_in_thread, args=(job.pk,), daemon=True, name=name)
        transaction.on_commit(thread.start)  # the thread must see the claimed row (at once in autocommit)
    else:
        batch_run(job, on_progress=on_progress)
    return True


def _run_in_thread(job_pk: int) -> None:
    close_old_connections()
    try:
        batch_run(BatchJob.objects.select_related("unit", "user").get(pk=job_pk))
    finally:
        close_old_connections()


def _save(job: BatchJob, **extra) -> None:
    """Write `done` and `failed` (and `extra`) with a new heartbeat — only if the job is still ours.

    SQLite has one writer at a time: a write that finds the database locked past its timeout is tried again a
    few times (the UPDATE is idempotent) rather than losing the batch's thread to another request's write."""
    now = clock.now()
    values = {"done": job.done, "failed": job.failed, **extra}
    mine = BatchJob.objects.filter(pk=job.pk, state=BatchJob.State.RUNNING, heartbeat_at=job.heartbeat_at)
    for attempt in range(SAVE_ATTEMPTS):
        try:
            written = mine.update(heartbeat_at=now, **values)
            break
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == SAVE_ATTEMPTS - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
    if not written:
        raise TakenOver
    job.heartbeat_at = now
    for key, value in extra.items():
        setattr(job, key, value)


# Running -------------------------------------------------------------------------------------------------------


def batch_run(job: BatchJob, *, on_progress=None) -> BatchJob:
    """Write every child not in `done` yet, then the manifest and the ZIP. The job must have been claimed
    (RUNNING, heartbeat set by this process). `on_progress(job, unit, ok)` is called after each child."""
    try:
        _run(job, on_progress)
    except TakenOver:
        pass
    except DomainError as exc:  # the job as a whole cannot run (its special window was deleted, …)
        message = next(iter(exc.errors.values()))
        job.failed = [*job.failed, {"unit": None, "code": "", "name": "", "vi": message.vi, "en": message.en}]
        try:
            _save(job, state=BatchJob.State.FAILED, finished_at=clock.now())
        except TakenOver:
            pass
    except Exception as exc:
        entry = {"unit": None, "code": "", "name": "",
                 "vi": f"Lỗi hệ thống khi lập báo cáo: {exc.__class__.__name__}",
                 "en": f"Internal error while writing the reports: {exc.__class__.__name__}: {exc}"}  # fmt: skip
        job.failed = [*job.failed, entry]
        try:
            _save(job, state=BatchJob.State.FAILED, finished_at=clock.now())
        except TakenOver:
            pass
        raise
    return job


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
    size = pdf_chunk() if "pdf" in formats else 1
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
                _save(job)  # the heartbeat: this child's files other than the PDF are in place
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
    # reads from the replica; the job's own state (claims, heartbeats) stays on the primary.
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
