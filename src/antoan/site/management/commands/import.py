from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from antoan.accounts.models import User
from antoan.accounts.services import system_user
from antoan.core.tabular import ImportFileError
from antoan.incidents.transfer import import_incidents
from antoan.movement.records import record_types
from antoan.movement.records.transfer import columns, import_records


class Command(BaseCommand):
    help = "Import records from a CSV or XLSX file: antoan import <what> FILE [--errors F] [--all-or-nothing]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        kinds = {"incidents": "Incidents (see docs/incidents.md for the columns)."}
        for key, record_type in record_types().items():
            kinds[key] = f"{record_type.title_plural} — columns: {', '.join(columns(record_type))}"
        for key, help_text in kinds.items():
            what = sub.add_parser(key, help=help_text)
            what.add_argument("file", type=Path)
            what.add_argument(
                "--errors", type=Path, help="Where to write the rejected and converted rows (default: FILE.errors.csv)"
            )
            what.add_argument("--all-or-nothing", action="store_true", help="Write nothing if any row is rejected.")
            what.add_argument(
                "--user", help="Import as this user (their units and role apply); default: the system account"
            )

    def handle(self, *args, what, file, errors, all_or_nothing, user, **options):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file} / no such file: {file}")
        actor = self._user(user) if user else system_user()
        try:
            if what == "incidents":
                report = import_incidents(user=actor, path=file, all_or_nothing=all_or_nothing)
            else:
                report = import_records(record_types()[what], user=actor, path=file, all_or_nothing=all_or_nothing)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        report.print_to(self.stdout.write, file=file, errors=errors)

    def _user(self, username):
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản {username} / no such user: {username}") from None
