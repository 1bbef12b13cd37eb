"""Import and export of targets (target_transfer): rows grouped by unit and year and saved through targets_save, a bad
row rejects its group with its row and column named in both languages, export → import round-trips; the pages and
the command line."""

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from antoan.accounts.models import Role
from antoan.core.tabular import ImportFileError
from antoan.indicators.catalogue import indicators
from antoan.indicators.models import Target
from antoan.indicators.target_services import target_create
from antoan.indicators.target_transfer import (
    COLUMNS,
    export_csv,
    export_targets,
    export_xlsx,
    import_targets,
    kind_code,
    template_rows,
)

pytestmark = pytest.mark.django_db

LEGACY = date(2020, 1, 1)
HEADER = "unit_code,year,indicator,kind,value,document,note"


@pytest.fixture
def ma_lam(unit):
    return unit("23059", LEGACY)  # Thị trấn Ma Lâm, in the district


@pytest.fixture
def hong_son_leader(make_user, unit):
    return make_user(Role.LEADER, unit("23086", LEGACY))  # Xã Hồng Sơn, in the district too


@pytest.fixture
def some_targets(leader, district, ma_lam):
    made = [
        target_create(user=leader, unit=district, year=2020, indicator="traffic.accidents", kind="reduce_by_pct",
                      value="5", document="Nghị quyết số 12/NQ-HĐND ngày 10/12/2019", note="Cả ba tiêu chí"),
        target_create(user=leader, unit=district, year=2020, indicator="traffic.accidents", kind="at_most",
                      value="50", document="=HYPERLINK(1)"),  # a formula: exported with an apostrophe, read back
        target_create(user=leader, unit=district, year=2020, indicator="crime.clearance_rate", kind="at_least",
                      value="82,5"),
        target_create(user=leader, unit=district, year=2020, indicator="traffic.dead", kind="reduce"),
        target_create(user=leader, unit=ma_lam, year=2020, indicator="models.active", kind="increase"),
        target_create(user=leader, unit=district, year=2021, indicator="crime.cases", kind="at_most",
                      value="1.500.000"),
    ]  # fmt: skip
    return made


def write(tmp_path: Path, lines: list[str], name="chi-tieu.csv") -> Path:
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
        Target.all_objects.values_list("unit__code", "year", "indicator", "kind", "value", "document", "note",
                                       "deleted_at")
    )  # fmt: skip


# Round trip ------------------------------------------------------------------------------------------------


def test_export_then_import_changes_nothing_csv(leader, some_targets, tmp_path):
    before = snapshot()
    text = "".join(export_csv(export_targets(user=leader)))
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0] == list(COLUMNS) and len(lines) == 1 + len(some_targets)
    by_kind = {(r[0], r[2], r[3], r[5]): r for r in lines[1:]}
    row = by_kind[("597", "2020", "traffic.accidents", "at_most")]
    assert (row[1], row[4]) == ("Huyện Hàm Thuận Bắc", indicators()["traffic.accidents"].vi)  # names, for the reader
    assert row[7] == "'=HYPERLINK(1)"  # a spreadsheet does not run it
    assert by_kind[("597", "2020", "crime.clearance_rate", "at_least")][6] == "82.5"
    path = tmp_path / "xuat.csv"
    path.write_text(text, encoding="utf-8")
    report = import_targets(user=leader, path=path)
    assert report.rejected == []
    assert (report.rows, report.created, report.updated, report.unchanged) == (6, 0, 0, 6)
    assert snapshot() == before


def test_export_then_import_changes_nothing_xlsx(leader, some_targets, tmp_path):
    before = snapshot()
    path = tmp_path / "xuat.xlsx"
    with open(path, "wb") as out:
        export_xlsx(export_targets(user=leader, year=2020), out)
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS) and sheet.max_row == 1 + 5  # the year 2020 only
    report = import_targets(user=leader, path=path)
    assert (report.rows, report.created, report.updated, report.unchanged, report.rejected) == (5, 0, 0, 5, [])
    assert snapshot() == before


def test_export_keeps_to_the_users_scope(leader, hong_son_leader, some_targets, ma_lam):
    mine = list(export_targets(user=hong_son_leader))
    assert mine == [list(COLUMNS)]  # Hồng Sơn sees none of the district's nor Ma Lâm's
    of_ma_lam = list(export_targets(user=leader, unit=ma_lam))
    assert [r[3] for r in of_ma_lam[1:]] == ["models.active"]


