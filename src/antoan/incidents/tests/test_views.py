"""The registry's pages: the list and its filters stay inside the user's scope, the forms of the four kinds
end in the services (and show their bilingual messages), the record page shows its history and the duplicate
review, and nothing a person typed is ever rendered as markup."""

import re
from datetime import date

import pytest
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.incidents.forms import initial_from
from antoan.incidents.models import DuplicateState, Incident
from antoan.incidents.services import COMMON_FIELDS, KIND_FIELDS, incident_create
from antoan.incidents.tests.conftest import local

pytestmark = pytest.mark.django_db

LIST = reverse("incident-list")


def record(user, unit, **fields) -> Incident:
    return incident_create(user=user, unit=unit, **fields)


def page_of(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return response.content.decode()


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def hong_son_officer(make_user, hong_son):
    return make_user(Role.OFFICER, hong_son, username="canbo.hongson")


@pytest.fixture
def crime_fields():
    def make(**overrides):
        values = {
            "kind": "crime",
            "occurred_at": local(2026, 1, 5, 21, 0),
            "category": "social_order",
            "summary": "Trộm cắp xe máy trước chợ",
            "solved": True,
        }
        values.update(overrides)
        return values

    return make


@pytest.fixture
def registry(officer, ham_thuan, crime_fields, traffic_fields):
    """Four records of Xã Hàm Thuận, one per line of the filters."""
    return {
        "solved": record(officer, ham_thuan, **crime_fields(summary="Vụ trộm đã khám phá")),
        "unsolved": record(
            officer, ham_thuan, **crime_fields(summary="Vụ trộm chưa khám phá", solved=False, occurred_at="2026-02-10")
        ),
        "serious": record(officer, ham_thuan, **traffic_fields(summary="Tai nạn chết người trên QL28", dead=1)),
        "collision": record(
            officer,
            ham_thuan,
            **traffic_fields(summary="Va chạm nhẹ ở ngã ba", injured=0, occurred_at=local(2026, 4, 1, 7, 0)),
        ),
    }


def shown(page: str, registry: dict) -> set[str]:
    return {name for name, incident in registry.items() if incident.summary in page}


# --- Scope -------------------------------------------------------------------------------------------


def test_commune_officer_sees_only_own_commune_incidents(
    officer_client, officer, ham_thuan, hong_son, hong_son_officer, traffic_fields
):
    record(officer, ham_thuan, **traffic_fields(summary="Va chạm tại chợ Ma Lâm"))
    other = record(hong_son_officer, hong_son, **traffic_fields(summary="Va chạm ở Hồng Sơn"))

    page = page_of(officer_client.get(LIST))

    assert "Va chạm tại chợ Ma Lâm" in page
    assert "Va chạm ở Hồng Sơn" not in page
    assert reverse("incident-detail", args=[other.pk]) not in page


def test_commune_officer_cannot_open_other_commune_incident(officer_client, hong_son, hong_son_officer, traffic_fields):
    other = record(hong_son_officer, hong_son, **traffic_fields())

    for name in ("incident-detail", "incident-update", "incident-delete"):
        assert officer_client.get(reverse(name, args=[other.pk])).status_code == 404
    assert officer_client.post(reverse("incident-delete", args=[other.pk])).status_code == 404
    assert Incident.objects.filter(pk=other.pk).exists()


def test_viewer_reads_but_gets_403_on_the_forms(client, make_user, officer, ham_thuan, traffic_fields):
    incident = record(officer, ham_thuan, **traffic_fields())
    client.force_login(make_user(Role.VIEWER, ham_thuan))

    detail = page_of(client.get(reverse("incident-detail", args=[incident.pk])))
    listing = page_of(client.get(LIST))

    assert reverse("incident-update", args=[incident.pk]) not in detail
    assert reverse("incident-create", args=["traffic"]) not in listing
    assert reverse("incident-import") not in listing
    assert client.get(reverse("incident-create", args=["traffic"])).status_code == 403
    assert client.get(reverse("incident-update", args=[incident.pk])).status_code == 403
    assert client.post(reverse("incident-delete", args=[incident.pk])).status_code == 403
    assert client.post(reverse("incident-dismiss-duplicate", args=[incident.pk])).status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


# --- Filters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"solved", "unsolved", "serious", "collision"}),
        ("kind=crime", {"solved", "unsolved"}),
        ("kind=traffic", {"serious", "collision"}),
        ("date_from=2026-02-01&date_to=2026-03-02", {"unsolved", "serious"}),  # date_to includes its day
        ("date_from=01/02/2026&date_to=02/03/2026", {"unsolved", "serious"}),
        ("severity=serious", {"serious"}),
        ("solved=1", {"solved"}),
        ("solved=0", {"unsolved"}),
        ("q=ngã ba", {"collision"}),
    ],
)
def test_list_filters(officer_client, registry, query, expected):
    page = page_of(officer_client.get(f"{LIST}?{query}"))
    assert shown(page, registry) == expected


