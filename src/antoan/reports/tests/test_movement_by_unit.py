"""The table of the movement's results by child unit (#23): one row per commune, each cell counted again here from
the records themselves, a total row that is the unit's own figure; absent for a commune and when every cell is zero;
printed in the DOCX (and so the PDF), the XLSX and the HTML."""

import io
import subprocess
from datetime import date

import pytest
from django.db.models import Q, Sum
from docx import Document
from openpyxl import load_workbook

from antoan.accounts.models import Role
from antoan.core.tests.needs import missing
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_children, indicator_set
from antoan.movement.models import Commendation, Exemplar, MovementModel, MovementResult
from antoan.reports.context import build_context
from antoan.reports.pdf import soffice_binary
from antoan.reports.render import render_report
from antoan.units.models import Kind, Unit

LEGACY = date(2020, 1, 1)
KEY = "phong_trao_don_vi"
TITLE_2020 = "Bảng 6. Kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc theo đơn vị, năm 2020"


def _results(kind: str):
    def count(path: str, year: int) -> int:
        records = MovementResult.objects.filter(unit__path__startswith=path, achieved_on__year=year, kind=kind)
        return records.aggregate(total=Sum("quantity"))["total"] or 0

    return count


def _models_running_at_year_end(path: str, year: int) -> int:
    day = date(year, 12, 31)
    running = Q(status="active") | Q(ended_on__gt=day)
    return MovementModel.objects.filter(running, unit__path__startswith=path, started_on__lte=day).count()


def _exemplars(path: str, year: int) -> int:
    return Exemplar.objects.filter(unit__path__startswith=path, year=year).count()


def _commendations(path: str, year: int) -> int:
    return Commendation.objects.filter(unit__path__startswith=path, decision_date__year=year).count()


# Each column as the table heads it, the catalogue's indicator behind it, and its count straight from the records.
COLUMNS = (
    ("Mô hình tự quản đang hoạt động", "models.active", _models_running_at_year_end),
    ("Cảm hóa, giáo dục (người)", "results.reformed", _results("reformed")),
    ("Camera an ninh xã hội hóa", "results.cameras", _results("cameras")),
    ("Giao ước thi đua (bản)", "results.pacts", _results("pacts")),
    ("Địa bàn trọng điểm được chuyển hóa", "results.troubled_areas", _results("troubled_areas")),
    ("Điển hình tiên tiến", "exemplars", _exemplars),
    ("Khen thưởng (lượt)", "commendations", _commendations),
)


def by_unit(report):
    return next((t for t in report.tables() if t.key == KEY), None)


@pytest.fixture
def demo(db):
    from antoan.site.demo import demo_seed

    demo_seed()


@pytest.fixture
def leader(make_user, unit):
    return make_user(Role.LEADER, unit("597", LEGACY), username="lanhdao.test")