# Create and update -----------------------------------------------------------------------------------------


def test_a_file_creates_and_updates_and_leaves_the_others_alone(leader, district, some_targets, tmp_path):
    accidents = some_targets[0]
    untouched = some_targets[3]  # traffic.dead, reduce: not in the file
    lines = [
        HEADER,
        "597,2020,traffic.accidents,reduce_by_pct,10,Nghị quyết số 20/NQ-HĐND,",  # changes the 5 %
        "597,2020,traffic.injured,Kéo giảm so với năm trước,,,",  # the Vietnamese label, as the grid shows it
        '597,2020,crime.cases,KHÔNG QUÁ N,"1.500.000",,',  # any case
        '597,2020,crime.clearance_rate,at_least,"85,5 %",,Chỉ tiêu Quốc hội',  # changes 82.5
        "597,2020,traffic.dead,,,,",  # an indicator without a target: skipped
    ]
    report = import_targets(user=leader, path=write(tmp_path, lines))
    assert report.rejected == []
    assert (report.rows, report.created, report.updated, report.unchanged, report.blank) == (4, 2, 2, 0, 1)
    accidents.refresh_from_db()
    assert (accidents.value, accidents.document, accidents.note) == (Decimal("10"), "Nghị quyết số 20/NQ-HĐND", "")
    assert accidents.updated_by == leader and accidents.history.first().history_user == leader
    rate = Target.objects.get(unit=district, year=2020, indicator="crime.clearance_rate")
    assert (rate.pk, rate.value, rate.note) == (some_targets[2].pk, Decimal("85.5"), "Chỉ tiêu Quốc hội")
    assert Target.objects.get(unit=district, year=2020, indicator="traffic.injured").kind == "reduce"
    assert Target.objects.get(unit=district, year=2020, indicator="crime.cases").value == Decimal("1500000")
    assert Target.objects.filter(pk=untouched.pk).exists()
    assert Target.objects.filter(unit=district, year=2020).count() == 6


def test_a_column_left_out_keeps_what_the_target_has(leader, some_targets, tmp_path):
    report = import_targets(
        user=leader,
        path=write(tmp_path, ["unit_code,year,indicator,kind,value", "597,2020,traffic.accidents,reduce_by_pct,7"]),
    )
    assert (report.updated, report.rejected) == (1, [])
    target = Target.objects.get(pk=some_targets[0].pk)
    assert (target.value, target.document, target.note) == (
        Decimal("7"), "Nghị quyết số 12/NQ-HĐND ngày 10/12/2019", "Cả ba tiêu chí")  # fmt: skip


def test_kinds_are_read_as_codes_or_labels():
    assert kind_code("at_most") == "at_most"
    assert kind_code(" Kéo giảm ít nhất N% so với năm trước ") == "reduce_by_pct"
    assert kind_code("kéo giảm ít nhất n % so với năm trước") == "reduce_by_pct"
    assert kind_code("Higher than the year before") == "increase"
    assert kind_code("") == "" and kind_code("most") is None


# Bad input -------------------------------------------------------------------------------------------------

GOOD = "597,2020,traffic.dead,reduce,,,"  # row 2 of each file below: rejected with its group