def test_unit_filter_narrows_a_province_list_to_one_commune(
    client, make_user, ham_thuan, hong_son, hong_son_officer, registry, traffic_fields
):
    record(hong_son_officer, hong_son, **traffic_fields(summary="Va chạm ở Hồng Sơn"))
    client.force_login(make_user(Role.VIEWER, ham_thuan.parent))

    everything = page_of(client.get(LIST))
    one_commune = page_of(client.get(LIST, {"unit": ham_thuan.pk}))

    assert "Va chạm ở Hồng Sơn" in everything and len(shown(everything, registry)) == 4
    assert "Va chạm ở Hồng Sơn" not in one_commune and len(shown(one_commune, registry)) == 4
    assert f'<option value="{hong_son.pk}"' in everything  # the commune select offers the province's communes


@pytest.mark.parametrize(
    ("query", "vi", "en"),
    [
        ("date_from=31/02/2026", "Ngày không hợp lệ", "Invalid date"),
        ("kind=weather", "không hợp lệ", "Unknown value"),
        ("solved=maybe", "không hợp lệ", "is not yes or no"),
        ("unit=abc", "Đơn vị", "Invalid unit"),
        ("unit=999999999", "Không tìm thấy đơn vị", "Unit not found"),
        ("unit=²", "Đơn vị", "Invalid unit"),
        ("category=weather", "không hợp lệ", "Unknown value"),
        ("q=tr%E1%BB%99m%00", "ký tự điều khiển", "control or invisible character"),
        ("date_from=2026-03-01&date_to=2026-02-01", "trước ngày bắt đầu", "is before the start"),
    ],
)
def test_bad_filter_value_shows_a_bilingual_message(officer_client, registry, query, vi, en):
    """A refused filter: 400 (since #25; the page was a 200 before), the message above the list naming the
    parameter, and no rows."""
    page = page_of(officer_client.get(f"{LIST}?{query}"), 400)
    errors = re.search(r'<ul class="errorlist filter-errors"[^>]*>(.*?)</ul>', page, re.S)
    assert errors, "the filter error is shown above the list"
    assert vi in errors.group(1) and en in errors.group(1)
    named = re.findall(r'data-field="(\w+)"', errors.group(1))
    assert named and all(f"{name}=" in query for name in named)
    assert shown(page, registry) == set()  # a list that ignored a filter would mislead a count


def test_filters_are_shown_as_understood(officer_client, registry):
    page = page_of(officer_client.get(LIST, {"date_from": "01/02/2026", "kind": "crime", "q": " trộm "}))
    assert 'name="date_from" value="2026-02-01"' in page  # what a date input shows
    assert '<option value="crime" selected>' in page
    assert shown(page, registry) == {"unsolved"}  # a crime from February on, with "trộm" in it


def test_a_unit_outside_the_scope_is_not_found_in_the_filter(officer_client, hong_son):
    page = page_of(officer_client.get(LIST, {"unit": hong_son.pk}), 400)
    assert "Không tìm thấy đơn vị / Unit not found" in page


def test_pagination_and_export_links_keep_the_filters(officer_client, officer, ham_thuan):
    Incident.objects.bulk_create(
        Incident(
            kind="crime",
            category="economic",
            unit=ham_thuan,
            occurred_at=local(2026, 1, 1 + n % 28, 8),
            summary=f"Vụ {n}",
        )
        for n in range(51)
    )

    page = page_of(officer_client.get(LIST, {"kind": "crime", "date_from": "01/01/2026"}))
    second = page_of(officer_client.get(LIST, {"kind": "crime", "date_from": "2026-01-01", "page": 2}))

    assert "?kind=crime&amp;date_from=2026-01-01&amp;page=2" in page
    assert reverse("incident-export", args=["csv"]) + "?kind=crime&amp;date_from=2026-01-01" in page
    assert reverse("incident-export", args=["xlsx"]) + "?kind=crime&amp;date_from=2026-01-01" in page
    assert page.count("<tr>") == 1 + 50 and second.count("<tr>") == 1 + 1


