"""The demo district: Huyện Hàm Thuận Bắc (Tỉnh Bình Thuận) before 1/7/2025, and the communes of Tỉnh
Lâm Đồng it became. Built only through the services users use, so the demo also proves they work."""

import base64
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from antoan.accounts import services as accounts
from antoan.accounts.models import Role, User
from antoan.accounts.two_factor import REQUIRED_ROLES
from antoan.assessment.demo import seed_assessments
from antoan.core.errors import DomainError
from antoan.incidents.demo import seed_incidents
from antoan.indicators.demo import seed_history
from antoan.movement.demo import seed_movement
from antoan.portal.demo import seed_tips
from antoan.units import services as units
from antoan.units.models import CUTOVER, LEGACY_LAST_DAY, EstablishmentType, Kind, Unit
from antoan.units.selectors import unit_for_code

LEGACY_DAY, CURRENT_DAY = LEGACY_LAST_DAY, CUTOVER
DEMO_PASSWORD = "AnToan@2026"
# Administrators and leaders must give a two-factor code after the password (accounts/two_factor.py). In the demo
# their authenticator key is this published one (README), so that anyone trying it can log in: add it to an
# authenticator app, or run `antoan demo code`. Demo only: the seed refuses to run with ANTOAN_PRODUCTION=1.
DEMO_TOTP_SECRET = "ANTOANDEMOANTOANDEMOANTOANDEMO22"  # base32 (20 bytes)


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    job_title: str
    role: str
    unit_code: str
    on: date


DEMO_USERS = (
    DemoUser("quantri", "Nguyễn Văn Quản", "Quản trị hệ thống", Role.ADMIN, "68", CURRENT_DAY),
    DemoUser("lanhdao.htb", "Võ Minh Khang", "Chủ tịch UBND huyện", Role.LEADER, "597", LEGACY_DAY),
    DemoUser("canbo.htb", "Đặng Quốc Bảo", "Cán bộ Công an huyện", Role.OFFICER, "597", LEGACY_DAY),
    DemoUser("canbo.hamthuan", "Lê Thị Hoa", "Công an xã Hàm Thuận", Role.OFFICER, "23059", CURRENT_DAY),
    DemoUser("canbo.hongson", "Phạm Văn Sơn", "Công an xã Hồng Sơn", Role.OFFICER, "23086", CURRENT_DAY),
)

# (commune code on CURRENT_DAY, name, type, address)
DEMO_ESTABLISHMENTS = (
    ("23059", "Trường THPT Hàm Thuận Bắc", EstablishmentType.SCHOOL, "Khu phố Lâm Hòa, xã Hàm Thuận"),
    ("23059", "Chi nhánh Ngân hàng Nông nghiệp Hàm Thuận Bắc", EstablishmentType.AGENCY, "Quốc lộ 28, xã Hàm Thuận"),
    ("23059", "Công ty TNHH Thanh long Hàm Thuận", EstablishmentType.ENTERPRISE, "Thôn Phú Điền, xã Hàm Thuận"),
    ("23086", "Nhà máy Thủy điện Hàm Thuận", EstablishmentType.ENTERPRISE, "Xã Hồng Sơn"),
    ("23089", "Trường THCS Hàm Trí", EstablishmentType.SCHOOL, "Thôn 1, xã Hàm Thuận Bắc"),
)


def demo_totp_code() -> str:
    """The code an authenticator app with the demo key shows now."""
    return f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"


def _demo_device(user: User, *, actor: User | None) -> TOTPDevice:
    """The demo's administrator and leader get a confirmed device with the published demo key. (Not through the
    enrolment service, which draws a random key and wants a code from the user's phone: the one write here that
    no user's service makes.)"""
    device = TOTPDevice(user=user, name="demo", key=base64.b32decode(DEMO_TOTP_SECRET).hex(), confirmed=True)
    device._history_user = actor
    device.save()
    return device


@transaction.atomic
def demo_seed() -> list[DemoUser]:
    """Create the demo users and establishments that are missing; a second run adds nothing."""
    if not Unit.objects.filter(kind=Kind.COMMUNE).exists():
        raise DomainError.single(
            "__all__",
            "Chưa nạp danh mục đơn vị hành chính: chạy `antoan units load` trước",
            "The administrative units are not loaded: run `antoan units load` first",
        )
    if settings.PRODUCTION:
        raise DomainError.single(
            "__all__",
            "Không tạo dữ liệu demo trên máy chủ thật (ANTOAN_PRODUCTION=1): mật khẩu và khóa demo là công khai",
            "No demo data on a production server (ANTOAN_PRODUCTION=1): the demo passwords and keys are public",
        )
    admin = None
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = accounts.user_create(
                actor=admin,
                username=spec.username,
                password=DEMO_PASSWORD,
                full_name=spec.full_name,
                job_title=spec.job_title,
            )
        unit = unit_for_code(code=spec.unit_code, day=spec.on)
        accounts.membership_grant(actor=admin, user=user, unit=unit, role=spec.role)
        if spec.role in REQUIRED_ROLES and not TOTPDevice.objects.filter(user=user).exists():
            _demo_device(user, actor=admin)
        if spec.role == Role.ADMIN:
            admin = user  # everything after the administrator is done in their name

    for commune_code, name, kind, address in DEMO_ESTABLISHMENTS:
        commune = unit_for_code(code=commune_code, day=CURRENT_DAY)
        if not commune.children.filter(kind=Kind.ESTABLISHMENT, name=name).exists():
            units.establishment_create(user=admin, commune=commune, name=name, establishment_type=kind, address=address)
    seed_incidents(user=admin)
    seed_tips(user=admin)
    seed_movement(user=admin)
    seed_assessments(user=admin)
    seed_history(user=admin)
    return list(DEMO_USERS)
