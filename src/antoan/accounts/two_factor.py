"""Two-factor login: a TOTP device (an authenticator app on the user's phone) per user, through django-otp.

Administrators (an `admin` membership, or a superuser or staff account) and leaders must have a confirmed device and
give its 6-digit code after their password; anyone else may enrol, and is then asked for the code too. The rule
itself is enforced by `accounts.middleware.TwoFactorMiddleware`; this module says who needs what and does the
writes: enrolment, checking a code, removing a device (an administrator's reset, or a user turning off an optional
device). Devices keep an audit trail (`accounts.models`, django-simple-history) without their secret.

A failed code is logged (user id, device id, how many in a row) but never the code itself.
"""

import base64
import logging
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from antoan.accounts.models import Membership, Role, User
from antoan.accounts.selectors import user_is_admin
from antoan.core import clock
from antoan.core.errors import DomainError, Forbidden

logger = logging.getLogger(__name__)

REQUIRED_ROLES = frozenset({Role.ADMIN, Role.LEADER})
DEVICE_NAME = "antoan"


# Reads ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TwoFactorState:
    required: bool  # an administrator or a leader: the second step cannot be skipped
    enrolled: bool  # has a confirmed device (then the code is asked whatever the role)

    @property
    def needed(self) -> bool:
        return self.required or self.enrolled


def two_factor_state(*, user: User) -> TwoFactorState:
    """Whether `user` must pass the second step, and whether they have a device for it (one query)."""
    row = (
        two_factor_annotate(User.objects.filter(pk=user.pk))
        .values_list("two_factor_leads", "two_factor_enrolled")
        .first()
    )
    leads, enrolled = row or (False, False)
    return TwoFactorState(required=bool(user.is_superuser or user.is_staff or leads), enrolled=bool(enrolled))


def two_factor_annotate(users):
    """Users with `two_factor_leads` (an admin or leader membership) and `two_factor_enrolled` (a confirmed device)."""
    return users.annotate(
        two_factor_leads=Exists(Membership.objects.filter(user=OuterRef("pk"), role__in=REQUIRED_ROLES)),
        two_factor_enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
    )


def two_factor_required(*, user: User) -> bool:
    return two_factor_state(user=user).required


def two_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_history(*, user: User):
    """The audit trail of `user`'s devices, newest first: enrolled, confirmed, removed (and by whom)."""
    return (
        TOTPDevice.history.filter(user_id=user.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def device_secret(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it when typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def device_qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: an SVG in a data: URI (the CSP allows data: images)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


# Writes -----------------------------------------------------------------------------------------------------------


# A wrong code whose next try must wait at least this long says until when (shorter waits go unmentioned).
WAIT_WORTH_SAYING_SECONDS = 10


def _locked_until(device: TOTPDevice):
    allowed, throttle = device.verify_is_allowed()
    return None if allowed else (throttle or {}).get("locked_until")


def _refused(user: User, device: TOTPDevice, what: str, *, checked: bool) -> DomainError:
    """The error for a code that was not accepted (`checked`: wrong; else not even checked, the device throttled),
    logged without the code."""
    device.refresh_from_db(fields=["throttling_failure_count", "throttling_failure_timestamp"])
    until = _locked_until(device)
    logger.warning(
        "Two-factor code refused (%s): user %s, device %s, %s, %s failure(s) in a row",
        what,
        user.pk,
        device.pk,
        "wrong code" if checked else "not checked: the device is throttled",
        device.throttling_failure_count,
    )
    when = timezone.localtime(until).strftime("%H:%M:%S") if until else ""
    if not checked:
        return DomainError.single(
            "otp_token",
            f"Nhập sai mã quá nhiều lần: chờ đến {when} rồi nhập mã mới",
            f"Too many wrong codes: wait until {when}, then type a new code",
        )
    vi, en = "Mã xác thực không đúng hoặc đã hết hạn", "The code is wrong or has expired"
    if until and (until - clock.now()).total_seconds() >= WAIT_WORTH_SAYING_SECONDS:
        vi, en = f"{vi}; nhập lại sau {when}", f"{en}; try again after {when}"
    return DomainError.single("otp_token", vi, en)


def _check(user: User, device: TOTPDevice, code: str, what: str) -> TOTPDevice:
    code = "".join((code or "").split())
    if not (code.isascii() and code.isdigit()):
        code = "x"  # still checked, so still counted by the throttling: every attempt is
    checked = _locked_until(device) is None
    # In its own transaction, the device row locked; a wrong code's count is committed, whatever the caller does next.
    accepted = verify_token(user, device.persistent_id, code)
    if accepted is None:
        raise _refused(user, device, what, checked=checked)
    return accepted


def two_factor_verify(*, user: User, code: str) -> TOTPDevice:
    """The device that accepts `code` for `user`; a DomainError (logged, without the code) if none does.

    django-otp throttles the device: after n wrong codes in a row it refuses to check another for 2^(n-1) seconds,
    across sessions, until a right one. Each code is accepted once (a code seen is not taken again)."""
    device = two_factor_device(user=user)
    if device is None:
        raise DomainError.single(
            "otp_token",
            "Tài khoản chưa đăng ký xác thực hai bước",
            "This account has no two-factor device yet",
        )
    return _check(user, device, code, "login")


@transaction.atomic
def two_factor_enrol_start(*, user: User) -> TOTPDevice:
    """The device being enrolled: a new secret, kept (unconfirmed) until the first code confirms it, so that the
    page shows the same QR code when reloaded. Refused when the user already has a confirmed device."""
    if two_factor_device(user=user) is not None:
        raise DomainError.single(
            "__all__",
            "Tài khoản đã có thiết bị xác thực hai bước; nhờ quản trị viên đặt lại nếu mất điện thoại",
            "This account already has a two-factor device; ask an administrator to reset it if the phone is lost",
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device._history_user = user
        device.save()
    return device


def two_factor_enrol_confirm(*, user: User, code: str) -> TOTPDevice:
    """Confirm the device being enrolled with a first code from the app; from then on the code is asked at login.
    (Not one transaction: a wrong code's throttling count must stay written when the error goes up.)"""
    device = _check(user, two_factor_enrol_start(user=user), code, "enrolment")
    device.confirmed = True
    device._history_user = user
    device.save()
    logger.info("Two-factor device enrolled: user %s, device %s", user.pk, device.pk)
    return device


@transaction.atomic
def two_factor_reset(*, actor: User | None, user: User) -> int:
    """Remove `user`'s devices (audited, with who did it); returns how many. An administrator resets anyone's (a lost
    phone): an administrator or leader must then enrol again at their next page. A user may turn off their own
    device only when their role does not require it. actor None is the operator at the command line."""
    if actor is not None and not user_is_admin(user=actor):
        if actor.pk != user.pk:
            raise Forbidden.single(
                "__all__",
                "Chỉ quản trị viên được đặt lại xác thực hai bước của người khác",
                "Only administrators reset another user's two-factor login",
            )
        if two_factor_required(user=user):
            raise Forbidden.single(
                "__all__",
                "Quản trị viên và lãnh đạo bắt buộc dùng xác thực hai bước",
                "Administrators and leaders must keep two-factor login on",
            )
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user))
    for device in devices:
        device._history_user = actor
        device.delete()
    logger.info(
        "Two-factor devices removed: user %s, %s device(s), by %s",
        user.pk,
        len(devices),
        actor.pk if actor else "the command line",
    )
    return len(devices)
