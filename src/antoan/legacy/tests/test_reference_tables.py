"""The legacy decoders against code charts written down here, independently of antoan.legacy.tables.

test_text.py round-trips every letter through the module's own tables, so a wrong code there would round-trip just
as well. The codes below are copied from the published charts: TCVN 5712:1993 table VN3 (the ABC ".Vn" fonts) and
VNI Windows (the "VNI-" fonts). They were checked when written against glibc's TCVN5712-1 converter
(`printf '\\xb5' | iconv -f TCVN5712-1 -t UTF-8` → "à"; VN1 and VN3 agree from 0xA1 up) and the VBKey keyboard's
code tables (khiemdoan/VBKey, Modules/mdlCodeTable.bas); the eight TCVN3 and six VNI codes test_text.py checks
are left out.
"""

import pytest

from antoan.legacy.tables import TCVN3, VNI
from antoan.legacy.text import CleanText, clean_text

SENTENCE = "Công an huyện Hàm Thuận Bắc tổng kết năm 2020"
# The same sentence as the old fonts stored it, bytes shown as Windows-1252 (how the text reaches us).
SENTENCE_TCVN3 = "C«ng an huyÖn Hµm ThuËn B¾c tæng kÕt n¨m 2020"
SENTENCE_VNI = "Coâng an huyeän Haøm Thuaän Baéc toång keát naêm 2020"

# TCVN 5712:1993, VN3: one byte per letter.
TCVN3_CHART = {
    # the seven capitals and seven small letters with a mark of their own
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC,
    # a, ă, â with a tone
    "ả": 0xB6, "ạ": 0xB9,
    "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA,
    # e, ê
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    # i
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    # o, ô, ơ
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8,
    "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    # u, ư
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    # y
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}  # fmt: skip

# VNI Windows: the base letter, then one mark byte (sắc F9, huyền F8, hỏi FB, ngã F5, nặng EF; â/ê/ô E2 and with a
# tone E1 E0 E5 E3 E4; ă EA and with a tone E9 E8 FA FC EB); a capital takes the byte 0x20 lower. ơ, ư, đ, the i with
# a tone and ỵ are single bytes.
VNI_CHART = {
    "á": b"a\xf9", "ả": b"a\xfb", "ã": b"a\xf5", "ạ": b"a\xef",
    "ă": b"a\xea", "ắ": b"a\xe9", "ằ": b"a\xe8", "ẳ": b"a\xfa", "ặ": b"a\xeb",
    "â": b"a\xe2", "ấ": b"a\xe1", "ầ": b"a\xe0", "ẩ": b"a\xe5", "ẫ": b"a\xe3", "ậ": b"a\xe4",
    "é": b"e\xf9", "è": b"e\xf8", "ẻ": b"e\xfb", "ẽ": b"e\xf5", "ẹ": b"e\xef",
    "ê": b"e\xe2", "ế": b"e\xe1", "ề": b"e\xe0", "ể": b"e\xe5", "ễ": b"e\xe3", "ệ": b"e\xe4",
    "í": b"\xed", "ì": b"\xec", "ỉ": b"\xe6", "ĩ": b"\xf3", "ị": b"\xf2",
    "ó": b"o\xf9", "ò": b"o\xf8", "ỏ": b"o\xfb", "õ": b"o\xf5", "ọ": b"o\xef",
    "ô": b"o\xe2", "ố": b"o\xe1", "ồ": b"o\xe0", "ổ": b"o\xe5", "ỗ": b"o\xe3",
    "ớ": b"\xf4\xf9", "ờ": b"\xf4\xf8", "ở": b"\xf4\xfb", "ỡ": b"\xf4\xf5", "ợ": b"\xf4\xef",
    "ư": b"\xf6", "ứ": b"\xf6\xf9", "ừ": b"\xf6\xf8", "ử": b"\xf6\xfb", "ữ": b"\xf6\xf5", "ự": b"\xf6\xef",
    "ú": b"u\xf9", "ù": b"u\xf8", "ủ": b"u\xfb", "ũ": b"u\xf5", "ụ": b"u\xef",
    "ý": b"y\xf9", "ỳ": b"y\xf8", "ỷ": b"y\xfb", "ỹ": b"y\xf5", "ỵ": b"\xee",
    "Á": b"A\xd9", "À": b"A\xd8", "Ă": b"A\xca", "Ặ": b"A\xcb", "Â": b"A\xc2", "Ấ": b"A\xc1", "Ậ": b"A\xc4",
    "É": b"E\xd9", "Ê": b"E\xc2", "Ế": b"E\xc1", "Ệ": b"E\xc4",
    "Í": b"\xcd", "Ì": b"\xcc", "Ỉ": b"\xc6", "Ĩ": b"\xd3", "Ị": b"\xd2",
    "Ô": b"O\xc2", "Ộ": b"O\xc4", "Ơ": b"\xd4", "Ờ": b"\xd4\xd8",
    "Ú": b"U\xd9", "Ứ": b"\xd6\xd9", "Ự": b"\xd6\xcf",
    "Ý": b"Y\xd9", "Ỵ": b"\xce", "Đ": b"\xd1",
}  # fmt: skip


