"""One entry for every caller (page, API, CLI, batch): a report of a unit and period in one format."""

from dataclasses import dataclass
from datetime import date

from antoan.core.errors import DomainError
from antoan.indicators.periods import Period
from antoan.reports.document import Report

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
KINDS = ("annual", "period")


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    filename: str


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise DomainError.single(
            "format",
            f"Định dạng '{fmt}' không hợp lệ (docx, pdf, xlsx, html)",
            f"Unknown format '{fmt}' (docx, pdf, xlsx, html)",
        )
    return fmt


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise DomainError.single("kind", f"Loại báo cáo '{kind}' không hợp lệ (annual, period)",
                                 f"Unknown report kind '{kind}' (annual, period)")  # fmt: skip
    return kind


def render_report(report: Report, fmt: str) -> bytes:
    """The report in `fmt`; each renderer reads only the Report."""
    check_format(fmt)
    if fmt == "docx":
        from antoan.reports.docx import render_docx

        return render_docx(report)
    if fmt == "pdf":
        from antoan.reports.pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from antoan.reports.xlsx import render_xlsx

        return render_xlsx(report)
    from antoan.reports.html import render_html

    return render_html(report, standalone=True).encode("utf-8")


def report_filename(report: Report, fmt: str) -> str:
    """bao-cao-tong-ket-597-2020.docx — ASCII, so that every browser and mail client keeps it."""
    kind = "bao-cao-tong-ket" if report.kind == "annual" else "bao-cao"
    period = report.period_code.replace(":", "-").replace("..", "_")
    return f"{kind}-{report.unit_code}-{period}.{fmt}"


def build_and_render(*, user, unit, period: Period, kind: str, fmt: str, issued_on: date | None = None) -> Rendered:
    from antoan.reports.context import build_context

    check_format(fmt)
    report = build_context(user=user, unit=unit, period=period, kind=check_kind(kind), issued_on=issued_on)
    return Rendered(render_report(report, fmt), FORMATS[fmt], report_filename(report, fmt))
