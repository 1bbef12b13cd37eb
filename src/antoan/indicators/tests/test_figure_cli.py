"""`antoan figures` (#24): extract from an old report, save as drafts or confirm in bulk, list, import; and the
figures confirmed from a report are what `antoan indicators` compares the next year with."""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfWriter

from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.indicators.models import FigureState, HistoricalFigure

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NARRATIVE = Path(__file__).parents[1] / "data" / "demo_report_2018.txt"


def run(*args, **options) -> str:
    out = StringIO()
    call_command("figures", *args, stdout=out, **options)
    return out.getvalue()


def test_extract_prints_each_figure_with_its_sentence_and_writes_nothing(leader):
    text = run("extract", str(NARRATIVE), "--unit", "597", "--year", "2018", "--user", leader.username)
    assert "traffic.accidents" in text and "« Tai nạn giao thông xảy ra 20 vụ" in text
    assert "MÂU THUẪN / CONFLICT" in text  # 52 and 53 crimes in two sentences
    assert not HistoricalFigure.all_objects.exists()


def test_extract_json_gives_the_figures_and_the_seed_of_ham_thuan_bac(leader):
    data = json.loads(run("extract", str(DATA / "seed_ham_thuan_bac_2020.txt"), "--unit", "597", "--year", "2020",
                          "--json", "--user", leader.username))  # fmt: skip
    found = {(f["indicator"], f["year"]): f for f in data["figures"]}
    assert found[("crime.social_order", 2020)]["value"] == 44 and found[("crime.social_order", 2019)]["value"] == 49
    assert found[("traffic.accidents", 2019)]["value"] == 57 and found[("officers.deployed", 2020)]["value"] == 75
    assert "44 vụ" in found[("crime.social_order", 2020)]["sentence"]
    assert data["flags"] == [] and data["saved"] is None


def test_confirm_in_bulk_then_the_next_year_is_compared_with_the_report(leader, officer, district, unit):
    text = run("extract", str(NARRATIVE), "--unit", "597", "--year", "2018", "--confirm", "--user", leader.username,
               "--document", "Báo cáo số 15/BC-UBND ngày 20/12/2018")  # fmt: skip
    assert "Đã lưu / saved" in text
    accidents = HistoricalFigure.objects.get(indicator="traffic.accidents", period="2018")
    assert accidents.state == FigureState.CONFIRMED and accidents.quote.startswith("Tai nạn giao thông xảy ra 20 vụ")
    # The two sentences that disagree are kept as drafts, for a person to decide.
    assert set(HistoricalFigure.objects.filter(indicator="crime.social_order", period="2018")
               .values_list("state", flat=True)) == {FigureState.DRAFT}  # fmt: skip
    ma_lam = unit("23059", date(2019, 1, 1))
    for month in range(1, 13):  # 12 accidents in 2019
        incident_create(user=officer, unit=ma_lam, kind="traffic", occurred_at=local(2019, month, 3, 7),
                        summary="Va chạm xe máy", dead=0, injured=1)  # fmt: skip
    out = StringIO()
    call_command("indicators", unit="597", on="2019-12-31", period="2019", indicators="traffic.accidents",
                 user=officer.username, stdout=out)  # fmt: skip
    assert "giảm 8 (-40%)" in out.getvalue().replace("(-40,0%)", "(-40%)")
    assert "Năm 2018: theo Báo cáo số 15/BC-UBND ngày 20/12/2018" in out.getvalue()
    listed = run("list", "--state", "confirmed", "--user", officer.username)
    assert "2018      traffic.accidents" in listed and "đã xác nhận / confirmed" in listed
    assert "2018      crime.social_order " not in listed  # the drafts in conflict are not listed as confirmed
    assert "crime.social_order.clearance_rate                    86,5" in listed


def test_an_officer_cannot_confirm_in_bulk(officer):
    with pytest.raises(CommandError, match="Chỉ lãnh đạo"):
        run("extract", str(NARRATIVE), "--unit", "597", "--year", "2018", "--confirm", "--user", officer.username)


def test_a_report_of_another_year_or_unit_is_flagged_and_not_confirmed(leader):
    text = run("extract", str(NARRATIVE), "--unit", "597", "--year", "2019", "--user", leader.username)
    assert "! Văn bản tổng kết năm 2018, không phải năm 2019" in text
    with pytest.raises(CommandError, match="Không xác nhận hàng loạt"):
        run("extract", str(NARRATIVE), "--unit", "597", "--year", "2019", "--confirm", "--user", leader.username)
    assert not HistoricalFigure.all_objects.exists()


def test_a_scanned_pdf_is_refused_with_a_clear_message(leader, tmp_path):
    scanned = tmp_path / "bao-cao-scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(scanned, "wb") as out:
        writer.write(out)
    with pytest.raises(CommandError) as caught:
        run("extract", str(scanned), "--unit", "597", "--year", "2018", "--save", "--user", leader.username)
    assert "PDF" in str(caught.value)
    assert not HistoricalFigure.all_objects.exists()


def test_template_then_import_as_drafts(leader, tmp_path):
    template = tmp_path / "mau.csv"
    run("template", str(template), "--unit", "597", "--year", "2018", "--user", leader.username)
    lines = template.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = next(line.split(",") for line in lines[1:] if ",traffic.accidents," in line and ",2018," in line)
    row[header.index("value")] = "20"
    template.write_text("\n".join([lines[0], ",".join(row)]) + "\n", encoding="utf-8")
    text = run("import", str(template), "--user", leader.username)
    assert "1" in text
    figure = HistoricalFigure.objects.get()
    assert (figure.indicator, figure.period, figure.value, figure.state) == (
        "traffic.accidents", "2018", 20, FigureState.DRAFT)


def test_a_report_about_another_district_is_flagged(leader):
    text = run("extract", str(DATA / "seed_lac_duong_2020.txt"), "--unit", "597", "--year", "2020",
               "--user", leader.username)  # fmt: skip
    assert "! Văn bản nói về" in text and "Lạc Dương" in text and "không nhắc đến Huyện Hàm Thuận Bắc" in text
    with pytest.raises(CommandError, match="Không xác nhận hàng loạt"):
        run("extract", str(DATA / "seed_lac_duong_2020.txt"), "--unit", "597", "--year", "2020", "--confirm",
            "--user", leader.username)  # fmt: skip
    assert not HistoricalFigure.all_objects.exists()
