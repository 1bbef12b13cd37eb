"""An officer records a traffic accident in a real browser: picks the commune, the time, the people hurt,
clicks the place on the map, saves, and finds the accident in the registry with its severity."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

SUMMARY = "Xe máy va chạm xe đạp trước chợ Ma Lâm"


@pytest.fixture
def no_tiles(settings):
    """No tile server: the machines these tests run on are offline, and the picker must work without tiles."""
    settings.ANTOAN_MAP_TILES = ""


def test_officer_records_a_traffic_accident_with_the_map(officer, password, log_in, live_server, no_tiles, home_units):
    page = log_in(officer.username, password)
    csp_violations = []
    page.on("console", lambda message: csp_violations.append((page.url, message.text, message.location["url"])))

    with page.expect_navigation():
        page.locator("header nav").get_by_role("link", name="Sự việc").click()
    assert page.url.endswith("/su-viec/"), page.url
    with page.expect_navigation():
        page.click("a[data-kind=traffic]")
    assert page.url.endswith("/su-viec/them/traffic/"), page.url

    page.select_option("#id_unit", label=home_units.name)
    page.fill("#id_occurred_at", "2026-03-02T18:30")
    page.select_option("#id_category", "road")
    page.fill("#id_summary", SUMMARY)
    page.fill("#id_dead", "1")
    page.fill("#id_injured", "2")

    expect(page.locator("#incident-map.leaflet-container")).to_be_visible()
    expect(page.locator("#id_latitude")).to_have_value("")
    page.locator("#incident-map").click(position={"x": 300, "y": 150})
    expect(page.locator("#id_latitude")).not_to_have_value("")
    expect(page.locator("#id_longitude")).not_to_have_value("")
    expect(page.locator("#incident-map .leaflet-marker-icon")).to_have_count(1)
    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    # Centred on the commune, so the click lands near it (a few hundred metres at zoom 13).
    assert abs(latitude - home_units.latitude) < 0.05 and abs(longitude - home_units.longitude) < 0.05

    # Typing coordinates moves the marker.
    before = page.locator("#incident-map .leaflet-marker-icon").bounding_box()
    page.fill("#id_latitude", f"{latitude + 0.002:.6f}")
    after = page.locator("#incident-map .leaflet-marker-icon").bounding_box()
    assert after["y"] < before["y"], "a larger latitude puts the marker higher"

    screenshot(page, "incident-form")
    with page.expect_navigation():
        page.click("form.incident-form button[type=submit]")
    errors = page.locator(".has-error").all_inner_texts()
    assert "/them/" not in page.url, f"the form should save, got {page.url}: {errors}"
    expect(page.locator("main")).to_contain_text(SUMMARY)
    expect(page.locator("#incident-map .leaflet-marker-icon")).to_have_count(1)  # the record's map shows its point

    page.goto(live_server.url + "/su-viec/")
    row = page.locator("table.incidents tbody tr", has_text=SUMMARY)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Nghiêm trọng")  # one dead: serious (TT 26/2024/TT-BCA, Điều 5)
    expect(row).to_contain_text("02/03/2026 18:30")
    expect(row).to_contain_text("1 / 2")
    # The map, its script, Leaflet and htmx all run under the CSP (no inline script, style or handler).
    assert [v for v in csp_violations if "Content Security Policy" in v[1]] == []
