"""The report's tables as an Excel workbook (openpyxl): a summary sheet "Tổng hợp", then one sheet per table.

Numbers stay numbers, so the figures can be summed and charted in Excel. Their formats are Excel's own:
`#,##0` for counts and amounts in đồng, `0.0"%"` for percentages. In an Excel format code "," and "." are
placeholders for the viewer's own thousands and decimal separators (Excel has no per-workbook locale and a
format such as `#.##0` means something else), so a Vietnamese-locale Excel or LibreOffice shows 1.234 and
10,2%, an English-locale one 1,234 and 10.2%. Writing "1.234" as text would force the look but break every
sum, so we do not. A percentage is stored as the table gives it (10.2, not 0.102), with the "%" sign as
literal text in the format, so the cell value is exactly the figure in the report.

Text is always text: a cell beginning with = + - @ is stored as a string with Excel's quote prefix, never as a
formula (no formula injection from names typed by users).
"""

import io
import math
import re
from datetime import datetime, time

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from antoan.indicators.format import number_vi

from .document import Report, Table

SUMMARY_SHEET = "Tổng hợp"
FORMATS = {
    "int": "#,##0",
    "num": "#,##0",  # whole or decimal: a decimal value gets FRACTION_FORMAT
    "vnd": "#,##0",
    "pct": '0.0"%"',
}
FRACTION_FORMAT = "#,##0.0#"  # an "int"/"vnd" cell that nevertheless has decimals: show them, not a rounded value
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
FREEZE = f"A{FIRST_DATA_ROW}"  # rows 1–2 (title, header) stay in view

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")
_FONT = "Times New Roman"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31


