from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from antoan.core.backup import BackupError, archive_check, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `antoan backup` into this database and its folders, all or nothing: "
        "antoan restore FILE [--replace] (see docs/backup.md)."
    )

    # Like `migrate`: no system checks, which would import every view (and scipy) for nothing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty this database and its folders first (refused without it when they hold records)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only read the archive through (checksums) and say whether it fits this database; write nothing",
        )

    def handle(self, *args, file, replace, check, verbosity, **options):
        if check:
            return self.check_only(file)
        say = (lambda message: self.stdout.write(str(message))) if verbosity > 1 else None
        self.stdout.write(f"Khôi phục từ / restoring from {file} …")
        try:
            result = restore(file, replace=replace, progress=say)
        except BackupError as exc:
            raise CommandError("\n".join(str(m) for m in exc.messages())) from None
        source = result.manifest
        self.stdout.write(
            f"Xong / done: {len(source['tables'])} bảng / tables, {result.rows:,} dòng / rows, "
            f"{result.files:,} tệp / files, {result.seconds:.1f} s "
            f"(bản sao lưu / backup of {source['created_at']}, {source['source']['vendor']}, "
            f"antoan {source['antoan_version']})"
        )
        self.stdout.write(
            "Phiên đăng nhập đã được xóa: mọi người đăng nhập lại / sessions were emptied: everyone logs in again"
        )

    def check_only(self, file):
        try:
            manifest, problems = archive_check(file)
        except BackupError as exc:
            raise CommandError("\n".join(str(m) for m in exc.messages())) from None
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(
            f"Bản sao lưu nguyên vẹn / the archive is whole: {len(manifest['tables'])} bảng / tables, {rows:,} dòng / "
            f"rows, {len(manifest['files']):,} tệp / files ({manifest['created_at']}, {manifest['source']['vendor']}, "
            f"antoan {manifest['antoan_version']})"
        )
        if problems:
            self.stdout.write("Chưa khôi phục được vào cơ sở dữ liệu này / it does not fit this database:")
            for message in problems:
                self.stdout.write(f"  {message}")
        else:
            self.stdout.write("Khôi phục được vào cơ sở dữ liệu này / it fits this database")
