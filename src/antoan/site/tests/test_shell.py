"""The web shell, API and CLI around the domain: language, formats, security headers, demo seed."""

import base64
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import formats, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from antoan.accounts.models import Membership, User
from antoan.site.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, demo_seed, demo_totp_code
from antoan.units.models import Kind, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, make_user, unit):
    client.force_login(make_user("officer", unit("23059")))
    return client


def test_interface_is_vietnamese_even_when_the_browser_asks_for_english(officer_client):
    response = officer_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng xuất" in page and "Log out" not in page  # the compiled Vietnamese catalogue is used


def test_english_switch(officer_client):
    officer_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = officer_client.get(reverse("home"))
    assert response["Content-Language"] == "en"
    assert "Log out" in response.content.decode()


def test_dates_and_numbers_use_vietnamese_conventions():
    with translation.override("vi"):
        assert formats.date_format(date(2021, 1, 27), "SHORT_DATE_FORMAT") == "27/01/2021"
        assert formats.number_format(1234567, force_grouping=True) == "1.234.567"
        assert formats.number_format(10.2, decimal_pos=1) == "10,2"


def test_security_headers(officer_client):
    response = officer_client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_province_home_page_lists_the_first_communes_and_links_to_all(client, make_user, unit):
    province = unit("68")
    client.force_login(make_user("viewer", province))
    page = client.get(reverse("home")).content.decode()
    assert province.children.count() > 60
    assert f"Tất cả {province.children.count()} đơn vị trực thuộc" in page


def test_unit_page_shows_predecessors_and_history(officer_client, unit):
    page = officer_client.get(reverse("unit-detail", args=[unit("23059").pk])).content.decode()
    assert "Thị trấn Ma Lâm" in page and "Xã Hàm Đức" in page
    history = officer_client.get(reverse("unit-history", args=[unit("23059").pk])).content.decode()
    assert "antoan units load" in history


def test_establishment_form_shows_bilingual_errors_and_writes_nothing(officer_client, unit):
    commune = unit("23059")
    response = officer_client.post(
        reverse("establishment-create", args=[commune.pk]), {"name": "", "establishment_type": "school"}
    )
    assert response.status_code == 200
    assert not commune.children.exists()
    assert "errorlist" in response.content.decode()


def test_openapi_document_lists_the_unit_routes(officer_client):
    schema = officer_client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units/{unit_id}" in schema["paths"]


def test_api_resolves_a_code_on_a_date_within_scope(officer_client):
    ma_lam = officer_client.get("/api/v1/units/resolve", {"code": "23059", "on": "2020-01-01"}).json()
    assert ma_lam["name"] == "Thị trấn Ma Lâm"
    refused = officer_client.get("/api/v1/units/resolve", {"code": "99999"})
    assert refused.status_code == 404
    assert refused.json()["errors"]["code"]["en"] == "There is no unit with code '99999'"


def test_demo_seed_creates_the_district_team_and_is_idempotent(client, settings):
    demo_seed()
    users, memberships, establishments = (
        User.objects.count(),
        Membership.objects.count(),
        Unit.objects.filter(kind=Kind.ESTABLISHMENT).count(),
    )
    demo_seed()
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships) == (len(DEMO_USERS),) * 2
    # 5 agencies, enterprises and schools, and 3 residential areas in each of the 17 communes of 2020
    assert Unit.objects.filter(kind=Kind.ESTABLISHMENT).count() == establishments == 5 + 17 * 3
    leader = User.objects.get(username="lanhdao.htb")
    assert leader.memberships.get().unit.name == "Huyện Hàm Thuận Bắc"
    assert all(u.password.startswith("argon2$") for u in User.objects.all())
    admin = User.objects.get(username="quantri")
    assert Unit.history.filter(kind=Kind.ESTABLISHMENT, history_user=admin).count() == 5 + 17 * 3
    # The administrator and the leader must use two-factor login: the demo gives them the published demo key.
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert sorted(devices.values_list("user__username", flat=True)) == ["lanhdao.htb", "quantri"]
    assert {base64.b32encode(d.bin_key).decode() for d in devices} == {DEMO_TOTP_SECRET}
    # … so the README's password and key let someone in.
    client.post(reverse("login"), {"username": "lanhdao.htb", "password": DEMO_PASSWORD})
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-verify"))
    assert client.post(reverse("two-factor-verify"), {"otp_token": demo_totp_code()}).status_code == 302
    assert "Huyện Hàm Thuận Bắc" in client.get(reverse("home")).content.decode()
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="No demo data on a production server"):
        call_command("demo", "seed")


def test_units_cli_answers_for_every_ham_thuan_bac_commune(capsys, unit):
    district = unit("597", date(2020, 1, 1))
    for commune in district.children.all():
        call_command("units", "successors", commune.code, "--on", "2020-01-01")
        assert "Tỉnh Lâm Đồng" in capsys.readouterr().out


def test_units_cli_show_and_predecessors(capsys):
    call_command("units", "show", "23059", "--on", "30/06/2025")
    assert "Thị trấn Ma Lâm" in capsys.readouterr().out
    call_command("units", "predecessors", "23059")
    out = capsys.readouterr().out
    assert "Thị trấn Ma Lâm" in out and "Xã Thuận Minh" in out and "Xã Hàm Đức" in out


def test_units_cli_refuses_a_bad_date_and_an_unknown_code():
    with pytest.raises(CommandError, match="Invalid date"):
        call_command("units", "show", "23059", "--on", "31/02/2025")
    with pytest.raises(CommandError, match="There is no unit"):
        call_command("units", "show", "00000")


def test_demo_seed_without_units_says_what_to_run():
    Membership.objects.all().delete()
    Unit.objects.all().update(commune=None)
    Unit.objects.filter(kind=Kind.COMMUNE).update(kind=Kind.DISTRICT)  # rolled back after the test
    with pytest.raises(CommandError, match="antoan units load"):
        call_command("demo", "seed")


def test_vendored_front_end_assets_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/htmx.min.js"), "run `make assets` (npm ci + copy into src/antoan/static/vendor)"
    assert finders.find("antoan/app.css")
