"""An officer records a political-security event and a fire through the forms, in a real browser, and finds both
counted on the dashboard (#23: the records real year-end reviews report)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from antoan.core import clock

pytestmark = pytest.mark.e2e

EVENT = "25 hộ dân khu phố Lâm Hòa khiếu nại giá bồi thường mở rộng Quốc lộ 28"
FIRE = "Cháy kho chứa nông sản do sơ suất khi đốt rác"


def test_an_event_and_a_fire_recorded_in_the_forms_are_counted_on_the_dashboard(
    page, live_server, home_units, officer, password, log_in
):
    day = clock.today() - timedelta(days=2)
    log_in(officer.username, password)

    page.goto("/an-ninh-chinh-tri/them/")
    page.select_option("#id_unit", label=home_units.name)
    page.fill("#id_occurred_on", day.isoformat())
    page.select_option("#id_kind", "group_complaint")
    page.fill("#id_summary", EVENT)
    page.fill("#id_people_involved", "40")
    page.fill("#id_handling", "UBND xã đối thoại, giải thích chính sách")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text(EVENT)

    page.goto("/su-viec/them/fire/")
    page.select_option("#id_unit", label=home_units.name)
    page.fill("#id_occurred_at", f"{day.isoformat()}T14:30")
    page.select_option("#id_category", "fire")
    page.fill("#id_summary", FIRE)
    page.fill("#id_dead", "0")
    page.fill("#id_injured", "1")
    page.fill("#id_persons_involved", "2")  # one injured among the two there: more would be refused
    page.fill("#id_rescued", "3")
    page.select_option("#id_fire_cause", "careless")
    page.fill("#id_property_damage_vnd", "150.000.000")
    with page.expect_navigation():
        page.click("form.incident-form button[type=submit]")
    # Three rescued of two present (one of them injured) is refused, naming the field; nothing was saved.
    expect(page.locator(".has-error")).to_contain_text("Số người được cứu")
    page.fill("#id_rescued", "1")
    with page.expect_navigation():
        page.click("form.incident-form button[type=submit]")
    assert "/them/" not in page.url, page.url
    expect(page.locator("main")).to_contain_text(FIRE)
    expect(page.locator("main")).to_contain_text("Sơ suất trong sử dụng nguồn lửa, nguồn nhiệt")

    page.goto(f"/chi-tieu/?unit={home_units.code}&period={day.year}")
    for code, value in (("security.events", 1), ("security.people", 40), ("security.hot_spots", 0),
                        ("fire.events", 1), ("fire.injured", 1), ("fire.rescued", 1)):  # fmt: skip
        cell = page.locator(f"#dashboard-table [data-indicator='{code}']").first
        expect(cell).to_have_attribute("data-value", str(value))
