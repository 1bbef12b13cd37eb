"""The report page of a unit: preview, sections II and III, heading and signature, downloads, errors."""

import io
import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from antoan.accounts.models import Role
from antoan.incidents.services import incident_create
from antoan.reports.models import ReportDraft, ReportProfile

pytestmark = pytest.mark.django_db

LEGACY = date(2020, 1, 1)
PAGE = reverse("reports:page")
DOWNLOAD = reverse("reports:download")
OWN_WORDS = "Công tác phối hợp giữa Công an và Ban An toàn giao thông còn chậm."


@pytest.fixture
def htb(unit):
    return unit("597", LEGACY)  # Huyện Hàm Thuận Bắc, before 1/7/2025


@pytest.fixture
def leader(make_user, htb):
    return make_user(Role.LEADER, htb, username="lanhdao.htb")


@pytest.fixture
def accidents(make_user, unit, htb):
    """Three traffic accidents in Ma Lâm in 2020 (one killed someone), one in 2019."""
    officer = make_user(Role.OFFICER, htb, username="canbo.htb")
    ma_lam = unit("23059", LEGACY)
    for year, month, dead in ((2020, 3, 1), (2020, 4, 0), (2020, 9, 0), (2019, 5, 0)):
        incident_create(user=officer, unit=ma_lam, kind="traffic", summary="Va chạm xe máy", dead=dead, injured=1,
                        occurred_at=timezone.make_aware(datetime(year, month, 2, 8)))  # fmt: skip


def test_the_report_page_needs_a_login(client):
    response = client.get(PAGE + "?unit=597&year=2020")
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


