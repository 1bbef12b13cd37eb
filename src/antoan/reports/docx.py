"""A `Report` as a Word document laid out by Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức văn bản hành chính).

Everything visible is carried by named paragraph styles defined here ("AT Quoc hieu", "AT Muc I", …), so an
official who opens the file in Word or LibreOffice can restyle the whole report in one place. The only direct
formatting is structural and documented in docs/reports.md ("DOCX and PDF layout"):
- the left/right indents of the short horizontal rules (their length depends on the line they underline);
- table geometry (column widths, borders, cell margins, the repeated header row, rows that may not split).
Runs carry no font, size, bold or italic of their own.

The layout rules (margins, fonts, sizes) cite their source in `RULES_SOURCE`; change them here only with the
decree in hand.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime, time
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.styles import styleId_from_name
from docx.shared import Cm, Mm, Pt, RGBColor

from antoan.indicators.format import number_vi

from .document import Chart, Report, Section, Table

RULES_SOURCE = "Nghị định 30/2020/NĐ-CP, Phụ lục I (Thể thức và kỹ thuật trình bày văn bản hành chính)"

FONT = "Times New Roman"
LANGUAGE = "vi-VN"

# Page (Phụ lục I, khổ giấy and định lề: A4 portrait; top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm).
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT = Mm(30)
MARGIN_RIGHT = Mm(15)
HEADER_DISTANCE = Mm(10)  # the page number sits in the top margin
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm

# Body text (Phụ lục I, nội dung văn bản: 13-14 pt, justified, first-line indent 1-1.27 cm, paragraph spacing ≥ 6 pt,
# line spacing from single to 1.5 lines).
BODY_SIZE = Pt(14)
FIRST_LINE_INDENT = Cm(1.27)
PARAGRAPH_SPACING = Pt(6)
LINE_SPACING = 1.15

# Header block geometry: a borderless two-column table across the text width.
HEADER_LEFT = Mm(70)  # issuing body, "Số: …"
HEADER_RIGHT = TEXT_WIDTH - HEADER_LEFT  # Quốc hiệu, Tiêu ngữ, place and date (95 mm)
SIGN_LEFT = Mm(80)  # "Nơi nhận:"
SIGN_RIGHT = TEXT_WIDTH - SIGN_LEFT  # signature block
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU_WIDTH = Mm(59)  # "Độc lập - Tự do - Hạnh phúc" in Times New Roman bold 13 pt (measured)
CHART_WIDTH = Cm(15)


@dataclass(frozen=True)
class StyleSpec:
    name: str
    size: float  # pt
    bold: bool = False
    italic: bool = False
    align: str = "center"  # "center", "left", "right", "justify"
    indent: bool = False  # first-line indent 1.27 cm (body paragraphs)
    before: float = 0  # pt
    after: float = 0  # pt
    line: float = 1.0  # line-spacing multiple
    keep_next: bool = False
    outline: int | None = None  # outline level (Word's navigation pane, PDF bookmarks)
    base: str = "Normal"


# The named styles, each with the line of Phụ lục I it implements.
STYLES: tuple[StyleSpec, ...] = (
    # Quốc hiệu: caps, 12-13 pt, bold, upright (Quốc hiệu và Tiêu ngữ).
    StyleSpec("AT Quoc hieu", 12, bold=True),
    # Tiêu ngữ: 13-14 pt, bold, first letters capitalised, hyphens between the phrases (Quốc hiệu và Tiêu ngữ).
    StyleSpec("AT Tieu ngu", 13, bold=True),
    # Parent body: caps, 12-13 pt, upright (tên cơ quan, tổ chức ban hành).
    StyleSpec("AT Co quan", 12),
    # Issuing body: caps, 12-13 pt, bold (tên cơ quan, tổ chức ban hành).
    StyleSpec("AT Co quan ban hanh", 12, bold=True, base="AT Co quan"),
    # Số, ký hiệu: 13 pt, upright, centred under the issuing body (số, ký hiệu).
    StyleSpec("AT So ky hieu", 13, before=6),
    # Place and date: 13-14 pt, italic, centred under Quốc hiệu and Tiêu ngữ, on the line of "Số" (địa danh, thời gian).
    StyleSpec("AT Dia danh", 13, italic=True, before=6),
    # Document type: caps, 13-14 pt, bold, centred (tên loại).
    StyleSpec("AT Ten loai", 14, bold=True, before=18, keep_next=True),
    # Subject: 13-14 pt, bold, centred under the type, a short rule under it (trích yếu nội dung).
    StyleSpec("AT Trich yeu", 14, bold=True, keep_next=True),
    # Short horizontal rules (a bottom border on an almost empty paragraph).
    StyleSpec("AT Duong ke", 1, after=0, keep_next=True),
    # Body headings: mục (roman numeral, caps, bold), khoản (arabic, bold), điểm (letter + ")", italic).
    StyleSpec("AT Muc I", 14, bold=True, align="justify", indent=True, before=12, after=6, keep_next=True, outline=0),
    StyleSpec("AT Muc 1", 14, bold=True, align="justify", indent=True, after=6, keep_next=True, outline=1),
    StyleSpec("AT Muc a", 14, italic=True, align="justify", indent=True, after=6, keep_next=True, outline=2),
    # Tables: title above (bold), cells 12 pt without indent; header cells bold; numbers right-aligned.
    StyleSpec("AT Ten bang", 13, bold=True, before=6, after=6, keep_next=True),
    StyleSpec("AT Bang", 12, align="left", before=2, after=2),
    StyleSpec("AT Bang dau", 12, bold=True, before=2, after=2, base="AT Bang"),
    StyleSpec("AT Bang so", 12, align="right", before=2, after=2, base="AT Bang"),
    StyleSpec("AT Sau bang", 1),  # an empty 6 pt line after a table without a source note
    # Charts: the picture, then its title as a caption.
    StyleSpec("AT Hinh", 12, before=6, keep_next=True),
    StyleSpec("AT Chu thich hinh", 12, bold=True, after=6),
    # Notes and table sources: small italics.
    StyleSpec("AT Ghi chu", 12, italic=True, align="justify", after=6),
    # Nơi nhận: "Nơi nhận:" 12 pt bold italic; the lines 11 pt, upright, each starting with "- " (nơi nhận).
    StyleSpec("AT Noi nhan", 12, bold=True, italic=True, align="left"),
    StyleSpec("AT Noi nhan dong", 11, align="left"),
    # Signature (chức vụ, họ tên người ký): authority and title caps 13-14 bold; the name 13-14 bold, room to sign.
    StyleSpec("AT Chuc vu ky", 14, bold=True),
    StyleSpec("AT Ten nguoi ky", 14, bold=True, before=72),
)


def render_docx(report: Report) -> bytes:
    """The report as a .docx file (bytes), ready to download, sign and file."""
    document = Document()
    _setup_page(document)
    _setup_styles(document)
    _setup_properties(document, report)
    _setup_page_numbers(document)

    _header_block(document, report)
    _title_block(document, report)
    for text in report.opening:
        _para(document, text, "Normal")
    _body(document, report)
    _closing_block(document, report)
    _appendix(document, report)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Page, styles, properties
# ---------------------------------------------------------------------------------------------------------------


def _setup_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.top_margin = MARGIN_TOP
    section.bottom_margin = MARGIN_BOTTOM
    section.left_margin = MARGIN_LEFT
    section.right_margin = MARGIN_RIGHT
    section.header_distance = HEADER_DISTANCE
    section.footer_distance = HEADER_DISTANCE
    section.gutter = 0


def _set_fonts(rpr) -> None:
    """Times New Roman for every script slot (Latin, East-Asian, complex), replacing theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _setup_styles(document) -> None:
    styles = document.styles

    # Document defaults: Times New Roman 14 pt, Vietnamese, for anything not styled (table cells, header).
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    _set_language(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))

    normal = styles["Normal"]
    normal.font.name = FONT
    _set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = BODY_SIZE
    normal.font.color.rgb = RGBColor(0, 0, 0)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = FIRST_LINE_INDENT
    fmt.space_before = Pt(0)
    fmt.space_after = PARAGRAPH_SPACING
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = LINE_SPACING
    fmt.widow_control = True

    # The page-number header: 13 pt, centred, upright (số trang: 13-14 pt, in the top margin).
    header = styles["Header"]
    header.base_style = normal
    header.font.size = Pt(13)
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.paragraph_format.first_line_indent = Cm(0)
    header.paragraph_format.space_after = Pt(0)
    header.paragraph_format.line_spacing = 1.0

    alignments = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }
    for spec in STYLES:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[spec.base]
        style.next_paragraph_style = normal
        style.quick_style = True
        style.font.size = Pt(spec.size)
        style.font.bold = spec.bold
        style.font.italic = spec.italic
        fmt = style.paragraph_format
        fmt.alignment = alignments[spec.align]
        fmt.first_line_indent = FIRST_LINE_INDENT if spec.indent else Cm(0)
        fmt.space_before = Pt(spec.before)
        fmt.space_after = Pt(spec.after)
        fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        fmt.line_spacing = spec.line
        fmt.keep_with_next = spec.keep_next
        if spec.outline is not None:
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(spec.outline))
            style.element.get_or_add_pPr().append(outline)

    # The rule paragraphs: a 1 pt line with a 0.75 pt bottom border (under Tiêu ngữ, issuer, trích yếu: "đường kẻ ngang,
    # nét liền").
    rule = styles["AT Duong ke"]
    rule.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    rule.paragraph_format.line_spacing = Pt(2)
    _add_border(rule.element.get_or_add_pPr(), "bottom")
    gap = styles["AT Sau bang"]
    gap.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    gap.paragraph_format.line_spacing = Pt(6)


