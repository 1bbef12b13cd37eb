"""An officer logs in through a real browser, sees their commune, and switches the interface to English."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_officer_logs_in_and_sees_home_page(officer, password, log_in, live_server):
    page = log_in(officer.username, password)

    assert page.url.rstrip("/") == live_server.url, f"after login the officer should be at home, got {page.url}"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_contain_text("Xin chào")
    expect(page.locator("section.card h2")).to_have_text("Xã Hàm Thuận")
    expect(page.locator("section.card .meta")).to_contain_text("23059")
    expect(page.locator("#id_username")).to_have_count(0)
    page.screenshot(path="/tmp/e2e-home.png", full_page=True)


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