def test_list_shows_what_each_kind_is_about(officer_client, registry):
    page = page_of(officer_client.get(LIST))
    assert "Trật tự xã hội" in page  # the category's label, not its code
    assert "Nghiêm trọng" in page and "Va chạm giao thông" in page  # the severity's label
    assert "02/03/2026 18:30" in page  # dd/mm/yyyy HH:MM, local time
    assert "Xã Hàm Thuận" in page
    for kind in ("crime", "social_evil", "traffic", "disaster"):
        assert reverse("incident-create", args=[kind]) in page
    assert reverse("incident-import") in page


# --- Forms -------------------------------------------------------------------------------------------


def form_data(unit, **fields):
    return {"unit": unit.pk, "status": "received", **fields}


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        (
            "crime",
            {
                "occurred_at": "2026-01-05T21:00",
                "category": "social_order",
                "summary": "Trộm cắp xe máy",
                "solved": "1",
                "solved_on": "2026-01-10",
                "suspects": "2",
                "gravity": "serious",
            },
            {"category": "social_order", "solved": True, "solved_on": date(2026, 1, 10), "suspects": 2,
             "severity": "serious", "severity_source": "Bộ luật Hình sự 2015, Điều 9"},  # fmt: skip
        ),
        (
            "social_evil",
            {"occurred_at": "2026-02-01T22:15", "category": "gambling", "summary": "Đánh bạc", "persons_involved": "6"},
            {"category": "gambling", "persons_involved": 6},
        ),
        (
            "traffic",
            {
                "occurred_at": "2026-03-02T18:30",
                "category": "road",
                "summary": "Xe máy va chạm ô tô tải trên QL28",
                "dead": "1",
                "injured": "2",
                "property_damage_vnd": "15.000.000",
                "latitude": "11.05",
                "longitude": "108.05",
            },
            {
                "dead": 1,
                "injured": 2,
                "property_damage_vnd": 15_000_000,
                "latitude": 11.05,
                "severity": "serious",
                "severity_source": "Thông tư 26/2024/TT-BCA, Điều 5",
            },
        ),
        (
            "disaster",
            {
                "occurred_at": "2025-10-15T00:00",
                "ended_at": "2025-10-17T06:00",
                "category": "flood",
                "summary": "Lũ trên sông Cà Ty",
                "houses_damaged": "12",
                "economic_loss_million_vnd": "3500",
            },
            {
                "category": "flood",
                "houses_damaged": 12,
                "economic_loss_million_vnd": 3500,
                "ended_at": local(2025, 10, 17, 6),
            },
        ),
    ],
)
def test_each_kind_is_created_through_its_form(officer_client, officer, ham_thuan, kind, fields, expected):
    url = reverse("incident-create", args=[kind])
    assert page_of(officer_client.get(url))

    response = officer_client.post(url, form_data(ham_thuan, **fields))

    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("incident-detail", args=[incident.pk])
    assert (incident.kind, incident.unit, incident.summary, incident.created_by) == (
        kind,
        ham_thuan,
        fields["summary"],
        officer,
    )
    assert {name: getattr(incident, name) for name in expected} == expected


def test_form_offers_only_communes_the_user_may_write(officer_client, ham_thuan, hong_son, settings):
    settings.ANTOAN_MAP_TILES = ""
    page = page_of(officer_client.get(reverse("incident-create", args=["traffic"])))

    assert f'<option value="{ham_thuan.pk}"' in page
    assert f'<option value="{hong_son.pk}"' not in page
    assert f'data-lat="{ham_thuan.latitude!r}"' in page  # the map centres on the chosen commune
    assert 'data-tiles=""' in page and 'data-lat-input="id_latitude"' in page
    assert "vendor/leaflet/leaflet.js" in page and "incidents/map.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "CSP forbids inline scripts"
    assert not re.search(r"\son[a-z]+=", page), "CSP forbids inline event handlers"


