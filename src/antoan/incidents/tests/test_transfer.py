"""Import and export: the round trip, the report, and every kind of bad input a real file brings."""

import csv
import io
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from antoan.accounts.models import Role
from antoan.core.tabular import ImportFileError
from antoan.incidents.models import Incident
from antoan.incidents.services import EDITABLE_FIELDS, incident_create
from antoan.incidents.tests.conftest import local
from antoan.incidents.transfer import COLUMNS, export_csv, export_xlsx, import_incidents

pytestmark = pytest.mark.django_db

HEADER = "external_id,kind,category,unit_code,occurred_at,latitude,longitude,address,summary,solved,dead,injured"


def write_csv(tmp_path: Path, text: str, *, name="incidents.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(report) -> dict[tuple[int, str], str]:
    return {(p.row, p.column): p.message.vi for p in report.rejected}


@pytest.fixture
def records(officer, ham_thuan, unit):
    """One record of each kind, with the awkward values a round trip must keep."""
    ma_lam = unit("23059", date(2020, 6, 1))
    common = {"user": officer}
    return [
        incident_create(
            **common,
            unit=ham_thuan,
            kind="crime",
            occurred_at=local(2026, 1, 5, 21, 0),
            category="social_order",
            summary="=cmd|' /C calc'!A0 — trộm cắp\nxe máy",
            solved=True,
            solved_on=date(2026, 1, 9),
            suspects=2,
            gravity="Rất nghiêm trọng",
            external_id="HS-01",
            address="<b>Thôn 1</b>",
        ),
        incident_create(
            **common,
            unit=ham_thuan,
            kind="social_evil",
            occurred_at=local(2026, 2, 1, 22, 15),
            category="loan_sharking",
            summary="Cho vay lãi nặng",
            persons_involved=3,
            external_id="TN-02",
        ),
        incident_create(
            **common,
            unit=ma_lam,
            kind="traffic",
            occurred_at=local(2020, 6, 1, 7, 30),
            summary="Va chạm trên ĐT 711",
            dead=1,
            injured=2,
            property_damage_vnd=25_000_000,
            vehicles=2,
            road_name="ĐT 711",
            cause="Không nhường đường",
            latitude=11.07,
            longitude=108.06,
            external_id="GT-03",
        ),
        incident_create(
            **common,
            unit=ham_thuan,
            kind="disaster",
            occurred_at=local(2025, 10, 15, 0, 0),
            ended_at=local(2025, 10, 17, 6, 0),
            category="flood",
            summary="Lũ",
            dead=0,
            missing=1,
            injured=0,
            houses_damaged=12,
            houses_destroyed=1,
            agriculture_ha=40,
            transport_m=300,
            transport_m3=1200,
            other_damage="2 cầu tràn",
            economic_loss_million_vnd=3500,
            recovery_support_vnd=150_000_000,
            recovery_support_description="Gạo, tiền",
            external_id="TT-04",
        ),
    ]


def snapshot():
    rows = {}
    for incident in Incident.objects.select_related("unit"):
        values = {f: getattr(incident, f) for f in EDITABLE_FIELDS}
        values["unit"] = incident.unit.pk
        values["severity"] = incident.severity
        rows[(incident.unit.pk, incident.external_id)] = values
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_identical_records(tmp_path, officer, records, fmt):
    before = snapshot()
    path = tmp_path / f"export.{fmt}"
    if fmt == "csv":
        path.write_text("".join(export_csv(Incident.objects.all())), encoding="utf-8")
    else:
        with open(path, "wb") as out:
            export_xlsx(Incident.objects.all(), out)

    again = import_incidents(user=officer, path=path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 4, [])

    Incident.objects.all().delete()
    report = import_incidents(user=officer, path=path)
    assert (report.created, report.rejected) == (4, [])
    assert snapshot() == before


def test_exports_neutralise_formulas(records):
    text = "".join(export_csv(Incident.objects.filter(kind="crime")))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["summary"].startswith("'=cmd")
    out = io.BytesIO()
    export_xlsx(Incident.objects.filter(kind="crime"), out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    summary_cell = sheet.cell(row=2, column=COLUMNS.index("summary") + 1)
    assert summary_cell.data_type == "s" and summary_cell.value.startswith("'=cmd")


def test_a_code_is_read_on_the_rows_date(tmp_path, officer):
    path = write_csv(
        tmp_path,
        f"{HEADER}\n"
        "A1,traffic,,23059,2020-03-01 08:00,,,,Va chạm,,0,1\n"
        "A2,traffic,,23059,01/03/2026 08:00,,,,Va chạm,,0,1\n",
    )
    report = import_incidents(user=officer, path=path)
    assert report.created == 2, report.rejected
    names = dict(Incident.objects.values_list("external_id", "unit__name"))
    assert names == {"A1": "Thị trấn Ma Lâm", "A2": "Xã Hàm Thuận"}


def test_a_reimport_updates_by_external_id_and_is_idempotent(tmp_path, officer):
    first = write_csv(tmp_path, f"{HEADER}\nA1,traffic,,23059,2026-03-01,,,,Va chạm,,0,1\n")
    second = write_csv(tmp_path, f"{HEADER}\nA1,traffic,,23059,2026-03-01,,,,Va chạm,,1,1\n", name="b.csv")
    assert import_incidents(user=officer, path=first).created == 1
    assert import_incidents(user=officer, path=second).updated == 1
    assert import_incidents(user=officer, path=second).unchanged == 1
    incident = Incident.objects.get()
    assert (incident.dead, incident.severity) == (1, "serious")


BAD_ROWS = [
    ("B1,traffic,,23059,2026-03-01,,,,Va chạm,,hai,1", "dead", "số nguyên không âm"),
    ("B2,traffic,,23059,2026-03-01,,,,Va chạm,,-1,1", "dead", "số âm"),
    ("B3,traffic,,23059,2099-03-01,,,,Va chạm,,0,1", "occurred_at", "tương lai"),
    ("B4,traffic,,99999,2026-03-01,,,,Va chạm,,0,1", "unit_code", "Không có đơn vị"),
    ("B5,traffic,,23086,2026-03-01,,,,Va chạm,,0,1", "unit_code", "Không tìm thấy"),  # Hồng Sơn: not theirs
    ("B6,traffic,,68,2026-03-01,,,,Va chạm,,0,1", "unit_code", "Không tìm thấy"),
    ("B7,crime,,23059,2026-03-01,,,,Trộm,1,,", "category", "Bắt buộc"),
    ("B8,traffic,,23059,2026-03-01,,,,Va chạm,,0,", "injured", "Bắt buộc"),
    ("B9,robbery,,23059,2026-03-01,,,,Va chạm,,0,1", "kind", "không hợp lệ"),
    ("B10,traffic,,23059,30/02/2026,,,,Va chạm,,0,1", "occurred_at", "không hợp lệ"),
    ("B11,traffic,,23059,2026-03-01,abc,108,,Va chạm,,0,1", "latitude", "Phải là một số"),
    ("B12,social_evil,Cờ bạc,23059,2026-03-01,,,,Đánh bạc,,1,", "dead", "không dùng cho"),
    ("B13,traffic,,23059,2026-03-01,,,,Va chạm,có,0,1", "solved", "không dùng cho"),
    (f"B14,traffic,,23059,2026-03-01,,,,{'x' * 10_000},,0,1", "summary", "quá giới hạn"),
]


def test_each_bad_row_is_rejected_with_row_column_and_reason(tmp_path, officer):
    lines = [HEADER, "OK1,traffic,,23059,2026-03-01,,,,Va chạm,,0,1"] + [row for row, _, _ in BAD_ROWS]
    report = import_incidents(user=officer, path=write_csv(tmp_path, "\n".join(lines) + "\n"))
    found = problems(report)
    for number, (_, column, fragment) in enumerate(BAD_ROWS, start=3):
        assert fragment in found.get((number, column), ""), (number, column, found)
    assert report.created == 1 and report.rejected_rows == len(BAD_ROWS)
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["OK1"]


def test_the_same_external_id_twice_in_a_file_is_rejected_the_second_time(tmp_path, officer):
    text = f"{HEADER}\nD1,traffic,,23059,2026-03-01,,,,A,,0,1\nD1,traffic,,23059,2026-03-02,,,,B,,0,1\n"
    report = import_incidents(user=officer, path=write_csv(tmp_path, text))
    assert report.created == 1
    assert "dòng 2" in problems(report)[(3, "external_id")]


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(tmp_path, officer):
    text = f"{HEADER}\nE1,traffic,,23059,2026-03-01,,,,A,,0,1\nE2,traffic,,23059,2026-03-01,,,,B,,-5,1\n"
    report = import_incidents(user=officer, path=write_csv(tmp_path, text), all_or_nothing=True)
    assert report.rolled_back and report.created == 0
    assert Incident.objects.count() == 0
    assert "Không ghi gì" in report.summary().vi


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        (HEADER + ",note", "Cột không có trong mẫu: note"),
        ("external_id,kind,unit_code,occurred_at", "Thiếu cột bắt buộc: summary"),
        ("kind,kind,unit_code,occurred_at,summary", "Cột bị lặp: kind"),
    ],
)
def test_a_bad_header_rejects_the_file(tmp_path, officer, header, fragment):
    with pytest.raises(ImportFileError) as error:
        import_incidents(user=officer, path=write_csv(tmp_path, header + "\n"))
    assert fragment in error.value.errors["file"].vi