@pytest.mark.parametrize(
    "url",
    [PAGE, DOWNLOAD, reverse("reports:batches"), reverse("reports:batch", args=[1]),
     reverse("reports:batch_zip", args=[1])],
)  # fmt: skip
def test_every_report_route_needs_a_login(client, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/"), (url, response.status_code)


def test_an_administrator_without_a_unit_gets_the_pickers(client, make_user, login_verified):
    admin = make_user()
    admin.is_superuser = True
    admin.save()
    login_verified(client, admin)
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="report-pickers"' in page and "Chọn đơn vị cần báo cáo" in page
    assert "Tỉnh Lâm Đồng" in page  # the provinces to choose from


def test_the_page_previews_the_report_with_the_figures(client, leader, accidents, login_verified):
    login_verified(client, leader)
    response = client.get(PAGE, {"unit": "597", "year": "2020"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<article class="report"' in page and "reports/document.css" in page
    assert "HUYỆN HÀM THUẬN BẮC" in page  # the issuer lines of the preview
    assert "xảy ra 03 vụ tai nạn giao thông, làm chết 01 người, bị thương 03 người; so với năm 2019, tăng 02 vụ " \
           "(+200%)" in page  # fmt: skip
    # The form holds the system's draft of section II, which names what rose.
    assert "Một số chỉ tiêu tăng so với năm 2019: số vụ tai nạn giao thông" in page
    assert "Bản nháp do hệ thống soạn từ số liệu" in page
    for fmt in ("docx", "pdf", "xlsx", "html"):
        assert f'data-format="{fmt}"' in page
    assert "unit=597&amp;year=2020&amp;on=2025-06-30&amp;format=docx" in page
    assert 'id="report-batch-form"' in page  # the district has communes: a batch may be started


def test_the_page_opens_on_the_users_first_unit(client, leader, login_verified):
    login_verified(client, leader)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Huyện Hàm Thuận Bắc" in response.content.decode()
    assert response.context["query"].unit.code == "597"
    assert response.context["query"].kind == "annual"


def test_editing_section_two_saves_it_and_every_format_prints_it(client, leader, htb, login_verified):
    login_verified(client, leader)
    url = PAGE + "?unit=597&year=2020"
    response = client.post(url, {"form": "draft", "number": "05", "shortcomings": OWN_WORDS + "\nÝ thứ hai.",
                                 "tasks": "Nhiệm vụ trọng tâm."})  # fmt: skip
    assert response.status_code == 302 and response.url.startswith(PAGE + "?unit=597&year=2020")
    draft = ReportDraft.objects.get(unit=htb, period_code="2020")
    assert draft.shortcomings == OWN_WORDS + "\nÝ thứ hai." and draft.number == "05"
    page = client.get(url).content.decode()
    assert page.count(OWN_WORDS) == 2  # in the form and in the preview
    assert "Số: 05/BC-UBND" in page
    assert "lanhdao.htb đã lưu lúc" in page and "Bản nháp do hệ thống soạn" not in page
    document = client.get(DOWNLOAD, {"unit": "597", "year": "2020", "format": "docx"})
    text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    assert OWN_WORDS in text and "Nhiệm vụ trọng tâm." in text


def test_a_viewer_may_read_but_not_edit(client, make_user, htb):
    viewer = make_user(Role.VIEWER, htb)
    client.force_login(viewer)
    assert client.get(PAGE, {"unit": "597", "year": "2020"}).status_code == 200
    response = client.post(PAGE + "?unit=597&year=2020", {"form": "draft", "shortcomings": "x", "tasks": "y"})
    assert response.status_code == 403
    assert "quyền xem, không có quyền sửa" in response.content.decode()
    assert not ReportDraft.objects.exists()


def test_the_heading_and_signature_are_saved_for_the_unit(client, leader, htb, login_verified):
    login_verified(client, leader)
    url = PAGE + "?unit=597&period=2020-Q1"
    response = client.post(url, {"form": "profile", "issuer_lines": "UBND TỈNH BÌNH THUẬN\nUBND HUYỆN HÀM THUẬN BẮC",
                                 "number_suffix": "BC-UBND", "place": "Hàm Thuận Bắc", "sign_form": "KT.",
                                 "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "Nguyễn Văn Tư",
                                 "recipients": "UBND tỉnh (b/c);\nLưu: VT, CA."})  # fmt: skip
    assert response.status_code == 302
    profile = ReportProfile.objects.get(unit=htb)
    assert profile.signer_name == "Nguyễn Văn Tư" and profile.sign_form == "KT."
    page = client.get(url).content.decode()
    assert "UBND TỈNH BÌNH THUẬN" in page and "KT. CHỦ TỊCH" in page and "Nguyễn Văn Tư" in page


def test_a_wrong_signing_form_is_refused_in_both_languages(client, leader, login_verified):
    login_verified(client, leader)
    response = client.post(PAGE + "?unit=597&year=2020", {"form": "profile", "sign_form": "XX."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Hình thức ký không hợp lệ" in page and "Signing form must be TM., KT. or empty" in page


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
    ],
)
def test_each_format_downloads_with_its_type_and_file_name(client, leader, fmt, content_type, magic, login_verified):
    login_verified(client, leader)
    response = client.get(DOWNLOAD, {"unit": "597", "year": "2020", "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="bao-cao-tong-ket-597-2020.{fmt}"'
    assert response.content.startswith(magic)


def test_a_period_report_downloads_under_its_own_name(client, leader, login_verified):
    login_verified(client, leader)
    response = client.get(DOWNLOAD, {"unit": "597", "period": "2020-Q1", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-597-2020-Q1.xlsx"'


def test_a_unit_outside_the_scope_is_not_found_in_both_languages(client, make_user, unit):
    officer = make_user(Role.OFFICER, unit("23059"))  # Xã Hàm Thuận
    client.force_login(officer)
    for url in (PAGE, DOWNLOAD):
        response = client.get(url, {"unit": "23086", "year": "2025", "format": "docx"})  # Xã Hồng Sơn
        page = response.content.decode()
        assert response.status_code == 404, url
        assert "Không tìm thấy đơn vị" in page and "Unit not found" in page
    post = client.post(PAGE + "?unit=23086&year=2025", {"form": "draft", "shortcomings": "x", "tasks": "y"})
    assert post.status_code == 404 and not ReportDraft.objects.exists()


@pytest.mark.parametrize("year", ["abcd", "1800", "20201"])
def test_a_bad_year_is_a_bad_request(client, leader, year, login_verified):
    login_verified(client, leader)
    response = client.get(PAGE, {"unit": "597", "year": year})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="report-errors"' in page and "Năm" in page and "year" in page


def test_a_bad_period_or_format_is_a_bad_request(client, leader, login_verified):
    login_verified(client, leader)
    assert client.get(PAGE, {"unit": "597", "period": "2020-Q7"}).status_code == 400
    assert client.get(PAGE, {"unit": "597", "year": "2020", "period": "2020-Q1"}).status_code == 400
    response = client.get(DOWNLOAD, {"unit": "597", "year": "2020", "format": "odt"})
    page = response.content.decode()
    assert response.status_code == 400 and "Định dạng &#x27;odt&#x27; không hợp lệ" in page
    assert '<article class="report"' in page  # the page of the report asked for, with the error above it


def test_without_a_year_the_page_proposes_the_year_under_review(client, leader, login_verified, today):
    """Reviews are written from November (ratings close on 20 and 30/11): then this year, before that the last."""
    login_verified(client, leader)
    page = client.get(PAGE).content.decode()
    under_review = today.year if today.month >= 11 else today.year - 1
    assert re.search(rf'<option value="{under_review}" selected>', page)
    assert f'<option value="{today.year + 1}"' not in page


def test_the_annual_report_can_be_asked_for_the_statistical_year(client, leader, accidents, login_verified):
    login_verified(client, leader)
    page = client.get(PAGE, {"unit": "597", "year": "st2020"}).content.decode()
    assert '<option value="st2020" selected>Năm thống kê 2020 (15/12/2019 – 14/12/2020)</option>' in page
    assert "số liệu tính từ ngày 15/12/2019 đến ngày 14/12/2020" in page
    assert "unit=597&amp;year=st2020&amp;on=2025-06-30&amp;format=docx" in page
    refused = client.get(PAGE, {"unit": "597", "year": "nt2020"})
    assert refused.status_code == 400 and "st2020" in refused.content.decode()