def test_a_new_communes_officer_may_enter_the_old_communes_records(officer_client, unit):
    page = page_of(officer_client.get(reverse("incident-create", args=["crime"])))
    ma_lam = unit("23059", date(2020, 1, 1))
    assert f'<option value="{ma_lam.pk}"' in page  # Thị trấn Ma Lâm became part of Xã Hàm Thuận


def test_an_administrator_without_units_is_offered_the_current_communes(client, make_user, unit, login_verified):
    admin = make_user()
    admin.is_superuser = True
    admin.save()
    login_verified(client, admin)
    page = page_of(client.get(reverse("incident-create", args=["traffic"])))
    assert f'<option value="{unit("23059").pk}"' in page
    assert f'<option value="{unit("23059", date(2020, 1, 1)).pk}"' not in page


@pytest.mark.parametrize("kind", ["crime", "social_evil", "traffic", "disaster"])
def test_each_form_has_every_field_of_its_kind_once(officer_client, kind):
    page = page_of(officer_client.get(reverse("incident-create", args=[kind])))
    form = re.search(r'<form [^>]*class="card incident-form".*?</form>', page, re.S).group(0)
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([a-z0-9_]+)"', form)
    expected = ["csrfmiddlewaretoken", "unit", "occurred_at", *COMMON_FIELDS, *KIND_FIELDS[kind]]
    assert sorted(names) == sorted(expected)  # the same name twice: the browser would send both


def test_form_takes_the_tile_server_from_settings(officer_client, settings):
    settings.ANTOAN_MAP_TILES = "https://tiles.example.vn/{z}/{x}/{y}.png"
    page = page_of(officer_client.get(reverse("incident-create", args=["disaster"])))
    assert 'data-tiles="https://tiles.example.vn/{z}/{x}/{y}.png"' in page


def test_a_commune_outside_the_scope_is_refused_in_both_languages(officer_client, hong_son):
    data = form_data(hong_son, occurred_at="2026-02-01T22:15", category="gambling", summary="Đánh bạc")
    page = page_of(officer_client.post(reverse("incident-create", args=["social_evil"]), data))
    assert "Chọn một xã, phường, thị trấn trong danh sách" in page and "Choose a commune from the list" in page
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dead": ""}, "Bắt buộc nhập / Required"),
        ({"injured": "-1"}, "Không được là số âm (-1) / Must not be negative (-1)"),
        ({"summary": "   "}, "Bắt buộc nhập / Required"),
        ({"unit": ""}, "Bắt buộc nhập / Required"),
        ({"occurred_at": "hôm qua"}, "Thời gian không hợp lệ"),
        ({"latitude": "16.0", "longitude": "100.0"}, "nằm ngoài lãnh thổ Việt Nam"),
        ({"latitude": "108.05", "longitude": "11.05"}, "Phải nằm trong khoảng -90 đến 90"),
    ],
)
def test_a_refused_form_is_shown_again_with_the_bilingual_error_and_writes_nothing(
    officer_client, ham_thuan, change, message
):
    typed = {"occurred_at": "2026-03-02T18:30", "summary": "Va chạm ở ngã tư", "dead": "0", "injured": "1"}
    data = {**form_data(ham_thuan, **typed), **change}
    page = page_of(officer_client.post(reverse("incident-create", args=["traffic"]), data))
    assert message in page.replace("&#x27;", "'")
    assert "Va chạm ở ngã tư" in page or change == {"summary": "   "}  # what was typed is kept
    assert not Incident.objects.exists()


def test_a_nul_character_gets_the_services_bilingual_answer_not_djangos_english_one(officer_client, ham_thuan):
    typed = {"occurred_at": "2026-03-02T18:30", "summary": "Va chạm\x00 ở ngã tư", "dead": "0", "injured": "1\x00"}
    page = page_of(officer_client.post(reverse("incident-create", args=["traffic"]), form_data(ham_thuan, **typed)))
    assert "Phải là số nguyên không âm" in page and "Must be a non-negative whole number" in page
    assert "Null characters" not in page

    typed["injured"] = "1"
    assert (
        officer_client.post(reverse("incident-create", args=["traffic"]), form_data(ham_thuan, **typed)).status_code
        == 302
    )
    assert Incident.objects.get().summary == "Va chạm ở ngã tư"


