"""XLSX, HTML preview and charts, rendered from the hand-built sample report: pure, no database."""

import io
import json
import re
import struct
import warnings
import zipfile
from dataclasses import replace
from html import unescape

import openpyxl
import pytest
from django.core.cache import caches
from django.utils import translation
from django.utils.translation import gettext_lazy
from matplotlib.figure import Figure

from antoan.reports.charts import KINDS, chart_png, chart_svg
from antoan.reports.document import Chart, Section, Table
from antoan.reports.html import QUOC_HIEU, TIEU_NGU, chart_data, heading_label, recipient_lines, render_html
from antoan.reports.tests.sample import (
    COMPARISON_CHART,
    CRIME_SENTENCE,
    SECURITY_TABLE,
    TRAFFIC_SENTENCE,
    TRAFFIC_TABLE,
    sample_report,
)
from antoan.reports.xlsx import FREEZE, SUMMARY_SHEET, render_xlsx, sheet_names

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

GAPPY_CHART = Chart(
    key="tai_nan_theo_xa",
    title="Số vụ tai nạn giao thông theo xã, thị trấn",
    kind="bar",
    labels=("Thị trấn Ma Lâm", "Xã Hàm Đức", "Xã Hồng Sơn", "Xã Thuận Minh"),
    series=(("Năm 2019", (12, None, 7, 3)), ("Năm 2020", (9, 11, None, 1234))),
    y_label="Số vụ",
)


def _png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])  # the IHDR chunk: width, height


def _workbook(report=None):
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(report or sample_report())))


def _with_section(section: Section):
    report = sample_report()
    return replace(report, sections=report.sections + (section,))