def _add_border(ppr, side: str) -> None:
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), "6")  # eighths of a point: 0.75 pt
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), "000000")
    borders.append(line)
    # pBdr must come before spacing/ind/jc in pPr (schema order); insert it after keepNext/keepLines if present.
    anchor = None
    for tag in ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr"):
        found = ppr.find(qn(tag))
        if found is not None:
            anchor = found
    if anchor is None:
        ppr.insert(0, borders)
    else:
        anchor.addnext(borders)


def _setup_properties(document, report: Report) -> None:
    properties = document.core_properties
    properties.title = f"{report.title} {report.subject}".strip()
    properties.subject = report.subject
    properties.author = "antoan"
    properties.last_modified_by = "antoan"
    properties.language = LANGUAGE
    properties.keywords = f"{report.unit_name}; {report.period_label}"
    properties.category = report.kind
    properties.comments = report.number
    issued = datetime.combine(report.issued_on, time(8, 0))
    properties.created = issued
    properties.modified = issued
    properties.revision = 1
    document.settings.element.find(qn("w:themeFontLang")).set(qn("w:val"), LANGUAGE)


def _setup_page_numbers(document) -> None:
    """Page numbers centred in the top margin, not on the first page (Phụ lục I, số trang)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.is_linked_to_previous = False
    _style(first.paragraphs[0], "Header")  # stays empty

    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    _style(paragraph, "Header")
    _add_field(paragraph, "PAGE", "2")


def _add_field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end): Word and LibreOffice update it."""

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run_with(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# ---------------------------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------------------------


def _estimated_width(text: str, size_pt: float, *, caps: bool) -> int:
    """A line's width in EMU, from the average advance of Times New Roman bold (measured with the
    metric-compatible Liberation Serif): caps ≈ 0.62 em, mixed case ≈ 0.49 em."""
    em = 0.62 if caps else 0.49
    return int(Pt(size_pt * em * len(text)))


def _rule(container, width: int, length: int) -> None:
    """A centred horizontal rule `length` long inside a box `width` wide (a bottom border between indents)."""
    paragraph = _para(container, "", "AT Duong ke")
    side = max(0, (width - length) // 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side


def _plain_table(document, widths: tuple[int, ...], rows: int = 1, top: int = 0):
    """A borderless table with fixed column widths and no side padding (header and signature blocks); `top` is
    the cells' top margin in twentieths of a point."""
    table = document.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_borders(table, "nil")
    _table_cell_margins(table, top=top, left=0, right=0)
    _fix_widths(table, widths)
    return table


def _fix_widths(table, widths: tuple[int, ...]) -> None:
    """Fixed layout (`autofit = False`), the table width and each column's and cell's width."""
    width = table._tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(int(sum(widths) / 635)))  # EMU → twentieths of a point
    for column, size in zip(table.columns, widths, strict=True):
        column.width = size
        for cell in column.cells:
            cell.width = size


# The children of w:tblPr in the order the schema (ECMA-376, CT_TblPr) requires; Word refuses other orders.
TBL_PR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)


