"""Figures read from narrative reports: the two seed articles (Hàm Thuận Bắc and Lạc Dương, 2020), a report for
2018 written for these tests in the same official style (its figures are invented) that holds each phrase form
once, and bad input. No database: the engine reads text only."""

import unicodedata
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from antoan.core.errors import DomainError
from antoan.indicators import figure_extract
from antoan.indicators.catalogue import indicators
from antoan.indicators.figure_extract import extract_text, parse_number, read_document

DATA = Path(__file__).parent / "data"
# The invented 2018 report of the demo district, written to hold every phrase form once (and one conflict).
DEMO_REPORT = Path(__file__).parents[1] / "data" / "demo_report_2018.txt"


def extract(name: str, year: int):
    return extract_text((DATA / name).read_text("utf-8"), year=year)


@pytest.fixture(scope="module")
def ham_thuan_bac():
    return extract("seed_ham_thuan_bac_2020.txt", 2020)


@pytest.fixture(scope="module")
def lac_duong():
    return extract("seed_lac_duong_2020.txt", 2020)


@pytest.fixture(scope="module")
def narrative():
    return extract_text(DEMO_REPORT.read_text("utf-8"), year=2018)


def figure(extraction, indicator, year):
    found = [f for f in extraction.figures if f.key == (indicator, year)]
    assert len(found) == 1, f"{indicator} {year}: {found}"
    return found[0]


def test_every_code_in_the_patterns_is_in_the_catalogue():
    catalogue = indicators()
    patterns = figure_extract.patterns()
    assert patterns.codes
    assert patterns.codes <= set(catalogue), sorted(patterns.codes - set(catalogue))
    # money is given in the catalogue's unit of each indicator
    for rule in patterns.rules:
        if "đồng" in rule.units:
            assert catalogue[rule.indicator].measure_vi == {1: "đồng", 1_000_000: "triệu đồng"}[rule.per]


def test_an_unknown_code_is_refused_when_the_patterns_load():
    with pytest.raises(ValueError, match="no.such.code"):
        figure_extract._check_codes({"crime.social_order", "no.such.code"})


# --- the seeds ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "year", "value"),
    [
        ("crime.social_order", 2020, 44),
        ("crime.social_order", 2019, 49),
        ("traffic.accidents", 2020, 54),
        ("traffic.accidents", 2019, 57),
        ("officers.deployed", 2020, 75),
    ],
)
def test_ham_thuan_bac_2020(ham_thuan_bac, indicator, year, value):
    found = figure(ham_thuan_bac, indicator, year)
    assert found.value == value
    assert str(value) in found.sentence
    assert str(value) in found.phrase
    assert found.sentence[found.start : found.end] == found.phrase
    assert found.derived == ""


def test_ham_thuan_bac_2020_context(ham_thuan_bac):
    assert "Hàm Thuận Bắc" in ham_thuan_bac.places
    assert 2020 in ham_thuan_bac.report_years
    assert 2021 not in ham_thuan_bac.report_years  # "triển khai nhiệm vụ năm 2021" looks ahead
    assert ham_thuan_bac.conflicts == []
    assert ham_thuan_bac.unread == []
    # "100% cơ quan, đơn vị … và 17 xã, thị trấn đạt tiêu chuẩn": no code fits it, nothing is invented
    assert not [f for f in ham_thuan_bac.figures if f.indicator.startswith("recognised")]
    assert {f.indicator for f in ham_thuan_bac.figures} == {"crime.social_order", "traffic.accidents",
                                                             "officers.deployed"}  # fmt: skip


def test_lac_duong_2020_commendations(lac_duong):
    medal = figure(lac_duong, "commendations.medal", 2020)
    assert (medal.value, medal.note) == (9, "9 cá nhân")
    assert "9 cá nhân" in medal.sentence
    assert figure(lac_duong, "commendations.authority.ministry", 2020).value == 9
    provincial = figure(lac_duong, "commendations.authority.provincial_police", 2020)
    assert (provincial.value, provincial.note) == (4, "2 tập thể, 2 cá nhân")
    assert "2 tập thể và 2 cá nhân được Giám đốc Công an tỉnh" in provincial.phrase
    district = figure(lac_duong, "commendations.authority.district_chair", 2020)
    assert (district.value, district.note) == (10, "5 tập thể, 5 cá nhân")
    assert district.phrase == "Chủ tịch UBND huyện Lạc Dương tặng giấy khen cho 5 tập thể và 5 cá nhân"
    # Giấy khen in two clauses: summed, marked and less sure than what is stated
    total = figure(lac_duong, "commendations.commendation", 2020)
    assert (total.value, total.derived) == (14, "sum")
    assert total.confidence < district.confidence
    assert lac_duong.conflicts == []
    assert not [f for f in lac_duong.figures if not f.indicator.startswith("commendations")]