def test_the_charts_written_here_are_large_enough_and_new():
    assert len(TCVN3_CHART) >= 20 and len(VNI_CHART) >= 20
    already_checked_tcvn3 = {"à", "ã", "á", "ậ", "ộ", "ư", "đ", "Đ"}
    already_checked_vni = {"à", "ộ", "ẵ", "ơ", "đ", "Ư"}
    assert not set(TCVN3_CHART) & already_checked_tcvn3
    assert not set(VNI_CHART) & already_checked_vni


@pytest.mark.parametrize(("letter", "code"), sorted(TCVN3_CHART.items()))
def test_tcvn3_table_has_the_standards_code(letter, code):
    assert TCVN3[letter] == code


@pytest.mark.parametrize(("letter", "code"), sorted(TCVN3_CHART.items()))
def test_tcvn3_byte_decodes_to_the_letter(letter, code):
    legacy = f"{SENTENCE_TCVN3} {bytes([code]).decode('cp1252')}"
    assert clean_text(legacy) == CleanText(f"{SENTENCE} {letter}", "tcvn3")


@pytest.mark.parametrize(("letter", "code"), sorted(VNI_CHART.items()))
def test_vni_table_has_the_charts_bytes(letter, code):
    assert VNI[letter] == code


@pytest.mark.parametrize(("letter", "code"), sorted(VNI_CHART.items()))
def test_vni_bytes_decode_to_the_letter(letter, code):
    legacy = f"{SENTENCE_VNI} {code.decode('cp1252')}"
    assert clean_text(legacy) == CleanText(f"{SENTENCE} {letter}", "vni")


@pytest.mark.parametrize(
    ("legacy", "encoding", "text"),
    [
        # whole words typed from the charts above, not taken from the module
        (bytes([0xA7, 0xE5]) + b"ng Th" + bytes([0xB8]) + b"p", "tcvn3", "Đồng Tháp"),
        (b"Qu" + bytes([0xB6]) + b"ng Tr" + bytes([0xDE]), "tcvn3", "Quảng Trị"),
        (b"Ki" + bytes([0xAA]) + b"n Giang", "tcvn3", "Kiên Giang"),
        (b"\xd1o\xe0ng Tha\xf9p", "vni", "Đồng Tháp"),
        (b"Tr\xf6\xf4\xf8ng h\xf4\xefp", "vni", "Trường hợp"),
        (b"Hue\xe1", "vni", "Huế"),
    ],
)
def test_words_from_the_charts(legacy, encoding, text):
    sentence = SENTENCE_TCVN3 if encoding == "tcvn3" else SENTENCE_VNI
    assert clean_text(f"{sentence} {legacy.decode('cp1252')}") == CleanText(f"{SENTENCE} {text}", encoding)
