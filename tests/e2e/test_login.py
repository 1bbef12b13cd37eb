"""An officer logs in through a real browser, sees their commune, and switches the interface to English."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_officer_logs_in_and_sees_home_page(officer, password, log_in, live_server):
    page = log_in(officer.username, password)

    assert page.url.rstrip("/") == live_server.url, f"after login the officer should be at home, got {page.url}"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_contain_text("Xin chào")
    expect(page.locator("section.card h2")).to_have_text("Xã Hàm Thuận")
    expect(page.locator("section.card .meta")).to_contain_text("23059")
    expect(page.locator("#id_username")).to_have_count(0)
    screenshot(page, "home")


def test_wrong_password_shows_bilingual_error(officer, log_in):
    page = log_in(officer.username, "not-the-password-2026")

    assert "/dang-nhap/" in page.url
    error = page.locator("main")
    expect(error).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")
    expect(error).to_contain_text("Wrong username or password")
    expect(page.locator("section.card h2")).to_have_count(0)


def test_english_switch(officer, password, log_in):
    page = log_in(officer.username, password)
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    # The switch names each language in that language, so a reader of either can find theirs.
    switch = page.locator("header form:has(button[name=language])")
    expect(switch.locator("button[value=en]")).to_have_text("English")
    with page.expect_navigation():
        switch.get_by_role("button", name="English", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Hello")
    expect(page.locator("header").get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("section.card h2")).to_have_text("Xã Hàm Thuận")


def test_leader_logs_in_with_password_then_the_two_factor_code(home_units, password, log_in, live_server):
    """A leader must give the 6-digit code of their authenticator app after the password (two-factor login)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from antoan.accounts.services import membership_grant, user_create
    from antoan.accounts.testing import totp_code

    leader = user_create(actor=None, username="lanhdao.hamthuan", password=password, full_name="Trần Thị Lãnh")
    membership_grant(actor=None, user=leader, unit=home_units, role="leader")
    device = TOTPDevice.objects.create(user=leader, name="phone", confirmed=True)

    page = log_in(leader.username, password)

    assert "/xac-thuc/" in page.url, f"after the password a leader should be asked for the code, got {page.url}"
    # (the page's title in Vietnamese once the lead's catalogue has it, English until then)
    expect(page.locator("h1")).to_have_text(re.compile("^(Xác thực hai bước|Two-factor login)$"))
    expect(page.locator("header").get_by_role("link", name="Sự việc")).to_have_count(0)  # no menu yet
    page.fill("#id_otp_token", totp_code(device))
    with page.expect_navigation():
        page.click("#two-factor-verify button[type=submit]")

    assert page.url.rstrip("/") == live_server.url, f"after the code the leader should be at home, got {page.url}"
    expect(page.locator("h1")).to_contain_text("Xin chào")
    expect(page.locator("section.card h2")).to_have_text("Xã Hàm Thuận")
    screenshot(page, "two-factor-home")
