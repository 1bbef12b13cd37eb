"""Import and export of historical figures (figure_transfer): the template of a unit's two years, each row written on
its own through figure_create as a draft (confirmed, for a leader who asks), a bad row named with its column in both
languages, export → import round-trips without doubling. The clock reads 1 March 2021: 2020 has ended, 2021 has not."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from antoan.accounts.models import Role
from antoan.core.tabular import ImportFileError
from antoan.indicators.catalogue import indicators
from antoan.indicators.figure_services import figure_create
from antoan.indicators.figure_transfer import (
    COLUMNS,
    export_csv,
    export_figures,
    export_xlsx,
    import_figures,
    row_ranges,
    state_code,
    template_rows,
)
from antoan.indicators.models import FigureState, HistoricalFigure

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime(2021, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))),
]

LEGACY = date(2020, 1, 1)
HEADER = "unit_code,period,indicator,value,document,location,quote"
REPORT = "Báo cáo số 12/BC-UBND ngày 15/12/2020"


@pytest.fixture
def ma_lam(unit):
    return unit("23059", LEGACY)  # Thị trấn Ma Lâm, in the district


@pytest.fixture
def hong_son_leader(make_user, unit):
    return make_user(Role.LEADER, unit("23086", LEGACY))  # Xã Hồng Sơn, in the district too


@pytest.fixture
def some_figures(leader, officer, district, ma_lam):
    return [
        figure_create(user=officer, unit=district, period="2020", indicator="traffic.accidents", value="44",
                      document=REPORT, location="tr. 3, đoạn 2", quote="Xảy ra 44 vụ tai nạn giao thông"),
        figure_create(user=leader, unit=district, period="2019", indicator="traffic.accidents", value="50",
                      document=REPORT, confirm=True),
        figure_create(user=officer, unit=district, period="2020-Q3", indicator="crime.clearance_rate", value="82,5",
                      document="=HYPERLINK(1)"),  # a formula: exported with an apostrophe, read back
        figure_create(user=officer, unit=ma_lam, period="st2020", indicator="traffic.dead", value="3"),
    ]  # fmt: skip


def write(tmp_path: Path, lines: list[str], name="so-lieu.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(report) -> dict[int, list[tuple[str, str, str]]]:
    found: dict[int, list[tuple[str, str, str]]] = {}
    for p in report.rejected:
        found.setdefault(p.row, []).append((p.column, p.message.vi, p.message.en))
    return found


def snapshot() -> set[tuple]:
    return set(
        HistoricalFigure.all_objects.values_list("unit__code", "period", "indicator", "value", "state", "document",
                                                 "location", "quote", "deleted_at")
    )  # fmt: skip


# The template ------------------------------------------------------------------------------------------------


def test_the_template_filled_in_and_imported_makes_drafts_with_their_provenance(officer, district, tmp_path):
    rows = template_rows(user=officer, unit=district, year=2020)
    assert rows[0] == list(COLUMNS)
    main = [code for code, i in indicators().items() if not i.parent]
    assert len(rows) == 1 + 2 * len(main)
    assert [r[2] for r in rows[1:3]] == ["2019", "2020"] and rows[1][3] == rows[2][3]  # two years side by side
    assert all(r[0] == "597" and r[1] == district.name and not r[5] for r in rows[1:])
    path = tmp_path / "mau.xlsx"
    with open(path, "wb") as out:
        export_xlsx(rows, out)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    filled = 0
    for line in sheet.iter_rows(min_row=2):
        if line[3].value == "traffic.accidents":
            line[5].value = 50 if line[2].value == "2019" else "44"
            line[6].value, line[7].value = REPORT, "tr. 3"
            line[8].value = f"Năm {line[2].value} xảy ra … vụ"
            filled += 1
    assert filled == 2
    workbook.save(path)
    report = import_figures(user=officer, path=path)
    assert report.rejected == []
    assert (report.rows, report.created, report.unchanged, report.blank) == (2, 2, 0, len(rows) - 3)
    figures = {f.period: f for f in HistoricalFigure.objects.filter(unit=district, indicator="traffic.accidents")}
    assert set(figures) == {"2019", "2020"}
    assert figures["2020"].value == Decimal("44") and figures["2019"].value == Decimal("50")
    for f in figures.values():
        assert (f.state, f.document, f.location, f.entered_by) == (FigureState.DRAFT, REPORT, "tr. 3", officer)
        assert f.quote == f"Năm {f.period} xảy ra … vụ" and f.confirmed_by is None
    assert sorted(report.kept) == [r for r in range(2, len(rows) + 1) if rows[r - 1][3] == "traffic.accidents"]


def test_the_template_shows_the_units_figures_and_imports_unchanged(leader, district, some_figures, tmp_path):
    rows = template_rows(user=leader, unit=district, year=2020)
    filled = [r for r in rows[1:] if r[5] != ""]
    assert sorted((r[2], r[3], r[5], r[9]) for r in filled) == [
        ("2019", "traffic.accidents", 50, "confirmed"), ("2020", "traffic.accidents", 44, "draft")]  # fmt: skip
    assert [r[8] for r in filled if r[2] == "2020"] == ["Xảy ra 44 vụ tai nạn giao thông"]
    path = tmp_path / "mau.csv"
    path.write_text("".join(export_csv(rows)), encoding="utf-8")
    before = snapshot()
    report = import_figures(user=leader, path=path)
    assert (report.rows, report.unchanged, report.created, report.rejected) == (2, 2, 0, [])
    assert snapshot() == before


def test_a_real_xlsx_with_typed_cells(officer, district, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Unit_Code", "period", "indicator", "value", "document"])
    sheet.append([597, 2020, "crime.clearance_rate", 82.5, "NQ 96"])
    sheet.append([597.0, 2019.0, "traffic.accidents", 5, None])
    sheet.append([None] * 5)
    sheet.append([597, datetime(2020, 5, 1), "traffic.accidents", "1.500", None])  # Excel's reading of "2020-05"
    path = tmp_path / "so-lieu.xlsx"
    workbook.save(path)
    report = import_figures(user=officer, path=path)
    assert (report.rows, report.created, report.blank, report.rejected, report.kept) == (3, 3, 1, [], [2, 3, 5])
    saved = dict(HistoricalFigure.objects.values_list("period", "value"))
    assert saved == {"2020": Decimal("82.5"), "2019": Decimal("5"), "2020-05": Decimal("1500")}


def test_the_template_without_a_unit_leaves_the_code_to_fill(leader):
    rows = template_rows(user=leader, unit=None, year=2020)
    assert {r[0] for r in rows[1:]} == {""} and {r[2] for r in rows[1:]} == {"2019", "2020"}


# Round trip ------------------------------------------------------------------------------------------------


def test_export_then_import_changes_nothing_csv(leader, some_figures, tmp_path):
    before = snapshot()
    rows = export_figures(user=leader)
    text = "".join(export_csv(rows))
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0] == list(COLUMNS) and len(lines) == 1 + len(some_figures)
    by_key = {(r[0], r[2], r[3]): r for r in lines[1:]}
    accidents = by_key[("597", "2020", "traffic.accidents")]
    assert accidents[1] == "Huyện Hàm Thuận Bắc" and accidents[4] == indicators()["traffic.accidents"].vi
    assert accidents[5:] == ["44", REPORT, "tr. 3, đoạn 2", "Xảy ra 44 vụ tai nạn giao thông", "draft"]
    rate = by_key[("597", "2020-Q3", "crime.clearance_rate")]
    assert (rate[5], rate[6]) == ("82.5", "'=HYPERLINK(1)")  # a spreadsheet does not run it
    assert by_key[("597", "2019", "traffic.accidents")][9] == "confirmed"
    assert by_key[("23059", "st2020", "traffic.dead")][5] == "3"
    path = tmp_path / "xuat.csv"
    path.write_text(text, encoding="utf-8")
    for confirm in (False, True):  # a leader's confirming import keeps the drafts drafts (their state column)
        report = import_figures(user=leader, path=path, confirm=confirm)
        assert report.rejected == []
        assert (report.rows, report.created, report.updated, report.unchanged) == (4, 0, 0, 4)
        assert snapshot() == before


def test_export_then_import_changes_nothing_xlsx(leader, officer, some_figures, district, tmp_path):
    before = snapshot()
    path = tmp_path / "xuat.xlsx"
    with open(path, "wb") as out:
        export_xlsx(export_figures(user=officer, unit=district), out)
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS) and sheet.max_row == 1 + 3  # the district's own
    report = import_figures(user=officer, path=path)  # the officer: the confirmed one is not repeated as a draft
    assert (report.rows, report.created, report.updated, report.unchanged, report.rejected) == (3, 0, 0, 3, [])
    assert snapshot() == before


def test_export_keeps_to_the_users_scope_and_the_period(leader, hong_son_leader, some_figures, ma_lam):
    assert export_figures(user=hong_son_leader) == [list(COLUMNS)]
    assert [r[3] for r in export_figures(user=leader, unit=ma_lam)[1:]] == ["traffic.dead"]
    assert [(r[2], r[3]) for r in export_figures(user=leader, period="2019")[1:]] == [("2019", "traffic.accidents")]


def test_a_changed_value_or_another_document_is_a_new_draft(officer, district, some_figures, tmp_path):
    lines = [HEADER, f"597,2020,traffic.accidents,45,{REPORT},,", "597,2020,traffic.accidents,44,Báo Bình Thuận,,"]
    report = import_figures(user=officer, path=write(tmp_path, lines))
    assert (report.created, report.unchanged, report.rejected) == (2, 0, [])
    assert HistoricalFigure.objects.filter(unit=district, period="2020", indicator="traffic.accidents").count() == 3


# Bad input -------------------------------------------------------------------------------------------------

GOOD = "597,2020,traffic.dead,12,,,"  # row 2 of each file below: kept


@pytest.mark.parametrize(
    ("bad", "column", "vi", "en"),
    [
        ("597,2020,crime.nope,5,,,", "indicator", "Không có số liệu 'crime.nope'", "no indicator 'crime.nope'"),
        ("597,2020,,5,,,", "indicator", "Bắt buộc nhập", "Required"),
        ("597,2018-13,traffic.accidents,5,,,", "period", "Tháng phải từ 1 đến 12", "month must be from 1 to 12"),
        ("597,2021,traffic.accidents,5,,,", "period", "chưa kết thúc", "has not ended"),
        ("597,2021-Q1,traffic.accidents,5,,,", "period", "chưa kết thúc", "has not ended"),
        ("597,2020-W1,traffic.accidents,5,,,", "period", "không hợp lệ", "not a reporting period"),
        ("597,,traffic.accidents,5,,,", "period", "Bắt buộc nhập", "Required"),
        ("597,2020,traffic.accidents,abc,,,", "value", "Phải là một số không âm", "non-negative number"),
        ("597,2020,traffic.accidents,-5,,,", "value", "Không được là số âm", "Must not be negative"),
        ("597,2020,traffic.accidents,,Báo cáo,,", "value", "Bắt buộc nhập", "Required"),
        ("597,2020,crime.clearance_rate,120,,,", "value", "Tỷ lệ không quá 100 %", "A rate is at most 100 %"),
        ("99999,2020,traffic.accidents,5,,,", "unit_code", "Không có đơn vị nào mang mã '99999'", "no unit"),
        (",2020,traffic.accidents,5,,,", "unit_code", "Bắt buộc nhập", "Required"),
        ("597,2020,traffic.accidents,5,,,,extra", "", "nhiều giá trị hơn số cột", "More values than columns"),
    ],
)
def test_a_bad_row_is_named_with_its_column_in_both_languages_and_the_good_rows_kept(
    officer, district, tmp_path, bad, column, vi, en
):
    report = import_figures(user=officer, path=write(tmp_path, [HEADER, GOOD, bad, GOOD.replace("2020", "2019")]))
    found = problems(report)
    assert set(found) == {3} and any(c == column and vi in v and en in e for c, v, e in found[3]), found
    assert (report.rows, report.created, report.rejected_rows, report.kept) == (3, 2, 1, [2, 4])
    assert "các dòng đã ghi hoặc không đổi: 2, 4" in report.summary().vi
    assert "rows kept: 2, 4" in report.summary().en
    assert set(HistoricalFigure.objects.values_list("period", "indicator")) == {
        ("2020", "traffic.dead"), ("2019", "traffic.dead")}  # fmt: skip


def test_a_unit_out_of_scope_is_not_found(hong_son_leader, ma_lam, some_figures, tmp_path):
    before = snapshot()
    lines = [HEADER, "23059,st2020,traffic.dead,3,,,", "23086,2020,traffic.dead,1,,,"]
    report = import_figures(user=hong_son_leader, path=write(tmp_path, lines))
    found = problems(report)
    assert list(found) == [2]
    column, vi, en = found[2][0]
    assert column == "unit_code" and "Không tìm thấy đơn vị" in vi and "Unit not found" in en
    assert report.unchanged == 0 and report.created == 1 and report.kept == [3]  # Ma Lâm's figure is not told
    assert snapshot() - before == {("23086", "2020", "traffic.dead", Decimal("1"), "draft", "", "", "", None)}


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(officer, district, tmp_path):
    lines = [HEADER, GOOD, "597,2020,traffic.accidents,-1,,,", "597,2019,traffic.dead,7,,,"]
    report = import_figures(user=officer, path=write(tmp_path, lines), all_or_nothing=True)
    assert report.rolled_back and (report.created, report.kept, report.rejected_rows) == (0, [], 1)
    assert "Không ghi gì" in report.summary().vi and "Nothing written" in report.summary().en
    assert not HistoricalFigure.all_objects.exists()
    report = import_figures(user=officer, path=write(tmp_path, [HEADER, GOOD]), all_or_nothing=True)
    assert not report.rolled_back and (report.created, report.kept) == (1, [2])
    assert HistoricalFigure.objects.count() == 1


def test_an_unknown_or_missing_column_refuses_the_whole_file(officer, tmp_path):
    with pytest.raises(ImportFileError) as caught:
        import_figures(user=officer, path=write(tmp_path, [HEADER + ",kind", GOOD + ",x"]))
    assert "Cột không có trong mẫu: kind" in caught.value.errors["file"].vi
    with pytest.raises(ImportFileError) as caught:
        import_figures(user=officer, path=write(tmp_path, ["unit_code,period,indicator", "597,2020,traffic.dead"]))
    assert "Thiếu cột bắt buộc: value" in caught.value.errors["file"].vi
    assert not HistoricalFigure.all_objects.exists()


# Confirming ------------------------------------------------------------------------------------------------


def test_an_officer_may_not_confirm(officer, district, tmp_path):
    lines = [HEADER, GOOD, "597,2019,traffic.dead,7,,,"]
    report = import_figures(user=officer, path=write(tmp_path, lines), confirm=True)
    found = problems(report)
    assert set(found) == {2, 3} and report.kept == []
    for row in (2, 3):
        column, vi, en = found[row][0]
        assert column == "unit_code"
        assert "Chỉ lãnh đạo hoặc quản trị viên" in vi and "Only the unit's leaders or administrators" in en
    assert not HistoricalFigure.all_objects.exists()


def test_a_leader_confirms_and_the_state_column_counts_only_then(leader, district, tmp_path):
    lines = [HEADER + ",state", GOOD + ",", "597,2019,traffic.dead,7,,,,Nháp", "597,2018,traffic.dead,9,,,,confirmed"]
    report = import_figures(user=leader, path=write(tmp_path, lines), confirm=True)
    assert (report.created, report.rejected) == (3, [])
    states = dict(HistoricalFigure.objects.values_list("period", "state"))
    assert states == {"2020": "confirmed", "2019": "draft", "2018": "confirmed"}
    confirmed = HistoricalFigure.objects.get(period="2020")
    assert confirmed.confirmed_by == leader and confirmed.confirmed_at is not None
    bad = [HEADER + ",state", "597,2017,traffic.dead,9,,,,approved"]
    found = problems(import_figures(user=leader, path=write(tmp_path, bad), confirm=True))
    assert found[2][0][0] == "state" and "không hợp lệ" in found[2][0][1] and "not a state" in found[2][0][2]
    report = import_figures(user=leader, path=write(tmp_path, bad))  # without confirm the column is ignored
    assert (report.created, report.rejected) == (1, [])
    assert HistoricalFigure.objects.get(period="2017").state == "draft"


def test_confirming_a_row_that_repeats_a_draft_confirms_the_draft(leader, district, some_figures, tmp_path):
    draft = some_figures[0]  # 2020, traffic.accidents, 44
    lines = [HEADER, f"597,2020,traffic.accidents,44,{REPORT},,", "597,2019,traffic.accidents,51,,,"]
    report = import_figures(user=leader, path=write(tmp_path, lines), confirm=True)
    assert (report.updated, report.created, report.kept) == (1, 0, [2])
    draft.refresh_from_db()
    assert (draft.state, draft.confirmed_by) == ("confirmed", leader)
    assert HistoricalFigure.objects.filter(period="2020", indicator="traffic.accidents").count() == 1
    column, vi, en = problems(report)[3][0]  # 2019 is confirmed at 50: a correction, not an import
    assert column == "state" and "Đã có số liệu được xác nhận" in vi and "A confirmed figure" in en


def test_states_are_read_as_codes_or_labels():
    assert state_code("draft") == "draft" and state_code(" Đã xác nhận ") == "confirmed"
    assert state_code("CONFIRMED") == "confirmed" and state_code("nháp") == "draft"
    assert state_code("") == "" and state_code("ok") is None
    assert row_ranges([7, 2, 3, 4, 9, 10]) == "2–4, 7, 9–10"
