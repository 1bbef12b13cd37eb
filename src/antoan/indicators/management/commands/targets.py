from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from antoan.accounts.models import User
from antoan.accounts.services import system_user
from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.tabular import ImportFileError
from antoan.core.values import to_year
from antoan.indicators.target_transfer import export_csv, export_targets, export_xlsx, import_targets, template_rows
from antoan.units.scope import user_scope
from antoan.units.selectors import unit_for_code


class Command(BaseCommand):
    help = (
        "Targets (chỉ tiêu) from and to a CSV or XLSX file: antoan targets import FILE [--all-or-nothing] [--user U] "
        "[--errors F] | export FILE [--unit CODE] [--year Y] | template FILE [--unit CODE] [--year Y]"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("import", help="One row per target (columns: docs/targets.md).")
        run.add_argument("file", type=Path)
        run.add_argument("--all-or-nothing", action="store_true", help="Write nothing if any row is rejected.")
        run.add_argument("--user", help="Import as this user (their units and role apply); default: the system account")
        run.add_argument("--errors", type=Path, help="Where to write the problems (default: FILE.errors.csv)")
        for name, text in (
            ("export", "The targets in the user's scope, in the import's columns (.csv or .xlsx by the name)."),
            ("template", "A file to fill in: one row per main indicator, the unit's targets of the year filled in."),
        ):
            out = sub.add_parser(name, help=text)
            out.add_argument("file", type=Path, help="Where to write (.csv or .xlsx)")
            out.add_argument("--unit", help="Official code, read on 31/12 of --year (or today)")
            out.add_argument("--year", help="The year (a template: default this year)")
            out.add_argument("--user", help="Read as this user (their scope applies); default: the system account")

    def handle(self, *args, action, file, user, **options):
        actor = self._user(user) if user else system_user()
        if action == "import":
            self._import(actor, file, options["all_or_nothing"], options["errors"])
        else:
            self._export(actor, action, file, options["unit"], options["year"])

    def _import(self, actor, file: Path, all_or_nothing: bool, errors: Path | None):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file} / no such file: {file}")
        try:
            report = import_targets(user=actor, path=file, all_or_nothing=all_or_nothing)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        report.print_to(self.stdout.write, file=file, errors=errors)

    def _export(self, actor, action: str, file: Path, code, year_text):
        suffix = file.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise CommandError(f"Tệp phải là .csv hoặc .xlsx: {file} / the file must be .csv or .xlsx: {file}")
        try:
            year = to_year(year_text, field="year")
            unit = None
            if code:
                unit = unit_for_code(code=code, day=date(year, 12, 31) if year else None)
                if not user_scope(user=actor).covers(unit):
                    raise DomainError.single("unit", "Không tìm thấy đơn vị", "Unit not found")
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if action == "template":
            rows = template_rows(user=actor, unit=unit, year=year or clock.today().year)
        else:
            rows = export_targets(user=actor, unit=unit, year=year)
        if suffix == ".csv":
            with open(file, "w", encoding="utf-8", newline="") as out:
                out.writelines(export_csv(rows))
        else:
            with open(file, "wb") as out:
                export_xlsx(rows, out)
        self.stdout.write(f"Đã ghi / written: {file}")

    def _user(self, username):
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản {username} / no such user: {username}") from None
