import getpass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from antoan.accounts import services
from antoan.accounts.models import Role, User
from antoan.accounts.two_factor import two_factor_reset
from antoan.core.errors import DomainError
from antoan.core.values import to_date
from antoan.units.selectors import unit_for_code

ROLES_HELP = f"One of: {', '.join(Role.values)} (checked with a message in both languages)"


class Command(BaseCommand):
    help = "User accounts: create a user, grant or revoke a role on a unit, reset two-factor login."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a user (the password is asked for unless given).")
        create.add_argument("username")
        create.add_argument("--full-name", default="")
        create.add_argument("--job-title", default="")
        create.add_argument("--email", default="")
        create.add_argument("--password", help="Prefer the prompt: a password on the command line is visible.")
        create.add_argument("--unit", help="Unit code to grant a role on")
        create.add_argument("--role", help=ROLES_HELP)
        create.add_argument("--on", help="Date the unit code is resolved on (default: today)")
        grant = sub.add_parser("grant", help="Grant a role on a unit to an existing user.")
        grant.add_argument("username")
        grant.add_argument("--unit", required=True, help="Unit code")
        grant.add_argument("--role", required=True, help=ROLES_HELP)
        grant.add_argument("--on", help="Date the unit code is resolved on (default: today)")
        revoke = sub.add_parser("revoke", help="Take a role on a unit away from a user (audited).")
        revoke.add_argument("username")
        revoke.add_argument("--unit", required=True, help="Unit code")
        revoke.add_argument("--role", required=True, help=ROLES_HELP)
        revoke.add_argument("--on", help="Date the unit code is resolved on (default: today)")
        reset = sub.add_parser(
            "reset-2fa",
            help="Remove a user's two-factor device (a lost phone): they set the app up again at their next login.",
        )
        reset.add_argument("username")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action.replace('-', '_')}")(**options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def _unit(self, code, on):
        return unit_for_code(code=code, day=to_date(on, field="on"))

    def do_create(self, username, full_name, job_title, email, password, unit, role, on, **options):
        if bool(unit) != bool(role):
            raise CommandError("Cần cả --unit và --role / Give both --unit and --role")
        if role:
            services.role_check(role)
        target = self._unit(unit, on) if unit else None  # resolve first: nothing is written on a bad code
        if password is None:
            password = getpass.getpass("Mật khẩu / Password: ")
        with transaction.atomic():
            user = services.user_create(
                actor=None,
                username=username,
                password=password,
                full_name=full_name,
                job_title=job_title,
                email=email,
            )
            if target:
                services.membership_grant(actor=None, user=user, unit=target, role=role)
        self.stdout.write(f"Đã tạo / created: {user.username}" + (f" — {role} @ {target}" if target else ""))

    def do_grant(self, username, unit, role, on, **options):
        user = self._user(username)
        membership = services.membership_grant(actor=None, user=user, unit=self._unit(unit, on), role=role)
        self.stdout.write(f"{membership}")

    def do_revoke(self, username, unit, role, on, **options):
        user = self._user(username)
        target = self._unit(unit, on)
        services.role_check(role)
        membership = user.memberships.filter(unit=target, role=role).first()
        if membership is None:
            raise CommandError(
                f"{username} không có vai trò {role} tại {target} / {username} has no {role} role on {target}"
            )
        services.membership_revoke(actor=None, membership=membership)
        self.stdout.write(f"Đã thu hồi / revoked: {username} — {role} @ {target}")

    def _user(self, username) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản '{username}' / No user '{username}'")
        return user

    def do_reset_2fa(self, username, **options):
        user = self._user(username)
        removed = two_factor_reset(actor=None, user=user)
        self.stdout.write(
            f"Đã xóa {removed} thiết bị xác thực hai bước của {username} / "
            f"removed {removed} two-factor device(s) of {username}"
        )