def test_lac_duong_2020_context(lac_duong):
    assert lac_duong.report_years == [2020]
    assert lac_duong.places == ["huyện Lạc Dương"]


# --- the 2018 narrative: one test per phrase form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "value", "written", "form"),
    [
        ("crime.social_order", 52, "xảy ra 52 vụ phạm pháp hình sự", "phrase after the unit"),
        ("crime.social_order.solved", 45, "điều tra làm rõ 45 vụ", "about phạm pháp hình sự"),
        ("crime.social_order.clearance_rate", Decimal("86.5"), "đạt tỷ lệ 86,5%", "decimal comma, percent"),
        ("crime.cases", 60, "Tổng số vụ án hình sự trên địa bàn là 60 vụ", "phrase before the number"),
        ("crime.solved", 51, "đã làm rõ 51 vụ", "about vụ án hình sự"),
        ("crime.suspects", 85, "bắt giữ 85 đối tượng", "đối tượng"),
        ("officers.deployed", 36, "tăng cường 36 cán bộ, chiến sĩ công an chính quy", "cán bộ, chiến sĩ"),
        ("social_evil.cases", 44, "giảm còn 44 vụ", "giảm còn: this year's value"),
        ("social_evil.cases.gambling", 14, "phát hiện, xử lý 14 vụ đánh bạc", "gambling"),
        ("social_evil.cases.prostitution", 5, "05 vụ mua bán dâm", "leading zero"),
        ("social_evil.cases.loan_sharking", 3, "03 vụ cho vay lãi nặng", "loan sharking"),
        ("traffic.accidents", 20, "Tai nạn giao thông xảy ra 20 vụ", "traffic"),
        ("traffic.dead", 10, "làm chết 10 người", "dead, in a traffic sentence"),
        ("traffic.injured", 15, "bị thương 15 người", "injured, in a traffic sentence"),
        ("traffic.property_damage", 350_000_000, "350 triệu đồng", "triệu đồng → đồng"),
        ("traffic.violations_handled", 1234, "1.234 trường hợp", "thousands separator"),
        ("disaster.events.storm", 2, "02 cơn bão", "storms"),
        ("disaster.events.heavy_rain", 3, "03 đợt mưa lớn", "heavy rain"),
        ("disaster.dead", 2, "làm chết 02 người", "dead, in a disaster sentence"),
        ("disaster.injured", 5, "làm bị thương 05 người", "injured, in a disaster sentence"),
        ("disaster.houses_damaged", 15, "tốc mái và hư hỏng 15 căn nhà", "houses damaged"),
        ("disaster.houses_destroyed", 3, "sập hoàn toàn 03 căn nhà", "houses destroyed"),
        ("disaster.economic_loss", 3200, "3,2 tỷ đồng", "tỷ đồng → the catalogue's triệu đồng"),
        ("fire.events", 2, "còn hai vụ", "a number in words"),
        ("models.active", 12, "mười hai mô hình tự quản", "mười hai"),
        ("results.reformed", 3, "ba người", "ba"),
        ("results.cameras", 120, "lắp đặt mới 120 camera an ninh", "cameras"),
        ("exemplars", 8, "08 điển hình tiên tiến", "exemplars"),
        ("commendations.merit", 10, "04 tập thể và 06 cá nhân", "Bằng khen"),
        ("commendations.authority.province_chair", 10, "Chủ tịch UBND tỉnh", "by the province's chair"),
        ("commendations.commendation", 12, "5 tập thể và 7 cá nhân", "Giấy khen, one clause: stated"),
        ("commendations.authority.district_chair", 12, "Chủ tịch UBND huyện", "by the district's chair"),
        ("commendations.medal", 3, "3 cá nhân", "Kỷ niệm chương"),
        ("commendations.authority.ministry", 3, "Bộ Công an", "by the ministry"),
    ],
)
def test_narrative_stated(narrative, indicator, value, written, form):
    found = figure(narrative, indicator, 2018)
    assert found.value == value, form
    assert type(found.value) is type(value)
    assert written in found.sentence
    assert found.derived == ""
    assert found.sentence[found.start : found.end] == found.phrase
    assert 0 < found.confidence <= 1


