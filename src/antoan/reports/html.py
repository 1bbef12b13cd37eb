"""The report as HTML, laid out like the printed document (Nghị định 30/2020/NĐ-CP, Phụ lục I).

`render_html(report)` gives a standalone page (`<html lang="vi">`, the stylesheet inlined) to save as a file;
`render_html(report, standalone=False)` gives only `<article class="report">…</article>` for the report page on
the site, which links the same stylesheet from static files (`reports/document.css`) because the site's
Content-Security-Policy blocks inline `<style>`. Every text is escaped: by the template, or here for the tables' rows.

The charts of a file are inline SVG drawn by matplotlib (`charts.chart_svg`: no script, no style attribute), as in
the DOCX and the PDF. The site's preview carries each chart's values instead (`chart_data`, in a JSON script
element), which the browser draws with Chart.js (`reports/preview.js`), as the dashboard draws its own: a drawing
costs the server 0.15 – 0.25 s of CPU, and the preview is opened again after every change of the records
(docs/decisions/0005).

The template gets no `Report` logic: this module flattens the nested sections into a list of "open" / "close"
items (so the template needs no recursion) and writes the tables' rows, every cell formatted with `number_vi`
(1.234; 10,2%) and escaped.
"""

import re
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.html import escape, json_script
from django.utils.safestring import mark_safe

from antoan.indicators.format import number_vi

from .charts import COLOURS, chart_svg
from .document import Chart, Report, Section, Table

TEMPLATE = "reports/document.html"
STYLESHEET = "reports/document.css"  # a static file
_STYLESHEET_PATH = Path(__file__).parent / "static" / STYLESHEET

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
NOI_NHAN = "Nơi nhận:"
NUMERIC_KINDS = ("int", "num", "vnd", "pct")  # a table column's number_format that right-aligns it


def render_html(report: Report, *, standalone: bool = True) -> str:
    context = {
        "report": report,
        "standalone": standalone,
        "stylesheet": STYLESHEET,
        "css": mark_safe(_css()) if standalone else "",  # our own file, not user input
        "quoc_hieu": QUOC_HIEU,
        "tieu_ngu": TIEU_NGU,
        "noi_nhan": NOI_NHAN,
        "issuer_upper": report.issuer_lines[:-1],
        "issuer_main": report.issuer_lines[-1] if report.issuer_lines else "",
        "body": _body(report.sections, drawn=standalone),
        "appendix": _body(report.appendix, drawn=standalone),
        "recipients": recipient_lines(report.recipients),
        "signature_lines": report.signature.lines,
    }
    return render_to_string(TEMPLATE, context)


def heading_label(section: Section) -> str:
    """ "I." / "1." for Roman and Arabic numbers, "a)" for letters (Nghị định 30/2020, Phụ lục I, mục II)."""
    number = section.number.strip()
    if not number:
        return ""
    if re.fullmatch(r"[a-zđ]", number):
        return f"{number})"
    return f"{number}."


def recipient_lines(recipients: tuple[str, ...]) -> list[str]:
    """ "- Như trên;" … "- Lưu: VT, CA.": a dash before each, ";" after each but the last, "." after the last,
    whether or not the context already wrote the punctuation."""
    lines = [r.strip().removeprefix("-").strip().rstrip(";.").rstrip() for r in recipients if r.strip()]
    return [f"- {line}{'.' if i == len(lines) - 1 else ';'}" for i, line in enumerate(lines)]


def cell_text(value, kind: str) -> str:
    """A table cell as the report prints it: 1.234, 10,2%, "—" for no value."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int | float):
        if kind == "pct":
            return number_vi(value) + "%"
        if kind in ("int", "num", "vnd") or isinstance(value, float):
            return number_vi(value)
        return str(value)  # a whole number in a text column (a year, a code): as it is
    return str(value)


# --- view model ---------------------------------------------------------------------------------------------


def chart_data(chart: Chart) -> dict:
    """What the preview's script draws a chart from: its kind, categories, series and value axis, and the
    colours of the printed charts."""
    return {
        "kind": chart.kind,
        "labels": [str(label) for label in chart.labels],
        "series": [{"name": str(name), "values": list(values)} for name, values in chart.series],
        "yLabel": str(chart.y_label),
        "colours": list(COLOURS),
    }


def _body(sections: tuple[Section, ...], *, drawn: bool) -> list[dict]:
    """The sections depth-first as {"open": …} / {"close": True} items. `drawn`: the charts as SVG, else as their
    data for the browser."""
    items: list[dict] = []

    def walk(sections, depth: int):
        for section in sections:
            items.append({"open": _section(section, depth, drawn=drawn)})
            walk(section.subsections, depth + 1)
            items.append({"close": True})

    walk(sections, 1)
    return items


def _section(section: Section, depth: int, *, drawn: bool) -> dict:
    charts = []
    for chart in section.charts:
        # The caption under the figure carries the title; the SVG is built by ElementTree, so it is escaped, and
        # json_script escapes what could end its element.
        if drawn:
            charts.append({"chart": chart, "svg": mark_safe(chart_svg(chart, with_title=False))})
        else:
            charts.append({"chart": chart, "data": json_script(chart_data(chart))})
    return {
        "section": section,
        "depth": depth,
        "heading_tag": f"h{min(depth + 1, 6)}",
        "label": heading_label(section),
        "tables": [_table(table) for table in section.tables],
        "charts": charts,
    }


def _table(table: Table) -> dict:
    """The table's rows as HTML, escaped here rather than by the template: a province's report has hundreds of rows
    (its black spots), which the template language took ~30 ms to write cell by cell."""
    kinds = list(table.number_format) + [""] * max(0, len(table.columns) - len(table.number_format))
    lines = []
    for cells in table.rows:
        row = []
        for index, value in enumerate(cells):
            kind = kinds[index] if index < len(kinds) else ""
            text = escape(cell_text(value, kind))
            if index == 0:
                row.append(f'<th scope="row">{text}</th>')
            elif kind in NUMERIC_KINDS or (isinstance(value, int | float) and not isinstance(value, bool)):
                row.append(f'<td class="num">{text}</td>')
            else:
                row.append(f"<td>{text}</td>")
        lines.append(f"<tr>{''.join(row)}</tr>\n")
    return {"table": table, "rows_html": mark_safe("".join(lines))}  # every cell escaped above


@cache
def _css() -> str:
    return _STYLESHEET_PATH.read_text(encoding="utf-8")
