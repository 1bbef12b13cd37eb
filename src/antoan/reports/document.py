"""The report as plain data: what `context.build_context` produces and every renderer (DOCX, PDF, HTML, XLSX)
reads. Nothing here touches the database; a renderer gets one `Report` and nothing else.

Numbers stay numbers in tables (the XLSX keeps them numeric; DOCX/HTML format them the Vietnamese way with
`antoan.indicators.format.number_vi`); sentences are already written, in Vietnamese, by `phrases.py`.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Table:
    key: str  # short, unique in the report; the XLSX sheet name ("an_ninh", "giao_thong")
    title: str  # "Bảng 1. Tình hình tội phạm, tệ nạn xã hội"
    columns: tuple[str, ...]  # header cells
    rows: tuple[tuple, ...]  # cells: str, int, float or None ("—"); the first column is text
    # per column: "" text, "int", "num" (whole or decimal), "pct" (a percentage, 1 decimal), "vnd"
    number_format: tuple[str, ...] = ()
    note: str = ""  # a line under the table ("Nguồn: …")


@dataclass(frozen=True)
class Chart:
    key: str  # file-safe name
    title: str
    kind: str  # "bar" (grouped bars), "line", "barh"
    labels: tuple[str, ...]  # x-axis categories
    series: tuple[tuple[str, tuple], ...]  # (name, values aligned with labels; None = no value)
    y_label: str = ""


@dataclass(frozen=True)
class Section:
    number: str  # "I", "1", "a" — renderers print "I." / "1." / "a)"
    title: str
    paragraphs: tuple[str, ...] = ()  # each a full justified paragraph, already phrased
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    subsections: tuple["Section", ...] = ()
    editable: str = ""  # a part of reports/drafting.PARTS: the officials' own words (drafted by the system, edited)


@dataclass(frozen=True)
class Signature:
    form: str  # "TM." or "KT." (or "" for the head signing in their own name)
    body: str  # "ỦY BAN NHÂN DÂN" — after TM.
    title: str  # "CHỦ TỊCH" (after KT. CHỦ TỊCH: "PHÓ CHỦ TỊCH")
    signer: str  # "Nguyễn Văn A"

    @property
    def lines(self) -> tuple[str, ...]:
        """The caps lines above the signature: ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") or ("KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH")."""
        if self.form == "TM.":
            return (f"TM. {self.body}".upper(), self.title.upper())
        if self.form == "KT.":
            return ("KT. CHỦ TỊCH", self.title.upper())
        return (self.title.upper(),)


@dataclass(frozen=True)
class Report:
    kind: str  # "annual" or "period"
    unit_code: str
    unit_name: str  # "Huyện Hàm Thuận Bắc"
    period_code: str  # "2020", "2020-Q1", "st2020"
    period_label: str  # "năm 2020"
    comparison_label: str  # "năm 2019"
    issuer_lines: tuple[str, ...]  # top left, caps: ("UBND TỈNH BÌNH THUẬN", "UBND HUYỆN HÀM THUẬN BẮC") — last bold
    number: str  # "Số: 05/BC-UBND" (or "Số:      /BC-UBND" left blank to fill in by hand)
    place_date: str  # "Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021"
    title: str  # "BÁO CÁO"
    subject: str  # "Tổng kết công tác … năm 2020; phương hướng, nhiệm vụ năm 2021" (bold, under the title)
    sections: tuple[Section, ...]
    recipients: tuple[str, ...]  # "Như trên;", …, the last "Lưu: VT, CA." — renderers add "- " and the punctuation
    signature: Signature
    issued_on: date
    empty: bool = False  # no record at all for the unit and period: the report says so in section I
    opening: tuple[str, ...] = ()  # the paragraphs between the subject and section I: basis and data period
    appendix: tuple[Section, ...] = ()  # after the signature, "PHỤ LỤC" (charts, when the unit wants them there)
    # For the people who prepare the report, never printed in it: how figures were attributed across the 2025
    # reorganisation, what is missing (a signer's name, targets), a rule not yet checked against its text.
    admin_notes: tuple[str, ...] = field(default=())
    # The parts that need judgement (reports/drafting.PARTS) as printed: the officials' words or the system's draft.
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        return self._collect("tables")

    def charts(self) -> list[Chart]:
        return self._collect("charts")

    def _collect(self, attribute: str) -> list:
        """Every section's `attribute` (tables or charts), in reading order, subsections included."""
        found: list = []

        def walk(sections):
            for section in sections:
                found.extend(getattr(section, attribute))
                walk(section.subsections)

        walk(self.sections)
        walk(self.appendix)
        return found
