"""The pages of historical figures (issue #24): the list to review them (the sentence with its number marked, the
conflicts flagged), confirm, correct and delete, the grid of two years, and the figures read from an old report —
shown for review, saved as drafts only for the ticked ones."""

import html
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from antoan.accounts.models import Role
from antoan.indicators.figure_services import figure_create
from antoan.indicators.figure_views import marked
from antoan.indicators.models import FigureState, HistoricalFigure

# The clock pinned: the years shown and the "period not ended" checks do not depend on the day the suite runs.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))),
]

LEGACY = date(2020, 1, 1)
SEED = Path(__file__).parent / "data" / "seed_ham_thuan_bac_2020.txt"
SENTENCE = "Tội phạm về trật tự xã hội giảm, số vụ phạm pháp hình sự giảm còn 44 vụ (năm 2019: 49 vụ)."
SHORT_REPORT = (
    "Báo cáo tổng kết công tác bảo đảm an ninh trật tự năm 2020 của huyện Hàm Thuận Bắc.\n"
    f"{SENTENCE}\n"
    "Tai nạn giao thông giảm (còn 54 vụ, năm 2019 (là 57 vụ)).\n"
)


@pytest.fixture
def leader_client(client, leader, login_verified):
    login_verified(client, leader)
    return client


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def draft(officer, district):
    return figure_create(user=officer, unit=district, period="2020", indicator="crime.social_order", value="44",
                         document="Báo cáo 15/BC-UBND", quote=SENTENCE, confidence=0.9)  # fmt: skip


def _url(name, *args):
    return reverse(f"indicators:{name}", args=args)


def test_the_list_marks_the_number_in_its_sentence_and_flags_a_conflict(officer_client, officer, district, draft):
    other = figure_create(user=officer, unit=district, period="2020", indicator="crime.social_order", value="45",
                          document="Báo cáo 20/BC-CAH")  # fmt: skip
    page = officer_client.get(_url("figures"), {"unit": district.pk}).content.decode()
    assert "giảm còn <mark>44</mark> vụ (năm 2019: 49 vụ)" in page
    assert "Số vụ phạm pháp hình sự" in page and "<code>crime.social_order</code>" in page
    assert page.count('class="badge warn conflict"') == 2 and "Mâu thuẫn" in page
    assert "Nháp" in page and "Báo cáo 15/BC-UBND" in page and "90%" in page
    assert f'id="figure-{draft.pk}"' in page and f'id="figure-{other.pk}"' in page
    assert _url("figures:confirm", draft.pk) not in page  # an officer enters figures; a leader confirms them
    assert _url("figures:delete", draft.pk) in page
    empty = officer_client.get(_url("figures"), {"state": "confirmed"}).content.decode()
    assert "Không có số liệu nào" in empty and "No figures match" not in empty  # Vietnamese, the default


def test_the_number_is_found_as_reports_write_it():
    assert marked("thiệt hại 1.234,5 triệu đồng", Decimal("1234.50")) == ("thiệt hại ", "1.234,5", " triệu đồng")
    assert marked("đạt 86,5%; năm 2019: 44", Decimal("86.5"))[1] == "86,5"
    assert marked("144 vụ, còn 44 vụ", 44) == ("144 vụ, còn ", "44", " vụ")
    assert marked("không có số", 44) == ("không có số", "", "")


def test_a_leader_confirms_an_officer_is_refused_and_another_unit_is_not_found(
    client, leader_client, officer, make_user, unit, draft
):  # fmt: skip
    response = leader_client.post(_url("figures:confirm", draft.pk), {"next": _url("figures") + "?state=draft"})
    assert response.status_code == 302 and response.url == _url("figures") + "?state=draft"
    draft.refresh_from_db()
    assert draft.state == FigureState.CONFIRMED and draft.confirmed_by is not None

    second = figure_create(user=officer, unit=draft.unit, period="2019", indicator="crime.social_order", value="49")
    client.force_login(officer)
    assert client.post(_url("figures:confirm", second.pk)).status_code == 403
    client.force_login(make_user(Role.OFFICER, unit("23086", LEGACY)))  # Hồng Sơn, another district
    assert client.post(_url("figures:confirm", second.pk)).status_code == 404
    assert client.get(_url("figures:detail", second.pk)).status_code == 404
    assert client.get(_url("figures"), {"unit": draft.unit.pk}).status_code == 404
    second.refresh_from_db()
    assert second.state == FigureState.DRAFT


