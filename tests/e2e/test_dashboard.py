"""An officer opens the indicators dashboard in a real browser: every figure it shows is the API's, the charts
are drawn, the map clusters the located incidents, and each chart's data downloads as CSV — all under the CSP."""

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from antoan.core import clock
from tests.e2e.conftest import HOME_UNIT_CODE, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_tiles(settings):
    """No tile server: the machines these tests run on are offline, and the map must look clean without tiles."""
    settings.ANTOAN_MAP_TILES = ""


@pytest.fixture
def year():
    return clock.today().year


@pytest.fixture
def accidents(officer, home_units, year):
    """Four located accidents (a black spot: three injury accidents within 500 m) and one without coordinates this
    year, one last year, a crime and a gambling case (no coordinates)."""
    from antoan.incidents.services import incident_create

    def local(*args):
        return timezone.make_aware(datetime(*args))

    lat, lon = home_units.latitude, home_units.longitude
    for month, dead, injured, dlat in ((2, 1, 0, 0.001), (3, 0, 2, 0.002), (5, 0, 1, -0.001), (8, 0, 1, 0.0015)):
        incident_create(user=officer, unit=home_units, kind="traffic", occurred_at=local(year, month, 3, 18, 30),
                        summary=f"Tai nạn tháng {month}", dead=dead, injured=injured,
                        latitude=lat + dlat, longitude=lon + 0.001)  # fmt: skip
    incident_create(user=officer, unit=home_units, kind="traffic", occurred_at=local(year, 6, 1, 7, 0),
                    summary="Va chạm không rõ vị trí", dead=0, injured=1)  # fmt: skip
    incident_create(user=officer, unit=home_units, kind="traffic", occurred_at=local(year - 1, 9, 9, 9, 0),
                    summary="Tai nạn năm trước", dead=0, injured=1, latitude=lat, longitude=lon)  # fmt: skip
    incident_create(user=officer, unit=home_units, kind="crime", occurred_at=local(year, 1, 5, 22, 0),
                    category="social_order", summary="Trộm cắp xe máy", solved=True)  # fmt: skip
    incident_create(user=officer, unit=home_units, kind="social_evil", occurred_at=local(year, 4, 4, 23, 0),
                    category="gambling", summary="Đánh bạc", persons_involved=4)  # fmt: skip


def parse_vi(text: str) -> float:
    return float(text.strip().replace(".", "").replace(",", "."))


def download_csv(page, selector: str) -> list[list[str]]:
    with page.expect_download() as info:
        page.click(selector)
    with open(info.value.path(), encoding="utf-8-sig") as handle:
        return list(csv.reader(io.StringIO(handle.read())))


