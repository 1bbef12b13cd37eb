"""What an import file may hold (issue #27): shared-strings bombs, wide rows and long cells are refused before
any row is read, cheaply; real files are read as before."""

import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from antoan.core import tabular
from antoan.core.tabular import ImportFileError, count_rows, read_header, read_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
INCIDENT_HEADER = ["kind", "unit_code", "occurred_at", "summary", "dead", "injured"]


def _write_workbook(path, *, sheet: str, strings: tuple[int, str] | None = None, extra: dict | None = None):
    """A workbook written part by part, as an attacker would: `strings` is (how many, each one's text) of a
    sharedStrings.xml streamed into the zip, so a file of a few hundred KB can unpack to 100+ MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
            + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>' if strings else "")
            + "</Types>"
        ))  # fmt: skip
        z.writestr("_rels/.rels", (
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{REL}/officeDocument"/></Relationships>'
        ))  # fmt: skip
        z.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ))  # fmt: skip
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>' if strings else "")
            + "</Relationships>"
        ))  # fmt: skip
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}">{sheet}</worksheet>')
        if strings is not None:
            count, text = strings
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
                out.write(f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode())
                item = f"<si><t>{text}</t></si>".encode()
                for start in range(0, count, 10_000):
                    out.write(item * min(10_000, count - start))
                out.write(b"</sst>")
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return path


def _shared_row(number: int, indexes) -> str:
    cells = "".join(f'<c r="{_letters(i + 1)}{number}" t="s"><v>{v}</v></c>' for i, v in enumerate(indexes))
    return f'<row r="{number}">{cells}</row>'


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _bomb(path, count: int, text: str = "A"):
    return _write_workbook(
        path, sheet=f"<sheetData>{_shared_row(1, [0])}{_shared_row(2, [count - 1])}</sheetData>", strings=(count, text)
    )


def _refusal(path) -> tuple[str, str]:
    with pytest.raises(ImportFileError) as raised:
        next(read_rows(path))
    message = raised.value.errors["file"]
    return message.vi, message.en


# The shared strings -------------------------------------------------------------------------------------------------


def test_a_workbook_with_more_shared_strings_than_the_limit_is_refused(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS = 5_000
    assert [r[0] for r in read_rows(_bomb(tmp_path / "at.xlsx", 5_000, "ok"))] == ["ok", "ok"]
    vi, en = _refusal(_bomb(tmp_path / "over.xlsx", 5_001))
    assert "hơn 5.000 chuỗi dùng chung" in vi and "more than 5,000 shared strings" in en


def test_shared_strings_longer_together_than_the_limit_are_refused(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS_CHARS = 100_000
    assert len(list(read_rows(_bomb(tmp_path / "at.xlsx", 1_000, "x" * 100)))) == 2
    vi, en = _refusal(_bomb(tmp_path / "over.xlsx", 1_001, "x" * 100))
    assert "dài hơn 100.000 ký tự cộng lại" in vi and "longer than 100,000 characters together" in en


def test_a_shared_strings_part_larger_than_the_limit_is_refused_before_it_is_parsed(tmp_path, settings):
    path = _bomb(tmp_path / "big.xlsx", 20_000)
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo("xl/sharedStrings.xml").file_size
    settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS_BYTES = size
    assert len(list(read_rows(path))) == 2
    settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS_BYTES = size - 1
    vi, en = _refusal(path)
    assert "bảng chuỗi dùng chung xl/sharedStrings.xml giải nén ra" in vi
    assert f"over the limit of {(size - 1) // 1024:,} KiB" in en


def test_a_shared_string_longer_than_a_cell_may_be_is_refused(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_CELL_CHARS = 1_000
    assert len(list(read_rows(_bomb(tmp_path / "at.xlsx", 2, "y" * 1_000)))) == 2
    vi, en = _refusal(_bomb(tmp_path / "over.xlsx", 2, "y" * 1_001))
    assert "ô dài quá 1.000 ký tự" in vi and "longer than 1,000 characters" in en


def test_the_bomb_of_issue_27_is_refused_at_the_default_limits_quickly_and_in_little_memory(tmp_path):
    # 9 million one-letter strings: ~145 MiB of sharedStrings.xml in a file of a few hundred KB. Before the fix
    # openpyxl built a list of them all (~1 GB and minutes for this file).
    path = _bomb(tmp_path / "bomb.xlsx", 9_000_000)
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    started = time.process_time()
    try:
        vi, en = _refusal(path)
        with pytest.raises(ImportFileError):
            count_rows(path)
        elapsed = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "giải nén ra 146 MiB, vượt giới hạn 128 MiB" in vi and "over the limit of 128 MiB" in en
    assert peak < 50 * 2**20, f"peak {peak / 2**20:.1f} MiB"
    assert elapsed < 5, f"{elapsed:.1f} s of CPU"


def test_a_bomb_under_the_part_size_is_stopped_by_the_count_while_streaming(tmp_path, settings):
    # Under the part-size limit, the strings are counted as they stream past: memory stays flat.
    settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS = 20_000
    path = _bomb(tmp_path / "bomb.xlsx", 200_000)
    tracemalloc.start()
    try:
        _refusal(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"peak {peak / 2**20:.1f} MiB"


def test_counting_then_reading_checks_the_workbook_once(tmp_path, monkeypatch):
    path = _bomb(tmp_path / "ok.xlsx", 10, "fine")
    calls = []
    check = tabular._check_unpacked_size
    monkeypatch.setattr(tabular, "_check_unpacked_size", lambda p: calls.append(p) or check(p))
    assert count_rows(path) == 1
    assert len(list(read_rows(path))) == 2
    assert len(calls) == 1


# Worksheets ---------------------------------------------------------------------------------------------------------


def test_a_value_beyond_the_column_limit_is_refused_and_one_at_it_is_read(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_COLUMNS = 30
    ok = _write_workbook(tmp_path / "ok.xlsx", sheet='<sheetData><row r="1"><c r="AD1"><v>7</v></c></row></sheetData>')
    assert list(read_rows(ok)) == [[None] * 29 + [7]]
    sheet = '<sheetData><row r="1"/><row r="2"><c r="AE2"><v>7</v></c></row></sheetData>'
    wide = _write_workbook(tmp_path / "wide.xlsx", sheet=sheet)
    vi, en = _refusal(wide)
    assert "Dòng 2 có 31 cột, vượt giới hạn 30 cột" in vi and "Row 2 has 31 columns, over the limit of 30" in en


def test_a_row_of_more_cells_than_excel_has_is_refused(tmp_path):
    cells = "<c/>" * 70_000  # ~280 KB of XML: openpyxl would have built a tree and a dict for each
    vi, en = _refusal(_write_workbook(tmp_path / "wide.xlsx", sheet=f"<sheetData><row>{cells}</row></sheetData>"))
    assert "Dòng 1 có" in vi and "over the limit of 200" in en


def test_a_lying_dimension_does_not_widen_or_lengthen_the_rows(tmp_path):
    # Excel's largest range, declared by a sheet of two cells: openpyxl would have padded every row to 16.384 cells.
    sheet = '<dimension ref="A1:XFD1048576"/><sheetData>' + _shared_row(1, [0, 0]) + "</sheetData>"
    path = _write_workbook(tmp_path / "d.xlsx", sheet=sheet, strings=(1, "a"))
    assert list(read_rows(path)) == [["a", "a"]]


def test_a_row_number_beyond_the_row_limit_is_refused(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_ROWS = 1_000
    sheet = '<sheetData><row r="1"><c><v>1</v></c></row><row r="1002"><c><v>1</v></c></row></sheetData>'
    vi, en = _refusal(_write_workbook(tmp_path / "far.xlsx", sheet=sheet))
    assert "hơn 1.000 dòng" in vi and "more than 1,000 rows" in en


def test_a_worksheet_cell_longer_than_the_limit_is_refused(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_CELL_CHARS = 1_000
    workbook = Workbook()
    workbook.active.append(["kind", "z" * 1_000])
    workbook.save(tmp_path / "ok.xlsx")
    assert list(read_rows(tmp_path / "ok.xlsx")) == [["kind", "z" * 1_000]]
    workbook.active.append(["kind", "z" * 1_001])
    workbook.save(tmp_path / "long.xlsx")
    vi, en = _refusal(tmp_path / "long.xlsx")
    assert "ô dài quá 1.000 ký tự" in vi and "longer than 1,000 characters" in en


def test_a_worksheet_larger_than_the_limit_is_refused(tmp_path, settings):
    path = _write_workbook(tmp_path / "s.xlsx", sheet="<sheetData>" + _shared_row(1, [0]) * 1 + "</sheetData>",
                           strings=(1, "a"))  # fmt: skip
    with zipfile.ZipFile(path) as archive:
        settings.ANTOAN_IMPORT_MAX_SHEET_BYTES = archive.getinfo("xl/worksheets/sheet1.xml").file_size - 1
    vi, en = _refusal(path)
    assert "trang tính xl/worksheets/sheet1.xml giải nén ra" in vi and "a worksheet (xl/worksheets/sheet1.xml)" in en


def test_a_doctype_is_refused(tmp_path):
    sheet = "<sheetData/>"
    path = _write_workbook(tmp_path / "dtd.xlsx", sheet=sheet)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/styles.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><styleSheet/>')
    vi, en = _refusal(path)
    assert "DOCTYPE" in vi and "DOCTYPE" in en


def test_a_real_workbook_is_read_exactly(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(INCIDENT_HEADER)
    for n in range(300):
        sheet.append(["traffic", "23059", "2026-03-01 08:00", f"Va chạm số {n}", 0, n])
    sheet.append([])
    sheet.append(["crime", None, None, "x", None, None])
    workbook.create_sheet("rộng").append(list(range(500)))  # another sheet may be as wide as it likes
    workbook.save(tmp_path / "real.xlsx")
    rows = list(read_rows(tmp_path / "real.xlsx"))
    assert rows[0] == INCIDENT_HEADER
    assert rows[300] == ["traffic", "23059", "2026-03-01 08:00", "Va chạm số 299", 0, 299]
    assert rows[301] == [] and rows[302] == ["crime", None, None, "x"] and len(rows) == 303
    assert count_rows(tmp_path / "real.xlsx") == 302


# CSV ----------------------------------------------------------------------------------------------------------------


def test_a_csv_header_of_60000_columns_is_refused_in_well_under_a_second(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{n}" for n in range(60_000)) + "\n1\n")
    assert path.stat().st_size > 400_000
    started = time.process_time()
    vi, en = _refusal(path)
    assert time.process_time() - started < 1
    assert "Dòng 1 có 60.000 cột, vượt giới hạn 200 cột" in vi
    assert "Row 1 has 60,000 columns, over the limit of 200" in en


def test_repeated_columns_are_found_in_linear_time(settings):
    settings.ANTOAN_IMPORT_MAX_COLUMNS = 100_000
    started = time.process_time()
    with pytest.raises(ImportFileError) as raised:
        read_header(["kind"] * 60_000, columns=("kind",), required=("kind",))
    assert time.process_time() - started < 1  # names.count() per column took ~59 s
    assert raised.value.errors["file"].en == "Repeated columns: kind"


def test_a_csv_data_row_wider_than_the_limit_is_refused_but_empty_cells_at_its_end_are_not(tmp_path):
    ok = tmp_path / "ok.csv"
    ok.write_text("a,b\n1,2" + "," * 500 + "\n")
    assert list(read_rows(ok))[1][:2] == ["1", "2"]
    wide = tmp_path / "wide.csv"
    wide.write_text("a,b\n" + ",".join("1" * 201) + "\n")
    vi, en = _refusal_of_all(wide)
    assert "Dòng 2 có 201 cột" in vi and "Row 2 has 201 columns, over the limit of 200" in en


def test_a_csv_row_longer_than_the_limit_is_refused_before_it_is_split(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_ROW_CHARS = 10_000
    path = tmp_path / "long.csv"
    path.write_text('a,b\n"x\n' + "\n".join(["," * 100] * 200) + '"\n')  # one quoted cell over many lines
    vi, en = _refusal_of_all(path)
    assert "Dòng 2 dài quá 10.000 ký tự" in vi and "Row 2 is longer than 10,000 characters" in en


def test_a_csv_cell_longer_than_the_limit_is_refused(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_CELL_CHARS = 1_000
    path = tmp_path / "c.csv"
    path.write_text("a,b\n1," + "z" * 1_000 + "\n2," + "z" * 1_001 + "\n")
    vi, en = _refusal_of_all(path)
    assert "Dòng 3: có ô dài quá 1.000 ký tự" in vi and "Row 3: a cell is longer than 1,000 characters" in en


def test_a_csv_with_more_rows_than_the_limit_is_refused(tmp_path, settings):
    settings.ANTOAN_IMPORT_MAX_ROWS = 100
    path = tmp_path / "r.csv"
    path.write_text("a\n" + "1\n" * 100)
    assert count_rows(path) == 100
    path.write_text("a\n" + "1\n" * 101)
    vi, en = _refusal_of_all(path)
    assert "hơn 100 dòng" in vi and "more than 100 rows" in en


def test_a_real_csv_is_read_exactly(tmp_path):
    path = tmp_path / "real.csv"
    path.write_text(",".join(INCIDENT_HEADER) + '\ntraffic,23059,2026-03-01 08:00,"Va chạm, ""nặng""\nhai dòng",0,1\n')
    assert list(read_rows(path)) == [
        INCIDENT_HEADER,
        ["traffic", "23059", "2026-03-01 08:00", 'Va chạm, "nặng"\nhai dòng', "0", "1"],
    ]


def _refusal_of_all(path) -> tuple[str, str]:
    with pytest.raises(ImportFileError) as raised:
        list(read_rows(path))
    message = raised.value.errors["file"]
    return message.vi, message.en


# The import page ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_page_shows_the_refusal_and_writes_nothing(client, make_user, unit, settings, tmp_path):
    from antoan.accounts.models import Role
    from antoan.incidents.models import ImportJob, Incident

    settings.ANTOAN_IMPORT_DIR = tmp_path / "imports"
    settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS = 1_000
    header = [f"<c r='{_letters(i + 1)}1' t='inlineStr'><is><t>{n}</t></is></c>" for i, n in enumerate(INCIDENT_HEADER)]
    row = _shared_row(2, [0, 1, 2, 3, 4, 4])
    path = _write_workbook(tmp_path / "bomb.xlsx", sheet=f"<sheetData><row r='1'>{''.join(header)}</row>{row}"
                           "</sheetData>", strings=(1_001, "0"))  # fmt: skip
    client.force_login(make_user(Role.OFFICER, unit("23059")))
    upload = SimpleUploadedFile("bomb.xlsx", path.read_bytes())
    response = client.post(reverse("incident-import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == ImportJob.State.FAILED
    page = client.get(response.url).content.decode()
    assert "hơn 1.000 chuỗi dùng chung" in page
    assert not Incident.objects.exists() and job.processed_rows == 0


def test_rows_that_repeat_a_row_number_count_towards_the_row_limit(tmp_path, settings):
    # openpyxl skips a row whose number went by, but keeps each <row> element until the sheet ends.
    settings.ANTOAN_IMPORT_MAX_ROWS = 1_000
    sheet = "<sheetData>" + '<row r="1"/>' * 1_002 + "</sheetData>"
    vi, en = _refusal(_write_workbook(tmp_path / "same.xlsx", sheet=sheet))
    assert "hơn 1.000 dòng" in vi and "more than 1,000 rows" in en