def _set_tbl_pr(table, element) -> None:
    """Put `element` into the table's properties, replacing one of the same kind, in schema order."""
    tbl_pr = table._tbl.tblPr
    tag = element.tag
    for old in tbl_pr.findall(tag):
        tbl_pr.remove(old)
    rank = TBL_PR_ORDER.index(tag.split("}")[1])
    for index, child in enumerate(tbl_pr):
        name = child.tag.split("}")[1]
        if name in TBL_PR_ORDER and TBL_PR_ORDER.index(name) > rank:
            tbl_pr.insert(index, element)
            return
    tbl_pr.append(element)


def _table_borders(table, value: str) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), value)
        if value != "nil":
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    _set_tbl_pr(table, borders)


def _table_cell_margins(table, **sides: int) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side, twips in sides.items():
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    _set_tbl_pr(table, margins)


def _para(container, text: str, style: str):
    """A paragraph in a named style, appended to the body or a cell."""
    paragraph = container.add_paragraph(text)
    _style(paragraph, style)
    return paragraph


def _style(paragraph, style: str) -> None:
    # By id: python-docx's assignment by name scans all styles each time (half the rendering time).
    if style != "Normal":
        paragraph._p.style = styleId_from_name(style)


def _set_cell_text(cell, text: str, style: str) -> None:
    """The first paragraph of a new cell (a cell always holds one) gets the text."""
    paragraph = cell.paragraphs[0]
    _style(paragraph, style)
    paragraph.add_run(text)