def test_bom_semicolons_category_labels_and_missing_optional_columns(tmp_path, officer):
    text = (
        "\ufeffkind;category;unit_code;occurred_at;summary;solved\n"
        "crime;TRẬT TỰ XÃ HỘI;23059;05/01/2026 21:00;Trộm;không\n"
    )
    report = import_incidents(user=officer, path=write_csv(tmp_path, text))
    assert report.created == 1, report.rejected
    assert Incident.objects.get().category == "social_order"


def test_a_crimes_gravity_is_read_by_code_or_by_label_typed_without_diacritics(tmp_path, officer):
    text = (
        "external_id,kind,category,unit_code,occurred_at,summary,solved,gravity\n"
        "G1,crime,social_order,23059,05/01/2026 21:00,Cố ý gây thương tích,có,rat nghiem trong\n"
        "G2,crime,social_order,23059,06/01/2026 21:00,Giết người,có,especially_serious\n"
        "G3,crime,social_order,23059,07/01/2026 21:00,Trộm cắp,không,\n"
        "G4,crime,social_order,23059,08/01/2026 21:00,Cướp giật,không,nghiêm trọng lắm\n"
    )
    report = import_incidents(user=officer, path=write_csv(tmp_path, text))
    assert report.created == 3
    assert "không có trong phân loại tội phạm của Bộ luật Hình sự 2015, Điều 9" in problems(report)[(5, "gravity")]
    stored = dict(Incident.objects.values_list("external_id", "severity"))
    assert stored == {"G1": "very_serious", "G2": "especially_serious", "G3": ""}


