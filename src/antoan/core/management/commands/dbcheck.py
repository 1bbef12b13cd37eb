from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError

POSTGRES_HELP = (
    "Khởi động PostgreSQL / start PostgreSQL:\n"
    "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
    "hoặc cài đặt / or install it: apt-get install -y postgresql"
)


class Command(BaseCommand):
    help = "Check that the configured database (DATABASE_URL) answers; say how to start PostgreSQL if not."

    def handle(self, *args, **options):
        settings = connection.settings_dict
        where = f"{connection.vendor} {settings.get('HOST') or ''}:{settings.get('PORT') or ''}/{settings['NAME']}"
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            hint = POSTGRES_HELP if connection.vendor == "postgresql" else ""
            raise CommandError(
                f"Không kết nối được cơ sở dữ liệu / cannot reach the database ({where}): {exc}\n{hint}"
            ) from None
        self.stdout.write(f"OK: {where}")
