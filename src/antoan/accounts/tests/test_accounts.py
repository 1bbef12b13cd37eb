"""Users, memberships, login: Argon2, throttling, bilingual errors, nothing partial on bad input."""

import os
import subprocess
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from antoan.accounts import services
from antoan.accounts.models import Membership, User
from antoan.accounts.testing import totp_code
from antoan.core.errors import DomainError

pytestmark = pytest.mark.django_db

PASSWORD = "Kiem-tra@2026x"


@pytest.fixture
def officer(unit):
    user = services.user_create(actor=None, username="canbo.hamthuan", password=PASSWORD, full_name="Lê Thị Hoa")
    services.membership_grant(actor=None, user=user, unit=unit("23059", date(2026, 1, 1)), role="officer")
    return user


def test_passwords_are_hashed_with_argon2(officer):
    assert officer.password.startswith("argon2$")
    assert officer.check_password(PASSWORD)


def test_weak_password_and_taken_username_are_refused_together(officer):
    with pytest.raises(DomainError) as exc:
        services.user_create(actor=None, username="CANBO.hamthuan", password="123")
    assert set(exc.value.errors) == {"username", "password"}
    assert "đã có người dùng" in exc.value.errors["username"].vi
    assert "too weak" in exc.value.errors["password"].en
    assert User.objects.count() == 1


def test_unknown_role_is_refused(officer, unit):
    with pytest.raises(DomainError) as exc:
        services.membership_grant(actor=None, user=officer, unit=unit("68"), role="chief")
    assert "chief" in exc.value.errors["role"].vi and "Unknown role" in exc.value.errors["role"].en


def test_only_admins_manage_accounts(officer):
    with pytest.raises(DomainError) as exc:
        services.user_create(actor=officer, username="x", password=PASSWORD + "y")
    assert exc.value.errors["__all__"].en == "Only administrators manage user accounts"


def test_membership_grant_is_audited_and_idempotent(officer, unit, make_user):
    admin = make_user("admin", unit("68"))
    first = services.membership_grant(actor=admin, user=officer, unit=unit("68"), role="viewer")
    again = services.membership_grant(actor=admin, user=officer, unit=unit("68"), role="viewer")
    assert first.pk == again.pk
    assert first.history.get().history_user == admin


