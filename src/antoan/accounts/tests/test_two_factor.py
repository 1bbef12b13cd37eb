"""Two-factor login (TOTP): required for administrators and leaders, optional for the others; enrolment, the code
after the password, the administrators' reset (audited), throttling, and API tokens beside a half-logged-in session."""

import logging
from datetime import date

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from antoan.accounts import services
from antoan.accounts.models import User
from antoan.accounts.testing import totp_code
from antoan.accounts.two_factor import device_secret, two_factor_reset
from antoan.core.errors import Forbidden

pytestmark = pytest.mark.django_db

PASSWORD = "Kiem-tra@2026x"
HOME = "/"
ENROL = "/xac-thuc/dang-ky/"
VERIFY = "/xac-thuc/"


@pytest.fixture
def ham_thuan(unit):
    return unit("23059", date(2026, 1, 1))


@pytest.fixture
def person(ham_thuan):
    """person(username, role) → a user with a password and that role on Xã Hàm Thuận."""

    def make(username, role):
        user = services.user_create(actor=None, username=username, password=PASSWORD, full_name=username)
        services.membership_grant(actor=None, user=user, unit=ham_thuan, role=role)
        return user

    return make


@pytest.fixture
def leader(person):
    return person("lanhdao.hamthuan", "leader")


@pytest.fixture
def officer(person):
    return person("canbo.hamthuan", "officer")