def test_the_dashboard_shows_the_apis_figures(
    page, live_server, home_units, officer, password, log_in, no_tiles, accidents, year
):
    log_in(officer.username, password)
    console = []
    page.on("console", lambda message: console.append(message.text))

    with page.expect_navigation():
        page.locator("header nav").get_by_role("link", name="Số liệu").click()
    assert "/chi-tieu/" in page.url, page.url
    for card in ("#card-trend", "#card-units", "#card-severity", "#card-grid", "#card-map"):
        expect(page.locator(card)).to_have_attribute("data-state", "drawn")

    # Every figure on the page is the API's, for the same unit and period.
    api = page.evaluate(
        "url => fetch(url, {credentials: 'same-origin'}).then(r => r.json())",
        f"/api/v1/indicators?unit={HOME_UNIT_CODE}&period={year}",
    )
    by_code = {figure["code"]: figure for figure in api["indicators"]}
    shown = page.eval_on_selector_all(
        "[data-indicator]",
        "nodes => nodes.map(n => [n.dataset.indicator, n.dataset.value, n.dataset.comparison, n.textContent])",
    )
    assert len(shown) > len(by_code)  # the table has them all, the headline cards some of them again
    assert {code for code, *_ in shown} == set(by_code)
    for code, value, comparison, text in shown:
        expected = by_code[code]
        for raw, wanted in ((value, expected["value"]), (comparison, expected["comparison"])):
            assert (None if raw == "" else float(raw)) == wanted, code
        if expected["value"] is None:
            assert text.strip() == "—", code
        else:
            assert parse_vi(text) == round(expected["value"], 1), code
    assert by_code["traffic.accidents"]["value"] == 5 and by_code["traffic.accidents"]["comparison"] == 1

    # The trend chart is drawn, from the trend the API gives.
    trend = page.evaluate(
        "url => fetch(url).then(r => r.json())",
        f"/api/v1/indicators/trend?unit={HOME_UNIT_CODE}&year={year}&indicator=traffic.accidents",
    )
    drawn = page.evaluate("() => Chart.getChart('chart-trend').data.datasets.map(d => d.data)")
    assert drawn == [trend["this_year"], trend["last_year"]]
    painted = page.evaluate(
        """() => { const c = document.getElementById('chart-trend');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""
    )
    assert painted > 1000
    bars = page.evaluate("() => Chart.getChart('chart-units').data.datasets[0].data")
    assert bars == [5]  # a commune is its own only row: its whole year
    expect(page.locator("#heat-table tbody tr")).to_have_count(7)

    # The map: the four located accidents (clustered, or as dots), those without coordinates counted, the black spot.
    expect(page.locator("#dashboard-map.no-tiles")).to_be_visible()
    expect(page.locator("#dashboard-map .leaflet-tile")).to_have_count(0)
    expect(page.locator("#dashboard-map .marker-cluster, #dashboard-map .incident-dot").first).to_be_visible()
    expect(page.locator("#card-map")).to_have_attribute("data-markers", "4")
    expect(page.locator("#map-without")).to_have_text("3 sự việc không có tọa độ")  # an accident, the crime, gambling
    expect(page.locator("#black-spots-note")).to_have_text("1")
    expect(page.locator("#dashboard-map path.black-spot")).to_have_count(1)
    expect(page.locator("#black-spots-rule")).to_contain_text("500 m")

    # CSV: the trend's (made in the page) and the units' (from the API).
    rows = download_csv(page, "#csv-trend")
    assert rows[0] == ["Tháng", str(year), str(year - 1)]
    assert [float(r[1] or 0) for r in rows[1:13]] == [float(v or 0) for v in trend["this_year"]]
    rows = download_csv(page, "#csv-units")
    assert rows[1][0] == home_units.name and float(rows[1][-1]) == 5
    rows = download_csv(page, "#csv-grid")
    assert len(rows) == 8 and sum(int(n) for row in rows[1:] for n in row[1:]) == 5
    rows = download_csv(page, "#csv-black-spots")
    assert len(rows) == 2 and rows[1][7:9] == ["1", "3"]  # one spot: a fatal and three injury accidents
    assert rows[0][:4] == ["tier", "place", "road", "commune"]
    assert rows[1][:4] == ["Điểm đen tai nạn giao thông", home_units.name, "", home_units.name]  # by the commune
    expect(page.locator("#potential-spots-note")).to_have_text("0")  # the lower tier (điểm tiềm ẩn), none here
    spot_accidents = {f"/su-viec/{pk}/" for pk in rows[1][-1].split()}
    assert len(spot_accidents) == 4

    # The black spot's popup links its accidents' records.
    spot = page.locator("#dashboard-map path.black-spot")
    box = spot.bounding_box()
    spot.click(position={"x": 8, "y": box["height"] / 2})  # near its edge: the accidents' markers sit at the centre
    links = page.locator(".leaflet-popup-content .map-popup ul a")
    expect(links).to_have_count(4)
    heading = page.locator(".leaflet-popup-content .map-popup h3")
    expect(heading).to_have_text(f"Điểm đen tai nạn giao thông: {home_units.name}")  # no road or address: the commune
    assert {
        href.removeprefix(live_server.url) for href in links.evaluate_all("ns => ns.map(n => n.href)")
    } == spot_accidents

    # Another indicator redraws the trend; the map keeps working with one kind.
    page.select_option("#chart-indicator", "crime.cases")
    expect(page.locator("#card-trend")).to_have_attribute("data-state", "drawn")
    page.wait_for_function("() => Chart.getChart('chart-trend').data.datasets[0].data.reduce((a, b) => a + b, 0) === 1")
    page.select_option("#map-kind", "crime")
    expect(page.locator("#card-map")).to_have_attribute("data-markers", "0")
    expect(page.locator("#map-without")).to_have_text("1 sự việc không có tọa độ")

    screenshot(page, "dashboard")
    assert [m for m in console if "Content Security Policy" in m] == []