def _text_of(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# --- charts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_chart_png_is_a_png_for_every_kind_even_with_gaps(kind):
    data = chart_png(replace(GAPPY_CHART, kind=kind))

    assert data.startswith(PNG_MAGIC)
    assert _png_size(data) == (975, 540)  # 6.5 × 3.6 in at 150 dpi: the report's text width


def test_chart_png_dpi_sets_the_resolution():
    assert _png_size(chart_png(COMPARISON_CHART, dpi=100)) == (650, 360)


def test_chart_png_is_the_same_for_the_same_chart():
    first = chart_png(GAPPY_CHART)
    caches["kept"].clear()  # drawn again, not the kept one
    assert chart_png(GAPPY_CHART) == first
    assert chart_png(GAPPY_CHART) != chart_png(replace(GAPPY_CHART, series=GAPPY_CHART.series[:1]))


def test_chart_png_draws_vietnamese_without_missing_glyphs():
    chart = replace(
        COMPARISON_CHART, title="Tổng hợp số vụ việc: ắ ằ ẳ ẵ ặ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự đ Đ"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart_png(chart)
    assert not [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]


def test_chart_png_without_title_differs():
    assert chart_png(COMPARISON_CHART, with_title=False) != chart_png(COMPARISON_CHART)


def test_chart_with_only_gaps_still_renders():
    empty = replace(GAPPY_CHART, series=(("Năm 2020", (None, None, None, None)),))
    for kind in KINDS:
        assert chart_png(replace(empty, kind=kind)).startswith(PNG_MAGIC)


def test_unknown_chart_kind_is_refused():
    with pytest.raises(ValueError, match="pie"):
        chart_png(replace(COMPARISON_CHART, kind="pie"))


def test_chart_svg_is_inline_svg_that_the_site_csp_allows():
    svg = chart_svg(COMPARISON_CHART)

    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    # style-src 'self' blocks inline style attributes and <style> elements, also inside an inline SVG.
    assert "style=" not in svg and "<style" not in svg
    assert "<script" not in svg and " on" not in re.sub(r'"[^"]*"', '""', svg)
    assert 'aria-label="Biểu đồ 1. So sánh số vụ năm 2020 với năm 2019"' in svg
    assert 'fill="#1f4e79"' in svg  # the bars keep their colours as presentation attributes


def test_chart_svg_is_deterministic_and_ids_are_per_chart():
    first = chart_svg(COMPARISON_CHART)
    caches["kept"].clear()  # drawn again, not the kept one
    assert first == chart_svg(COMPARISON_CHART)

    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids and all(i.startswith("chart-so_sanh_2019_2020-") for i in ids)
    refs = re.findall(r'(?:href="#|url\(#)([^")]+)', first)
    assert refs and set(refs) <= set(ids)  # every reference points into this chart
    other = re.findall(r'\bid="([^"]+)"', chart_svg(GAPPY_CHART))
    assert not set(ids) & set(other)  # two charts in one page never share an id


@pytest.fixture
def drawings(monkeypatch):
    """How many times matplotlib saved a figure."""
    count = {"n": 0}
    savefig = Figure.savefig

    def counted(self, *args, **kwargs):
        count["n"] += 1
        return savefig(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", counted)
    caches["kept"].clear()
    return count


def test_a_chart_is_drawn_once_then_kept(drawings):
    png, svg = chart_png(GAPPY_CHART), chart_svg(GAPPY_CHART)
    assert drawings["n"] == 2
    assert chart_png(replace(GAPPY_CHART)) == png and chart_svg(replace(GAPPY_CHART)) == svg  # an equal chart
    assert drawings["n"] == 2
    caches["kept"].clear()
    assert chart_png(GAPPY_CHART) == png
    assert drawings["n"] == 3


def test_a_kept_chart_is_only_ever_given_for_the_same_drawing(drawings):
    png, svg = chart_png(GAPPY_CHART), chart_svg(GAPPY_CHART)
    changed = replace(GAPPY_CHART, series=(("Năm 2019", (12, None, 7, 4)), GAPPY_CHART.series[1]))
    assert chart_png(changed) != png and chart_svg(changed) != svg
    assert chart_png(GAPPY_CHART, dpi=100) != png and chart_png(GAPPY_CHART, with_title=False) != png
    assert chart_svg(GAPPY_CHART, id_prefix="khac-") != svg
    lazy = replace(GAPPY_CHART, title=gettext_lazy("Month"), labels=(gettext_lazy("Value"),) * 4)
    with translation.override("en"):
        english = chart_svg(lazy)
    with translation.override("vi"):
        vietnamese = chart_svg(lazy)
    assert english != vietnamese  # the words drawn, not the lazy text's identity
    assert 'aria-label="Month"' in english and 'aria-label="Tháng"' in vietnamese


# --- XLSX -----------------------------------------------------------------------------------------------------


def test_xlsx_has_a_summary_then_one_sheet_per_table():
    workbook = _workbook()

    assert workbook.sheetnames == [SUMMARY_SHEET, "an_ninh", "giao_thong", "phong_trao"]
    assert workbook.properties.creator == "antoan"
    assert workbook.properties.title.startswith("BÁO CÁO Tổng kết công tác bảo đảm an ninh")


def test_xlsx_summary_lists_the_report_and_links_every_table():
    summary = _workbook()[SUMMARY_SHEET]
    values = [c.value for row in summary.iter_rows() for c in row if c.value is not None]

    for expected in ("BÁO CÁO", "Huyện Hàm Thuận Bắc", "năm 2020", "năm 2019", "05/BC-UBND"):
        assert expected in values
    for title in ("Bảng 1. Tình hình tội phạm, tệ nạn xã hội", TRAFFIC_TABLE.title):
        assert title in values
    links = {c.value: c.hyperlink.location for row in summary.iter_rows() for c in row if c.hyperlink}
    assert links == {"an_ninh": "'an_ninh'!A1", "giao_thong": "'giao_thong'!A1", "phong_trao": "'phong_trao'!A1"}
    issued = next(row[1] for row in summary.iter_rows() if row[0].value == "Ngày ban hành")
    assert issued.value.date().isoformat() == "2021-01-27" and issued.number_format == "DD/MM/YYYY"


def test_xlsx_table_sheet_has_title_header_frozen_below_it():
    sheet = _workbook()["an_ninh"]

    assert sheet["A1"].value == SECURITY_TABLE.title and sheet["A1"].font.b
    assert "A1:E1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == list(SECURITY_TABLE.columns)
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("D9E1F2") and c.border.bottom.style for c in sheet[2])
    assert sheet.freeze_panes == FREEZE == "A3"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width >= 8


def test_xlsx_cells_are_the_table_numbers_as_numbers():
    sheet = _workbook()["giao_thong"]

    for offset, row in enumerate(TRAFFIC_TABLE.rows):
        cells = [c.value for c in sheet[3 + offset]]
        assert cells == list(row)
        assert all(isinstance(v, int | float) for v in cells[1:])
    assert sheet["B6"].value == 1234 and isinstance(sheet["B6"].value, int)


def test_xlsx_number_formats_show_vietnamese_numbers_in_a_vietnamese_excel():
    sheet = _workbook()["an_ninh"]

    assert sheet["B3"].number_format == "#,##0"  # 44 → "44"; 1234 → "1.234" in a vi-VN Excel
    assert sheet["E3"].value == -10.2 and sheet["E3"].number_format == '0.0"%"'  # → "-10,2%"
    assert sheet["B5"].value == 86.4 and sheet["B5"].number_format == "#,##0.0#"  # a rate in a count column
    assert sheet["E5"].value is None  # no value: an empty cell, not "—"
    money = _workbook()["phong_trao"]
    assert money["B6"].value == 125_000_000 and money["B6"].number_format == "#,##0"
    assert money["C4"].value is None


def test_xlsx_note_is_under_the_table_in_italics():
    sheet = _workbook()["an_ninh"]
    note = sheet.cell(row=3 + len(SECURITY_TABLE.rows) + 1, column=1)

    assert note.value == SECURITY_TABLE.note and note.font.i


def test_xlsx_formula_looking_text_stays_text():
    table = Table(
        key="nguoi_bao_tin",
        title='Bảng 4. Tin báo =HYPERLINK("http://x")',
        columns=("Người báo tin", "Số tin"),
        rows=(('=HYPERLINK("http://evil.example","bấm")', 3), ("+84 912 345 678", 1), ("@SUM(A1:A2)", 2)),
        number_format=("", "int"),
    )
    report = _with_section(Section(number="IV", title="Tin báo", tables=(table,)))
    data = render_xlsx(report)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["nguoi_bao_tin"]

    assert sheet["A3"].value == '=HYPERLINK("http://evil.example","bấm")'
    assert [sheet[f"A{r}"].data_type for r in (3, 4, 5)] == ["s", "s", "s"]
    assert sheet["A3"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in archive.read(n).decode() for n in sheets)


def test_xlsx_sheet_names_are_sanitised_and_unique():
    long_key = "tinh_hinh_toi_pham_va_te_nan_xa_hoi_nam_2020"
    names = sheet_names([long_key, long_key, "a/b:c*d?[e]", "History", "'x'", "Tổng hợp", "AN_NINH", "an_ninh"])

    assert names[0] == long_key[:31] and names[1] == long_key[:29] + "_2"
    assert names[2] == "a_b_c_d__e_"
    assert names[3] == "History_"
    assert names[4] == "x"
    assert names[5] == "Tổng hợp_2"  # the summary sheet already has that name
    assert names[6:] == ["AN_NINH", "an_ninh_2"]  # Excel compares sheet names ignoring case
    assert all(len(n) <= 31 for n in names)


def test_xlsx_prints_a4_landscape_one_page_wide_with_the_unit_in_the_header():
    sheet = _workbook()["giao_thong"]

    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "Huyện Hàm Thuận Bắc" in sheet.oddHeader.left.text
    assert sheet.print_title_rows == "$2:$2"


def test_xlsx_of_a_report_without_tables_has_only_the_summary():
    workbook = _workbook(sample_report(sections=(Section(number="I", title="Kết quả"),), empty=True))

    assert workbook.sheetnames == [SUMMARY_SHEET]


# --- HTML -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page():
    return render_html(sample_report())


def test_html_standalone_is_a_vietnamese_page_with_the_stylesheet_inlined(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page
    assert "<style>" in page and "@page" in page and "size: A4 portrait" in page
    assert "<link" not in page


def test_html_fragment_is_only_the_article_and_links_the_static_stylesheet():
    fragment = render_html(sample_report(), standalone=False).strip()

    assert fragment.startswith('<article class="report" lang="vi">') and fragment.endswith("</article>")
    assert '<link rel="stylesheet" href="/static/reports/document.css">' in fragment
    assert "<html" not in fragment and "<style" not in fragment and "style=" not in fragment


def test_html_has_the_decree_header_title_and_subject(page):
    text = _text_of(page)

    assert QUOC_HIEU in text and TIEU_NGU in text
    assert '<p class="issuer-main">UBND HUYỆN HÀM THUẬN BẮC</p>' in page
    assert "Số: 05/BC-UBND" in text
    assert '<p class="place-date">Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021</p>' in page
    assert '<h1 class="report-title">BÁO CÁO</h1>' in page
    assert "Tổng kết công tác bảo đảm an ninh, trật tự, phong trào Toàn dân bảo vệ an ninh Tổ quốc" in text


def test_html_section_headings_in_order(page):
    headings = [_text_of(h) for h in re.findall(r'<h[2-6] class="section-heading">(.*?)</h[2-6]>', page)]

    assert headings == [
        "I. Kết quả thực hiện năm 2020",
        "1. Tình hình an ninh, trật tự",
        "a) Tội phạm về trật tự xã hội",
        "b) Tệ nạn xã hội",
        "2. Công tác bảo đảm trật tự, an toàn giao thông",
        "3. Phong trào Toàn dân bảo vệ an ninh Tổ quốc",
        "II. Tồn tại, hạn chế và nguyên nhân",
        "III. Phương hướng, nhiệm vụ năm 2021",
    ]
    assert page.count("<section") == page.count("</section>") == 8


def test_html_has_the_figure_sentences(page):
    text = _text_of(page)

    assert CRIME_SENTENCE in text
    assert TRAFFIC_SENTENCE in text


def test_html_tables_show_vietnamese_numbers_right_aligned(page):
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)

    for shown in ("1.234", "5.678", "1.102", "10,3%", "-10,2%", "86,4", "125.000.000", "98.500.000", "—"):
        assert shown in cells
    assert "<caption>Bảng 2. Tình hình tai nạn giao thông và công tác tuần tra, kiểm soát</caption>" in page
    assert '<figcaption class="table-note">Nguồn: Ban An toàn giao thông huyện.</figcaption>' in page
    assert '<th scope="row">Số lượt tuần tra, kiểm soát</th>' in page


def test_html_charts_are_inline_svg_with_captions(page):
    figure = re.search(r'<figure class="report-chart" id="chart-so_sanh_2019_2020">(.*?)</figure>', page, re.S)

    assert figure
    assert "<svg " in figure.group(1)
    assert "<figcaption>Biểu đồ 1. So sánh số vụ năm 2020 với năm 2019</figcaption>" in figure.group(1)


def test_site_preview_carries_the_charts_values_for_the_browser_not_a_drawing():
    """The preview on the site (standalone=False) has a canvas and the chart's data per figure, the same figures
    as the file's SVG; the browser draws them (reports/preview.js, tests/e2e/test_report.py)."""
    title = "Số vụ </script><script>alert(1)</script>"
    report = _with_section(Section("V", "Biểu đồ", charts=(replace(GAPPY_CHART, title=title),)))
    fragment = render_html(report, standalone=False)
    standalone = render_html(report)

    figures = re.findall(r'<figure class="report-chart" id="chart-([^"]+)">(.*?)</figure>', fragment, re.S)
    assert [key for key, _ in figures] == re.findall(r'<figure class="report-chart" id="chart-([^"]+)">', standalone)
    assert "<svg" not in fragment and standalone.count("<svg") == len(figures) == 2
    data = {}
    for key, inside in figures:
        assert "<canvas role=\"img\"" in inside
        payload = re.search(r'<script type="application/json">(.*?)</script>', inside, re.S)
        data[key] = json.loads(payload.group(1))
    assert data["tai_nan_theo_xa"] == chart_data(replace(GAPPY_CHART, title=title))
    assert data["so_sanh_2019_2020"] == chart_data(COMPARISON_CHART)
    assert data["tai_nan_theo_xa"]["series"] == [
        {"name": "Năm 2019", "values": [12, None, 7, 3]},
        {"name": "Năm 2020", "values": [9, 11, None, 1234]},
    ]
    assert data["tai_nan_theo_xa"]["kind"] == "bar" and data["tai_nan_theo_xa"]["yLabel"] == "Số vụ"
    # A title cannot end the script element it sits in (json_script escapes < and >); the caption is escaped.
    assert "<script>alert" not in fragment
    assert "<figcaption>Số vụ &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</figcaption>" in fragment


def test_html_ends_with_recipients_and_signature(page):
    text = _text_of(page)

    assert "Nơi nhận:" in text
    assert "- UBND tỉnh Bình Thuận (b/c);" in text and "- Lưu: VT, CA." in text
    assert ";;" not in text and "CA.." not in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text
    assert '<p class="signer">Nguyễn Văn An</p>' in page
    assert text.index("Nơi nhận:") > text.index("Phương hướng, nhiệm vụ năm 2021")


def test_html_marks_the_editable_sections(page):
    shortcomings = re.search(r'<section[^>]*data-editable="shortcomings"[^>]*>\s*<h2[^>]*>(.*?)</h2>', page)
    tasks = re.search(r'<section[^>]*data-editable="tasks"[^>]*>\s*<h2[^>]*>(.*?)</h2>', page)

    assert shortcomings and _text_of(shortcomings.group(1)) == "II. Tồn tại, hạn chế và nguyên nhân"
    assert tasks and _text_of(tasks.group(1)) == "III. Phương hướng, nhiệm vụ năm 2021"
    assert page.count("data-editable=") == 2


def test_html_escapes_every_text():
    hostile = "<script>alert('x')</script>"
    columns, rows = ("Chỉ tiêu", hostile, "Ghi chú"), ((hostile, 1, hostile),)
    table = Table(key="x", title=f"Bảng {hostile}", columns=columns, rows=rows)
    report = sample_report(subject=f"Chủ đề {hostile}", opening=(hostile,))
    report = replace(
        report,
        sections=report.sections + (Section(number="IV", title=hostile, paragraphs=(hostile,), tables=(table,)),),
    )

    page = render_html(report)

    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    row = "<th scope=\"row\">&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</th><td class=\"num\">1</td>"
    assert row + "<td>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</td>" in page  # a row's cells, each escaped


def test_html_prints_the_opening_before_section_one_and_never_the_admin_notes(page):
    report = sample_report()
    text = _text_of(page)
    assert text.index(report.subject) < text.index(report.opening[0]) < text.index("I. Kết quả thực hiện năm 2020")
    assert report.admin_notes[0] not in page


def test_html_prints_the_appendix_after_the_signature():
    appendix = (Section(number="", title="Phụ lục: biểu đồ", charts=(COMPARISON_CHART,)),)
    page = render_html(sample_report(appendix=appendix))
    assert page.index("Nguyễn Văn An") < page.index("Phụ lục: biểu đồ") < page.rindex(COMPARISON_CHART.title)


def test_html_of_an_empty_report_still_has_header_and_signature():
    page = render_html(
        sample_report(sections=(Section(number="I", title="Kết quả", paragraphs=("Không có số liệu.",)),))
    )

    assert QUOC_HIEU in page and "Nguyễn Văn An" in page and "<table" not in page and "<svg" not in page


def test_heading_labels_follow_the_decree():
    assert [heading_label(Section(number=n, title="")) for n in ("I", "IV", "1", "12", "a", "đ")] == [
        "I.",
        "IV.",
        "1.",
        "12.",
        "a)",
        "đ)",
    ]


def test_recipient_lines_get_dashes_and_punctuation_once():
    assert recipient_lines(("Như trên;", "- Công an huyện", "Lưu: VT, CA.")) == [
        "- Như trên;",
        "- Công an huyện;",
        "- Lưu: VT, CA.",
    ]
