"""GET /api/v1/reports/annual and /period, and `antoan report annual|period`: the same report, as a file."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from antoan.accounts.models import Role
from antoan.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

LEGACY = date(2020, 1, 1)
ANNUAL = "/api/v1/reports/annual"
PERIOD = "/api/v1/reports/period"
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
MAGIC = {"docx": b"PK", "pdf": b"%PDF", "xlsx": b"PK", "html": b"<!DOCTYPE html>"}


@pytest.fixture
def leader(make_user, unit):
    return make_user(Role.LEADER, unit("597", LEGACY), username="lanhdao.htb")


@pytest.fixture
def bearer(leader):
    _, key = api_token_create(user=leader, owner=leader, name="tich-hop")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def errors_of(response) -> dict:
    body = response.json()
    assert all({"vi", "en"} <= set(message) for message in body["errors"].values()), body
    return body["errors"]


# API ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_the_api_gives_the_annual_report_in_each_format(client, bearer, fmt):
    response = client.get(ANNUAL, {"unit": "597", "year": 2020, "format": fmt}, **bearer)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == TYPES[fmt]
    assert response["Content-Disposition"] == f'attachment; filename="bao-cao-tong-ket-597-2020.{fmt}"'
    assert response.content.startswith(MAGIC[fmt])


def test_the_api_gives_a_period_report_as_pdf(client, bearer):
    response = client.get(PERIOD, {"unit": "597", "period": "2020-Q1", "format": "pdf"}, **bearer)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-597-2020-Q1.pdf"'
    assert response.content.startswith(b"%PDF")


def test_the_api_gives_the_reports_data_as_json(client, bearer):
    response = client.get(ANNUAL, {"unit": "597", "year": 2020, "format": "json"}, **bearer)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["kind"] == "annual" and data["unit_code"] == "597" and data["unit_name"] == "Huyện Hàm Thuận Bắc"
    assert data["period_code"] == "2020" and data["comparison_label"] == "năm 2019"
    assert [s["number"] for s in data["sections"]] == ["I", "II", "III", "IV"]
    assert [s["editable"] for s in data["sections"][1]["subsections"]][1] == "shortcomings"
    assert data["signature"]["lines"] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert data["empty"] is True and "không xảy ra vụ phạm pháp hình sự" in data["sections"][0]["subsections"][-1][
        "paragraphs"][0]
    assert date.fromisoformat(data["issued_on"])


def test_the_api_session_works_too(client, leader, login_verified):
    login_verified(client, leader)
    response = client.get(PERIOD, {"unit": "597", "period": "st2020", "format": "json"})
    assert response.status_code == 200 and response.json()["period_code"] == "st2020"


def test_the_api_answers_404_for_a_unit_outside_the_scope(client, make_user, unit):
    officer = make_user(Role.OFFICER, unit("23059"))
    _, key = api_token_create(user=officer, owner=officer, name="x")
    response = client.get(ANNUAL, {"unit": "23086", "year": 2025}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404
    assert errors_of(response)["unit"] == {"vi": "Không tìm thấy đơn vị", "en": "Unit not found"}


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (ANNUAL, {"unit": "597", "year": 2020, "format": "odt"}, "format"),
        (ANNUAL, {"unit": "597", "year": 1800}, "year"),
        (ANNUAL, {"unit": "597", "year": "hai nghìn"}, "year"),
        (ANNUAL, {"unit": "597"}, "year"),
        (PERIOD, {"unit": "597", "period": "2020-Q7"}, "period"),
        (PERIOD, {"unit": "597", "period": "hôm qua"}, "period"),
    ],
)
def test_the_api_answers_422_for_a_bad_format_period_or_year(client, bearer, path, params, field):
    response = client.get(path, params, **bearer)
    assert response.status_code == 422
    assert field in errors_of(response)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (ANNUAL, {"unit": "\x00", "year": 2020}),
        (ANNUAL, {"unit": "597", "year": 99999999999}),
        (ANNUAL, {"unit": "597", "year": -2020}),
        (ANNUAL, {"unit": "597", "year": 2020, "on": "2020-02-30"}),
        (ANNUAL, {"unit": "x" * 5000, "year": 2020}),
        (PERIOD, {"unit": "597", "period": "w:không-có"}),
        (PERIOD, {"unit": "597", "period": "2020-12-31..2020-01-01"}),
        (PERIOD, {"unit": "597", "period": "\x00"}),
        (PERIOD, {"unit": "", "period": "2020"}),
    ],
)
def test_odd_requests_get_a_bilingual_error_never_a_server_error(client, bearer, path, params):
    response = client.get(path, params, **bearer)
    assert 400 <= response.status_code < 500, (params, response.status_code)
    assert errors_of(response)


def test_the_api_needs_a_login_or_a_token(client):
    response = client.get(ANNUAL, {"unit": "597", "year": 2020})
    assert response.status_code == 401
    assert "__all__" in errors_of(response)
    bad = client.get(ANNUAL, {"unit": "597", "year": 2020}, HTTP_AUTHORIZATION="Bearer at_sai")
    assert bad.status_code == 401


def test_the_report_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/reports/annual", "/api/v1/reports/period"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/reports/annual"]["get"]["parameters"]}
    assert {"unit", "year", "format", "on"} <= parameters


# CLI ---------------------------------------------------------------------------------------------------------


def docx_text(path) -> str:
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx", "html"])
def test_the_command_writes_each_format(tmp_path, leader, fmt):
    target = tmp_path / f"bao-cao.{fmt}"
    output = run(
        "annual", "--unit", "597", "--year", "2020", "--format", fmt, "-o", str(target), "--user", leader.username
    )
    assert target.read_bytes().startswith(MAGIC[fmt])
    assert str(target) in output and "Huyện Hàm Thuận Bắc" in output


def test_the_command_takes_the_format_from_the_file_name_and_writes_a_period_report(tmp_path):
    target = tmp_path / "quy-1.xlsx"
    run("period", "--unit", "597", "--period", "2020-Q1", "-o", str(target))  # the system account
    workbook = load_workbook(target)
    assert workbook.sheetnames
    docx = tmp_path / "out"
    docx.mkdir()
    run("period", "--unit", "597", "--period", "st2020", "-o", str(docx))  # a folder: the usual name in it
    written = docx / "bao-cao-597-st2020.docx"
    assert "số liệu tính từ ngày 15/12/2019 đến ngày 14/12/2020" in docx_text(written)  # the statistical year


def test_the_command_reads_a_code_on_a_day(tmp_path):
    """23059 is Xã Hàm Thuận today and was Thị trấn Ma Lâm before 1/7/2025: --on picks the old one."""
    target = tmp_path / "ma-lam.docx"
    output = run("annual", "--unit", "23059", "--on", "2025-06-30", "--year", "2020", "-o", str(target))
    assert "Thị trấn Ma Lâm" in output
    assert "THỊ TRẤN MA LÂM" in docx_text(target)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("annual", "--unit", "597", "--year", "1800"), "Năm phải từ 1975 đến 2100"),
        (("annual", "--unit", "597", "--year", "20x0"), "is not a year"),
        (("annual", "--unit", "99999", "--year", "2020"), "There is no unit with code '99999'"),
        (("annual", "--unit", "597", "--year", "2020", "--format", "odt"), "Định dạng 'odt' không hợp lệ"),
        (("period", "--unit", "597", "--period", "2020-Q9"), "Quý phải từ 1 đến 4"),
        (("annual", "--unit", "597", "--year", "2020", "--user", "khong.co"), "no such user: khong.co"),
        (("annual", "--unit", "597", "--year", "2020", "--on", "31/02/2020"), "Ngày không hợp lệ"),
    ],
)
def test_bad_arguments_are_a_command_error_in_both_languages(tmp_path, args, message):
    with pytest.raises(CommandError) as error:
        run(*args, "-o", str(tmp_path / "x.docx"))
    assert message in str(error.value)
    assert not (tmp_path / "x.docx").exists()


def test_a_user_out_of_scope_gets_no_report_from_the_command(tmp_path, make_user, unit):
    officer = make_user(Role.OFFICER, unit("23059"), username="canbo.hamthuan")
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        run("annual", "--unit", "23086", "--year", "2025", "--user", officer.username, "-o", str(tmp_path / "x.docx"))
