"""Access ends when it should: a session after its age, a membership once revoked, a login lockout after its
cool-off (and not before)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from antoan.accounts import services
from antoan.accounts.models import Membership
from antoan.core.memo import memoized
from antoan.movement import record_types as rt
from antoan.movement.records.services import record_create
from antoan.units.scope import user_scope

pytestmark = pytest.mark.django_db

PASSWORD = "Kiem-tra@2026x"
USERNAME = "canbo.hamthuan"
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=HO_CHI_MINH)


@pytest.fixture
def officer(unit):
    user = services.user_create(actor=None, username=USERNAME, password=PASSWORD, full_name="Lê Thị Hoa")
    services.membership_grant(actor=None, user=user, unit=unit("23059", date(2026, 1, 1)), role="officer")
    return user


def log_in(client, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": USERNAME, "password": password}, **extra)


def goes_to_login(response, path) -> bool:
    return response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={path}"


# Sessions -----------------------------------------------------------------------------------------------------------


def test_a_session_ends_a_working_day_after_the_login_however_busy(client, officer, unit, settings, time_machine):
    """SESSION_COOKIE_AGE (8 hours) counts from the login: the session's expiry is not pushed back by using it, and
    past it every page sends the user back to the login page."""
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    time_machine.move_to(NINE, tick=False)
    assert log_in(client)["Location"] == reverse("home") and "_auth_user_id" in client.session
    unit_page = reverse("unit-detail", args=[unit("23059", date(2026, 1, 1)).pk])

    for moment in (NINE + timedelta(hours=4), NINE + timedelta(hours=8) - timedelta(seconds=1)):
        time_machine.move_to(moment, tick=False)
        assert client.get(reverse("home")).status_code == 200
        assert client.get(unit_page).status_code == 200

    time_machine.move_to(NINE + timedelta(hours=8, seconds=1), tick=False)
    assert goes_to_login(client.get(unit_page), unit_page)
    assert goes_to_login(client.get(reverse("home")), reverse("home"))
    assert client.get("/api/v1/units").status_code == 401
    assert "_auth_user_id" not in client.session

    assert log_in(client).status_code == 302  # a new login starts a new day
    assert client.get(unit_page).status_code == 200


# Memberships --------------------------------------------------------------------------------------------------------


def test_revoking_the_membership_ends_access_to_the_units_records(client, officer, unit, make_user):
    ham_thuan = unit("23059", date(2026, 1, 1))
    admin = make_user("admin", unit("68", date(2026, 1, 1)))
    model = record_create(rt.MODELS, user=admin, unit=ham_thuan, name="Tổ tự quản thôn Lâm Hòa",
                          model_type="self_managed", started_on=date(2025, 8, 1), teams="3", members="24",
                          status="active")  # fmt: skip
    page = reverse("models-detail", args=[model.pk])
    api = f"/api/v1/movement/models/{model.pk}"
    unit_page = reverse("unit-detail", args=[ham_thuan.pk])
    client.force_login(officer)
    assert client.get(page).status_code == 200 and "Tổ tự quản thôn Lâm Hòa" in client.get(page).content.decode()
    assert client.get(api).status_code == 200 and client.get(api).json()["id"] == model.pk
    assert [row["id"] for row in client.get("/api/v1/movement/models").json()["items"]] == [model.pk]
    assert client.get(unit_page).status_code == 200
    assert user_scope(user=officer).covers(ham_thuan)

    with memoized.scope():  # as inside a bulk operation: the scope read once is not read again in this block
        assert user_scope(user=officer).covers(ham_thuan)
        services.membership_revoke(actor=admin, membership=Membership.objects.get(user=officer))
    assert not Membership.objects.filter(user=officer).exists()

    assert not user_scope(user=officer).covers(ham_thuan)
    with memoized.scope():  # what a new read-only request sees (core.middleware.ReadMemoMiddleware)
        assert not user_scope(user=officer).covers(model.unit)
    assert client.get(page).status_code == 404  # the same session, no new login
    assert client.get(api).status_code == 404
    assert client.get(unit_page).status_code == 404
    assert client.get("/api/v1/movement/models").json()["items"] == []


# Login lockouts -----------------------------------------------------------------------------------------------------


def test_a_locked_login_opens_again_after_the_cool_off_and_not_before(client, officer, settings, time_machine):
    """Five wrong passwords from one address lock the username there for AXES_COOLOFF_TIME (15 minutes) after the
    last refused try: the right password is refused until then, and accepted after."""
    assert settings.AXES_COOLOFF_TIME == 0.25
    limit = settings.AXES_FAILURE_LIMIT
    time_machine.move_to(NINE, tick=False)
    assert [log_in(client, "wrong").status_code for _ in range(limit)] == [200] * (limit - 1) + [429]

    time_machine.move_to(NINE + timedelta(minutes=15, seconds=-1), tick=False)  # the last second of the lock
    refused = log_in(client)
    assert refused.status_code == 429 and "Tạm khóa đăng nhập" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    # django-axes (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT, on by default) counts that refused try as a failure:
    # the 15 minutes now run from it, not from the fifth wrong password.
    time_machine.move_to(NINE + timedelta(minutes=15, seconds=1), tick=False)
    assert log_in(client).status_code == 429
    time_machine.move_to(NINE + timedelta(minutes=29, seconds=58), tick=False)  # 14:57 after the last try
    assert log_in(client).status_code == 429

    time_machine.move_to(NINE + timedelta(minutes=44, seconds=59), tick=False)  # 15:01 after it
    done = log_in(client)
    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_the_account_wide_wait_is_capped_and_lifts(client, officer, settings, time_machine):
    """Past ANTOAN_LOGIN_FREE_FAILURES failures from many addresses each attempt waits 2, 4, 8 … s after the last
    failure, never more than ANTOAN_LOGIN_MAX_WAIT_SECONDS; the right password is refused during the wait and
    accepted once it is over."""
    settings.ANTOAN_LOGIN_MAX_WAIT_SECONDS = 20
    free = settings.ANTOAN_LOGIN_FREE_FAILURES
    time_machine.move_to(NINE, tick=False)
    for n in range(free):
        assert "Sai tên đăng nhập" in log_in(client, "wrong", REMOTE_ADDR=f"10.0.1.{n}").content.decode()
    moment = NINE
    for n, wait in enumerate([2, 4, 8, 16]):  # each failure past the free ones doubles the next wait
        moment += timedelta(seconds=wait)
        time_machine.move_to(moment - timedelta(seconds=1), tick=False)
        assert "thử lại sau 1 giây" in log_in(client, "wrong", REMOTE_ADDR=f"10.0.2.{n}").content.decode()
        time_machine.move_to(moment, tick=False)
        assert "Sai tên đăng nhập" in log_in(client, "wrong", REMOTE_ADDR=f"10.0.3.{n}").content.decode()

    # 14 failures: the next wait would be 32 s, capped at 20
    time_machine.move_to(moment + timedelta(seconds=15), tick=False)
    refused = log_in(client, REMOTE_ADDR="10.0.4.1")
    page = refused.content.decode()
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "thử lại sau 5 giây" in page and "try again in 5 seconds" in page

    time_machine.move_to(moment + timedelta(seconds=20), tick=False)
    done = log_in(client, REMOTE_ADDR="10.0.4.2")
    assert done.status_code == 302 and client.session["_auth_user_id"] == str(officer.pk)