def test_the_demo_districts_2020_table_is_each_communes_records_and_adds_up_to_the_district(demo, leader, unit):
    htb = unit("597", LEGACY)
    report = build_context(user=leader, unit=htb, period=period_parse("2020"))
    table = by_unit(report)
    assert table is not None and table.title == TITLE_2020
    # After the movement's own table, in the movement's subsection.
    movement = report.sections[0].subsections[-1]
    assert movement.title == "Phong trào Toàn dân bảo vệ an ninh Tổ quốc"
    assert [t.key for t in movement.tables] == ["phong_trao", KEY]

    communes = indicator_children(user=leader, unit=htb)
    assert len(communes) == 17
    assert {c.name for c in communes} == set(
        Unit.objects.filter(parent=htb).exclude(kind=Kind.ESTABLISHMENT).values_list("name", flat=True)
    )
    counted = {header: [count(c.path, 2020) for c in communes] for header, _code, count in COLUMNS}
    district = {header: count(htb.path, 2020) for header, _code, count in COLUMNS}
    shown = [header for header, *_ in COLUMNS if district[header]]
    assert len(shown) >= 5  # the demo gives the table something to say in most columns
    assert table.columns == ("Đơn vị", *shown)
    assert [row[0] for row in table.rows] == [*(c.name for c in communes), "Cộng"]
    for index, row in enumerate(table.rows[:-1]):
        assert row[1:] == tuple(counted[header][index] for header in shown), row[0]
    assert any(sum(1 for v in row[1:] if v) >= 3 for row in table.rows[:-1])  # not a table of zeros

    # "Cộng" is the district's own figure: the dashboard's, the records', and the sum of the communes.
    figures = indicator_set(user=leader, unit=htb, period=period_parse("2020"))
    codes = {header: code for header, code, _count in COLUMNS}
    total = table.rows[-1][1:]
    assert total == tuple(figures.figure(codes[header]).value for header in shown)
    assert total == tuple(district[header] for header in shown)
    assert total == tuple(sum(counted[header]) for header in shown)

    # 2021: no area was transformed anywhere, so that column is left out; the others stay.
    assert _results("troubled_areas")(htb.path, 2021) == 0
    later = by_unit(build_context(user=leader, unit=htb, period=period_parse("2021")))
    assert later.title.endswith("theo đơn vị, năm 2021")
    assert "Địa bàn trọng điểm được chuyển hóa" not in later.columns
    assert "Cảm hóa, giáo dục (người)" in later.columns

    # A commune has no unit under it: no such table in its report, though its movement has results.
    ma_lam = unit("23059", LEGACY)
    assert _results("reformed")(ma_lam.path, 2020) and _models_running_at_year_end(ma_lam.path, 2020)
    commune_report = build_context(user=leader, unit=ma_lam, period=period_parse("2020"))
    assert any(t.key == "phong_trao" for t in commune_report.tables())
    assert by_unit(commune_report) is None


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_table_is_printed_in_the_docx_pdf_xlsx_and_html(demo, leader, unit):
    htb = unit("597", LEGACY)
    report = build_context(user=leader, unit=htb, period=period_parse("2020"), issued_on=date(2021, 1, 27))
    table = by_unit(report)
    assert table is not None

    document = Document(io.BytesIO(render_report(report, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert TITLE_2020 in paragraphs
    assert paragraphs.index(TITLE_2020) > paragraphs.index("Bảng 5. Phong trào Toàn dân bảo vệ an ninh Tổ quốc")
    grids = [g for g in document.tables if g.rows[0].cells[0].text == "Đơn vị"]
    assert len(grids) == 1
    printed = [[cell.text for cell in row.cells] for row in grids[0].rows]
    assert printed[0] == list(table.columns)
    assert len(printed) == 1 + 17 + 1
    for row, values in zip(printed[1:], table.rows, strict=True):
        assert row == [values[0], *(str(v) for v in values[1:])]  # every figure under 1.000: no separator
    assert printed[-1][0] == "Cộng"

    workbook = load_workbook(io.BytesIO(render_report(report, "xlsx")))
    assert KEY in workbook.sheetnames
    sheet = workbook[KEY]
    assert sheet["A1"].value == TITLE_2020
    assert tuple(c.value for c in sheet[2]) == table.columns
    data = [tuple(row) for row in sheet.iter_rows(min_row=3, max_col=len(table.columns), values_only=True)]
    assert data == list(table.rows)
    assert all(isinstance(v, int) for row in data for v in row[1:])  # numbers stay numbers
    assert data[-1][0] == "Cộng"
    summary = [c.value for row in workbook["Tổng hợp"].iter_rows() for c in row]
    assert TITLE_2020 in summary

    html = render_report(report, "html").decode()
    assert f"<caption>{TITLE_2020}</caption>" in html
    assert ">Cộng<" in html

    if soffice_binary() is None:
        missing("LibreOffice (soffice) is not installed: the PDF is the DOCX converted")
    pdf = render_report(report, "pdf")
    text = _flat(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode())
    assert _flat(TITLE_2020) in text
    assert "Xã Thuận Minh" in text


def _record(unit: Unit, kind: str, quantity: int, day: date = date(2020, 6, 1)) -> None:
    MovementResult.objects.create(unit=unit, achieved_on=day, kind=kind, quantity=quantity)


def test_results_kept_at_the_districts_own_level_get_their_row_so_the_rows_add_up(leader, unit):
    htb = unit("597", LEGACY)
    communes = indicator_children(user=leader, unit=htb)
    _record(communes[0], "reformed", 3)
    _record(communes[0], "pacts", 4)
    _record(communes[-1], "reformed", 2)
    _record(htb, "reformed", 5)  # kept at the district itself
    _record(communes[1], "reformed", 7, day=date(2019, 6, 1))  # another year: not counted

    table = by_unit(build_context(user=leader, unit=htb, period=period_parse("2020")))
    assert table is not None
    # Only the columns with something in them.
    assert table.columns == ("Đơn vị", "Cảm hóa, giáo dục (người)", "Giao ước thi đua (bản)")
    rows = {row[0]: row[1:] for row in table.rows}
    assert [row[0] for row in table.rows] == [*(c.name for c in communes), "Cấp huyện", "Cộng"]
    assert rows[communes[0].name] == (3, 4)
    assert rows[communes[1].name] == (0, 0)
    assert rows[communes[-1].name] == (2, 0)
    assert rows["Cấp huyện"] == (5, 0)
    assert rows["Cộng"] == (10, 4)
    figure = indicator_set(user=leader, unit=htb, period=period_parse("2020"), codes=["results.reformed"])
    assert figure.figure("results.reformed").value == 10
    assert tuple(map(sum, zip(*(row[1:] for row in table.rows[:-1]), strict=True))) == rows["Cộng"]


def test_no_table_when_every_cell_is_zero_or_the_unit_has_no_commune(leader, unit):
    htb = unit("597", LEGACY)
    communes = indicator_children(user=leader, unit=htb)
    # The movement has a result, but none the table counts (criterion 19.2): its section and table, no table by unit.
    _record(communes[2], "criterion_19_2", 1)
    report = build_context(user=leader, unit=htb, period=period_parse("2020"))
    assert [t.key for t in report.sections[0].subsections[-1].tables] == ["phong_trao"]
    assert by_unit(report) is None
    # A counted result in a commune: the table is there; the commune's own report has none.
    _record(communes[2], "cameras", 6)
    assert by_unit(build_context(user=leader, unit=htb, period=period_parse("2020"))).rows[-1] == ("Cộng", 6)
    own = build_context(user=leader, unit=communes[2], period=period_parse("2020"))
    assert "phong_trao" in [t.key for t in own.tables()]
    assert by_unit(own) is None