@pytest.mark.parametrize(
    ("indicator", "year", "value", "derived", "written", "form"),
    [
        ("crime.social_order", 2017, 55, "change", "giảm 03 vụ so với năm 2017", "giảm N so với năm Y"),
        ("traffic.accidents", 2017, 18, "change", "so với năm 2017, số vụ tăng 02 vụ", "comparison named first"),
        ("traffic.dead", 2017, 11, "change", "số người chết giảm 01 người", "each measure its own change"),
        ("crime.cases", 2017, 64, "", "(năm 2017: 64 vụ)", "(năm Y: N)"),
        ("fire.events", 2017, 4, "", "so với năm 2017 (là 04 vụ)", "giảm (còn N) so với năm Y (là M)"),
        ("social_evil.cases", 2017, 49, "percent", "giảm 10,2% so với năm 2017", "exact decimal percentage"),
        ("social_evil.cases.gambling", 2017, 10, "percent", "tăng 40% so với năm 2017", "exact percentage"),
        ("results.cameras", 2017, 100, "change", "tăng 20 camera so với cùng kỳ", "so với cùng kỳ"),
        ("exemplars", 2017, 10, "change", "giảm 02 điển hình so với năm trước", "so với năm trước"),
    ],
)
def test_narrative_previous_years(narrative, indicator, year, value, derived, written, form):
    found = figure(narrative, indicator, year)
    assert (found.value, found.derived) == (value, derived), form
    assert written in found.sentence
    stated = figure(narrative, indicator, 2018)
    if derived:  # a value worked out from a change is less sure than the one the sentence states
        assert found.confidence < stated.confidence


def test_an_inexact_percentage_gives_no_previous_value(narrative):
    """15 people injured, "giảm 10,5%": 17 would be 11,8 %, 16 would be 6,3 % — no whole number fits."""
    assert figure(narrative, "traffic.injured", 2018).value == 15
    assert not [f for f in narrative.figures if f.key == ("traffic.injured", 2017)]


def test_the_subject_decides_dead_and_injured(narrative):
    assert "Tai nạn giao thông" in figure(narrative, "traffic.dead", 2018).sentence
    assert "Thiên tai" in figure(narrative, "disaster.dead", 2018).sentence
    assert not [f for f in narrative.figures if f.indicator in ("crime.dead", "fire.dead")]


def test_numbers_in_words_are_less_sure(narrative):
    assert figure(narrative, "models.active", 2018).confidence < figure(narrative, "results.cameras", 2018).confidence
    assert figure(narrative, "fire.events", 2018).confidence < 0.8


def test_two_sentences_giving_different_values_are_a_conflict(narrative):
    [conflict] = narrative.conflicts
    assert (conflict.indicator, conflict.year) == ("crime.social_order", 2018)
    assert [f.value for f in conflict.figures] == [52, 53]
    assert "52 vụ" in conflict.figures[0].sentence and "53 vụ" in conflict.figures[1].sentence
    assert figure(narrative, "crime.social_order", 2018).value == 52  # equally sure: the first in the text


def test_narrative_context(narrative):
    assert narrative.report_years == [2018]
    assert narrative.places == ["huyện Hàm Thuận Bắc", "xã Hàm Đức", "xã Hàm Phú"]
    assert narrative.unread == []


def test_old_tone_placement_and_decomposed_text_read_alike():
    text = "Năm 2018, cảm hoá, giáo dục tại cộng đồng 04 người; xảy ra 02 vụ tai nạn giao thông."
    for variant in (text, unicodedata.normalize("NFD", text)):
        extraction = extract_text(variant, year=2018)
        assert figure(extraction, "results.reformed", 2018).value == 4
        assert figure(extraction, "traffic.accidents", 2018).value == 2


