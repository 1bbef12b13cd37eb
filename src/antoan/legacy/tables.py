"""Code charts of the two 8-bit Vietnamese font encodings found in old officials' files.

Data only: Unicode letter → the byte(s) the legacy font used for it. `text.py` builds the decoders by
reversing these tables, and the tests round-trip every entry, so a typo here cannot go unnoticed.
Checked against the XFree86 X-TrueType TCVN table, the VISC xvnkb keyboard tables and the
vietnamese-conversion npm package (all three agree on every entry below).
"""

# TCVN 5712:1993, table VN3 — the ".Vn" fonts (.VnTime, .VnArial …) typed with the ABC keyboard.
# One byte per letter. VN3 has no capitals with tone marks (those live in the separate ".VnTimeH"
# fonts, which reuse the lowercase codes), only the seven plain capitals at 0xA1–0xA7. The VN1-only
# codes (0x80–0x9F, 0xAF, 0xBA, 0xBF, 0xC0–0xC5, …) and the combining marks at 0xB0–0xB4 are left
# out on purpose: they would turn "°", "±", "À" and "à" of ordinary text into Vietnamese letters.
# fmt: off
TCVN3: dict[str, int] = {
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    # letter + sắc, huyền, hỏi, ngã, nặng
    "á": 0xB8, "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "ạ": 0xB9,
    "ắ": 0xBE, "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ặ": 0xC6,
    "ấ": 0xCA, "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ậ": 0xCB,
    "é": 0xD0, "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "ẹ": 0xD1,
    "ế": 0xD5, "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ệ": 0xD6,
    "í": 0xDD, "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "ị": 0xDE,
    "ó": 0xE3, "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ọ": 0xE4,
    "ố": 0xE8, "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ộ": 0xE9,
    "ớ": 0xED, "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ợ": 0xEE,
    "ú": 0xF3, "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ụ": 0xF4,
    "ứ": 0xF8, "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ự": 0xF9,
    "ý": 0xFD, "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ỵ": 0xFE,
}
# fmt: on

# VNI Windows — the "VNI-" fonts (VNI-Times …) typed with the VNI keyboard. A letter is the ASCII base
# letter followed by one diacritic byte (a capital takes the capital form of the byte, 0x20 lower);
# i with a tone, ỵ, ơ, ư and đ are single bytes. Every letter has a capital here.
# fmt: off
VNI: dict[str, bytes] = {
    # letter + sắc, huyền, hỏi, ngã, nặng
    "á": b"a\xf9", "à": b"a\xf8", "ả": b"a\xfb", "ã": b"a\xf5", "ạ": b"a\xef",
    "ă": b"a\xea", "ắ": b"a\xe9", "ằ": b"a\xe8", "ẳ": b"a\xfa", "ẵ": b"a\xfc", "ặ": b"a\xeb",
    "â": b"a\xe2", "ấ": b"a\xe1", "ầ": b"a\xe0", "ẩ": b"a\xe5", "ẫ": b"a\xe3", "ậ": b"a\xe4",
    "é": b"e\xf9", "è": b"e\xf8", "ẻ": b"e\xfb", "ẽ": b"e\xf5", "ẹ": b"e\xef",
    "ê": b"e\xe2", "ế": b"e\xe1", "ề": b"e\xe0", "ể": b"e\xe5", "ễ": b"e\xe3", "ệ": b"e\xe4",
    "í": b"\xed", "ì": b"\xec", "ỉ": b"\xe6", "ĩ": b"\xf3", "ị": b"\xf2",
    "ó": b"o\xf9", "ò": b"o\xf8", "ỏ": b"o\xfb", "õ": b"o\xf5", "ọ": b"o\xef",
    "ô": b"o\xe2", "ố": b"o\xe1", "ồ": b"o\xe0", "ổ": b"o\xe5", "ỗ": b"o\xe3", "ộ": b"o\xe4",
    "ơ": b"\xf4", "ớ": b"\xf4\xf9", "ờ": b"\xf4\xf8", "ở": b"\xf4\xfb", "ỡ": b"\xf4\xf5", "ợ": b"\xf4\xef",
    "ú": b"u\xf9", "ù": b"u\xf8", "ủ": b"u\xfb", "ũ": b"u\xf5", "ụ": b"u\xef",
    "ư": b"\xf6", "ứ": b"\xf6\xf9", "ừ": b"\xf6\xf8", "ử": b"\xf6\xfb", "ữ": b"\xf6\xf5", "ự": b"\xf6\xef",
    "ý": b"y\xf9", "ỳ": b"y\xf8", "ỷ": b"y\xfb", "ỹ": b"y\xf5", "ỵ": b"\xee",
    "đ": b"\xf1",
    "Á": b"A\xd9", "À": b"A\xd8", "Ả": b"A\xdb", "Ã": b"A\xd5", "Ạ": b"A\xcf",
    "Ă": b"A\xca", "Ắ": b"A\xc9", "Ằ": b"A\xc8", "Ẳ": b"A\xda", "Ẵ": b"A\xdc", "Ặ": b"A\xcb",
    "Â": b"A\xc2", "Ấ": b"A\xc1", "Ầ": b"A\xc0", "Ẩ": b"A\xc5", "Ẫ": b"A\xc3", "Ậ": b"A\xc4",
    "É": b"E\xd9", "È": b"E\xd8", "Ẻ": b"E\xdb", "Ẽ": b"E\xd5", "Ẹ": b"E\xcf",
    "Ê": b"E\xc2", "Ế": b"E\xc1", "Ề": b"E\xc0", "Ể": b"E\xc5", "Ễ": b"E\xc3", "Ệ": b"E\xc4",
    "Í": b"\xcd", "Ì": b"\xcc", "Ỉ": b"\xc6", "Ĩ": b"\xd3", "Ị": b"\xd2",
    "Ó": b"O\xd9", "Ò": b"O\xd8", "Ỏ": b"O\xdb", "Õ": b"O\xd5", "Ọ": b"O\xcf",
    "Ô": b"O\xc2", "Ố": b"O\xc1", "Ồ": b"O\xc0", "Ổ": b"O\xc5", "Ỗ": b"O\xc3", "Ộ": b"O\xc4",
    "Ơ": b"\xd4", "Ớ": b"\xd4\xd9", "Ờ": b"\xd4\xd8", "Ở": b"\xd4\xdb", "Ỡ": b"\xd4\xd5", "Ợ": b"\xd4\xcf",
    "Ú": b"U\xd9", "Ù": b"U\xd8", "Ủ": b"U\xdb", "Ũ": b"U\xd5", "Ụ": b"U\xcf",
    "Ư": b"\xd6", "Ứ": b"\xd6\xd9", "Ừ": b"\xd6\xd8", "Ử": b"\xd6\xdb", "Ữ": b"\xd6\xd5", "Ự": b"\xd6\xcf",
    "Ý": b"Y\xd9", "Ỳ": b"Y\xd8", "Ỷ": b"Y\xdb", "Ỹ": b"Y\xd5", "Ỵ": b"\xce",
    "Đ": b"\xd1",
}
# fmt: on
