"""The known events of a span (events.known_events): the national calendar (data, each event with its source), the
special windows a user may see, and Tết — merged, a window repeating a calendar event once, in order."""

from datetime import date

import pytest

from antoan.accounts.models import Role
from antoan.core.errors import DomainError
from antoan.indicators.events import known_events, known_events_of_year, national_events
from antoan.indicators.window_services import special_window_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.ADMIN, unit("01"))


@pytest.fixture
def lam_dong(unit):
    return unit("68")


def names(events) -> list[str]:
    return [e.name_vi for e in events]


def test_the_calendar_covers_2019_to_2027_and_cites_a_source_for_every_event():
    events = national_events()
    assert min(e.start.year for e in events) <= 2019 and max(e.end.year for e in events) >= 2027
    assert {e.start.year for e in events} >= set(range(2019, 2028))
    for event in events:
        assert event.source and event.url.startswith("http") and event.start <= event.end


def test_2021_gives_the_13th_congress_tet_tan_suu_and_the_elections_in_order():
    events = known_events_of_year(user=None, year=2021)
    assert names(events) == [
        "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
        "Tết Nguyên đán Tân Sửu 2021",
        "Bầu cử đại biểu Quốc hội khóa XV và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2021 – 2026",
    ]
    congress, tet, election = events
    assert (congress.start, congress.end) == (date(2021, 1, 25), date(2021, 2, 1))
    assert (tet.start, tet.end, tet.period_code, tet.kind) == (date(2021, 2, 5), date(2021, 2, 19), "tet2021", "tet")
    assert election.start == election.end == date(2021, 5, 23)
    assert "133/2020/QH14" in election.source


def test_2026_gives_the_14th_congress_tet_binh_ngo_and_the_16th_national_assembly_election():
    events = known_events_of_year(user=None, year=2026)
    assert names(events)[:3] == [
        "Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
        "Tết Nguyên đán Bính Ngọ 2026",
        "Bầu cử đại biểu Quốc hội khóa XVI và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2026 – 2031",
    ]
    assert events[2].start == date(2026, 3, 15)


def test_2025_names_the_anniversaries_and_the_congresses_as_periods():
    events = {e.name_vi: e for e in known_events_of_year(user=None, year=2025)}
    assert date(2025, 4, 30) == events["Kỷ niệm 50 năm Ngày Giải phóng miền Nam, thống nhất đất nước (30/4/1975 – "
                                       "30/4/2025)"].start  # fmt: skip
    congresses = [e for e in events.values() if e.kind == "party_congress"]
    assert len(congresses) == 3 and all(e.approximate and e.note for e in congresses)
    assert any("80 năm Cách mạng Tháng Tám" in name for name in events)


def test_a_span_across_two_years_gets_both_years_events_and_tet():
    events = known_events(user=None, start="2020-10-01", end="2021-02-28")
    assert names(events) == [
        "Đại hội đảng bộ tỉnh, thành phố nhiệm kỳ 2020 – 2025",  # September – October 2020
        "Hội nghị Cấp cao ASEAN lần thứ 37 và các hội nghị cấp cao liên quan (Việt Nam Chủ tịch ASEAN 2020)",
        "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
        "Tết Nguyên đán Tân Sửu 2021",
    ]


def test_a_tet_window_reaching_into_the_span_counts(settings):
    settings.ANTOAN_TET_DAYS_BEFORE = 30  # Tết 2022 (01/02/2022) − 30 days: 02/01/2022
    events = known_events(user=None, start="2021-12-01", end="2022-01-05")
    assert names(events) == ["Tết Nguyên đán Nhâm Dần 2022"]


def test_a_units_own_window_appears_for_its_users_only(make_user, admin, lam_dong, unit):
    special_window_create(user=admin, slug="dai-hoi-lam-dong-i", name="Đại hội Đảng bộ tỉnh Lâm Đồng lần thứ I",
                          start="2025-10-09", end="2025-10-11", unit=lam_dong)  # fmt: skip
    ours = make_user(Role.OFFICER, unit("23059"))  # Xã Hàm Thuận, in Lâm Đồng
    province = make_user(Role.OFFICER, lam_dong)
    other = make_user(Role.OFFICER, unit("01"))  # Hà Nội
    name = "Đại hội Đảng bộ tỉnh Lâm Đồng lần thứ I"
    found = [e for e in known_events_of_year(user=province, year=2025) if e.name_vi == name]
    assert len(found) == 1 and found[0].origin == "window" and found[0].period_code == "w:dai-hoi-lam-dong-i"
    assert name not in names(known_events_of_year(user=other, year=2025))
    # a commune's officer does not see the province's windows (windows.py: the units in their scope only)
    assert name not in names(known_events_of_year(user=ours, year=2025))


def test_a_window_repeating_a_calendar_event_is_returned_once_as_the_window(admin, make_user, unit):
    # the same dates, another wording
    special_window_create(user=admin, slug="dai-hoi-xiii", name="Cao điểm bảo vệ Đại hội XIII",
                          start="2021-01-25", end="2021-02-01")  # fmt: skip
    # the same name, the unit's own longer dates
    special_window_create(user=admin, slug="bau-cu-2021", start="2021-05-10", end="2021-05-25",
                          name="Bầu cử đại biểu Quốc hội khóa XV và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ "
                               "2021 - 2026")  # fmt: skip
    events = known_events_of_year(user=make_user(Role.OFFICER, unit("23059")), year=2021)
    assert [(e.name_vi, e.origin) for e in events] == [
        ("Cao điểm bảo vệ Đại hội XIII", "window"),
        ("Tết Nguyên đán Tân Sửu 2021", "tet"),
        ("Bầu cử đại biểu Quốc hội khóa XV và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2021 - 2026", "window"),
    ]


def test_a_window_repeating_tet_replaces_it(admin):
    special_window_create(user=admin, slug="tet-tan-suu", name="Cao điểm Tết Tân Sửu", start="2021-02-05",
                          end="2021-02-19")  # fmt: skip
    assert [e.origin for e in known_events_of_year(user=None, year=2021)] == ["calendar", "window", "calendar"]


@pytest.mark.parametrize(
    "start, end, field",
    [("2021-02-30", "2021-03-01", "from"), ("2021-03-01", "2021-02-01", "to"), ("1970-01-01", "1970-02-01", "from"),
     ("2020-01-01", "2025-01-01", "to")],
)  # fmt: skip
def test_a_bad_span_is_refused_bilingually(start, end, field):
    with pytest.raises(DomainError) as caught:
        known_events(user=None, start=start, end=end)
    message = caught.value.errors[field]
    assert message.vi and message.en and message.vi != message.en


def test_the_api_lists_a_years_events(client, make_user, unit):
    client.force_login(make_user(Role.OFFICER, unit("23059")))
    response = client.get("/api/v1/indicators/events", {"year": 2021})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [e["kind"] for e in body] == ["party_congress", "tet", "election"]
    assert body[0]["url"].startswith("https://") and body[1]["period_code"] == "tet2021"
    assert client.get("/api/v1/indicators/events", {"from": "2021-03-01", "to": "2021-01-01"}).status_code == 422