def test_login_and_logout(client, officer):
    response = client.post(reverse("login"), {"username": "canbo.hamthuan", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "Xã Hàm Thuận" in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_bad_login_says_so_in_both_languages(client, officer):
    response = client.post(reverse("login"), {"username": "canbo.hamthuan", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in page and "Wrong username or password" in page


def test_repeated_failures_lock_the_login_even_with_the_right_password(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "canbo.hamthuan", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "canbo.hamthuan", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_two_factor_codes_lock_the_login_too(client, unit, settings):
    """A wrong code after the right password counts as a failed login: five end the session and lock the
    username and address like five wrong passwords, so the right password and the right code are refused until the
    cool-off."""
    leader = services.user_create(actor=None, username="lanhdao.hamthuan", password=PASSWORD)
    services.membership_grant(actor=None, user=leader, unit=unit("23059", date(2026, 1, 1)), role="leader")
    device = TOTPDevice.objects.create(user=leader, name="phone", confirmed=True)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client.post(reverse("login"), {"username": "lanhdao.hamthuan", "password": PASSWORD})

    limit = settings.AXES_FAILURE_LIMIT
    answers = [client.post(reverse("two-factor-verify"), {"otp_token": wrong}) for _ in range(limit)]
    assert [a.status_code for a in answers] == [200] * (limit - 1) + [429]
    assert "Tạm khóa đăng nhập" in answers[-1].content.decode()
    assert "_auth_user_id" not in client.session  # the half-logged-in session is over

    again = client.post(reverse("login"), {"username": "lanhdao.hamthuan", "password": PASSWORD})
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    assert client.post(reverse("two-factor-verify"), {"otp_token": right}).status_code == 302  # to the login page
    assert "_auth_user_id" not in client.session


def test_weak_passwords_are_refused_with_the_validators_words_in_both_languages(officer):
    with pytest.raises(DomainError) as exc:
        services.user_set_password(actor=None, user=officer, password="12345678")
    message = exc.value.errors["password"]
    assert message.vi.startswith("Mật khẩu chưa đủ mạnh:") and "Mật khẩu này hoàn toàn là số." in message.vi
    assert message.en.startswith("The password is too weak:")
    assert "This password is too short. It must contain at least 10 characters." in message.en
    assert "This password is too common." in message.en and "This password is entirely numeric." in message.en
    assert officer.check_password(PASSWORD)  # unchanged

    with pytest.raises(DomainError) as exc:
        services.user_create(actor=None, username="lanhdao.hongson", password="lanhdao.hongson1")
    assert "The password is too similar to the username." in exc.value.errors["password"].en
    assert "Mật khẩu quá giống với Tên đăng nhập." in exc.value.errors["password"].vi
    assert not User.objects.filter(username="lanhdao.hongson").exists()

    with pytest.raises(CommandError) as cli:
        call_command("users", "create", "canbo.lada", "--password", "short1")
    assert "This password is too short" in str(cli.value) and not User.objects.filter(username="canbo.lada").exists()
    assert services.user_set_password(actor=None, user=officer, password="Ba-con-meo-2026").check_password(
        "Ba-con-meo-2026"
    )


def test_sessions_expire(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_cli_creates_a_user_with_a_membership(unit):
    call_command("users", "create", "canbo.laDa", "--password", PASSWORD, "--unit", "23065", "--role", "officer")
    membership = Membership.objects.get(user__username="canbo.laDa")
    assert membership.unit.name == "Xã La Dạ" and membership.role == "officer"


def test_cli_revokes_a_role_and_the_history_keeps_it(unit):
    call_command("users", "create", "canbo.laDa", "--password", PASSWORD, "--unit", "23065", "--role", "officer")
    with pytest.raises(CommandError) as exc:
        call_command("users", "revoke", "canbo.laDa", "--unit", "23065", "--role", "viewer")
    assert "has no viewer role" in str(exc.value)
    call_command("users", "revoke", "canbo.laDa", "--unit", "23065", "--role", "officer")
    assert not Membership.objects.filter(user__username="canbo.laDa").exists()
    assert [h.history_type for h in Membership.history.filter(user__username="canbo.laDa")] == ["-", "+"]


def test_cli_with_an_unknown_unit_writes_nothing():
    with pytest.raises(CommandError) as exc:
        call_command("users", "create", "x.y", "--password", PASSWORD, "--unit", "99999", "--role", "officer")
    assert "99999" in str(exc.value) and "There is no unit" in str(exc.value)
    assert not User.objects.filter(username="x.y").exists()


def test_cli_membership_on_a_code_of_the_wrong_date_writes_nothing():
    with pytest.raises(CommandError) as exc:
        call_command("users", "create", "x.y", "--password", PASSWORD, "--unit", "597", "--role", "leader")
    assert "Huyện Hàm Thuận Bắc" in str(exc.value)
    assert not User.objects.filter(username="x.y").exists()


def test_check_deploy_is_clean_with_production_settings():
    env = dict(os.environ, ANTOAN_PRODUCTION="1", SECRET_KEY="k" * 64 + "-prod-Xy7!", ALLOWED_HOSTS="antoan.example.vn")
    result = subprocess.run(
        [sys.executable, "-m", "antoan.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_failures_from_many_addresses_slow_the_account_down_without_locking_it(client, officer, settings,
                                                                               time_machine):  # fmt: skip
    """#27: five wrong passwords lock a username on one address only; from twelve addresses (and the IPv4-mapped
    IPv6 spelling of one of them) the right password was still accepted. Past ten failures in all, the account
    waits 2, 4, 8 … seconds after each — the right password too — then logs in."""
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
    login = reverse("login")
    for n in range(1, 11):
        address = f"::ffff:10.0.0.{n}" if n == 10 else f"10.0.0.{n}"  # the last is 10.0.0.10, spelt the IPv6 way
        client.post(login, {"username": "canbo.hamthuan", "password": "wrong"}, REMOTE_ADDR=address)
    assert AccessAttempt.objects.filter(ip_address="10.0.0.10").exists()  # one spelling, one set of counters
    refused = client.post(login, {"username": "canbo.hamthuan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.99")
    page = refused.content.decode()
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "thử lại sau 2 giây" in page and "try again in 2 seconds" in page
    assert AccessAttempt.objects.filter(username="canbo.hamthuan").aggregate(n=Sum("failures_since_start"))["n"] == 10

    time_machine.move_to(datetime(2026, 3, 2, 9, 0, 3, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
    client.post(login, {"username": "canbo.hamthuan", "password": "wrong"}, REMOTE_ADDR="10.0.0.11")  # the 11th
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
    assert "thử lại sau 2 giây" in client.post(login, {"username": "canbo.hamthuan", "password": PASSWORD},
                                                 REMOTE_ADDR="10.0.0.99").content.decode()  # 4 s after it: 2 left
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, 7, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
    done = client.post(login, {"username": "canbo.hamthuan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.99")
    assert done.status_code == 302 and "_auth_user_id" in client.session
