"""An officer records an inspection of an overdue model in a real browser and sees the model leave the
overdue list (the seeds name irregular inspection of the models' quality as a weakness)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from antoan.core import clock

pytestmark = pytest.mark.e2e

NAME = "Tổ tự quản an ninh trật tự khu phố Lâm Hòa"


def test_an_inspection_takes_the_model_off_the_overdue_list(page, live_server, home_units, officer, password, log_in):
    from antoan.movement.record_types import MODELS
    from antoan.movement.records.services import record_create

    started = clock.today() - timedelta(days=300)
    record_create(MODELS, user=officer, unit=home_units, name=NAME, model_type="self_managed", started_on=started)

    log_in(officer.username, password)
    home_card = page.locator(".models-overdue")
    expect(home_card).to_have_attribute("data-count", "1")
    page.goto("/phong-trao/qua-han/")
    row = page.locator("#overdue-models tbody tr", has_text=NAME)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.locator("a[href*='kiem-tra-mo-hinh/them']").click()
    page.fill("#id_inspected_on", (clock.today() - timedelta(days=1)).isoformat())
    page.fill("#id_inspector", "Đặng Quốc Bảo")
    page.select_option("#id_rating", "good")
    page.fill("#id_findings", "Tổ duy trì tuần tra đêm, sổ sách đầy đủ")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("Đặng Quốc Bảo")

    page.goto("/phong-trao/qua-han/")
    expect(page.locator("#overdue-models tbody tr", has_text=NAME)).to_have_count(0)
    page.goto("/")
    expect(page.locator(".models-overdue")).to_have_attribute("data-count", "0")
