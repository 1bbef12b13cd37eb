"""Import and export: rows grouped by unit and year, a bad row rejects its group, export → import round-trips."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from antoan.assessment.models import Assessment, Rating
from antoan.assessment.selectors import assessment_list, rating_list, unit_of_year
from antoan.assessment.services import assessment_record, rating_record
from antoan.assessment.tests.conftest import points_for, results_for
from antoan.assessment.transfer import (
    assessment_rows,
    export_csv,
    export_xlsx,
    import_assessments,
    import_ratings,
    rating_rows,
)
from antoan.core.tabular import ImportFileError

pytestmark = pytest.mark.django_db

HEADER = "unit_code,year,criterion_code,passed,evidence"


def write(tmp_path: Path, lines: list[str], name="danh-gia.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows_for(unit_code: str, year: int, subject: str, *, passed="1", evidence="Biên bản") -> list[str]:
    return [f"{unit_code},{year},{code},{passed},{evidence}" for code in results_for(subject, year)]


def problems(report) -> dict[int, tuple[str, str]]:
    return {p.row: (p.column, p.message.vi) for p in report.rejected}


def test_import_groups_rows_by_unit_and_year(officer, ham_thuan, establishment, tmp_path):
    area = establishment(ham_thuan, "Khu phố 1")
    lines = [HEADER, *rows_for(area.code, 2026, "residential_area"), *rows_for("23059", 2026, "commune")]
    report = import_assessments(user=officer, path=write(tmp_path, lines))
    assert (report.rows, report.created, report.rejected) == (11, 11, [])
    assert Assessment.objects.count() == 2
    again = import_assessments(user=officer, path=write(tmp_path, lines))
    assert (again.created, again.unchanged) == (0, 11)


def test_a_bad_row_rejects_its_group_with_row_numbers(officer, ham_thuan, establishment, tmp_path):
    area = establishment(ham_thuan, "Khu phố 1")
    good = rows_for(area.code, 2026, "residential_area")  # rows 2-6
    bad = rows_for("23059", 2026, "commune")  # rows 7-12
    bad[1] = "23059,2026,XA.2,có lẽ,"  # row 8
    bad[3] = "23059,2026,XA.9,1,"  # row 10: unknown code, and XA.4 is then missing
    report = import_assessments(user=officer, path=write(tmp_path, [HEADER, *good, *bad]))
    found = problems(report)
    assert found[8][0] == "passed" and "có lẽ" in found[8][1]
    assert found[10][0] == "criterion_code" and "XA.9" in found[10][1]
    assert sorted(found) == [7, 8, 9, 10, 11, 12]
    missing = next(p for p in report.rejected if p.row == 7)  # the group's missing criterion, on its first row
    assert missing.column == "criterion_code"
    assert missing.message.vi.startswith("Thiếu kết quả tiêu chí XA.4 (Tội phạm, tệ nạn xã hội")
    assert missing.message.en.startswith("The result of criterion XA.4 is missing (Crime, social evils")
    for row in (9, 11, 12):
        assert "cả nhóm bị từ chối" in found[row][1]
    assert report.created == 5 and report.rejected_rows == 6
    assert list(Assessment.objects.values_list("unit__code", flat=True)) == [area.code]


def test_all_or_nothing_writes_nothing(officer, ham_thuan, establishment, tmp_path):
    area = establishment(ham_thuan, "Khu phố 1")
    lines = [HEADER, *rows_for(area.code, 2026, "residential_area"), "23059,2026,XA.1,1,"]
    report = import_assessments(user=officer, path=write(tmp_path, lines), all_or_nothing=True)
    assert report.rolled_back and report.created == 0
    assert not Assessment.objects.exists()


def test_a_result_column_is_refused(officer, tmp_path):
    path = write(tmp_path, [HEADER + ",recognised", "23059,2026,XA.1,1,,1"])
    with pytest.raises(ImportFileError) as caught:
        import_assessments(user=officer, path=path)
    assert "recognised" in caught.value.errors["file"].vi
    path = write(tmp_path, ["unit_code,year,criterion_code,points,total", "23059,2026,A.1,8,100"], name="r.csv")
    with pytest.raises(ImportFileError):
        import_ratings(user=officer, path=path)


def test_unknown_unit_and_out_of_scope_rows(officer, tmp_path):
    lines = [HEADER, "99999,2026,XA.1,1,", "23086,2026,XA.1,1,"]  # 23086: Hồng Sơn, not the officer's
    found = problems(import_assessments(user=officer, path=write(tmp_path, lines)))
    assert found[2][0] == "unit_code" and "99999" in found[2][1]
    assert found[3][0] == "unit_code" and "Không tìm thấy đơn vị" in found[3][1]


def test_codes_are_read_in_the_hierarchy_of_the_year(district_officer, district_communes):
    from antoan.units.services import establishment_create

    commune = district_communes[0]
    area = establishment_create(
        user=district_officer, commune=commune, name="Thôn 3", establishment_type="residential_area"
    )
    assert unit_of_year(code=commune.code, year=2020) == commune
    assert unit_of_year(code=area.code, year=2020) == area  # the record is newer than 2020
    assert unit_of_year(code=float(commune.code), year=2020) == commune  # a number cell from Excel


def test_export_then_import_round_trips(district_officer, district_communes, tmp_path):
    from antoan.units.services import establishment_create

    commune = district_communes[0]
    area = establishment_create(
        user=district_officer, commune=commune, name="Thôn 1", establishment_type="residential_area"
    )
    # A double quote is left out: core.tabular sniffs the CSV dialect from the header line, which turns off
    # doubled-quote escaping (reported; not this app's module).
    awkward = "=cmd|' /C calc'!A0, trích dẫn\nxuống dòng"
    area_results = results_for("residential_area", 2020, failed=("KDC.3",), evidence=awkward)
    assessment_record(user=district_officer, unit=area, year=2020, results=area_results)
    assessment_record(user=district_officer, unit=commune, year=2020, results=results_for("commune", 2020))
    before = {
        (a.unit.code, a.year): {c.code: (c.passed, c.evidence) for c in a.criteria.all()}
        for a in Assessment.objects.all()
    }

    text = "".join(export_csv(assessment_rows(assessment_list(user=district_officer))))
    assert text.startswith("\ufeff") and "'=cmd" in text
    buffer = io.BytesIO()
    export_xlsx(assessment_rows(assessment_list(user=district_officer)), buffer, sheet="danh_gia")
    assert load_workbook(buffer).active.max_row == 1 + 4 + 4

    Assessment.objects.all().delete()
    report = import_assessments(user=district_officer, path=write(tmp_path, [text.lstrip("\ufeff")]))
    assert report.rejected == [] and report.created == 8
    after = {
        (a.unit.code, a.year): {c.code: (c.passed, c.evidence) for c in a.criteria.all()}
        for a in Assessment.objects.all()
    }
    assert after == before

    xlsx = tmp_path / "danh-gia.xlsx"
    export_xlsx(assessment_rows(assessment_list(user=district_officer)), xlsx, sheet="danh_gia")
    assert import_assessments(user=district_officer, path=xlsx).unchanged == 8


def test_ratings_import_and_round_trip(officer, ham_thuan, tmp_path):
    rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026, each=7))
    text = "".join(export_csv(rating_rows(rating_list(user=officer)))).lstrip("\ufeff")
    assert next(csv.reader(io.StringIO(text))) == ["unit_code", "unit_name", "year", "criterion_code", "points"]
    Rating.objects.all().delete()
    report = import_ratings(user=officer, path=write(tmp_path, [text], name="xep-loai.csv"))
    assert report.created == 10 and Rating.objects.get().total == 70
    lines = text.strip().splitlines()
    lines[1] = lines[1].replace(",A.1,7", ",A.1,9")
    found = problems(import_ratings(user=officer, path=write(tmp_path, lines, name="xep-loai.csv")))
    assert found[2] == ("points", "Điểm tiêu chí A.1 phải từ 0 đến 8 (nhận 9)")
    assert Rating.objects.get().total == 70


def test_management_command(officer, ham_thuan, tmp_path, capsys):
    path = write(tmp_path, [HEADER, *rows_for("23059", 2026, "commune")])
    call_command("assessment", "import", str(path), "--user", officer.username)
    assert "6 dòng: thêm mới 6" in capsys.readouterr().out
    bad = write(tmp_path, [HEADER, "23059,2026,XA.1,maybe,"], name="bad.csv")
    with pytest.raises(SystemExit):
        call_command("assessment", "import", str(bad), "--user", officer.username)
    out = capsys.readouterr().out
    assert "dòng/row 2" in out and (tmp_path / "bad.csv.errors.csv").exists()
    ratings = write(tmp_path, ["unit_code,year,criterion_code,points", "23059,2026,A.1,8"], name="r.csv")
    with pytest.raises(SystemExit):
        call_command("assessment", "import", str(ratings), "--ratings", "--user", officer.username)
    assert "Thiếu điểm tiêu chí" in capsys.readouterr().out
