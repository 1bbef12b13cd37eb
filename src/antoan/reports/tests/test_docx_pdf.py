"""The DOCX and PDF renderers against Nghị định 30/2020/NĐ-CP, Phụ lục I, on the hand-built Hàm Thuận Bắc report.

Pure tests: no database. One real LibreOffice conversion for the whole module (the `pdf` fixture); the batch
and error paths of `pdf.py` run against a fake `soffice` script.
"""

import os
import stat
import time
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from pypdf import PdfReader

from antoan.core.errors import DomainError
from antoan.core.tests.needs import missing
from antoan.reports.document import Section, Table
from antoan.reports.docx import TIEU_NGU_WIDTH, format_cell, render_docx
from antoan.reports.pdf import docx_to_pdf_many, render_pdf, soffice_binary
from antoan.reports.tests.sample import (
    COMPARISON_CHART,
    CRIME_SENTENCE,
    SECURITY_TABLE,
    TRAFFIC_SENTENCE,
    TRAFFIC_TABLE,
    sample_report,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Direct paragraph formatting the renderer may use (documented in docs/reports.md): the indents of the rules.
RULE_STYLE = "AT Duong ke"


def _open(data: bytes):
    return Document(BytesIO(data))


def _all_paragraphs(document):
    """Body paragraphs and those inside table cells, in document order."""
    found = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "runs"):
                found.append(block)
            else:
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)

    walk(document)
    return found


def _texts(document) -> list[str]:
    return [p.text for p in _all_paragraphs(document)]


def _by_style(document, style: str) -> list[str]:
    return [p.text for p in _all_paragraphs(document) if p.style.name == style]


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def report():
    return sample_report()


@pytest.fixture(scope="module")
def docx_bytes(report):
    return render_docx(report)


@pytest.fixture(scope="module")
def document(docx_bytes):
    return _open(docx_bytes)


# --- page and styles ------------------------------------------------------------------------------------------


def test_page_is_a4_portrait_with_the_decree_margins(document):
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    # Word stores lengths in twentieths of a point: A4 is 11906 × 16838.
    for actual, expected in (
        (section.page_width, Mm(210)),
        (section.page_height, Mm(297)),
        (section.top_margin, Mm(20)),
        (section.bottom_margin, Mm(20)),
        (section.left_margin, Mm(30)),
        (section.right_margin, Mm(15)),
    ):
        assert abs(actual - expected) < Mm(0.05)
    assert len(document.sections) == 1


def test_normal_style_is_times_new_roman_14_black_justified_with_first_line_indent(document):
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman" and fonts.get(qn("w:cs")) == "Times New Roman"
    assert Pt(13) <= normal.font.size <= Pt(14)
    assert str(normal.font.color.rgb) == "000000"
    fmt = normal.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Cm(1) <= fmt.first_line_indent <= Cm(1.27) + 1
    assert fmt.space_after >= Pt(6)
    assert 1.0 <= fmt.line_spacing <= 1.5