def test_text_is_normalised_and_legacy_encodings_are_converted_and_reported(tmp_path, officer):
    nfd = unicodedata.normalize("NFD", "Thôn Lâm Hòa")
    mojibake = "Xã Hàm Thuận".encode().decode("cp1252")  # UTF-8 once read as Windows-1252
    text = (
        "kind,unit_code,occurred_at,summary,address,dead,injured\n"
        f"traffic,23059,2026-03-01,{nfd},,0,1\n"
        "traffic,23059,2026-03-02,Va chạm,X· Hµm ThuËn,0,1\n"  # TCVN3
        "traffic,23059,2026-03-03,Va chạm,Xaõ Haøm Thuaän,0,1\n"  # VNI
        f"traffic,23059,2026-03-04,Va chạm,{mojibake},0,1\n"
    )
    report = import_incidents(user=officer, path=write_csv(tmp_path, text))
    assert report.created == 4, report.rejected
    summaries = list(Incident.objects.order_by("occurred_at").values_list("summary", "address"))
    assert summaries[0][0] == "Thôn Lâm Hòa"
    assert [a for _, a in summaries[1:]] == ["Xã Hàm Thuận"] * 3
    assert {(row, conversion) for row, _, conversion in report.converted} == {
        (3, "TCVN3"),
        (4, "VNI"),
        (5, "MOJIBAKE"),
    }