@pytest.mark.parametrize(
    ("bad", "row", "column", "vi", "en"),
    [
        ("597,2020,crime.nope,at_most,5,,", 3, "indicator", "Không có số liệu 'crime.nope'", "no indicator"),
        ("597,2020,,at_most,5,,", 3, "indicator", "Bắt buộc nhập", "Required"),
        ("597,2020,traffic.accidents,most,5,,", 3, "kind", "Loại chỉ tiêu 'most' không hợp lệ", "not a kind"),
        ("597,2020,traffic.accidents,,5,,", 3, "kind", "Bắt buộc nhập", "Required"),
        ("597,2020,traffic.accidents,at_most,,,", 3, "value", "Nhập con số của chỉ tiêu", "Give the target's number"),
        ("597,2020,traffic.accidents,at_most,-5,,", 3, "value", "Không được là số âm", "Must not be negative"),
        ("597,2020,traffic.accidents,at_most,năm,,", 3, "value", "Phải là một số không âm", "non-negative number"),
        ("597,2020,traffic.accidents,reduce,5,,", 3, "value", "không có con số", "takes no number"),
        ("597,2020,crime.clearance_rate,at_least,120,,", 3, "value", "từ 0% đến 100%", "from 0% to 100%"),
        ("597,2020,crime.clearance_rate,reduce_by_pct,5,,", 3, "kind", "là một tỷ lệ", "is a rate"),
        ("597,2020,traffic.dead,Kéo giảm so với năm trước,,,", 3, "kind", "lặp lại", "appears twice"),
        ("597,2020,traffic.accidents,at_most,5,,,extra", 3, "", "nhiều giá trị hơn số cột", "More values"),
    ],
)
def test_a_bad_row_is_named_with_its_column_in_both_languages_and_its_group_written_nowhere(
    leader, district, tmp_path, bad, row, column, vi, en
):
    report = import_targets(user=leader, path=write(tmp_path, [HEADER, GOOD, bad]))
    found = problems(report)
    assert any(c == column and vi in v and en in e for c, v, e in found[row]), found
    assert "cả nhóm bị từ chối" in found[2][0][1] and "the whole group is rejected" in found[2][0][2]
    assert (report.created, report.rejected_rows) == (0, 2)
    assert not Target.all_objects.exists()


@pytest.mark.parametrize(
    ("unit_code", "year", "column", "vi", "en"),
    [
        ("99999", "2020", "unit_code", "Không có đơn vị nào mang mã '99999'", "no unit with code '99999'"),
        ("", "2020", "unit_code", "Bắt buộc nhập", "Required"),
        ("597", "1900", "year", "Năm phải từ 1975 đến 2100", "from 1975 to 2100"),
        ("597", "", "year", "Bắt buộc nhập", "Required"),
        ("597", "2026", "unit_code", "Mã 597 không thuộc đơn vị nào", "names no unit"),  # the district ended in 2025
    ],
)
def test_a_bad_unit_or_year_rejects_the_group(leader, district, tmp_path, unit_code, year, column, vi, en):
    lines = [HEADER, f"{unit_code},{year},traffic.dead,reduce,,,", f"{unit_code},{year},traffic.injured,reduce,,,"]
    found = problems(import_targets(user=leader, path=write(tmp_path, lines)))
    assert any(c == column and vi in v and en in e for c, v, e in found[2]), found
    assert "cả nhóm bị từ chối" in found[3][0][1]
    assert not Target.all_objects.exists()


def test_an_unknown_or_missing_column_refuses_the_whole_file(leader, tmp_path):
    with pytest.raises(ImportFileError) as caught:
        import_targets(user=leader, path=write(tmp_path, [HEADER + ",status", GOOD + ",met"]))
    message = caught.value.errors["file"]
    assert "Cột không có trong mẫu: status" in message.vi and "Columns not in the template: status" in message.en
    with pytest.raises(ImportFileError) as caught:
        import_targets(user=leader, path=write(tmp_path, ["unit_code,year,indicator,value", "597,2020,traffic.dead,"]))
    assert "Thiếu cột bắt buộc: kind" in caught.value.errors["file"].vi
    assert not Target.all_objects.exists()


def test_another_communes_code_is_not_found(hong_son_leader, ma_lam, tmp_path):
    found = problems(
        import_targets(user=hong_son_leader, path=write(tmp_path, [HEADER, "23059,2020,traffic.dead,reduce,,,"]))
    )
    column, vi, en = found[2][0]
    assert column == "unit_code" and "Không tìm thấy đơn vị mã '23059'" in vi and "No unit with code '23059'" in en
    assert not Target.all_objects.exists()


def test_an_officer_is_refused(officer, district, tmp_path):
    found = problems(import_targets(user=officer, path=write(tmp_path, [HEADER, GOOD])))
    column, vi, en = found[2][0]
    assert column == "unit_code" and "Chỉ lãnh đạo hoặc quản trị viên" in vi and "Only a leader" in en
    assert not Target.all_objects.exists()


def test_groups_are_written_on_their_own_unless_all_or_nothing(leader, district, ma_lam, tmp_path):
    lines = [HEADER, "23059,2020,models.active,increase,,,", "597,2020,traffic.accidents,at_most,-1,,"]
    report = import_targets(user=leader, path=write(tmp_path, lines), all_or_nothing=True)
    assert report.rolled_back and report.created == 0 and report.rejected_rows == 1
    assert "Không ghi gì" in report.summary().vi and "Nothing written" in report.summary().en
    assert not Target.all_objects.exists()
    report = import_targets(user=leader, path=write(tmp_path, lines))
    assert not report.rolled_back and (report.created, report.rejected_rows) == (1, 1)
    assert list(Target.objects.values_list("unit__code", "indicator")) == [("23059", "models.active")]


