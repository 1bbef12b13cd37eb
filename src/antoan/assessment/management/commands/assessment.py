from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from antoan.accounts.models import User
from antoan.accounts.services import system_user
from antoan.assessment.transfer import import_assessments, import_ratings
from antoan.core.tabular import ImportFileError


class Command(BaseCommand):
    help = (
        'Import "An toàn về ANTT" assessments or movement ratings from a CSV or XLSX file: '
        "antoan assessment import FILE [--ratings] [--all-or-nothing] [--user U] [--errors F]"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("import", help="One row per criterion: unit_code, year, criterion_code, passed, evidence.")
        run.add_argument("file", type=Path)
        run.add_argument("--ratings", action="store_true", help="The file holds ratings (points).")
        run.add_argument("--all-or-nothing", action="store_true", help="Write nothing if any row is rejected.")
        run.add_argument("--user", help="Import as this user (their units and role apply); default: the system account")
        run.add_argument("--errors", type=Path, help="Where to write the problems (default: FILE.errors.csv)")

    def handle(self, *args, action, file, ratings, all_or_nothing, user, errors, **options):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file} / no such file: {file}")
        actor = self._user(user) if user else system_user()
        run = import_ratings if ratings else import_assessments
        try:
            report = run(user=actor, path=file, all_or_nothing=all_or_nothing)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        report.print_to(self.stdout.write, file=file, errors=errors)

    def _user(self, username):
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản {username} / no such user: {username}") from None
