"""A citizen sends a tip with a photo and follows it by its code; the commune's officer records it as an
incident, and the citizen sees the status change."""

import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DESCRIPTION = "Xe tải chở cát chạy quá tốc độ qua cổng trường, quệt ngã một xe máy"


@pytest.fixture
def portal_settings(settings, tmp_path):
    settings.ANTOAN_MAP_TILES = ""
    settings.ANTOAN_TIP_MIN_FILL_SECONDS = 0
    settings.ANTOAN_TIP_PHOTO_DIR = tmp_path
    from django.core.cache import cache

    cache.clear()
    return settings


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), "orange").save(out, format="JPEG")
    return out.getvalue()


def track(page, code: str) -> str:
    page.goto("/tin-bao/tra-cuu/")
    page.fill("#id_code", code.lower())
    with page.expect_navigation():
        page.locator("form.track-form button[type=submit]").click()
    return page.locator("main").inner_text()


def test_a_citizens_tip_becomes_an_incident_and_the_citizen_sees_it(
    page, live_server, home_units, officer, password, portal_settings
):
    from antoan.portal.models import Tip

    # The citizen, not logged in, from the login page's link.
    page.goto("/dang-nhap/")
    with page.expect_navigation():
        page.locator("a[href='/tin-bao/']").first.click()
    page.select_option("#id_category", "traffic")
    page.fill("#id_description", DESCRIPTION)
    page.select_option("#id_province", label=home_units.parent.name)
    expect(page.locator(f"#id_unit option[value='{home_units.pk}']")).to_have_count(1)
    page.select_option("#id_unit", str(home_units.pk))
    page.fill("#id_occurred_at", "2026-03-02T17:45")
    page.set_input_files("#id_photos", files=[{"name": "xe.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    with page.expect_navigation():
        page.locator("form:has(#id_description) button[type=submit]").last.click()
    code = page.locator(".tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code), code
    tip = Tip.objects.get()
    assert tip.photos.count() == 1 and tip.contact_phone == "" and tip.unit_id == home_units.pk

    status_before = track(page, code)
    assert "Tiếp nhận" in status_before and DESCRIPTION not in status_before

    # The commune's officer finds it in the queue and records it as a traffic accident.
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form:has(#id_username) button[type=submit]")
    page.goto("/tin-bao/xu-ly/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(DESCRIPTION[:30])).first.click()
    expect(page.locator(".tip-photos img, img[src*='/anh/']").first).to_be_visible()
    page.select_option("#step-convert select", "traffic")
    with page.expect_navigation():
        page.locator("#step-convert button[type=submit]").click()
    expect(page.locator("#id_summary")).to_have_value(DESCRIPTION)
    page.fill("#id_dead", "0")
    page.fill("#id_injured", "1")
    with page.expect_navigation():
        page.locator("form:has(#id_summary) button[type=submit]").last.click()
    assert "/su-viec/" in page.url, page.url
    expect(page.locator("#from-tip")).to_be_visible()
    tip.refresh_from_db()
    assert tip.incident is not None and tip.incident.summary == DESCRIPTION

    # The citizen, logged out, sees the change.
    page.context.clear_cookies()
    status_after = track(page, code)
    assert "Đã xử lý" in status_after and tip.public_reply in status_after