def test_document_defaults_use_times_new_roman_and_vietnamese(document):
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert fonts.get(qn("w:asciiTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"


def test_named_styles_carry_the_decree_sizes_and_weights(document):
    styles = document.styles
    assert styles["AT Quoc hieu"].font.bold and Pt(12) <= styles["AT Quoc hieu"].font.size <= Pt(13)
    assert styles["AT Tieu ngu"].font.bold and Pt(13) <= styles["AT Tieu ngu"].font.size <= Pt(14)
    assert styles["AT Co quan ban hanh"].font.bold
    assert styles["AT Dia danh"].font.italic
    assert styles["AT Ten loai"].font.bold and styles["AT Trich yeu"].font.bold
    assert styles["AT Muc I"].font.bold and styles["AT Muc 1"].font.bold
    assert styles["AT Bang"].font.size == Pt(12) and styles["AT Bang"].paragraph_format.first_line_indent == 0
    assert styles["AT Noi nhan"].font.bold and styles["AT Noi nhan"].font.italic
    assert styles["AT Noi nhan"].font.size == Pt(12) and styles["AT Noi nhan dong"].font.size == Pt(11)
    assert styles["AT Chuc vu ky"].font.bold and styles["AT Ten nguoi ky"].font.bold
    assert styles["AT Ghi chu"].font.italic and styles["AT Ghi chu"].font.size == Pt(12)


def test_paragraphs_use_named_styles_and_runs_carry_no_direct_formatting(document):
    for paragraph in _all_paragraphs(document):
        assert paragraph.style.name == "Normal" or paragraph.style.name.startswith("AT "), paragraph.text
        fmt = paragraph.paragraph_format
        assert fmt.alignment is None and fmt.first_line_indent is None, paragraph.text
        assert fmt.space_before is None and fmt.space_after is None and fmt.line_spacing is None
        if paragraph.style.name != RULE_STYLE:  # the rules' length is set by their indents (documented)
            assert fmt.left_indent is None and fmt.right_indent is None, paragraph.text
        for run in paragraph.runs:
            font = run.font
            assert font.name is None and font.size is None, run.text
            assert font.bold is None and font.italic is None and font.all_caps is None, run.text
            assert run._r.rPr is None or run._r.rPr.find(qn("w:rFonts")) is None


# --- header block ---------------------------------------------------------------------------------------------


def test_header_block_has_issuer_quoc_hieu_tieu_ngu_number_and_place_date(document, report):
    header = document.tables[0]
    issuer, national = header.rows[0].cells
    number, place_date = header.rows[1].cells
    issuer_lines = [(p.text, p.style.name) for p in issuer.paragraphs if p.text]
    assert issuer_lines == [
        ("UBND TỈNH BÌNH THUẬN", "AT Co quan"),
        ("UBND HUYỆN HÀM THUẬN BẮC", "AT Co quan ban hanh"),  # the issuing body, bold
    ]
    assert [(p.text, p.style.name) for p in national.paragraphs if p.text] == [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "AT Quoc hieu"),
        ("Độc lập - Tự do - Hạnh phúc", "AT Tieu ngu"),
    ]
    assert number.paragraphs[0].text == "Số: 05/BC-UBND"
    assert place_date.paragraphs[0].text == "Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021"
    assert place_date.paragraphs[0].style.font.italic
    # No borders: the header block is a layout table.
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_short_rules_under_the_issuer_the_tieu_ngu_and_the_subject(document):
    rule_style = document.styles[RULE_STYLE]
    assert rule_style.element.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == "single"
    header = document.tables[0]
    issuer_rule = [p for p in header.rows[0].cells[0].paragraphs if p.style.name == RULE_STYLE]
    national_rule = [p for p in header.rows[0].cells[1].paragraphs if p.style.name == RULE_STYLE]
    assert len(issuer_rule) == 1 and len(national_rule) == 1
    # Under the Tiêu ngữ: as long as the line. Under the issuer: a third to a half of the cell or so.
    cell = header.columns[1].width
    fmt = national_rule[0].paragraph_format
    assert abs(cell - fmt.left_indent - fmt.right_indent - TIEU_NGU_WIDTH) < Mm(1)
    issuer_fmt = issuer_rule[0].paragraph_format
    assert Mm(15) < header.columns[0].width - issuer_fmt.left_indent - issuer_fmt.right_indent < Mm(40)
    body_rules = [p for p in document.paragraphs if p.style.name == RULE_STYLE]
    assert len(body_rules) == 1  # under the subject


def test_title_and_subject_follow_the_header(document, report):
    body = [(p.text, p.style.name) for p in document.paragraphs if p.text]
    assert body[0] == ("BÁO CÁO", "AT Ten loai")
    assert body[1] == (report.subject, "AT Trich yeu")
    assert document.styles["AT Ten loai"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


# --- body -----------------------------------------------------------------------------------------------------


def test_section_headings_appear_in_order_with_their_numbering(document):
    headings = [p.text for p in document.paragraphs if p.style.name in ("AT Muc I", "AT Muc 1", "AT Muc a")]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN NĂM 2020",
        "1. Tình hình an ninh, trật tự",
        "a) Tội phạm về trật tự xã hội",
        "b) Tệ nạn xã hội",
        "2. Công tác bảo đảm trật tự, an toàn giao thông",
        "3. Phong trào Toàn dân bảo vệ an ninh Tổ quốc",
        "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021",
    ]


def test_figure_sentences_and_editable_text_are_printed_as_body_paragraphs(document, report):
    normal = [p.text for p in document.paragraphs if p.style.name == "Normal"]
    assert any(text.startswith(CRIME_SENTENCE) for text in normal)
    assert any(text.startswith(TRAFFIC_SENTENCE) for text in normal)
    for section in report.sections[1:]:  # shortcomings, tasks: the officials' own words
        for paragraph in section.paragraphs:
            assert paragraph in normal


def test_the_opening_comes_before_section_one_and_admin_notes_never_print(document, report):
    texts = [(p.text, p.style.name) for p in document.paragraphs if p.text]
    heading = texts.index(("I. KẾT QUẢ THỰC HIỆN NĂM 2020", "AT Muc I"))
    assert texts[heading - 1] == (report.opening[0], "Normal")
    assert not any(report.admin_notes[0] in text for text, _style in texts)


def test_table_cells_are_the_sample_values_formatted_the_vietnamese_way(document):
    tables = document.tables[1:-1]  # between the header block and the closing block
    assert len(tables) == 3
    security, traffic = tables[0], tables[1]
    assert [c.text for c in security.rows[0].cells] == list(SECURITY_TABLE.columns)
    assert [c.text for c in security.rows[1].cells] == ["Số vụ phạm pháp hình sự", "44", "49", "-5", "-10,2%"]
    assert [c.text for c in security.rows[3].cells] == ["Tỷ lệ điều tra, khám phá (%)", "86,4", "83,7", "2,7", "—"]
    assert [c.text for c in traffic.rows[4].cells] == ["Số lượt tuần tra, kiểm soát", "1.234", "1.102", "132", "12%"]
    assert tables[2].rows[4].cells[1].text == "125.000.000"
    assert len(traffic.rows) == 1 + len(TRAFFIC_TABLE.rows)
    # Numbers right-aligned, text left, header bold; the header row repeats on each page.
    assert traffic.rows[1].cells[0].paragraphs[0].style.name == "AT Bang"
    assert traffic.rows[1].cells[1].paragraphs[0].style.name == "AT Bang so"
    assert document.styles["AT Bang so"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert traffic.rows[0].cells[0].paragraphs[0].style.font.bold
    for table in tables:
        assert table._tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
        assert table.style.name == "Table Grid"


def test_table_titles_and_sources(document):
    titles = [p.text for p in document.paragraphs if p.style.name == "AT Ten bang"]
    assert titles[:2] == [SECURITY_TABLE.title, TRAFFIC_TABLE.title]
    assert SECURITY_TABLE.note in [p.text for p in document.paragraphs if p.style.name == "AT Ghi chu"]


def test_format_cell_writes_numbers_as_vietnamese_reports_do():
    assert format_cell(1234, "int") == "1.234"
    assert format_cell(10.2, "pct") == "10,2%"
    assert format_cell(-10.204, "pct") == "-10,2%"
    assert format_cell(None, "int") == "—"
    assert format_cell(125_000_000.4, "vnd") == "125.000.000"
    assert format_cell("Xã Hàm Trí", "") == "Xã Hàm Trí"


def test_charts_are_embedded_pictures_15_cm_wide_with_their_title_as_caption(document):
    shapes = document.inline_shapes
    assert len(shapes) == 1
    assert abs(shapes[0].width - Cm(15)) < Cm(0.05)
    captions = [p.text for p in document.paragraphs if p.style.name == "AT Chu thich hinh"]
    assert captions == [COMPARISON_CHART.title]


# --- page numbers, closing block, properties ------------------------------------------------------------------


def test_page_number_field_in_the_header_from_page_two_and_an_empty_first_page_header(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(f"{W}instrText"))
    assert 'w:fldCharType="begin"' in header_xml and 'w:fldCharType="end"' in header_xml
    assert section.header.paragraphs[0].style.name == "Header"
    assert document.styles["Header"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert all(p.text == "" for p in first.paragraphs)
    assert not list(first._element.iter(f"{W}fldChar"))


def test_noi_nhan_block_bottom_left_and_signature_bottom_right(document):
    closing = document.tables[-1]
    left, right = closing.rows[0].cells
    lines = [(p.text, p.style.name) for p in left.paragraphs]
    assert lines[0] == ("Nơi nhận:", "AT Noi nhan")
    assert [text for text, _ in lines[1:]] == [
        "- UBND tỉnh Bình Thuận (b/c);",
        "- Công an tỉnh Bình Thuận (b/c);",
        "- TT. Huyện ủy, TT. HĐND huyện;",
        "- Chủ tịch, các PCT UBND huyện;",
        "- Công an huyện;",
        "- UBND các xã, thị trấn;",
        "- Lưu: VT, CA.",
    ]
    assert {style for _, style in lines[1:]} == {"AT Noi nhan dong"}
    assert [(p.text, p.style.name) for p in right.paragraphs] == [
        ("TM. ỦY BAN NHÂN DÂN", "AT Chuc vu ky"),
        ("CHỦ TỊCH", "AT Chuc vu ky"),
        ("Nguyễn Văn An", "AT Ten nguoi ky"),
    ]
    assert document.styles["AT Ten nguoi ky"].paragraph_format.space_before >= Pt(48)  # room to sign and seal


def test_recipients_get_a_dash_semicolons_and_a_final_full_stop():
    document = _open(render_docx(sample_report(sections=(), recipients=("Như trên", "- Sở Tư pháp;", "Lưu: VT, CA"))))
    assert _by_style(document, "AT Noi nhan dong") == ["- Như trên;", "- Sở Tư pháp;", "- Lưu: VT, CA."]


def test_deputy_signature_reads_kt_chu_tich(report):
    signature = report.signature.__class__(form="KT.", body="", title="Phó Chủ tịch", signer="Trần Văn B")
    document = _open(render_docx(sample_report(sections=(), signature=signature)))
    assert _by_style(document, "AT Chuc vu ky") == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_core_properties_name_the_report(document, report):
    properties = document.core_properties
    assert properties.title.startswith("BÁO CÁO")
    assert properties.subject == report.subject
    assert properties.author == "antoan"
    assert properties.language == "vi-VN"


def test_the_same_report_renders_the_same_text_twice(report, docx_bytes):
    assert _texts(_open(render_docx(report))) == _texts(_open(docx_bytes))


def test_an_empty_report_without_tables_or_charts_renders():
    empty = sample_report(
        empty=True,
        sections=(
            Section(number="I", title="Kết quả thực hiện năm 2020", paragraphs=("Trong năm 2020 không có số liệu.",)),
            Section(number="II", title="Phương hướng, nhiệm vụ năm 2021", editable="tasks"),
        ),
    )
    document = _open(render_docx(empty))
    assert len(document.tables) == 2  # header and closing blocks only
    assert len(document.inline_shapes) == 0
    assert "Trong năm 2020 không có số liệu." in _texts(document)
    bare = _open(render_docx(sample_report(empty=True, sections=())))
    assert report_is_whole(bare)


def report_is_whole(document) -> bool:
    """Heading, title and signature, even without a section."""
    texts = _texts(document)
    return "BÁO CÁO" in texts and "TM. ỦY BAN NHÂN DÂN" in texts


# --- PDF (one LibreOffice conversion for the module) ----------------------------------------------------------

@pytest.fixture
def soffice():
    if soffice_binary() is None:
        missing("LibreOffice (soffice) is not installed")


needs_soffice = pytest.mark.usefixtures("soffice")


@pytest.fixture(scope="module")
def pdf(report):
    if soffice_binary() is None:
        missing("LibreOffice (soffice) is not installed")
    return PdfReader(BytesIO(render_pdf(report)))


def _lines(page) -> list[tuple[str, float, float]]:
    """(text, x, y) of each text run on a page (PDF points, origin bottom left)."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((_flat(text), tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    return found


@needs_soffice
def test_pdf_has_the_header_title_headings_sentences_and_table_values(pdf):
    text = _flat(" ".join(page.extract_text() for page in pdf.pages))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-UBND",
        "BÁO CÁO",
        "I. KẾT QUẢ THỰC HIỆN NĂM 2020",
        "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021",
        CRIME_SENTENCE,
        "1.234",
        "-10,2%",
        "Nơi nhận:",
        "- Lưu: VT, CA.",
        "TM. ỦY BAN NHÂN DÂN",
        "Nguyễn Văn An",
    ):
        assert expected in text, expected


@needs_soffice
def test_pdf_pages_are_a4(pdf):
    for page in pdf.pages:
        assert abs(float(page.mediabox.width) - 595) <= 2
        assert abs(float(page.mediabox.height) - 842) <= 2


@needs_soffice
def test_pdf_numbers_pages_from_two_centred_in_the_top_margin(pdf):
    assert len(pdf.pages) > 1
    top_margin = 842 - Mm(20).pt
    centre = (Mm(30) + Mm(165) / 2) * 72 / 914400  # the middle of the text width, in points
    first = [line for line in _lines(pdf.pages[0]) if line[2] > top_margin]
    assert first == []  # no number on the first page
    for number, page in enumerate(pdf.pages[1:], start=2):
        in_margin = [line for line in _lines(page) if line[2] > top_margin]
        assert [text for text, _, _ in in_margin] == [str(number)]
        assert abs(in_margin[0][1] - centre) < 15


@needs_soffice
def test_pdf_text_is_set_in_liberation_serif_the_times_new_roman_substitute(pdf):
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts, "no font in the PDF"
    # A Vietnamese letter missing from the serif font (fonts-liberation 1.x) makes LibreOffice fall back to
    # another font, letter by letter: install fonts-liberation2.
    assert all(name.startswith("LiberationSerif") or name.startswith("TimesNewRoman") for name in fonts), fonts


# --- pdf.py with a fake soffice: batch in one run, private profiles, errors -------------------------------------

FAKE_SOFFICE = """#!/bin/sh
echo "$@" >> "$FAKE_SOFFICE_LOG"
[ -n "$FAKE_SOFFICE_SLEEP" ] && sleep "$FAKE_SOFFICE_SLEEP"
[ -n "$FAKE_SOFFICE_FAIL" ] && { echo "Error: source file could not be loaded" >&2; exit 1; }
out=""; previous=""
for arg in "$@"; do [ "$previous" = "--outdir" ] && out="$arg"; previous="$arg"; done
for arg in "$@"; do
  case "$arg" in *.docx) printf '%%PDF-1.4 fake' > "$out/$(basename "$arg" .docx).pdf";; esac
done
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch, settings):
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "calls.log"
    settings.ANTOAN_SOFFICE = str(script)
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    return log


def _docx_files(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.docx" for name in names]
    for path in paths:
        path.write_bytes(b"PK fake docx")
    return paths


def test_docx_to_pdf_many_converts_a_batch_in_one_soffice_run(fake_soffice, tmp_path):
    paths = _docx_files(tmp_path / "in", ["xa-ham-tri", "xa-ham-phu", "thi-tran-ma-lam"])
    outputs = docx_to_pdf_many(paths, tmp_path / "out")
    assert [p.name for p in outputs] == ["xa-ham-tri.pdf", "xa-ham-phu.pdf", "thi-tran-ma-lam.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in outputs)
    calls = fake_soffice.read_text().splitlines()
    assert len(calls) == 1
    assert "--headless" in calls[0] and "--convert-to pdf" in calls[0]


def test_each_conversion_uses_its_own_profile(fake_soffice, tmp_path):
    docx_to_pdf_many(_docx_files(tmp_path / "a", ["bao-cao"]), tmp_path / "a")
    docx_to_pdf_many(_docx_files(tmp_path / "b", ["bao-cao"]), tmp_path / "b")
    profiles = [
        next(arg for arg in call.split() if arg.startswith("-env:UserInstallation=file:///"))
        for call in fake_soffice.read_text().splitlines()
    ]
    assert len(profiles) == 2 and profiles[0] != profiles[1]


def test_a_failing_soffice_raises_a_bilingual_domain_error(fake_soffice, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_SOFFICE_FAIL", "1")
    with pytest.raises(DomainError) as caught:
        docx_to_pdf_many(_docx_files(tmp_path, ["bao-cao"]), tmp_path)
    message = caught.value.errors["pdf"]
    assert "LibreOffice không chuyển được" in message.vi and "could not convert" in message.en
    assert "source file could not be loaded" in message.en
    assert not (tmp_path / "bao-cao.pdf").exists()


def test_a_hanging_soffice_is_stopped_at_the_timeout(fake_soffice, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_SOFFICE_SLEEP", "30")
    started = time.monotonic()
    with pytest.raises(DomainError) as caught:
        docx_to_pdf_many(_docx_files(tmp_path, ["bao-cao"]), tmp_path, timeout=1)
    assert time.monotonic() - started < 10
    assert "quá 1 giây" in caught.value.errors["pdf"].vi


def test_missing_soffice_raises_a_bilingual_domain_error(tmp_path, settings):
    settings.ANTOAN_SOFFICE = str(tmp_path / "no-such-soffice")
    with pytest.raises(DomainError) as caught:
        render_pdf(sample_report())
    message = caught.value.errors["pdf"]
    assert "Không tìm thấy LibreOffice" in message.vi and "was not found" in message.en


def test_files_with_the_same_name_are_refused(tmp_path):
    first = _docx_files(tmp_path / "a", ["bao-cao"])
    second = _docx_files(tmp_path / "b", ["bao-cao"])
    with pytest.raises(ValueError):
        docx_to_pdf_many(first + second, tmp_path / "out")


def test_no_file_no_run(tmp_path, settings):
    settings.ANTOAN_SOFFICE = str(tmp_path / "no-such-soffice")
    assert docx_to_pdf_many([], tmp_path) == []
    assert not os.listdir(tmp_path)


WIDE = Table(
    key="rong",
    title="Bảng 9. Tiền phạt và thời gian",
    columns=("Vị trí", "Số vụ", "Tiền phạt (triệu đồng)", "Tăng (+), giảm (-)", "Thời gian"),
    rows=(("Quốc lộ 28, xã Hàm Liêm, huyện Hàm Thuận Bắc, tỉnh Bình Thuận", 12, 1234567.5, 246913.2,
           "16/04/2020 – 20/11/2020"),),
    number_format=("", "int", "num", "num", ""),
)  # fmt: skip


def test_number_and_date_columns_are_as_wide_as_their_longest_cell():
    from antoan.reports.docx import CHAR_WIDTH, TEXT_WIDTH, _column_widths, format_cell

    formats = WIDE.number_format + ("",)
    widths = _column_widths(WIDE, formats)
    assert sum(widths) == int(TEXT_WIDTH) and widths[0] >= int(TEXT_WIDTH * 0.25)
    for index, value in enumerate(WIDE.rows[0][1:], start=1):  # numbers and the dates: whole
        assert widths[index] >= CHAR_WIDTH * len(format_cell(value, formats[index])), WIDE.columns[index]


@needs_soffice
def test_no_number_or_date_wraps_in_the_pdf():
    """LibreOffice lays the table out: each number and the date range come out whole, on one line."""
    report = sample_report(sections=(Section(number="I", title="Kết quả", tables=(WIDE,)),))
    pdf = PdfReader(BytesIO(render_pdf(report)))
    runs = [text for page in pdf.pages for text, _x, _y in _lines(page)]
    for whole in ("1.234.567,5", "246.913,2", "16/04/2020 – 20/11/2020"):
        assert any(whole in run for run in runs), (whole, runs)


def test_a_unit_of_measure_stays_on_one_line_and_long_text_wraps_between_words():
    from antoan.reports.docx import CHAR_WIDTH, _column_widths

    table = Table(
        key="don-vi",
        title="Bảng 9. Mô hình",
        columns=("Chỉ tiêu", "Đơn vị tính", "Năm 2020", "Ghi chú"),
        rows=(("Mô hình tự quản đang hoạt động", "mô hình", 53, "kiểm tra định kỳ theo kế hoạch của huyện"),
              ("Tiền phạt", "triệu đồng", 962.5, "")),
        number_format=("", "", "num", ""),
    )  # fmt: skip
    widths = _column_widths(table, table.number_format + ("",))
    assert widths[1] >= CHAR_WIDTH * len("triệu đồng")
    assert widths[3] < CHAR_WIDTH * len("kiểm tra định kỳ theo kế hoạch của huyện") / 2


@needs_soffice
def test_the_signature_never_stands_alone_on_a_page(tmp_path):
    """Reports ending one line further down the page each time: wherever the page turns, the last paragraph of the
    text is on the page of "Nơi nhận" and the signature."""
    from dataclasses import replace

    closing = "Đề nghị UBND tỉnh tiếp tục quan tâm chỉ đạo công tác bảo đảm an ninh, trật tự ở cơ sở."
    paths = []
    for extra in range(14):
        filler = tuple(f"Nhiệm vụ thứ {n + 1} của năm 2021." for n in range(extra))
        last = Section(number="IV", title="Đề xuất, kiến nghị", paragraphs=(*filler, closing))
        report = sample_report()
        report = replace(report, sections=(*report.sections, last))
        paths.append(tmp_path / f"ket-thuc-{extra:02d}.docx")
        paths[-1].write_bytes(render_docx(report))
    for pdf_path in docx_to_pdf_many(paths, tmp_path / "pdf"):
        pages = [_flat(page.extract_text()) for page in PdfReader(pdf_path).pages]
        signed = next(page for page in pages if "Nơi nhận" in page)
        assert _flat(closing)[:40] in signed.replace("\n", " "), pdf_path.name
