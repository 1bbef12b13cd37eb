from datetime import date

from django.core.management.base import BaseCommand, CommandError

from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.rules import RuleVersion, all_versions, rules_on
from antoan.core.values import to_date
from antoan.incidents.services import severity_reclassify
from antoan.incidents.severity import severity_label


def _date(value: str) -> date:
    try:
        return to_date(value, field="on")
    except DomainError as exc:
        raise CommandError(str(exc)) from None


def describe(version: RuleVersion) -> list[str]:
    """A version as the command prints it: source, days, verification, content."""
    span = f"{version.valid_from:%d/%m/%Y} – {version.valid_to:%d/%m/%Y}" if version.valid_to else (
        f"từ / from {version.valid_from:%d/%m/%Y}")  # fmt: skip
    state = "đã đối chiếu văn bản / verified" if version.verified else "CHƯA ĐỐI CHIẾU / NOT VERIFIED"
    lines = [f"{version.title_vi}: {version.source}", f"    {span} · {state}"]
    if not version.verified and version.unverified_vi:
        lines.append(f"    ! {version.unverified_vi}")
    lines += [f"    - {vi}" for vi, _en in version.details if vi]
    return lines


class Command(BaseCommand):
    help = (
        "The legal rules antoan applies: those in force on a day (--on, default today) or every version (--all), "
        "with their sources and whether they were checked against the text; --recompute classifies stored traffic "
        "accidents again by the severity version in force on each one's day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", type=_date, help="The day (YYYY-MM-DD or dd/mm/yyyy); default today.")
        parser.add_argument("--all", action="store_true", help="Every version of every rule.")
        parser.add_argument("--recompute", action="store_true", help="Reclassify stored traffic accidents.")
        parser.add_argument("--dry-run", action="store_true", help="With --recompute: count, write nothing.")

    def handle(self, *args, on=None, all=False, recompute=False, dry_run=False, **options):  # noqa: A002
        if recompute:
            moved = severity_reclassify(write=not dry_run)
            total = sum(moved.values())
            verb = "sẽ đổi loại / would change class" if dry_run else "đã đổi loại / changed class"
            self.stdout.write(f"{total} vụ tai nạn giao thông {verb}")
            for (before, after), n in sorted(moved.items()):
                self.stdout.write(f"  {severity_label(before) if before else '—'} → {severity_label(after)}: {n}")
            return
        day = on or clock.today()
        versions = all_versions() if all else rules_on(day)
        if not all:
            self.stdout.write(f"Quy định có hiệu lực ngày {day:%d/%m/%Y} / rules in force on {day:%Y-%m-%d}:")
        for version in versions:
            self.stdout.write("\n".join(describe(version)))