def test_editing_records_history_and_the_record_page_shows_before_and_after(
    officer_client, officer, ham_thuan, traffic_fields
):
    incident = record(officer, ham_thuan, **traffic_fields(summary="Va chạm trên QL28"))
    assert incident.severity == "collision"
    url = reverse("incident-update", args=[incident.pk])
    assert 'value="2026-03-02T18:30"' in page_of(officer_client.get(url))  # local time, as the input wants it

    data = {**initial_from(incident), "unit": ham_thuan.pk, "dead": "1", "summary": "Tai nạn chết người trên QL28"}
    response = officer_client.post(url, data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.dead, incident.severity, incident.summary) == (1, "serious", "Tai nạn chết người trên QL28")
    assert Incident.history.filter(id=incident.pk).count() == 2
    page = page_of(officer_client.get(reverse("incident-detail", args=[incident.pk])))
    assert '<span class="before">0</span> → <span class="after">1</span>' in page
    assert '<span class="before">Va chạm giao thông</span> → <span class="after">Nghiêm trọng</span>' in page
    assert officer.username in page  # who


def test_saving_an_unchanged_form_writes_no_history(officer_client, officer, ham_thuan, traffic_fields):
    incident = record(officer, ham_thuan, **traffic_fields(latitude=11.123456789, longitude=108.05))
    data = {**initial_from(incident), "unit": ham_thuan.pk}
    assert officer_client.post(reverse("incident-update", args=[incident.pk]), data).status_code == 302
    assert Incident.history.filter(id=incident.pk).count() == 1


def test_an_edit_the_service_refuses_is_shown_again(officer_client, officer, ham_thuan, traffic_fields):
    incident = record(officer, ham_thuan, **traffic_fields())
    data = {**initial_from(incident), "unit": ham_thuan.pk, "occurred_at": "2099-01-01T08:00"}
    page = page_of(officer_client.post(reverse("incident-update", args=[incident.pk]), data))
    assert "Thời gian xảy ra ở tương lai" in page and "The time is in the future" in page
    incident.refresh_from_db()
    assert incident.occurred_at == local(2026, 3, 2, 18, 30)


def test_record_page_shows_every_field_of_its_kind(officer_client, officer, ham_thuan, traffic_fields):
    incident = record(
        officer, ham_thuan, **traffic_fields(property_damage_vnd=15_000_000, road_name="QL28", category="road")
    )
    page = page_of(officer_client.get(reverse("incident-detail", args=[incident.pk])))
    assert "15.000.000" in page and "QL28" in page and "Đường bộ" in page
    assert "Thông tư 26/2024/TT-BCA, Điều 5" in page  # the severity's source
    assert 'data-lat="11.05"' in page and 'data-lon="108.05"' in page
    assert page.count("<dt>") >= 1 + 7 + 1  # category, the seven traffic fields, severity


def test_delete(officer_client, officer, ham_thuan, traffic_fields):
    incident = record(officer, ham_thuan, **traffic_fields())
    url = reverse("incident-delete", args=[incident.pk])
    assert incident.summary in page_of(officer_client.get(url))

    response = officer_client.post(url, {"reason": "Nhập nhầm"})

    assert response.status_code == 302 and response["Location"] == LIST
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert Incident.all_objects.get(pk=incident.pk).delete_reason == "Nhập nhầm"  # soft: restorable
    assert Incident.history.filter(id=incident.pk).latest().history_change_reason == "Nhập nhầm"


def test_unknown_kind_is_404(officer_client):
    assert officer_client.get("/su-viec/them/weather/").status_code == 404


# --- Duplicates --------------------------------------------------------------------------------------


@pytest.fixture
def pair(officer, ham_thuan, traffic_fields):
    first = record(officer, ham_thuan, **traffic_fields(summary="Va chạm ở cầu Ma Lâm", road_name=""))
    second = record(officer, ham_thuan, **traffic_fields(summary="Báo lại vụ va chạm ở cầu", road_name="Quốc lộ 28"))
    assert (second.duplicate_state, second.duplicate_of) == (DuplicateState.FLAGGED, first)
    return first, second


