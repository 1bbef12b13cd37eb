from django.core.management.base import BaseCommand, CommandError

from antoan.core.errors import DomainError
from antoan.incidents.demo import KIND_CODES, demo_incident_counts
from antoan.site.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_seed, demo_totp_code
from antoan.units.selectors import unit_for_code


class Command(BaseCommand):
    help = "Seed the demo district (Huyện Hàm Thuận Bắc and its successors in Tỉnh Lâm Đồng)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seed", help="Create the demo users and records (idempotent).")
        sub.add_parser("code", help="The two-factor code of the demo administrator and leader, now.")

    def handle(self, *args, action, **options):
        if action == "code":
            self.stdout.write(demo_totp_code())
            return
        try:
            users = demo_seed()
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Tài khoản demo / demo users (mật khẩu / password: {DEMO_PASSWORD})")
        self.stdout.write(
            f"Quản trị và lãnh đạo: mã xác thực hai bước từ khóa {DEMO_TOTP_SECRET} (`antoan demo code`) / "
            f"admin and leader: two-factor code from the key {DEMO_TOTP_SECRET} (`antoan demo code`)"
        )
        for spec in users:
            unit = unit_for_code(code=spec.unit_code, day=spec.on)
            self.stdout.write(f"  {spec.username:<16} {spec.role:<8} {unit.name} ({unit.code}) — {spec.full_name}")
        counts = demo_incident_counts()
        kinds = "/".join(KIND_CODES.values())
        years = " · ".join(f"{year} " + "/".join(str(n.get(k, 0)) for k in KIND_CODES) for year, n in counts.items())
        self.stdout.write(f"Sự việc demo / demo records ({kinds}): {years or '0'}")