def render_xlsx(report: Report) -> bytes:
    """The workbook as bytes (.xlsx)."""
    workbook = Workbook()
    workbook.properties.title = _clean(f"{report.title} {report.subject}".strip())
    workbook.properties.subject = _clean(f"{report.unit_name}, {report.period_label}")
    workbook.properties.creator = "antoan"
    workbook.properties.language = "vi-VN"
    workbook.properties.created = datetime.combine(report.issued_on, time())

    summary = workbook.active
    summary.title = SUMMARY_SHEET
    names = sheet_names([table.key for table in report.tables()])
    for table, name in zip(report.tables(), names, strict=True):
        _table_sheet(workbook.create_sheet(name), table, report)
    _summary_sheet(summary, report, list(zip(report.tables(), names, strict=True)))

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_names(keys: list[str]) -> list[str]:
    """Excel sheet names for the tables' keys: at most 31 characters, none of []:*?/\\, not starting or ending
    with an apostrophe, not "History" (reserved by Excel), unique ignoring case (also against "Tổng hợp")."""
    taken = {SUMMARY_SHEET.casefold()}
    names: list[str] = []
    for key in keys:
        base = _SHEET_FORBIDDEN.sub("_", _clean(key)).strip().strip("'").strip() or "Bang"
        if base.casefold() == "history":
            base += "_"
        base = base[:_MAX_SHEET_NAME]
        name, counter = base, 1
        while name.casefold() in taken:
            counter += 1
            suffix = f"_{counter}"
            name = base[: _MAX_SHEET_NAME - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


# --- sheets -------------------------------------------------------------------------------------------------


def _summary_sheet(ws: Worksheet, report: Report, tables: list[tuple[Table, str]]) -> None:
    ws["A1"] = _text(report.title)
    ws["A1"].font = Font(name=_FONT, bold=True, size=14)
    ws["A2"] = _text(report.subject)
    ws["A2"].font = Font(name=_FONT, bold=True, size=12)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A1:C1")
    ws.merge_cells("A2:C2")
    ws.row_dimensions[2].height = 15 * max(1, math.ceil(len(report.subject) / 90))

    facts = [
        ("Đơn vị", report.unit_name),
        ("Kỳ báo cáo", report.period_label),
        ("So sánh với", report.comparison_label),
        ("Số", report.number.removeprefix("Số:").strip()),
        ("Địa danh, ngày", report.place_date),
        ("Ngày ban hành", report.issued_on),
    ]
    row = 4
    for label, value in facts:
        _put(ws.cell(row=row, column=1), label).font = Font(name=_FONT, bold=True)
        cell = ws.cell(row=row, column=2)
        if label == "Ngày ban hành":
            cell.value = datetime.combine(value, time())
            cell.number_format = "DD/MM/YYYY"
            cell.alignment = Alignment(horizontal="left")
        else:
            _put(cell, value)
        cell.font = Font(name=_FONT)
        row += 1
    if report.empty:
        _put(ws.cell(row=row, column=1), "Không có số liệu trong kỳ báo cáo.").font = Font(name=_FONT, italic=True)
        row += 1

    row += 1
    _put(ws.cell(row=row, column=1), "Các bảng số liệu").font = Font(name=_FONT, bold=True, size=12)
    row += 1
    for column, header in enumerate(("STT", "Bảng", "Trang tính"), start=1):
        _header_cell(ws.cell(row=row, column=column), header)
    row += 1
    for index, (table, name) in enumerate(tables, start=1):
        ws.cell(row=row, column=1, value=index).alignment = Alignment(horizontal="center", vertical="top")
        _put(ws.cell(row=row, column=2), table.title).alignment = Alignment(wrap_text=True, vertical="top")
        link = _put(ws.cell(row=row, column=3), name)
        quoted = name.replace("'", "''")
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1", display=name)  # in-workbook
        link.font = Font(name=_FONT, color="0563C1", underline="single")
        for column in (1, 2, 3):
            ws.cell(row=row, column=column).border = _BORDER
            if column != 3:
                ws.cell(row=row, column=column).font = Font(name=_FONT)
        row += 1
    if not tables:
        _put(ws.cell(row=row, column=1), "Báo cáo không có bảng số liệu.").font = Font(name=_FONT, italic=True)
        row += 1

    ws.column_dimensions["A"].width = 18
    longest = max([len(table.title) for table, _ in tables] + [len(str(value)) for _, value in facts])
    ws.column_dimensions["B"].width = max(40, min(80, longest + 2))
    ws.column_dimensions["C"].width = max(14, max((len(n) for _, n in tables), default=10) + 2)
    _print_setup(ws, report, landscape=False)


def _table_sheet(ws: Worksheet, table: Table, report: Report) -> None:
    width = max(len(table.columns), max((len(r) for r in table.rows), default=0), 1)
    last = get_column_letter(width)

    title = _put(ws.cell(row=TITLE_ROW, column=1), table.title)
    title.font = Font(name=_FONT, bold=True, size=13)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if width > 1:
        ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")

    for column, header in enumerate(table.columns, start=1):
        _header_cell(ws.cell(row=HEADER_ROW, column=column), header)

    widths = [min(len(str(h)), 30) for h in table.columns] + [0] * (width - len(table.columns))
    for offset, cells in enumerate(table.rows):
        row = FIRST_DATA_ROW + offset
        for index, value in enumerate(cells):
            kind = table.number_format[index] if index < len(table.number_format) else ""
            cell = ws.cell(row=row, column=index + 1)
            shown = _value_cell(cell, value, kind)
            cell.border = _BORDER
            widths[index] = max(widths[index], len(shown))
        for index in range(len(cells), width):  # a short row: still a bordered grid
            ws.cell(row=row, column=index + 1).border = _BORDER

    if table.note:
        note_row = FIRST_DATA_ROW + len(table.rows) + 1
        note = _put(ws.cell(row=note_row, column=1), table.note)
        note.font = Font(name=_FONT, italic=True, size=10)

    for index, chars in enumerate(widths, start=1):
        # Vietnamese diacritics take no extra width; a little padding for the borders and the filter arrow.
        cap = 60 if index == 1 else 24
        ws.column_dimensions[get_column_letter(index)].width = max(8, min(cap, chars + 3))
    ws.row_dimensions[TITLE_ROW].height = 20 * max(1, math.ceil(len(table.title) / max(sum(widths), 1)))

    ws.freeze_panes = FREEZE
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"  # the header again on every printed page
    _print_setup(ws, report, landscape=True)


def _value_cell(cell, value, kind: str) -> str:
    """Writes one table cell; returns the text it shows (for the column width)."""
    cell.font = Font(name=_FONT)
    if isinstance(value, bool):
        value = "Có" if value else "Không"
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    if value is None:
        return ""
    if isinstance(value, int | float):
        cell.value = value
        if kind in FORMATS:
            fraction = kind != "pct" and isinstance(value, float) and not value.is_integer()
            cell.number_format = FRACTION_FORMAT if fraction else FORMATS[kind]
        cell.alignment = Alignment(horizontal="right", vertical="top")
        return number_vi(value) + ("%" if kind == "pct" else "")
    _put(cell, value)
    cell.alignment = Alignment(wrap_text=len(str(value)) > 60, vertical="top")
    return str(value)


def _header_cell(cell, text: str):
    _put(cell, text)
    cell.font = Font(name=_FONT, bold=True)
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _put(cell, value):
    """A text cell that stays text: never a formula, never an illegal XML character."""
    text = _text(value)
    cell.value = text
    if text.startswith(_FORMULA_START):
        cell.data_type = "s"  # openpyxl would otherwise write "=…" as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _text(value) -> str:
    return _clean(str(value))


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _print_setup(ws: Worksheet, report: Report, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    unit = _header_text(report.unit_name)
    ws.oddHeader.left.text = unit
    ws.oddHeader.right.text = _header_text(report.period_label)
    ws.oddFooter.left.text = unit
    ws.oddFooter.center.text = "Trang &P/&N"


def _header_text(text: str) -> str:
    return _clean(text).replace("&", "&&")  # "&" starts a code in Excel's header/footer language