def test_a_viewer_reads_the_figures_but_enters_none(client, make_user, district, draft):
    client.force_login(make_user(Role.VIEWER, district))
    assert "giảm còn <mark>44</mark> vụ" in client.get(_url("figures")).content.decode()
    assert client.get(_url("figures:grid"), {"unit": district.pk}).status_code == 403
    assert client.get(_url("figures:extract")).status_code == 403
    assert client.post(_url("figures:delete", draft.pk), {"reason": "x"}).status_code == 403


def test_a_correction_needs_its_reason_and_is_kept_in_the_history(leader_client, leader, district):
    figure = figure_create(user=leader, unit=district, period="2020", indicator="traffic.accidents", value="54",
                           confirm=True)  # fmt: skip
    url = _url("figures:correct", figure.pk)
    assert 'value="54"' in leader_client.get(url).content.decode()
    response = leader_client.post(url, {"value": "55", "reason": ""})
    assert response.status_code == 200
    assert "Ghi lý do sửa số liệu đã xác nhận" in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == 54
    response = leader_client.post(url, {"value": "55", "reason": "Báo cáo bổ sung số 3/BC-CAH"})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == 55 and figure.reason == "Báo cáo bổ sung số 3/BC-CAH"
    page = leader_client.get(_url("figures:detail", figure.pk)).content.decode()
    assert "Báo cáo bổ sung số 3/BC-CAH" in page and "Lịch sử thay đổi" in page


def test_a_draft_is_deleted_with_its_reason(officer_client, draft):
    response = officer_client.post(_url("figures:delete", draft.pk), {"reason": "Nhập trùng"})
    assert response.status_code == 302
    assert not HistoricalFigure.objects.filter(pk=draft.pk).exists()
    assert HistoricalFigure.all_objects.get(pk=draft.pk).delete_reason == "Nhập trùng"


def test_the_grid_saves_two_years_side_by_side(officer_client, district):
    url = _url("figures:grid")
    page = officer_client.get(url, {"unit": district.pk, "year": "2020"}).content.decode()
    assert 'name="crime.social_order/2019"' in page and 'name="crime.social_order/2020"' in page
    assert 'name="traffic.accidents.' not in page  # the parts are not offered a row of their own
    assert 'name="confirm"' not in page  # an officer saves drafts only
    response = officer_client.post(url, {
        "unit": district.pk, "year": "2020", "document": "Báo cáo 15/BC-UBND",
        "crime.social_order/2019": "49", "crime.social_order/2020": "44", "traffic.accidents/2020": "",
    })  # fmt: skip
    assert response.status_code == 302
    saved = {f.period: f for f in HistoricalFigure.objects.filter(unit=district)}
    assert {p: f.value for p, f in saved.items()} == {"2019": 49, "2020": 44}
    assert {f.state for f in saved.values()} == {FigureState.DRAFT}
    assert saved["2020"].document == "Báo cáo 15/BC-UBND"
    page = officer_client.get(url, {"unit": district.pk, "year": "2020"}).content.decode()
    assert "44 (Nháp)" in page  # what was entered is shown under the cell


def test_the_grid_names_the_bad_cell_and_saves_nothing(officer_client, district):
    response = officer_client.post(_url("figures:grid"), {
        "unit": district.pk, "year": "2020", "crime.social_order/2020": "44", "traffic.accidents/2019": "abc",
    })  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Số vụ tai nạn giao thông (2019):" in page
    assert re.search(r'<td class="has-error">\s*<input[^>]+name="traffic.accidents/2019" value="abc"', page)
    assert not HistoricalFigure.objects.exists()


def test_a_leader_confirms_the_grid_at_once(leader_client, district):
    url = _url("figures:grid")
    assert 'name="confirm"' in leader_client.get(url, {"unit": district.pk, "year": "2020"}).content.decode()
    response = leader_client.post(url, {"unit": district.pk, "year": "2020", "confirm": "1",
                                        "traffic.accidents/2020": "54"})  # fmt: skip
    assert response.status_code == 302
    assert HistoricalFigure.objects.get().state == FigureState.CONFIRMED


def test_the_grid_refuses_a_running_year(officer_client, district, unit):
    response = officer_client.get(_url("figures:grid"), {"unit": unit("00004").pk})  # Phường Ba Đình, Hà Nội
    assert response.status_code == 404
    response = officer_client.post(_url("figures:grid"), {"unit": district.pk, "year": "2026",
                                                          "traffic.accidents/2026": "3"})  # fmt: skip
    assert response.status_code == 200 and "chưa kết thúc" in response.content.decode()
    assert not HistoricalFigure.objects.exists()