@pytest.fixture
def no_throttle(settings):
    """django-otp makes a device wait 1 s after a wrong code before it checks another: a test that types a wrong
    code then the right one at once turns the wait off (the throttling itself is tested below)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step should succeed"
    return response


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_leader_without_a_device_is_sent_to_enrolment_and_gets_no_page_nor_the_api(client, leader, ham_thuan):
    log_in(client, leader)

    for url in (HOME, reverse("incident-list"), reverse("unit-detail", args=[ham_thuan.pk]), reverse("account")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL + "?next="), (url, response["Location"])
    response = client.post(reverse("api-tokens"), {"name": "script"})
    assert response.status_code == 302 and response["Location"] == ENROL
    assert not leader.api_tokens.exists()

    api = client.get("/api/v1/units", {"parent": ham_thuan.pk})
    assert api.status_code == 401
    assert "xác thực hai bước" in api.json()["errors"]["__all__"]["vi"]
    assert "two-factor" in api.json()["errors"]["__all__"]["en"]

    page = client.get(ENROL)
    text = page.content.decode()
    device = TOTPDevice.objects.get(user=leader)
    assert page.status_code == 200 and not device.confirmed
    assert 'src="data:image/svg+xml;base64,' in text and device_secret(device) in text
    assert reverse("incident-list") not in text  # no menu before the second step, but logging out works
    assert reverse("logout") in text
    assert client.get(ENROL).content.decode().count(device_secret(device)) == 1  # a reload keeps the same key
    assert TOTPDevice.objects.filter(user=leader).count() == 1


def test_enrolment_refuses_a_wrong_code_and_a_right_one_lets_the_leader_in(client, leader, ham_thuan, no_throttle):
    log_in(client, leader)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=leader)
    right = f"{totp(device.bin_key):06d}"

    refused = client.post(ENROL, {"otp_token": wrong(right), "next": HOME})
    assert refused.status_code == 200
    assert "Mã xác thực không đúng" in refused.content.decode() and "The code is wrong" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1
    assert client.get(HOME)["Location"].startswith(ENROL)

    accepted = client.post(ENROL, {"otp_token": right, "next": reverse("unit-detail", args=[ham_thuan.pk])})
    assert accepted.status_code == 302 and accepted["Location"] == reverse("unit-detail", args=[ham_thuan.pk])
    device.refresh_from_db()
    assert device.confirmed and device.throttling_failure_count == 0
    assert client.get(HOME).status_code == 200
    assert client.get("/api/v1/units", {"parent": ham_thuan.pk}).status_code == 200
    trail = list(TOTPDevice.history.filter(user_id=leader.pk).order_by("history_date", "history_id"))
    assert [(entry.history_type, entry.confirmed, entry.history_user) for entry in trail] == [
        ("+", False, leader),
        ("~", True, leader),
    ]
    assert not hasattr(trail[0], "key")  # the secret is not copied into the audit trail


def test_leader_with_a_device_is_asked_for_the_code_after_the_password(client, leader):
    device = confirmed_device(leader)
    log_in(client, leader)
    before = client.cookies["sessionid"].value

    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2F"
    assert client.get(reverse("incident-list"))["Location"].startswith(VERIFY)
    assert client.get(ENROL)["Location"].startswith(VERIFY)  # no second device behind the first one's back
    form = client.get(response["Location"])
    assert form.status_code == 200 and 'name="otp_token"' in form.content.decode()

    accepted = client.post(VERIFY, {"otp_token": totp_code(device), "next": HOME})
    assert accepted.status_code == 302 and accepted["Location"] == HOME
    assert client.cookies["sessionid"].value != before  # a new session key once the second step is passed
    home = client.get(HOME)
    assert home.status_code == 200 and "Xã Hàm Thuận" in home.content.decode()


def test_the_code_page_goes_nowhere_but_our_own_pages(client, leader):
    device = confirmed_device(leader)
    log_in(client, leader)
    response = client.post(VERIFY, {"otp_token": totp_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == HOME


def test_officer_without_a_device_gets_in_directly(client, officer, ham_thuan):
    response = log_in(client, officer)
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get("/api/v1/units", {"parent": ham_thuan.pk}).status_code == 200
    account = client.get(reverse("account")).content.decode()
    assert f'href="{ENROL}?next=/tai-khoan/"' in account


def test_officer_who_enrolled_is_asked_too_and_may_turn_it_off(client, officer):
    log_in(client, officer)
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(ENROL, {"otp_token": totp_code(device), "next": reverse("account")})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    assert client.get(HOME).status_code == 200

    client.post(reverse("logout"))
    log_in(client, officer)
    assert client.get(HOME)["Location"].startswith(VERIFY)
    device.refresh_from_db()
    response = client.post(VERIFY, {"otp_token": totp_code(device, steps_ahead=1), "next": HOME})
    assert response.status_code == 302 and client.get(HOME).status_code == 200

    client.post(reverse("account"), {"two_factor_off": "1"})
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert TOTPDevice.history.filter(user_id=officer.pk, history_type="-").get().history_user == officer
    client.post(reverse("logout"))
    log_in(client, officer)
    assert client.get(HOME).status_code == 200


def test_a_leader_cannot_turn_two_factor_login_off(client, leader, login_verified):
    login_verified(client, leader)
    response = client.post(reverse("account"), {"two_factor_off": "1"}, follow=True)
    assert "must keep two-factor login on" in response.content.decode()
    assert TOTPDevice.objects.filter(user=leader, confirmed=True).exists()
    with pytest.raises(Forbidden):
        two_factor_reset(actor=leader, user=leader)


def test_superusers_and_staff_need_it_too(client, db):
    for flags in ({"is_superuser": True}, {"is_staff": True}):
        user = User.objects.create(username=f"root{len(flags)}{list(flags)[0]}", **flags)
        client.force_login(user)
        assert client.get(HOME)["Location"].startswith(ENROL), flags
        assert client.get("/admin/")["Location"].startswith(ENROL), flags


def test_an_administrator_resets_a_device_audited_and_the_user_must_enrol_again(
    client, leader, officer, make_user, ham_thuan, login_verified
):
    from django.test import Client

    leader_client = Client()
    login_verified(leader_client, leader)
    assert leader_client.get(HOME).status_code == 200
    admin = make_user("admin", ham_thuan.parent, username="quantri")
    login_verified(client, admin)

    listing = client.get(reverse("users-two-factor"), {"q": "lanhdao"}).content.decode()
    assert "lanhdao.hamthuan" in listing and "canbo.hamthuan" not in listing
    refused = client.get(reverse("users-two-factor"), {"q": "lanhdao\x00"})  # a 500 on PostgreSQL before #25
    assert refused.status_code == 400 and 'data-field="q"' in refused.content.decode()
    page = reverse("user-two-factor", args=[leader.pk])
    response = client.post(page)
    assert response.status_code == 302 and response["Location"] == page
    assert not TOTPDevice.objects.filter(user=leader).exists()
    removal = TOTPDevice.history.filter(user_id=leader.pk).latest("history_date", "history_id")
    assert removal.history_type == "-" and removal.history_user == admin
    shown = client.get(page).content.decode()
    assert "quantri" in shown and ("Device removed" in shown or "Đã gỡ thiết bị" in shown)

    # The leader's session is no longer past the second step: enrolment before any page.
    assert leader_client.get(HOME)["Location"].startswith(ENROL)
    assert leader_client.get(ENROL).status_code == 200


def test_only_administrators_reset_devices_or_list_users(client, leader, officer, login_verified):
    device = confirmed_device(leader)
    login_verified(client, officer)
    assert client.get(reverse("users-two-factor")).status_code == 404
    assert client.post(reverse("user-two-factor", args=[leader.pk])).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    with pytest.raises(Forbidden):
        two_factor_reset(actor=officer, user=leader)


def test_the_command_line_resets_a_device(leader, capsys):
    confirmed_device(leader)
    call_command("users", "reset-2fa", leader.username)
    assert "removed 1 two-factor device" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=leader).exists()


def test_repeated_wrong_codes_are_throttled_and_logged_without_the_code(client, leader, settings, caplog):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first wrong code, so the test cannot outrun it
    device = confirmed_device(leader)
    log_in(client, leader)
    right = totp_code(device)
    typo = wrong(right)

    with caplog.at_level(logging.WARNING, logger="antoan.accounts.two_factor"):
        first = client.post(VERIFY, {"otp_token": typo, "next": HOME})
        assert "The code is wrong or has expired; try again after" in first.content.decode()
        second = client.post(VERIFY, {"otp_token": right, "next": HOME})
    page = second.content.decode()
    assert second.status_code == 200
    assert "Nhập sai mã quá nhiều lần" in page and "Too many wrong codes: wait until" in page
    assert client.get(HOME)["Location"].startswith(VERIFY)  # the right code, too early, did not let them in
    device.refresh_from_db()
    assert device.throttling_failure_count == 1 and device.last_t == -1

    refused = [r for r in caplog.records if r.name == "antoan.accounts.two_factor"]
    assert len(refused) == 2 and all(str(leader.pk) in r.getMessage() for r in refused)
    assert "wrong code" in refused[0].getMessage() and "the device is throttled" in refused[1].getMessage()
    assert all(typo not in r.getMessage() and right not in r.getMessage() for r in caplog.records)
    stored = "".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "otp_token" in stored and typo not in stored and right not in stored


def test_an_api_token_works_beside_a_half_logged_in_session(client, leader, ham_thuan):
    _, key = services.api_token_create(user=leader, owner=leader, name="script")
    log_in(client, leader)  # a session that has not given the code (the leader has no device yet)
    assert client.get("/api/v1/units", {"parent": ham_thuan.pk}).status_code == 401
    response = client.get("/api/v1/units", {"parent": ham_thuan.pk}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    bad = client.get("/api/v1/units", {"parent": ham_thuan.pk}, headers={"Authorization": "Bearer at_not-a-key"})
    assert bad.status_code == 401  # a wrong token does not fall back on the half-logged-in session


def test_the_django_admin_shows_devices_without_their_keys_and_cannot_change_them(client, leader, login_verified):
    device = confirmed_device(leader)
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    login_verified(client, root)
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200 and "lanhdao.hamthuan" in listing.content.decode()
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200 and device.key not in page.content.decode()
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    assert client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
