"""Benchmark: the report pipeline on an existing database — `build_context` and each renderer (docx, pdf, xlsx,
html) for one unit's annual report, the PDF conversion of many documents per LibreOffice run (which sets the
batch's PDF_CHUNK), and a batch of one report per commune of a province.

    DATABASE_URL=sqlite:////tmp/antoan_bench/bench.sqlite3 .venv/bin/python bench/reports.py [--unit 79 --year 2024]
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/reports.py --unit 597 --year 2020 \\
        --batch-unit 68 --batch-year 2025 [--batch-pdf] [--repeat 5]

The database is one made by bench/generate.py, or the demo (`antoan migrate; antoan units load; antoan demo
seed`; a copy of var/antoan.sqlite3 does). Everything runs as the system account (a superuser): the timings
are those of the pipeline, not of a scope check. Each single-report figure is the median of --repeat runs
after one warm-up run (fonts, templates and matplotlib loaded). The batch runs in the foreground, as
`antoan report batch` does, into a temporary folder; its job row is deleted afterwards.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antoan.settings")
os.environ["DEBUG"] = "0"
if "DATABASE_URL" not in os.environ:
    sys.exit("DATABASE_URL must name an existing database (bench/generate.py, or the demo)")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from timing import timed  # noqa: E402

from antoan.accounts.services import system_user  # noqa: E402
from antoan.indicators.periods import Period  # noqa: E402
from antoan.indicators.selectors import indicator_children, indicator_unit_param  # noqa: E402
from antoan.reports import jobs  # noqa: E402
from antoan.reports.context import build_context  # noqa: E402
from antoan.reports.docx import render_docx  # noqa: E402
from antoan.reports.models import BatchJob  # noqa: E402
from antoan.reports.pdf import docx_to_pdf_many  # noqa: E402
from antoan.reports.render import render_report  # noqa: E402


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"| {label:<58} | {seconds:>9.3f} | {note} |")


def single(user, code: str, year: int, repeat: int) -> None:
    unit = indicator_unit_param(user=user, code=code)
    period = Period.of_year(year)
    print(f"\n## One annual report: {unit.name} ({unit.code}), {year} — median of {repeat}\n")
    print(f"| {'step':<58} | {'seconds':>9} | size |")
    print(f"|{'-' * 60}|{'-' * 11}|------|")
    seconds, report = timed(lambda: build_context(user=user, unit=unit, period=period, kind="annual"), repeat)
    row("build_context (every figure, sentence, table, chart data)", seconds, f"{len(report.tables())} tables")
    for fmt in ("docx", "pdf", "xlsx", "html"):
        seconds, data = timed(lambda fmt=fmt: render_report(report, fmt), repeat)
        row(f"render {fmt}", seconds, f"{len(data) / 1024:,.0f} KiB")
    seconds, report = timed(lambda: build_context(user=user, unit=unit, period=period, kind="period"), repeat)
    row("build_context, period report (same year, shorter)", seconds, "")


def pdf_chunks(user, code: str, year: int, count: int) -> None:
    """The same `count` DOCX converted one per LibreOffice run, and in chunks of 4, 8 and all of them."""
    parent = indicator_unit_param(user=user, code=code)
    children = [c for c in indicator_children(user=user, unit=parent) if c.pk != parent.pk][:count]
    if not children:
        return
    period = Period.of_year(year)
    with tempfile.TemporaryDirectory(prefix="antoan-bench-pdf-") as tmp:
        sources = []
        for child in children:
            path = Path(tmp) / f"{jobs.unit_stem(child)}.docx"
            path.write_bytes(render_docx(build_context(user=user, unit=child, period=period, kind="annual")))
            sources.append(path)
        print(f"\n## PDF: {len(sources)} DOCX (communes of {parent.name}) converted by LibreOffice\n")
        print(f"| {'files per soffice run':<58} | {'seconds':>9} | per file |")
        print(f"|{'-' * 60}|{'-' * 11}|----------|")
        for size in (1, 4, 8, len(sources)):
            start = time.perf_counter()
            for first in range(0, len(sources), size):
                docx_to_pdf_many(sources[first : first + size], Path(tmp) / f"pdf-{size}")
            seconds = time.perf_counter() - start
            row(f"{size}", seconds, f"{seconds / len(sources):.2f} s")


def batch(user, code: str, year: int, formats: str) -> None:
    unit = indicator_unit_param(user=user, code=code)
    with tempfile.TemporaryDirectory(prefix="antoan-bench-batch-") as tmp:
        settings.ANTOAN_REPORT_BATCH_DIR = tmp
        job = jobs.batch_create(user=user, unit=unit, period=Period.of_year(year), kind="annual", formats=formats)
        start = time.perf_counter()
        jobs.batch_run(job, runner="bench")  # here, as `antoan report batch` does: the work itself, not the queue
        seconds = time.perf_counter() - start
        job.refresh_from_db()
        size = Path(job.zip_path).stat().st_size if job.zip_path else 0
        print(f"\n## Batch: one annual report {year} per unit under {unit.name} ({unit.code}), {formats}\n")
        print(f"| {'batch':<58} | {'seconds':>9} | per unit |")
        print(f"|{'-' * 60}|{'-' * 11}|----------|")
        note = f"{seconds / max(job.total, 1):.2f} s; {len(job.done)} written, {len(job.failed)} failed; ZIP "
        row(f"{job.total} units, {formats} (state {job.state})", seconds, note + f"{size / 1024 / 1024:.1f} MiB")
        BatchJob.objects.filter(pk=job.pk).delete()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="597", help="Unit of the single report (default: 597, the demo district)")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch-unit", default="68", help="Unit whose children get a report each (default: 68)")
    parser.add_argument("--batch-year", type=int, default=2025)
    parser.add_argument("--batch-pdf", action="store_true", help="Also run the batch with docx,pdf")
    parser.add_argument("--pdf-files", type=int, default=16, help="DOCX for the PDF chunk comparison (0: skip)")
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()

    user = system_user()
    print(f"database: {os.environ['DATABASE_URL']}; PDF_CHUNK = {settings.ANTOAN_REPORT_BATCH_PDF_CHUNK}")
    single(user, args.unit, args.year, args.repeat)
    if args.pdf_files:
        pdf_chunks(user, args.batch_unit, args.batch_year, args.pdf_files)
    if not args.skip_batch:
        batch(user, args.batch_unit, args.batch_year, "docx")
        if args.batch_pdf:
            batch(user, args.batch_unit, args.batch_year, "docx,pdf")


if __name__ == "__main__":
    main()