def _row_flag(row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement(tag)
    tr_pr.append(flag)


# ---------------------------------------------------------------------------------------------------------------
# Header, title, body, closing
# ---------------------------------------------------------------------------------------------------------------


def _header_block(document, report: Report) -> None:
    """Top left: parent body, issuing body (bold), short rule, "Số: …". Top right: Quốc hiệu, Tiêu ngữ with a rule
    as long as the line, then the place and date on the line of "Số" (Phụ lục I)."""
    table = _plain_table(document, (HEADER_LEFT, HEADER_RIGHT), rows=2)
    _row_flag(table.rows[0], "w:cantSplit")

    left, right = table.rows[0].cells
    issuers = [line.upper() for line in report.issuer_lines] or [""]
    for index, line in enumerate(issuers):
        style = "AT Co quan ban hanh" if index == len(issuers) - 1 else "AT Co quan"
        if index == 0:
            _set_cell_text(left, line, style)
        else:
            _para(left, line, style)
    issuer_width = min(_estimated_width(issuers[-1], 12, caps=True), HEADER_LEFT)
    _rule(left, HEADER_LEFT, max(int(issuer_width * 0.4), int(Mm(20))))

    _set_cell_text(right, QUOC_HIEU, "AT Quoc hieu")
    _para(right, TIEU_NGU, "AT Tieu ngu")
    _rule(right, HEADER_RIGHT, TIEU_NGU_WIDTH)

    number_cell, date_cell = table.rows[1].cells
    _set_cell_text(number_cell, report.number, "AT So ky hieu")
    _set_cell_text(date_cell, report.place_date, "AT Dia danh")


def _title_block(document, report: Report) -> None:
    _para(document, report.title.upper(), "AT Ten loai")
    if report.subject:
        _para(document, report.subject, "AT Trich yeu")
        line = min(_estimated_width(report.subject, 14, caps=False), TEXT_WIDTH)
        _rule(document, TEXT_WIDTH, max(int(line * 0.4), int(Mm(30))))


def _body(document, report: Report) -> None:
    for section in report.sections:
        _section(document, section, depth=0)


def _appendix(document, report: Report) -> None:
    """"PHỤ LỤC" on a new page after the signature: what the unit chose to put there (the charts)."""
    for section in report.appendix:
        heading = _para(document, section.title.upper(), "AT Ten loai")
        heading.paragraph_format.page_break_before = True
        for chart in section.charts:
            _chart(document, chart)
        for table in section.tables:
            _table(document, table)


def _heading_text(section: Section, depth: int) -> str:
    if depth == 0:
        return f"{section.number}. {section.title.upper()}"
    if depth == 1:
        return f"{section.number}. {section.title}"
    return f"{section.number}) {section.title}"


HEADING_STYLES = ("AT Muc I", "AT Muc 1", "AT Muc a")


def _section(document, section: Section, depth: int) -> None:
    """The heading (none for an unnamed block of paragraphs), the text, each chart right after the text it
    illustrates, then the tables, then the subsections."""
    if section.title:
        _para(document, _heading_text(section, depth), HEADING_STYLES[min(depth, 2)])
    for text in section.paragraphs:
        _para(document, text, "Normal")
    for chart in section.charts:
        _chart(document, chart)
    for table in section.tables:
        _table(document, table)
    for child in section.subsections:
        _section(document, child, depth + 1)


def format_cell(value, number_format: str) -> str:
    """A table cell as printed: numbers the Vietnamese way (1.234; 10,2), "%" after percentages, "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if number_format == "pct":
        return f"{number_vi(float(value), 1)}%"
    if number_format == "vnd":
        return number_vi(round(value))
    return number_vi(value)


CHAR_WIDTH = Pt(12 * 0.5)  # the advance of a digit of Times New Roman 12 pt (half an em); letters average less
CELL_PADDING = Cm(0.45)  # both cell margins (1.5 mm each) and a little air
FIRST_COLUMN_MIN = 0.25  # of the text width: the row names wrap in what is left, never narrower than this
SHORT_TEXT = 12  # characters: a text cell this short ("mô hình", "triệu đồng") is kept on one line
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}")


def _column_widths(table: Table, formats: tuple[str, ...]) -> tuple[int, ...]:
    """Fitted to the content, so that numbers and dates never wrap: a column of numbers or dates is as wide as its
    longest cell (and its header's longest word); a column of short text (units of measure), as its longest cell; a
    column of longer text, as its longest word (it wraps between words); the first column (the row names) takes what
    is left. Only when that leaves it less than a quarter of the width do the other columns give way, in proportion."""
    columns = len(table.columns)
    if columns == 1:
        return (int(TEXT_WIDTH),)
    widths = []
    for index in range(1, columns):
        cells = [format_cell(row[index] if index < len(row) else None, formats[index]) for row in table.rows]
        header_word = max((len(word) for word in str(table.columns[index]).split()), default=1)
        unbreakable = (formats[index] in ("int", "num", "pct", "vnd") or any(_DATE.search(c) for c in cells)
                       or all(len(c) <= SHORT_TEXT for c in cells))  # fmt: skip
        if unbreakable:
            longest = max((len(c) for c in cells), default=1)
        else:
            longest = max((len(word) for c in cells for word in c.split()), default=1)
        widths.append(int(CHAR_WIDTH * max(longest, header_word, 3) + CELL_PADDING))
    room = int(TEXT_WIDTH) - sum(widths)
    floor = int(TEXT_WIDTH * FIRST_COLUMN_MIN)
    if room < floor:
        scale = (int(TEXT_WIDTH) - floor) / sum(widths)
        widths = [int(w * scale) for w in widths]
        room = int(TEXT_WIDTH) - sum(widths)
    return (room, *widths)


def _table(document, table: Table) -> None:
    if table.title:
        _para(document, table.title, "AT Ten bang")
    columns = len(table.columns)
    formats = tuple(table.number_format) + ("",) * (columns - len(table.number_format))
    grid = document.add_table(rows=1 + len(table.rows), cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _table_borders(grid, "single")
    _table_cell_margins(grid, left=85, right=85)  # 1.5 mm
    _fix_widths(grid, _column_widths(table, formats))
    if table.title:  # the table's accessible name (Word: Table Properties → Alt Text)
        caption = OxmlElement("w:tblCaption")
        caption.set(qn("w:val"), table.title)
        _set_tbl_pr(grid, caption)

    header = grid.rows[0]
    _row_flag(header, "w:cantSplit")
    _row_flag(header, "w:tblHeader")  # repeated at the top of each page
    for cell, text in zip(header.cells, table.columns, strict=True):
        _set_cell_text(cell, str(text), "AT Bang dau")
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        _row_flag(row, "w:cantSplit")
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=False)):
            numeric = index > 0 and (isinstance(value, int | float) or value is None)
            _set_cell_text(cell, format_cell(value, formats[index]), "AT Bang so" if numeric else "AT Bang")
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    if table.note:
        _para(document, table.note, "AT Ghi chu")
    else:
        _para(document, "", "AT Sau bang")  # a 6 pt gap: the next paragraph must not touch the table


def _chart(document, chart: Chart) -> None:
    from antoan.reports.charts import chart_png

    # The title is printed once, as the caption (text the reader can search and restyle), not inside the image.
    paragraph = _para(document, "", "AT Hinh")
    paragraph.add_run().add_picture(BytesIO(chart_png(replace(chart, title=""))), width=CHART_WIDTH)
    if chart.title:
        _para(document, chart.title, "AT Chu thich hinh")


def _recipient_lines(recipients: tuple[str, ...]) -> list[str]:
    """ "- Như trên;" … "- Lưu: VT, CA." — a semicolon after each line, a full stop after the last (nơi nhận)."""
    lines = []
    for index, recipient in enumerate(recipients):
        text = recipient.strip().lstrip("-").strip().rstrip(";.,").strip()
        end = "." if index == len(recipients) - 1 else ";"
        lines.append(f"- {text}{end}")
    return lines


def _closing_block(document, report: Report) -> None:
    """Bottom left "Nơi nhận:", bottom right the signature, side by side (Phụ lục I). The last paragraph of the text
    goes to the next page with it: a signature never stands alone on a page."""
    blocks = [element for element in document.element.body if element.tag != qn("w:sectPr")]
    if blocks and blocks[-1].tag == qn("w:p"):
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    table = _plain_table(document, (SIGN_LEFT, SIGN_RIGHT), top=240)  # 12 pt above the block
    row = table.rows[0]
    _row_flag(row, "w:cantSplit")
    left, right = row.cells

    _set_cell_text(left, "Nơi nhận:", "AT Noi nhan")
    for line in _recipient_lines(report.recipients):
        _para(left, line, "AT Noi nhan dong")

    lines = report.signature.lines
    _set_cell_text(right, lines[0], "AT Chuc vu ky")
    for line in lines[1:]:
        _para(right, line, "AT Chuc vu ky")
    _para(right, report.signature.signer, "AT Ten nguoi ky")
    # Word ends a body with a paragraph, never with a table: a 6 pt empty line closes the document.
    _para(document, "", "AT Sau bang")