def test_a_real_xlsx_with_typed_cells(leader, district, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Unit_Code", "unit_name", "year", "indicator", "indicator_name", "kind", "value", "document", "note"])
    sheet.append(
        [597, "Huyện Hàm Thuận Bắc", 2020, "crime.clearance_rate", "Tỷ lệ", "Đạt ít nhất N", 82.5, "NQ 96", None]
    )
    sheet.append([597.0, None, 2020.0, "traffic.accidents", None, "reduce_by_pct", 5, None, "Ghi chú"])
    sheet.append([None] * 9)
    sheet.append([23059, None, 2020, "traffic.accidents", None, "at_most", "1.500", None, None])
    path = tmp_path / "chi-tieu.xlsx"
    workbook.save(path)
    report = import_targets(user=leader, path=path)
    assert (report.rows, report.created, report.blank, report.rejected) == (3, 3, 1, [])
    saved = {(t.unit.code, t.indicator): t for t in Target.objects.select_related("unit")}
    assert saved[("597", "crime.clearance_rate")].value == Decimal("82.5")
    assert saved[("597", "crime.clearance_rate")].kind == "at_least"
    assert saved[("597", "traffic.accidents")].note == "Ghi chú"
    assert saved[("23059", "traffic.accidents")].value == Decimal("1500")


def test_a_semicolon_csv_from_excel(leader, district, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffunit_code;year;indicator;kind;value\n597;2020;crime.clearance_rate;at_least;75,5\n".encode()
    )
    report = import_targets(user=leader, path=path)
    assert (report.created, report.rejected) == (1, [])
    assert Target.objects.get().value == Decimal("75.5")


# The template ------------------------------------------------------------------------------------------------


def test_the_template_lists_the_main_indicators_with_the_units_targets(leader, district, some_targets, tmp_path):
    rows = list(template_rows(user=leader, unit=district, year=2020))
    assert rows[0] == list(COLUMNS)
    main = [code for code, i in indicators().items() if not i.parent]
    codes = [r[3] for r in rows[1:]]
    assert set(main) <= set(codes) and "traffic.accidents" in codes
    assert all(r[0] == "597" and r[2] == 2020 for r in rows[1:])
    filled = [r for r in rows[1:] if r[5]]
    assert len(filled) == 4  # the district's four targets of 2020
    path = tmp_path / "mau.csv"
    path.write_text("".join(export_csv(iter(rows))), encoding="utf-8")
    before = snapshot()
    report = import_targets(user=leader, path=path)  # the empty rows are skipped, the filled ones unchanged
    assert (report.rows, report.unchanged, report.created, report.rejected) == (4, 4, 0, [])
    assert report.blank == len(rows) - 1 - 4
    assert snapshot() == before


# Pages --------------------------------------------------------------------------------------------------------


@pytest.fixture
def leader_client(client, leader, login_verified):
    login_verified(client, leader)
    return client


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_the_list_links_to_import_template_and_export(leader_client):
    page = leader_client.get(reverse("indicators:target_list") + "?year=2020").content.decode()
    assert reverse("indicators:target_import") in page
    assert reverse("indicators:target_export", args=["xlsx"]) + "?year=2020" in page
    assert reverse("indicators:target_export", args=["csv"]) in page
    assert reverse("indicators:target_template", args=["xlsx"]) in page
    assert "Nhập từ tệp" in page and "Tải mẫu" in page and "Xuất XLSX" in page and "Xuất CSV" in page


def test_a_leader_uploads_a_file_and_sees_the_report(leader_client, district, ma_lam):
    lines = [HEADER, "597,2020,crime.clearance_rate,at_least,75,,", "23059,2020,traffic.accidents,at_most,-3,,"]
    upload = SimpleUploadedFile("chi-tieu.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")
    url = reverse("indicators:target_import")
    assert leader_client.get(url).status_code == 200
    response = leader_client.post(url, {"file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "2 dòng: thêm mới 1" in text and "2 rows: 1 created" in text
    assert "Không được là số âm" in text and "Must not be negative" in text
    assert list(Target.objects.values_list("unit__code", "indicator")) == [("597", "crime.clearance_rate")]
    upload = SimpleUploadedFile("chi-tieu.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")
    response = leader_client.post(url, {"file": upload, "all_or_nothing": "on"})
    assert "Không ghi gì" in response.content.decode()
    assert Target.objects.count() == 1


def test_the_import_page_refuses_a_file_of_another_type(leader_client):
    upload = SimpleUploadedFile("chi-tieu.txt", b"unit_code,year\n", content_type="text/plain")
    text = leader_client.post(reverse("indicators:target_import"), {"file": upload}).content.decode()
    assert "Chỉ nhận tệp .csv hoặc .xlsx" in text and "Only .csv and .xlsx files are accepted" in text


def test_an_officer_may_export_but_not_import(officer_client, leader, some_targets):
    assert officer_client.get(reverse("indicators:target_import")).status_code == 403
    upload = SimpleUploadedFile("chi-tieu.csv", f"{HEADER}\n{GOOD}\n".encode(), content_type="text/csv")
    assert officer_client.post(reverse("indicators:target_import"), {"file": upload}).status_code == 403
    assert not Target.objects.filter(indicator="traffic.dead", kind="reduce", year=2020).exclude(
        pk=some_targets[3].pk).exists()  # fmt: skip
    page = officer_client.get(reverse("indicators:target_list")).content.decode()
    assert reverse("indicators:target_import") not in page and reverse("indicators:target_export", args=["csv"]) in page
    response = officer_client.get(reverse("indicators:target_export", args=["xlsx"]) + "?year=2021")
    assert response.status_code == 200 and "chi-tieu-2021-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [[c.value for c in row][:4] for row in sheet.iter_rows(min_row=2)] == [["597", "Huyện Hàm Thuận Bắc", 2021,
                                                                                    "crime.cases"]]  # fmt: skip


def test_the_template_download_for_a_unit(leader_client, district, some_targets, make_user, unit, client):
    url = reverse("indicators:target_template", args=["csv"])
    response = leader_client.get(url, {"unit": district.pk, "year": 2020})
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert lines[0] == list(COLUMNS) and all(r[0] == "597" for r in lines[1:]) and len(lines) > 10
    assert ["597", "2020", "traffic.accidents", "reduce_by_pct", "5"] in [[r[0], r[2], r[3], r[5], r[6]] for r in lines]
    assert leader_client.get(reverse("indicators:target_template", args=["xlsx"]), {"year": 2020}).status_code == 200
    client.force_login(make_user(Role.OFFICER, unit("23086", LEGACY)))  # Hồng Sơn: the district is out of scope
    assert client.get(url, {"unit": district.pk, "year": 2020}).status_code == 404
    assert client.get(reverse("indicators:target_export", args=["pdf"])).status_code == 404


# The command line --------------------------------------------------------------------------------------------


def test_the_command_imports_exports_and_reports(leader, district, tmp_path, capsys):
    path = write(tmp_path, [HEADER, "597,2020,crime.clearance_rate,at_least,75,,", GOOD])
    call_command("targets", "import", str(path), "--user", leader.username)
    assert "2 dòng: thêm mới 2" in capsys.readouterr().out
    assert Target.objects.filter(unit=district, year=2020).count() == 2
    out = tmp_path / "xuat.xlsx"
    call_command("targets", "export", str(out), "--unit", "597", "--year", "2020", "--user", leader.username)
    capsys.readouterr()
    call_command("targets", "import", str(out), "--user", leader.username)
    assert "2 dòng: thêm mới 0, cập nhật 0, không đổi 2" in capsys.readouterr().out
    bad = write(tmp_path, [HEADER, "597,2020,traffic.accidents,at_most,-1,,"], name="bad.csv")
    with pytest.raises(SystemExit):
        call_command("targets", "import", str(bad), "--user", leader.username)
    output = capsys.readouterr().out
    assert "dòng/row 2, cột/column value" in output and (tmp_path / "bad.csv.errors.csv").exists()
    template = tmp_path / "mau.csv"
    call_command("targets", "template", str(template), "--unit", "597", "--year", "2020", "--user", leader.username)
    assert "crime.clearance_rate" in template.read_text(encoding="utf-8-sig")
    assert Target.objects.filter(unit=district, year=2020).count() == 2