def _report_text() -> str:
    return SEED.read_text("utf-8") if SEED.exists() else SHORT_REPORT


def _upload(client, data: bytes, name: str, district, **extra):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(_url("figures:extract"),
                       {"step": "read", "file": upload, "unit": district.pk, "year": "2020", **extra})  # fmt: skip


def test_a_report_is_read_reviewed_and_only_the_ticked_figures_saved_as_drafts(officer_client, district):
    response = _upload(officer_client, _report_text().encode(), "tong-ket-2020.txt", district)
    assert response.status_code == 200
    page = response.content.decode()
    assert not HistoricalFigure.objects.exists()  # nothing is saved before the user says so
    rows = dict(re.findall(r'<tr id="extracted-(\d+)">(.*?)</tr>', page, re.S))
    social = {i: row for i, row in rows.items() if "<code>crime.social_order</code>" in row}
    assert sorted(re.search(r"<strong>(\d+)</strong>", row)[1] for row in social.values()) == ["44", "49"]
    assert "Số vụ phạm pháp hình sự" in page and "<mark>" in page and "giảm còn 44 vụ" in page
    assert 'name="text"' in page and "tong-ket-2020.txt" in page
    assert "review-flags" not in page  # the report is Hàm Thuận Bắc's, of 2020

    text = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S)[1]
    response = officer_client.post(_url("figures:extract"), {
        "step": "save", "unit": district.pk, "year": "2020", "document": "tong-ket-2020.txt",
        "text": html.unescape(text).replace("\n", "\r\n"), "keep": sorted(social),
    })  # fmt: skip
    assert response.status_code == 302
    saved = HistoricalFigure.objects.filter(unit=district)
    assert {(f.indicator, f.period, f.value) for f in saved} == {
        ("crime.social_order", "2020", 44), ("crime.social_order", "2019", 49),
    }  # fmt: skip
    assert {f.state for f in saved} == {FigureState.DRAFT}
    assert all(f.document == "tong-ket-2020.txt" and "phạm pháp hình sự" in f.quote for f in saved)


def test_saving_with_nothing_ticked_saves_nothing(officer_client, district):
    response = officer_client.post(_url("figures:extract"), {
        "step": "save", "unit": district.pk, "year": "2020", "document": "x", "text": SHORT_REPORT,
    })  # fmt: skip
    assert response.status_code == 200 and "No figure was ticked" in response.content.decode()
    assert not HistoricalFigure.objects.exists()


def test_a_report_about_another_place_is_flagged(officer_client, district):
    text = SHORT_REPORT.replace("huyện Hàm Thuận Bắc", "huyện Lạc Dương")
    page = _upload(officer_client, text.encode(), "lac-duong.txt", district).content.decode()
    assert 'id="review-flags"' in page and "Lạc Dương" in page


def test_a_scanned_pdf_is_refused_with_its_reason(officer_client, district):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    response = _upload(officer_client, out.getvalue(), "ban-chup.pdf", district)
    assert response.status_code == 200
    page = response.content.decode()
    assert "không có lớp chữ" in page and "has no text layer" in page
    assert not HistoricalFigure.objects.exists()


def test_another_kind_of_file_or_a_big_one_is_refused(officer_client, district, settings):
    page = _upload(officer_client, b"a,b\n1,2\n", "so-lieu.csv", district).content.decode()
    assert "Only .docx, .pdf (with a text layer) and .txt files are read" in page
    settings.ANTOAN_IMPORT_MAX_BYTES = 10
    page = _upload(officer_client, SHORT_REPORT.encode(), "tong-ket.txt", district).content.decode()
    assert "The file is larger than 1 kB" in page


def test_the_report_of_a_unit_out_of_scope_is_not_found(client, make_user, unit, district):
    client.force_login(make_user(Role.OFFICER, unit("23086", LEGACY)))
    response = _upload(client, SHORT_REPORT.encode(), "tong-ket.txt", district)
    assert response.status_code == 404


def test_the_pages_speak_english_when_chosen(officer_client, district, draft):
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = officer_client.get(_url("figures")).content.decode()
    assert "<title>Historical figures —" in page and "Draft" in page
    assert "Crimes against social order (phạm pháp hình sự)" in page
    page = officer_client.get(_url("figures:extract")).content.decode()
    assert "<title>Read figures from a report —" in page
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    page = officer_client.get(_url("figures")).content.decode()
    assert "<title>Số liệu cũ —" in page


def test_the_dashboard_links_to_the_figures(officer_client):
    page = officer_client.get(_url("dashboard")).content.decode()
    assert f'href="{_url("figures")}"' in page