def test_duplicates_list_and_the_notice_on_the_record(officer_client, pair):
    first, second = pair
    listing = page_of(officer_client.get(reverse("incident-duplicates")))
    assert second.summary in listing and first.summary not in listing

    page = page_of(officer_client.get(reverse("incident-detail", args=[second.pk])))
    assert 'id="duplicate-notice"' in page
    assert reverse("incident-detail", args=[first.pk]) in page
    assert reverse("incident-merge-duplicate", args=[second.pk]) in page
    assert reverse("incident-dismiss-duplicate", args=[second.pk]) in page
    original = page_of(officer_client.get(reverse("incident-detail", args=[first.pk])))
    assert reverse("incident-detail", args=[second.pk]) in original  # and the other way round


def test_merge_button(officer_client, pair):
    first, second = pair
    response = officer_client.post(reverse("incident-merge-duplicate", args=[second.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("incident-detail", args=[first.pk])
    assert not Incident.objects.filter(pk=second.pk).exists()
    first.refresh_from_db()
    assert first.road_name == "Quốc lộ 28"


def test_dismiss_button(officer_client, pair):
    first, second = pair
    response = officer_client.post(reverse("incident-dismiss-duplicate", args=[second.pk]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.duplicate_state == DuplicateState.DISMISSED
    assert 'id="duplicate-notice"' not in page_of(officer_client.get(reverse("incident-detail", args=[second.pk])))


def test_merging_a_record_that_is_not_flagged_says_so(officer_client, pair):
    first, _ = pair
    response = officer_client.post(reverse("incident-merge-duplicate", args=[first.pk]), follow=True)
    assert "Bản ghi này không bị đánh dấu trùng lặp / This record is not flagged as a duplicate" in page_of(response)
    assert Incident.objects.filter(pk=first.pk).exists()


def test_review_buttons_take_only_post(officer_client, pair):
    _, second = pair
    assert officer_client.get(reverse("incident-merge-duplicate", args=[second.pk])).status_code == 405


# --- Escaping and the shell --------------------------------------------------------------------------


def test_markup_in_a_summary_is_shown_as_text(officer_client, officer, ham_thuan, traffic_fields):
    incident = record(officer, ham_thuan, **traffic_fields(summary="<script>alert(1)</script> & <b>đậm</b>"))
    for url in (LIST, reverse("incident-detail", args=[incident.pk]), reverse("incident-delete", args=[incident.pk])):
        page = page_of(officer_client.get(url))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert" not in page and "<b>đậm" not in page


def test_home_and_menu_link_to_the_registry(officer_client):
    page = page_of(officer_client.get(reverse("home")))
    assert f'href="{LIST}"' in page and f'href="{reverse("incident-duplicates")}"' in page


def test_english_interface(officer_client, registry):
    officer_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = page_of(officer_client.get(LIST))
    assert "Export CSV" in page and "Possible duplicates" in page


def test_the_django_admin_shows_incidents_but_cannot_change_them(
    client, make_user, officer, ham_thuan, traffic_fields, login_verified
):
    incident = incident_create(user=officer, unit=ham_thuan, **traffic_fields())
    superuser = make_user()
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    login_verified(client, superuser)
    assert client.get("/admin/incidents/incident/").status_code == 200
    assert client.get("/admin/incidents/incident/add/").status_code == 403
    assert client.post(f"/admin/incidents/incident/{incident.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_a_crimes_gravity_is_chosen_on_its_form_and_read_on_its_page(officer_client, officer, ham_thuan):
    form = page_of(officer_client.get(reverse("incident-create", args=["crime"])))
    assert "Phân loại tội phạm" in form and "Bộ luật Hình sự 2015, Điều 9" in form
    for code, label in (("less_serious", "Ít nghiêm trọng"), ("especially_serious", "Đặc biệt nghiêm trọng")):
        assert f'<option value="{code}">{label}</option>' in form
    assert "Phân loại tội phạm" not in page_of(officer_client.get(reverse("incident-create", args=["traffic"])))
    incident = incident_create(user=officer, unit=ham_thuan, kind="crime", occurred_at=local(2026, 1, 5, 21),
                               category="social_order", summary="Cướp giật", solved=False, gravity="very_serious")
    page = page_of(officer_client.get(reverse("incident-detail", args=[incident.pk])))
    assert "<dt>Phân loại tội phạm</dt><dd>Rất nghiêm trọng</dd>" in page
    assert "<dd>Bộ luật Hình sự 2015, Điều 9</dd>" in page