# --- numbers --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234", 1234),
        ("1.234.567", 1234567),
        ("3,2", Decimal("3.2")),
        ("86,5", Decimal("86.5")),
        ("1.234,5", Decimal("1234.5")),
        ("05", 5),
        ("2019", 2019),
        ("hai", 2),
        ("ba", 3),
        ("mười", 10),
        ("mười hai", 12),
        ("mười lăm", 15),
        ("hai mươi", 20),
        ("hai mươi mốt", 21),
        ("hai mươi lăm", 25),
        ("một trăm lẻ năm", 105),
        ("hai nghìn", 2000),
        ("Mười Hai", 12),
        ("1.2", None),
        ("5O", None),
        ("12,3,4", None),
        ("hai ba", None),
        ("mươi", None),
        ("nhiều", None),
        ("", None),
    ],
)
def test_parse_number(text, value):
    parsed = parse_number(text)
    assert parsed == value
    if value is not None:
        assert type(parsed) is type(value)


# --- bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Năm 2018, trên địa bàn xảy ra 5O vụ phạm pháp hình sự.",
        "Năm 2018, trên địa bàn xảy ra 1.2 vụ phạm pháp hình sự.",
        "Năm 2018, trên địa bàn xảy ra hàng chục vụ phạm pháp hình sự.",
        "Dịp này, hàng chục cá nhân được Chủ tịch UBND huyện tặng giấy khen.",
    ],
)
def test_a_number_that_cannot_be_read_is_unread_not_guessed(sentence):
    extraction = extract_text(sentence, year=2018)
    assert extraction.unread == [sentence]
    assert extraction.figures == []


def test_a_number_next_to_no_known_phrase_is_neither_figure_nor_unread():
    extraction = extract_text("Ngày 27/01/2021, tại hội trường có 1.2 bàn và 17 xã, thị trấn tham dự.", year=2020)
    assert (extraction.figures, extraction.unread) == ([], [])


def test_a_pdf_without_text_layer_is_refused_in_both_languages(tmp_path):
    path = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as out:
        writer.write(out)
    with pytest.raises(DomainError) as raised:
        read_document(path)
    message = raised.value.errors["file"]
    assert "lớp chữ" in message.vi and "text layer" in message.en


def test_an_unknown_extension_and_a_damaged_file_are_refused(tmp_path):
    for name, content in (("report.odt", b"PK"), ("report.docx", b"not a zip"), ("report.pdf", b"%PDF-garbage")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(DomainError) as raised:
            read_document(path)
        assert raised.value.errors["file"].vi and raised.value.errors["file"].en


def test_a_txt_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("xảy ra 52 vụ phạm pháp hình sự".encode("utf-16"))
    with pytest.raises(DomainError):
        read_document(path)


def test_a_docx_is_read_with_its_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("Báo cáo tổng kết công tác bảo đảm an ninh, trật tự năm 2018 của huyện Hàm Thuận Bắc.")
    document.add_paragraph("Trên địa bàn xảy ra 52 vụ phạm pháp hình sự, giảm 03 vụ so với năm 2017.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Tai nạn giao thông"
    table.cell(0, 1).text = "20 vụ"
    table.cell(1, 0).text = "Cán bộ tăng cường về xã"
    table.cell(1, 1).text = "36 cán bộ, chiến sĩ công an chính quy"
    path = tmp_path / "report.docx"
    document.save(path)

    text = read_document(path)
    extraction = extract_text(text, year=2018)
    assert figure(extraction, "crime.social_order", 2018).value == 52
    assert figure(extraction, "crime.social_order", 2017).value == 55
    assert figure(extraction, "traffic.accidents", 2018).value == 20
    assert figure(extraction, "officers.deployed", 2018).value == 36
    assert extraction.report_years == [2018]
    assert extraction.places == ["huyện Hàm Thuận Bắc"]


def test_a_txt_is_read(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text((DATA / "seed_ham_thuan_bac_2020.txt").read_text("utf-8"), encoding="utf-8-sig")
    assert read_document(path) == (DATA / "seed_ham_thuan_bac_2020.txt").read_text("utf-8")
