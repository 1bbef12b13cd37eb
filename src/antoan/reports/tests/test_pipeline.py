"""The whole pipeline on the demo district: build_context, then each renderer; what the documents say equals
the indicators."""

import io
import subprocess
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from antoan.accounts.models import Role
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.reports.context import build_context
from antoan.reports.render import render_report

LEGACY = date(2020, 1, 1)
HEADINGS = ("KẾT QUẢ THỰC HIỆN NĂM 2020", "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021",
            "CÔNG TÁC THI ĐUA, KHEN THƯỞNG")  # fmt: skip
CRIME = "Số vụ phạm pháp hình sự xảy ra 44 vụ, giảm 05 vụ (-10,2%) so với năm 2019 (49 vụ)"
TRAFFIC = "Số vụ tai nạn giao thông xảy ra 54 vụ, giảm 03 vụ (-5,3%) so với năm 2019 (57 vụ)"


@pytest.fixture
def demo_report(make_user, unit):
    from antoan.site.demo import demo_seed

    demo_seed()
    leader = make_user(Role.LEADER, unit("597", LEGACY))
    htb = unit("597", LEGACY)
    report = build_context(user=leader, unit=htb, period=period_parse("2020"), issued_on=date(2021, 1, 27))
    figures = indicator_set(user=leader, unit=htb, period=period_parse("2020"))
    return report, figures


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_pdf_xlsx_html_of_the_demo_district_say_the_indicators(demo_report):
    report, figures = demo_report
    document = Document(io.BytesIO(render_report(report, "docx")))
    text = _docx_text(document)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "HUYỆN HÀM THUẬN BẮC",
                     "Số:", "Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021", "BÁO CÁO", CRIME, TRAFFIC,
                     "17/17 xã, phường, thị trấn", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"):  # fmt: skip
        assert expected in text, expected
    positions = [text.find(h) for h in HEADINGS]
    assert -1 not in positions and positions == sorted(positions), positions
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) in range(30, 36) and round(section.right_margin.mm) in range(15, 21)
    # The security table's row for criminal cases carries the indicator's values, Vietnamese-formatted.
    crime = figures.figure("crime.cases")
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    name = crime.indicator.vi  # "Tổng số vụ án, vụ việc hình sự (mọi nhóm tội phạm)"
    assert any(r[0] == name and r[2:4] == [str(crime.value), str(crime.comparison)] for r in rows)

    pdf = render_report(report, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    pdf_text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = " ".join(pdf_text.split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", CRIME, "năm 2019"):
        assert expected in flat, expected

    workbook = load_workbook(io.BytesIO(render_report(report, "xlsx")))
    sheet = workbook["an_ninh"]
    values = {row[0]: row[2:4] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert values["Tổng số vụ án, vụ việc hình sự (mọi nhóm tội phạm)"] == (44, 49)

    html = render_report(report, "html").decode()
    assert CRIME in html and "Phương hướng, nhiệm vụ năm 2021".upper() in html.upper()
