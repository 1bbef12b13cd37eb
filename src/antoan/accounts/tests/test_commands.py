"""The console commands `antoan users grant` and `antoan demo code`."""

import base64
import hashlib
import hmac
import io
import re
import struct
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from antoan.accounts.models import Membership, User
from antoan.accounts.testing import totp_code
from antoan.site.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# users grant --------------------------------------------------------------------------------------------------------


@pytest.fixture
def hoa():
    return User.objects.create(username="canbo.hoa", full_name="Lê Thị Hoa")


def test_users_grant_gives_the_role_on_the_unit_once(hoa):
    assert run("users", "grant", "canbo.hoa", "--unit", "23059", "--role", "officer") == (
        "Lê Thị Hoa — Cán bộ — Xã Hàm Thuận\n"
    )
    membership = Membership.objects.get(user=hoa)
    assert (membership.unit.code, membership.unit.name, membership.role) == ("23059", "Xã Hàm Thuận", "officer")
    assert membership.history.get().history_type == "+"

    run("users", "grant", "canbo.hoa", "--unit", "23059", "--role", "officer")  # twice: still one membership
    run("users", "grant", "canbo.hoa", "--unit", "23059", "--role", "viewer")  # another role: a second one
    assert sorted(Membership.objects.filter(user=hoa).values_list("role", flat=True)) == ["officer", "viewer"]


def test_users_grant_resolves_an_old_code_on_the_date_given(hoa):
    output = run("users", "grant", "canbo.hoa", "--unit", "597", "--role", "leader", "--on", "01/01/2020")
    assert output == "Lê Thị Hoa — Lãnh đạo — Huyện Hàm Thuận Bắc\n"
    membership = Membership.objects.get(user=hoa)
    assert (membership.unit.code, membership.unit.valid_to, membership.role) == ("597", date(2025, 6, 30), "leader")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nobody", "--unit", "23059", "--role", "officer"], ["Không có tài khoản 'nobody'", "No user 'nobody'"]),
        (
            ["canbo.hoa", "--unit", "99999", "--role", "officer"],
            ["Không có đơn vị nào mang mã '99999'", "There is no unit with code '99999'"],
        ),
        (
            ["canbo.hoa", "--unit", "597", "--role", "leader"],  # a district code, gone since 1 July 2025
            ["Mã 597 không thuộc đơn vị nào vào ngày", "Code 597 names no unit on", "Huyện Hàm Thuận Bắc"],
        ),
        (
            ["canbo.hoa", "--unit", "23059", "--role", "officer", "--on", "31/02/2026"],
            ["Ngày không hợp lệ: '31/02/2026'", "Invalid date '31/02/2026'"],
        ),
    ],
)
def test_users_grant_refuses_with_a_bilingual_error_and_writes_nothing(hoa, args, words):
    with pytest.raises(CommandError) as error:
        run("users", "grant", *args)
    message = str(error.value)
    assert all(word in message for word in words), message
    assert " / " in message  # Vietnamese, then English
    assert not Membership.objects.exists() and not Membership.history.exists()


def test_users_grant_refuses_an_unknown_role_and_writes_nothing(hoa):
    """The role is the service's to check: the message names the roles, in both languages (argparse's own choices
    would refuse it in English only)."""
    for action in ("grant", "revoke"):
        with pytest.raises(CommandError) as error:
            run("users", action, "canbo.hoa", "--unit", "23059", "--role", "chief")
        assert "Vai trò không hợp lệ: 'chief'" in str(error.value) and "Unknown role 'chief'" in str(error.value)
    assert not Membership.objects.exists()


# demo code ----------------------------------------------------------------------------------------------------------

HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")


def test_demo_code_is_the_code_the_demo_administrators_and_leaders_devices_accept(client, time_machine):
    run("demo", "seed")  # the devices with the published demo key (slow: the whole demo district)
    devices = {d.user.username: d for d in TOTPDevice.objects.select_related("user")}
    assert set(devices) == {"quantri", "lanhdao.htb"}

    moment = datetime(2026, 3, 2, 9, 0, 10, tzinfo=HO_CHI_MINH)
    time_machine.move_to(moment, tick=False)
    printed = run("demo", "code")
    assert re.fullmatch(r"\d{6}\n", printed), printed
    code = printed.strip()
    assert code == totp_code(devices["quantri"]) == totp_code(devices["lanhdao.htb"])  # from each device's own key
    assert devices["lanhdao.htb"].verify_token(code)

    # the code changes every 30 seconds: the one printed a minute later is another, the one the devices now show
    time_machine.move_to(moment + timedelta(seconds=60), tick=False)
    later = run("demo", "code").strip()
    assert later != code and later == totp_code(devices["quantri"])

    # and it is what logs the demo administrator in, past the two-factor step
    login = client.post(reverse("login"), {"username": "quantri", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    held = client.get(reverse("home"))  # no page before the code
    assert held.status_code == 302 and held["Location"].startswith(reverse("two-factor-verify"))
    verified = client.post(reverse("two-factor-verify"), {"otp_token": later})
    assert verified.status_code == 302 and verified["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def rfc6238(secret_base32: str, moment: datetime) -> str:
    """The TOTP code (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) computed here, not by django-otp."""
    counter = int(moment.timestamp()) // 30
    digest = hmac.new(base64.b32decode(secret_base32), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def test_demo_code_needs_no_seed_and_follows_rfc_6238(time_machine):
    assert rfc6238("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", datetime.fromtimestamp(59, UTC)) == "287082"  # RFC 6238 B
    for seconds in (0, 29, 30, 3600):
        moment = datetime(2026, 3, 2, 9, 0, tzinfo=HO_CHI_MINH) + timedelta(seconds=seconds)
        time_machine.move_to(moment, tick=False)
        assert run("demo", "code") == rfc6238(DEMO_TOTP_SECRET, moment) + "\n"
    assert not TOTPDevice.objects.exists()
