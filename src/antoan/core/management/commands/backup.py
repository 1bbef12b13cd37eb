from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from antoan.core.backup import AREAS, SKIPPED, BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Back up every record (audit history included) and every stored file into one ZIP archive: "
        "antoan backup -o FILE (see docs/backup.md)."
    )

    # Like `migrate`: no system checks, which would import every view (and scipy) for nothing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, required=True, help="The archive to write (.zip)")
        parser.add_argument("--overwrite", action="store_true", help="Replace FILE if it exists")

    def handle(self, *args, output, overwrite, verbosity, **options):
        say = (lambda message: self.stdout.write(str(message))) if verbosity > 1 else None
        self.stdout.write(f"Sao lưu vào / backing up into {output} …")
        try:
            result = backup_write(output, overwrite=overwrite, progress=say)
        except BackupError as exc:
            raise CommandError("\n".join(str(m) for m in exc.messages())) from None
        manifest = result.manifest
        size = output.stat().st_size
        self.stdout.write(
            f"Xong / done: {len(manifest['tables'])} bảng / tables, {result.rows:,} dòng / rows, "
            f"{result.files:,} tệp / files, {size / 1e6:,.1f} MB, {result.seconds:.1f} s"
        )
        for area in AREAS:
            folder = manifest["areas"][area.key]
            self.stdout.write(f"  {area.key}: {folder['files']} tệp / files ({folder['configured']})")
        for message in SKIPPED.values():
            self.stdout.write(f"Không gồm / not included: {message}")