def test_html_in_text_is_kept_as_text(tmp_path, officer):
    text = "kind,unit_code,occurred_at,summary,dead,injured\ntraffic,23059,2026-03-01,<script>alert(1)</script>,0,1\n"
    import_incidents(user=officer, path=write_csv(tmp_path, text))
    assert Incident.objects.get().summary == "<script>alert(1)</script>"


def test_xlsx_with_typed_cells(tmp_path, officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["kind", "unit_code", "occurred_at", "summary", "dead", "injured", "property_damage_vnd"])
    sheet.append(["traffic", 23059, local(2026, 3, 1, 8, 0).replace(tzinfo=None), "Va chạm", 0, 1.0, 120000000])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    report = import_incidents(user=officer, path=path)
    assert report.created == 1, report.rejected
    assert Incident.objects.get().severity == "serious"


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path, officer):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(ImportFileError):
        import_incidents(user=officer, path=path)
    with pytest.raises(ImportFileError):
        import_incidents(user=officer, path=write_csv(tmp_path, "x", name="a.txt"))


def test_cli_reports_and_writes_the_problems_next_to_the_file(tmp_path, make_user, unit, capsys):
    make_user(Role.OFFICER, unit("68"), username="canbo.tinh")
    path = write_csv(
        tmp_path, f"{HEADER}\nC1,traffic,,23059,2026-03-01,,,,A,,0,1\nC2,traffic,,23059,2026-03-01,,,,B,,x,1\n"
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "incidents", str(path), "--user", "canbo.tinh")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "thêm mới 1" in out and "dòng/row 3, cột/column dead" in out
    problems_csv = (tmp_path / "incidents.csv.errors.csv").read_text(encoding="utf-8-sig")
    assert "3,dead,rejected" in problems_csv
    assert Incident.objects.get().created_by.username == "canbo.tinh"


def test_cli_without_a_user_acts_as_the_system_account(tmp_path):
    path = write_csv(tmp_path, f"{HEADER}\nS1,traffic,,23059,2026-03-01,,,,A,,0,1\n")
    call_command("import", "incidents", str(path))
    assert Incident.objects.get().created_by.username == "antoan-system"


def test_a_district_code_is_refused_because_records_belong_to_communes(tmp_path, make_user, unit):
    district_officer = make_user(Role.OFFICER, unit("597", date(2020, 1, 1)))
    text = f"{HEADER}\nX1,traffic,,597,2020-03-01,,,,A,,0,1\nX2,traffic,,23059,2020-03-01,,,,B,,0,1\n"
    report = import_incidents(user=district_officer, path=write_csv(tmp_path, text))
    assert "phải gắn với một xã" in problems(report)[(2, "unit_code")]
    assert report.created == 1  # Ma Lâm, in the district


def test_category_labels_follow_the_language():
    from django.utils import translation

    from antoan.incidents.categories import category_label
    from antoan.incidents.severity import severity_label

    assert (category_label("crime", "drugs"), severity_label("serious")) == ("Ma túy", "Nghiêm trọng")
    with translation.override("en"):
        assert (category_label("crime", "drugs"), severity_label("serious")) == ("Drugs", "Serious")
