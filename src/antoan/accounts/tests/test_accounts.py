"""Users, memberships, login: Argon2, throttling, bilingual errors, nothing partial on bad input."""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from antoan.accounts import services
from antoan.accounts.models import Membership, User
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


def test_sessions_expire(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_cli_creates_a_user_with_a_membership(unit):
    call_command("users", "create", "canbo.laDa", "--password", PASSWORD, "--unit", "23065", "--role", "officer")
    membership = Membership.objects.get(user__username="canbo.laDa")
    assert membership.unit.name == "Xã La Dạ" and membership.role == "officer"


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
