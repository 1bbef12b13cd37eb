import shutil
import sys
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from antoan.accounts.models import User
from antoan.accounts.services import system_user
from antoan.core.errors import DomainError
from antoan.reports import jobs
from antoan.reports.forms import report_query
from antoan.reports.models import BatchJob
from antoan.reports.render import FORMATS, build_and_render

FORMAT_HELP = "docx, pdf, xlsx or html (default: from the extension of -o, else docx)"


class Command(BaseCommand):
    help = (
        "Write a unit's report: antoan report annual --unit CODE --year 2020 --format docx -o PATH | "
        "antoan report period --unit CODE --period 2020-Q1 … | "
        "antoan report batch --unit CODE --year 2020 --formats docx,pdf -o FILE.zip | "
        "antoan report batch --resume JOB_ID"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        annual = sub.add_parser("annual", help="The annual summary report (báo cáo tổng kết) of a unit for a year.")
        annual.add_argument("--year", required=True)
        period = sub.add_parser("period", help="The shorter report of a unit for a period.")
        period.add_argument("--period", required=True, help="2020-Q1, 2020-H1, 2020-03, st2020, stm2020-03, tet2021")
        for one in (annual, period):
            one.add_argument("--unit", required=True, help="Official unit code")
            one.add_argument("--format", dest="fmt", help=FORMAT_HELP)
            one.add_argument("-o", "--output", type=Path, help="Where to write (default: the usual file name, here)")
            self._common(one)
        batch = sub.add_parser("batch", help="One report per unit under --unit, zipped, with a progress line.")
        batch.add_argument("--unit", help="Official code of the unit whose children get a report each")
        batch.add_argument("--kind", choices=("annual", "period"), help="annual with --year, period with --period")
        batch.add_argument("--year")
        batch.add_argument("--period")
        batch.add_argument("--formats", default="docx", help="Comma-separated: docx,pdf,xlsx,html (default: docx)")
        batch.add_argument("-o", "--output", type=Path, help="Where to copy the ZIP (default: print its path)")
        batch.add_argument(
            "--resume", type=int, metavar="JOB_ID", help="Run a batch cut short again from where it stopped"
        )
        self._common(batch)

    def _common(self, parser):
        parser.add_argument("--user", help="Write as this user (their scope applies); default: the system account")
        parser.add_argument("--on", help="The day the unit code is read on (YYYY-MM-DD)")

    def handle(self, *args, action, **options):
        actor = self._user(options["user"]) if options.get("user") else system_user()
        try:
            if action == "batch":
                self._batch(actor, **options)
            else:
                self._one(actor, action, **options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    # One report ----------------------------------------------------------------------------------------------

    def _one(self, actor, action, *, unit, fmt, output, on, year=None, period=None, **options):
        if fmt is None:
            suffix = output.suffix.lower().lstrip(".") if output else ""
            fmt = suffix if suffix in FORMATS else "docx"
        fmt = fmt.strip().lower()
        query = report_query(
            user=actor, unit=unit, year=year if action == "annual" else None,
            period=period if action == "period" else None, on=on,
        )  # fmt: skip
        rendered = build_and_render(user=actor, unit=query.unit, period=query.period, kind=query.kind, fmt=fmt)
        target = output or Path(rendered.filename)
        if target.is_dir():
            target = target / rendered.filename
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(rendered.content)
        except OSError as exc:
            raise CommandError(f"Không ghi được {target} / could not write {target}: {exc.strerror}") from None
        self.stdout.write(f"{target} ({len(rendered.content):,} bytes) — {query.unit.name}, {query.period.label_vi}")

    # Batches ---------------------------------------------------------------------------------------------------

    def _batch(self, actor, *, unit, kind, year, period, formats, output, resume, on, **options):
        if resume is not None:
            if unit or year or period:
                raise CommandError("--resume không đi cùng --unit/--year/--period / --resume takes no other report")
            job = jobs.batch_get(user=actor, pk=resume)
            self._remaining(job)
            run = lambda: jobs.batch_resume(job, inline=True, on_progress=self._progress)  # noqa: E731
        else:
            if not unit:
                raise CommandError("Thiếu --unit (hoặc --resume JOB_ID) / --unit (or --resume JOB_ID) is required")
            if (kind == "annual" and period) or (kind == "period" and year):
                raise CommandError(
                    "--kind annual đi với --year, --kind period với --period / "
                    "--kind annual goes with --year, --kind period with --period"
                )
            query = report_query(user=actor, unit=unit, year=year, period=period, on=on)
            job = jobs.batch_create(user=actor, unit=query.unit, period=query.period, kind=query.kind, formats=formats)
            self.stdout.write(f"Lô số / batch {job.pk}: {job.total} đơn vị / units → {job.work_dir}")
            # Here, not in a worker: this process is not a web server, and the progress line is wanted here.
            runner = f"inline-{uuid.uuid4().hex}"
            run = lambda: jobs.batch_run(job, runner=runner, on_progress=self._progress)  # noqa: E731
        try:
            run()
        except KeyboardInterrupt:  # the job is marked stopped (failed), to be run again with --resume
            self.stdout.write("")
            raise CommandError(
                f"Đã dừng; chạy tiếp: antoan report batch --resume {job.pk} / stopped; resume with --resume {job.pk}"
            ) from None
        job.refresh_from_db()
        self.stdout.write("")
        self._summary(job, output)

    def _progress(self, job: BatchJob, unit, ok: bool) -> None:
        count = len(job.done) + len({e.get("unit") for e in job.failed if e.get("unit") is not None})
        name = unit.name if unit is not None else "?"
        mark = "" if ok else " ✗"
        self.stdout.write(f"\r {count}/{job.total} {name[:50]:<50}{mark}", ending="")
        self.stdout.flush()

    def _remaining(self, job: BatchJob) -> None:
        missing = jobs.batch_missing(job)
        self.stdout.write(
            f"Lô số / batch {job.pk} ({job.get_state_display()}): {len(job.done)}/{job.total} đã lập / written, "
            f"{len(missing)} còn lại / left"
        )

    def _summary(self, job: BatchJob, output: Path | None) -> None:
        failed = [entry for entry in job.failed]
        for entry in failed:
            who = f"{entry.get('code', '')} {entry.get('name', '')}".strip() or "—"
            self.stdout.write(f"  ✗ {who}: {entry['vi']} / {entry['en']}")
        if job.state != BatchJob.State.DONE:
            raise CommandError(
                f"Lô số {job.pk} chưa xong ({job.get_state_display()}); chạy lại: "
                f"antoan report batch --resume {job.pk} / batch {job.pk} did not finish; "
                f"run it again with --resume {job.pk}"
            )
        zip_path = jobs.batch_zip_file(job)
        if zip_path is None:
            raise CommandError(f"Không tìm thấy tệp nén của lô số {job.pk} / batch {job.pk} has no archive")
        if output:
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(zip_path, output)
            except OSError as exc:
                raise CommandError(f"Không ghi được {output} / could not write {output}: {exc.strerror}") from None
            zip_path = output
        self.stdout.write(f"{zip_path} — {len(job.done)}/{job.total} đơn vị / units, {len(failed)} lỗi / failed")
        if failed:
            sys.exit(1)

    def _user(self, username):
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản {username} / no such user: {username}") from None
