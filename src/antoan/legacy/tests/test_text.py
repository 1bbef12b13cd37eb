"""clean_text: legacy Vietnamese fonts, mojibake and decomposed text repaired; ordinary text untouched."""

import re
import sqlite3
import unicodedata
from importlib import resources
from pathlib import Path

import django
import pytest

from antoan.legacy.tables import TCVN3, VNI
from antoan.legacy.text import CleanText, clean_text

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
# The 67 lowercase letters with diacritics, built here from the alphabet rather than from the tables.
LOWER = sorted(
    {unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in TONES} - set("aeiouy") | {"đ"}
)
UPPER = [letter.upper() for letter in LOWER]
SENTENCE = "Công an huyện Hàm Thuận Bắc tổng kết năm 2020"


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 bytes as Windows-1252 text, through the reverse of the table."""
    return "".join(bytes([TCVN3[ch]]).decode("cp1252") if ch in TCVN3 else ch for ch in text)


def to_vni(text: str) -> str:
    return "".join(VNI[ch].decode("cp1252") if ch in VNI else ch for ch in text)


def to_mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252; its five undefined bytes come through as C1 controls (Latin-1)."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def unchanged(text: str) -> CleanText:
    return CleanText(text, None)


# --- tables -----------------------------------------------------------------------------------------


def test_alphabet_has_134_letters():
    assert len(LOWER) == 67
    assert len(set(LOWER + UPPER)) == 134


def test_tcvn3_table_covers_every_lowercase_letter_and_the_seven_capitals():
    assert set(TCVN3) == set(LOWER) | set("ĂÂÊÔƠƯĐ")
    assert len(set(TCVN3.values())) == len(TCVN3)
    assert all(0xA1 <= code <= 0xFE for code in TCVN3.values())


def test_vni_table_covers_all_134_letters():
    assert set(VNI) == set(LOWER) | set(UPPER)
    assert len(set(VNI.values())) == len(VNI)


@pytest.mark.parametrize(
    ("letter", "code"),
    [("à", 0xB5), ("ã", 0xB7), ("á", 0xB8), ("ậ", 0xCB), ("ộ", 0xE9), ("ư", 0xAD), ("đ", 0xAE), ("Đ", 0xA7)],
)
def test_tcvn3_codes_match_the_standard(letter, code):
    # TCVN 5712:1993 VN3: "Hµ Néi" = "Hà Nội", "X· Hµm ThuËn" = "Xã Hàm Thuận".
    assert TCVN3[letter] == code


@pytest.mark.parametrize(
    ("letter", "code"),
    [("à", b"a\xf8"), ("ộ", b"o\xe4"), ("ẵ", b"a\xfc"), ("ơ", b"\xf4"), ("đ", b"\xf1"), ("Ư", b"\xd6")],
)
def test_vni_codes_match_the_standard(letter, code):
    assert VNI[letter] == code


@pytest.mark.parametrize("letter", LOWER + ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"])
def test_tcvn3_round_trip_of_every_letter(letter):
    text = f"{SENTENCE} {letter}"
    assert clean_text(to_tcvn3(text)) == CleanText(text, "tcvn3")


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_vni_round_trip_of_every_letter(letter):
    text = f"{SENTENCE} {letter}"
    assert clean_text(to_vni(text)) == CleanText(text, "vni")


# --- legacy fonts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "text"),
    [
        ("Hµ Néi", "Hà Nội"),
        ("X· Hµm ThuËn", "Xã Hàm Thuận"),
        ("C«ng an huyÖn Hµm ThuËn B¾c tæng kÕt n¨m 2020", SENTENCE),
        ("NguyÔn V¨n An", "Nguyễn Văn An"),
        ("§ç ThÞ H\xad¬ng", "Đỗ Thị Hương"),
        ("Trém c¾p tµi s¶n", "Trộm cắp tài sản"),
        ("GiÕt ng\xadêi", "Giết người"),
        ("C«ng an x· Hång S¬n", "Công an xã Hồng Sơn"),
        ("N÷", "Nữ"),
        ("B¾c", "Bắc"),
        ("TØnh", "Tỉnh"),
        ("X· Ea Kar", "Xã Ea Kar"),
        ("HuyÖn Kr«ng Bók", "Huyện Krông Búk"),
        ("Ngµy 12/3/1998, t¹i §­êng §T 711 – x· Hµm TrÝ.", "Ngày 12/3/1998, tại Đường ĐT 711 – xã Hàm Trí."),
    ],
)
def test_tcvn3(legacy, text):
    assert clean_text(legacy) == CleanText(text, "tcvn3")


def test_tcvn3_words_typed_in_capitals_stay_capitals():
    # The normal .VnTime font has no capitals with tone marks; typists wrote the small letter.
    assert clean_text("C¤NG AN HUYÖN") == CleanText("CÔNG AN HUYỆN", "tcvn3")
    assert clean_text("§éI") == CleanText("ĐỘI", "tcvn3")
    # A minority name with two capitals is not a word typed in capitals.
    assert clean_text("X· §\xadng KNí") == CleanText("Xã Đưng KNớ", "tcvn3")


@pytest.mark.parametrize(
    ("legacy", "text"),
    [
        ("Haø Noäi", "Hà Nội"),
        ("Xaõ Haøm Thuaän", "Xã Hàm Thuận"),
        ("Ñaø Naüng", "Đà Nẵng"),
        ("Coâng an huyeän Haøm Thuaän Baéc toång keát naêm 2020", SENTENCE),
        ("Nguyeãn Vaên An", "Nguyễn Văn An"),
        ("Gieát ngöôøi", "Giết người"),
        ("Ñaùnh baïc", "Đánh bạc"),
        ("Coá yù gaây thöông tích", "Cố ý gây thương tích"),
        ("Vieät Nam", "Việt Nam"),
        ("Ñoäi", "Đội"),
        ("Nöõ", "Nữ"),
        ("COÂNG AN HUYEÄN", "CÔNG AN HUYỆN"),
        ("Xaõ Ea Kar", "Xã Ea Kar"),
    ],
)
def test_vni(legacy, text):
    assert clean_text(legacy) == CleanText(text, "vni")


def test_tcvn3_bytes_read_as_latin1():
    # Read as Latin-1 the dash (0x96) is a C1 control; ftfy puts the Windows-1252 dash back first.
    text = "Trộm cắp tài sản – Hà Nội"
    legacy = to_tcvn3(text).encode("cp1252").decode("latin-1")
    assert "\x96" in legacy
    assert clean_text(legacy) == CleanText(text, "mojibake+tcvn3")


# --- ordinary text is left alone --------------------------------------------------------------------

ORDINARY = [
    "Xã Hàm Thuận",
    "Trộm cắp tài sản",
    "Đường ĐT 711",
    "Nguyễn Văn A",
    "Công an xã Hồng Sơn",
    "ngập lụt",
    "Bình Thuận",
    "Hà Nội",
    "Thành phố Hồ Chí Minh",
    "Huyện Đắk Mil, tỉnh Đắk Nông",
    "Buôn Ma Thuột",
    "Vụ tai nạn giao thông trên Quốc lộ 1A làm 2 người bị thương",
    "Cố ý gây thương tích",
    "Tàng trữ trái phép chất ma túy",
    "UBND xã Hàm Trí",
    "hoà giải",
    "hòa giải",
    "thuở ấy",
    "khuya",
    "giếng nước",
    "quyết định",
    # Vietnamese whose letters are all in Windows-1252: the easy ones to mistake for legacy bytes.
    "Cà Mau",
    "Tây Ninh",
    "Xã Hàm Tân",
    "Tân Phú",
    "Là Thị Tú",
    "Tô Văn Bé",
    "Hoà Bình",
    "có tôi",
    "XÃ HÀM TÂN",
    "Ông",
    "Lê Văn Tám",
    # Other languages.
    "café",
    "naïve",
    "São Paulo",
    "Müller",
    "Köln",
    "Noël",
    "Zoë",
    "Chloë",
    "résumé",
    "Björn Sjögren",
    "Søren Kierkegaard",
    "José Martí",
    "Señor Peña",
    "Hôtel Métropole",
    "Ñu",
    "Thaï",
    "Thaïlande",
    "où",
    "Je ne sais pas où il est",
    "Août",
    "Straße",
    "Meán Fómhair",
    "Ruaje si të ri",
    "më",
    "på",
    "Sök",
    "Tøm",
    # Numbers, units, symbols.
    "25°C",
    "±5%",
    "5 µm",
    "10 µg/m³",
    "x·y",
    "A·B",
    "Trang 1 · 2",
    "3×4 m²",
    "© 2020 ABC",
    "Brand®",
    "« Bao »",
    "«Tin tức»",
    "½ giờ",
    "¡Hola!",
    "1ª",
    "£5",
    "€10",
    "“trích dẫn” – …",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text):
    assert clean_text(text) == unchanged(text)


@pytest.mark.parametrize("text", ["", "abc", "Nguyen Van A", "25 C", "UBND xa Ham Tri\nDong 2", "   "])
def test_ascii_is_left_alone(text):
    assert clean_text(text) == unchanged(text)


@pytest.mark.parametrize("text", ["tõ", "Néi", "X·", "Taïi", "Tænh Kon Tum", "µm"])
def test_ambiguous_short_text_is_left_alone(text):
    # Each could be legacy ("từ", "Nội", "Xã", "Tại", "Tỉnh Kon Tum", "àm") or ordinary text.
    assert clean_text(text) == unchanged(text)


def test_mixed_unicode_and_legacy_is_left_alone():
    # Legacy bytes read as Windows-1252 cannot sit next to "ộ", so this is not one legacy text.
    assert clean_text("Hà Nội, Hµ Néi") == unchanged("Hà Nội, Hµ Néi")


def test_rejects_non_strings():
    with pytest.raises(TypeError):
        clean_text(None)


# --- NFD and mojibake -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Hà Nội", SENTENCE, "Đường ĐT 711", "café"])
def test_nfd_becomes_nfc(text):
    assert clean_text(unicodedata.normalize("NFD", text)) == CleanText(text, "nfd")


def test_partly_decomposed_text_becomes_nfc():
    # Windows-1258 style: base letter + combining tone mark.
    assert clean_text("Ho\u0302\u0300ng So\u031bn") == CleanText("Hồng Sơn", "nfd")


@pytest.mark.parametrize(
    ("mojibake", "text"),
    [
        ("HÃ  Ná»™i", "Hà Nội"),  # the A0 of "à" turned into a space
        ("HÃ\xa0 Ná»™i", "Hà Nội"),
        ("XÃ£ HÃ m Thuáº\xadn", "Xã Hàm Thuận"),
        ("Trá»™m cáº¯p tÃ i sáº£n", "Trộm cắp tài sản"),
        ("Ná»™i", "Nội"),
        ("Ä\x90Æ°á»\x9dng", "Đường"),
        ("NGUYá»„N VÄ‚N SÆ N", "NGUYỄN VĂN SƠN"),  # "Ơ" also ends in A0
        ("Hà Ná»™i", "Hà Nội"),  # half repaired already
        ("cafÃ©", "café"),
    ],
)
def test_mojibake(mojibake, text):
    assert clean_text(mojibake) == CleanText(text, "mojibake")


@pytest.mark.parametrize("text", [SENTENCE, "Đường ĐT 711", "Nguyễn Văn A", "Bình Thuận", "Xã Hàm Tân"])
def test_mojibake_round_trip(text):
    assert clean_text(to_mojibake(text)) == CleanText(text, "mojibake")


def test_french_a_grave_keeps_its_space():
    assert clean_text("voilÃ le travail") == CleanText("voilà le travail", "mojibake")


def test_repair_never_destroys_vietnamese_letters():
    # ftfy alone would read this as Windows-1250 and return "иnh".
    assert clean_text("Đ¸nh") == unchanged("Đ¸nh")


def test_mojibake_of_tcvn3():
    text = "Hà Nội"
    assert clean_text(to_mojibake(to_tcvn3(text))) == CleanText(text, "mojibake+tcvn3")


# --- size -------------------------------------------------------------------------------------------


def long(text: str, size: int = 10_000) -> str:
    return (text * (size // len(text) + 1))[:size]


@pytest.mark.parametrize(
    ("make", "conversion"),
    [
        (lambda t: t, None),
        (to_tcvn3, "tcvn3"),
        (to_vni, "vni"),
        (to_mojibake, "mojibake"),
        (lambda t: unicodedata.normalize("NFD", t), "nfd"),
    ],
)
def test_long_text(make, conversion):
    text = long(SENTENCE + ". Trộm cắp tài sản tại xã Hồng Sơn, huyện Hàm Thuận Bắc. ").rstrip()
    assert clean_text(make(text)) == CleanText(text, conversion)


@pytest.mark.parametrize("text", [long("café naïve São Müller 25°C ±5% "), long("µ·«»"), "é" * 10_000, "x" * 10_000])
def test_long_ordinary_text(text):
    assert clean_text(text) == unchanged(text)


def test_result_is_always_nfc():
    for text in [*ORDINARY, "Ho\u0302\u0300ng", "Hµ Néi", "Haø Noäi", "HÃ  Ná»™i", "e\u0301"]:
        assert unicodedata.is_normalized("NFC", clean_text(text).text)


# --- real names and real foreign text ---------------------------------------------------------------


def official_names() -> list[str]:
    """Every province, district and ward name, old and new, from the vietnamadminunits data set."""
    pytest.importorskip("vietnamadminunits")
    database = resources.files("vietnamadminunits") / "data" / "dataset.db"
    with resources.as_file(database) as path, sqlite3.connect(path) as connection:
        names = {name for row in connection.execute("SELECT province, district, ward FROM admin_units_legacy")
                 for name in row if name}  # fmt: skip
        names |= {name for row in connection.execute("SELECT province, ward FROM admin_units") for name in row if name}
    return sorted(names)


def test_official_names_are_left_alone_and_come_back_from_both_fonts():
    names = official_names()
    assert len(names) > 9000
    for name in names:
        assert clean_text(name) == unchanged(name)
        assert clean_text(to_mojibake(name)).text == name
        if name.isascii():
            continue
        if all(ch in TCVN3 or ch.isascii() for ch in name):  # no capital with a tone mark
            assert clean_text(to_tcvn3(name)) == CleanText(name, "tcvn3"), name
        if name != "Tỉnh Kon Tum":  # "Tænh Kon Tum" alone could as well be Danish-looking text
            assert clean_text(to_vni(name)) == CleanText(name, "vni"), name


def test_django_translations_are_never_converted():
    """Tens of thousands of real French, German, Nordic, Albanian, Irish … sentences: none is legacy text."""
    root = Path(django.__file__).parent
    strings = set()
    for po in root.glob("**/locale/*/LC_MESSAGES/django.po"):
        if po.parts[-3].startswith("vi"):
            continue
        for match in re.finditer(r'^msgstr "(.+)"$', po.read_text(encoding="utf-8"), re.MULTILINE):
            if not match.group(1).isascii():
                strings.add(match.group(1))
    assert len(strings) > 10_000
    converted = {text: result for text in strings if (result := clean_text(text)).conversion not in (None, "nfd")}
    assert converted == {}
