"""Repair the text of old officials' files: mojibake, decomposed Unicode and the TCVN3 / VNI fonts.

Spreadsheets typed in the .VnTime (TCVN3) or VNI-Times fonts hold the fonts' 8-bit codes; read as
Windows-1252 they look like "Hµ Néi" or "Haø Noäi". Such text is converted only when the converted
words are valid Vietnamese syllables and the original words are not, so that ordinary Vietnamese,
English or other Latin-script text ("café", "São Paulo", "25°C") is never touched.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import ftfy

from antoan.legacy.tables import TCVN3, VNI

__all__ = ["CleanText", "clean_text"]


@dataclass(frozen=True)
class CleanText:
    text: str  # NFC Unicode
    conversion: str | None  # None, or what was repaired: "tcvn3", "vni", "mojibake", "nfd", "mojibake+tcvn3" …


# --- Vietnamese syllables ---------------------------------------------------------------------------
# A syllable is initial consonant + rhyme, with at most one tone mark, placed on the vowel that carries
# it (both the old "hòa" and the new "hoà" placements are accepted). Legacy text read as Windows-1252
# almost never forms such syllables ("Néi", "Haø"), which is what makes the detection reliable.

_TONES = {"\u0301": "sắc", "\u0300": "huyền", "\u0309": "hỏi", "\u0303": "ngã", "\u0323": "nặng"}
_VOWEL_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: part of the letter
_ALPHABET = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")  # no f, j, w, z
_LETTERS = _ALPHABET | frozenset("fjwz")  # what names from minority languages are spelled with
_VOWELS = frozenset("aăâeêioôơuưy")
_CONSONANTS = frozenset("bcdđghklmnpqrstvx")
_FRONT = frozenset("eêiy")  # vowels that take k / gh / ngh instead of c / g / ng
_INITIALS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_STOP_FINALS = ("c", "ch", "p", "t", "k")  # only sắc or nặng go with these


def _rhymes() -> dict[str, frozenset[int]]:
    """Rhyme → indexes (within the rhyme) of the vowels that may carry the tone mark."""
    table: dict[str, frozenset[int]] = {}
    groups = {
        (0,): "a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây "
        "e ec em en eng eo ep et ê êch êm ên ênh êp êt êu i ia ich im in inh ip it iu "
        "o oc oi om on ong op ot ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt "
        "u ua uc ui um un ung up ut ư ưa ưc ưi ưm ưn ưng ưt ưu y ych ynh yt "
        "ak ăk âk ek êk ik ok ôk ơk uk ưk",  # -k: Central Highlands names (Đắk Lắk, Krông Búk)
        (1,): "oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oen oeo oet "
        "uân uâng uât uây uê uêch uênh uơ uych uyn uynh uyt uyu uya "
        "iêc iêm iên iêng iêp iêt iêu yêm yên yêt yêu "
        "uôc uôi uôm uôn uông uôt ươc ươi ươm ươn ương ươp ươt ươu",
        (0, 1): "oa oe uy oong ooc",
        (2,): "uyên uyêt",
    }
    for positions, rhymes in groups.items():
        for rhyme in rhymes.split():
            table[rhyme] = frozenset(positions)
    return table


_RHYMES = _rhymes()


def _split_tone(word: str) -> tuple[str, str | None, int] | None:
    """Lowercase letters without the tone mark, the tone, and the index of the letter carrying it."""
    letters: list[str] = []
    tone, position = None, -1
    for ch in unicodedata.normalize("NFD", word.lower()):
        if not unicodedata.combining(ch):
            letters.append(ch)
        elif not letters:
            return None
        elif ch in _TONES:
            if tone is not None:
                return None
            tone, position = _TONES[ch], len(letters) - 1
        elif ch in _VOWEL_MARKS:
            letters[-1] += ch
        else:
            return None
    plain = "".join(unicodedata.normalize("NFC", letter) for letter in letters)
    if len(plain) != len(letters) or not all(ch in _LETTERS for ch in plain):
        return None
    return plain, tone, position


def _initial_fits(initial: str, rhyme: str) -> bool:
    first = rhyme[0]
    if initial in ("k", "gh", "ngh"):
        return first in _FRONT
    if initial in ("c", "g", "ng"):
        return first not in _FRONT
    if initial == "qu":
        return first not in "uo"
    return True


def _is_syllable(word: str) -> bool:
    # The longest syllables ("nghiêng", "khuỷu") have 7 letters; longer words need no look-up or cache.
    return len(word) <= 8 and _is_short_syllable(word)


@lru_cache(maxsize=16384)
def _is_short_syllable(word: str) -> bool:
    split = _split_tone(word)
    if split is None:
        return False
    plain, tone, position = split
    if not all(ch in _ALPHABET for ch in plain):
        return False
    for initial in _INITIALS:
        if not plain.startswith(initial):
            continue
        rest = plain[len(initial) :]
        # "gì", "giếng": the i of gi- doubles as the rhyme's vowel.
        options = [(rest, len(initial))] + ([("i" + rest, 1)] if initial == "gi" else [])
        for rhyme, offset in options:
            allowed = _RHYMES.get(rhyme)
            if allowed is None or not _initial_fits(initial, rhyme):
                continue
            if tone is not None:
                if position - offset not in allowed:
                    continue
                if rhyme.endswith(_STOP_FINALS) and tone not in ("sắc", "nặng"):
                    continue
            return True
    return False


_WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_word_shaped(word: str) -> bool:
    """Vietnamese letters with at most one tone mark, on a vowel: "Krông", "Đắk", but not "Müller"."""
    split = _split_tone(word)
    return split is not None and (split[1] is None or split[0][split[2]] in _VOWELS)


def _reads_as_vietnamese(text: str) -> bool:
    """Most lowercase words are syllables: a French or English sentence fails. Capitalised words (names
    such as "Krông Pa" or "M'gar", abbreviations such as "UBND") and single letters don't count."""
    words = [_words(chunk) for chunk in text.split()]
    words = [runs for runs in words if runs and runs[0][0].islower() and len("".join(runs)) > 1]
    return sum(all(map(_is_syllable, runs)) for runs in words) >= 0.6 * len(words)


# --- mojibake ---------------------------------------------------------------------------------------

# The byte each character stands for when 8-bit text was read as Windows-1252 (or as Latin-1, whose
# 0x80–0x9F are the C1 controls): how Excel and most CSV readers turn the legacy bytes into Unicode.
_BYTE_OF: dict[str, int] = {chr(b): b for b in range(256)}
for _b in range(0x80, 0xA0):
    try:
        _BYTE_OF[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass


# Vietnamese letters that Windows-1252 lacks: text misread through it never contains them.
_VIETNAMESE_ONLY = frozenset("ĂăĐđĨĩŨũƠơƯư" + "".join(map(chr, range(0x1EA0, 0x1EFA))))
_VIETNAMESE_LETTERS = _VIETNAMESE_ONLY | frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def _byte_class(low: int, high: int) -> str:
    return "[" + "".join(re.escape(ch) for ch, b in _BYTE_OF.items() if low <= b <= high) + "]"


_CONT = _byte_class(0x80, 0xBF)
# Runs of characters whose bytes form UTF-8 sequences of two or three bytes ("á»™" = E1 BB 99 = "ộ").
_UTF8_RUN = re.compile(f"(?:{_byte_class(0xC2, 0xDF)}{_CONT}|{_byte_class(0xE0, 0xEF)}{_CONT}{_CONT})+")


def _decode_utf8_runs(text: str) -> str | None:
    """Decode the runs of UTF-8 read as Windows-1252 that give Vietnamese letters, when one at least gives
    a letter only Vietnamese has (ộ, ư, đ …): this also mends short or half-repaired text ftfy leaves."""
    telling = False

    def decode(match: re.Match) -> str:
        nonlocal telling
        try:
            letters = bytes(_BYTE_OF[ch] for ch in match.group()).decode("utf-8")
        except UnicodeDecodeError:
            return match.group()
        if not all(ch in _VIETNAMESE_LETTERS for ch in letters):
            return match.group()
        telling = telling or any(ch in _VIETNAMESE_ONLY for ch in letters)
        return letters

    decoded = _UTF8_RUN.sub(decode, text)
    return decoded if telling else None


def _undo_utf8(text: str) -> str | None:
    fixed = ftfy.fix_encoding(text)
    # Genuine Vietnamese letters must survive a repair: ftfy reads "Đ¸nh" as Windows-1250 "иnh".
    if fixed != text and Counter(ch for ch in text if ch in _VIETNAMESE_ONLY) <= Counter(fixed):
        return fixed
    return _decode_utf8_runs(text)


# UTF-8 sequences ending in byte A0 (no-break space), which is often turned into a space on the way:
# à (C3 A0), Ơ (C6 A0), Ạ (E1 BA A0), Ỡ (E1 BB A0).
_A0_LOST = re.compile("(Ã|Æ|áº|á») ")


def _fix_mojibake(text: str) -> str | None:
    """UTF-8 read as Windows-1252 / Latin-1 ("HÃ  Ná»™i") → the UTF-8 text, or None."""
    if _A0_LOST.search(text):
        # ftfy guesses the French/Portuguese word "à " there; in Vietnamese these letters are inside words
        # ("HÃ m" = "Hàm"). Put the A0 back when the words it completes are Vietnamese.
        fixed = _undo_utf8(_A0_LOST.sub(r"\1" + "\xa0", text))
        if fixed is not None and all(_is_syllable(w) for w in _words(fixed) if any(ch in "àƠẠỠ" for ch in w)):
            return fixed
    return _undo_utf8(text)


# --- TCVN3 and VNI ----------------------------------------------------------------------------------
# The tables map each letter to its legacy byte(s); as they reach us, those bytes are Windows-1252 text.

_TCVN3_DECODE = {bytes([code]).decode("cp1252"): letter for letter, code in TCVN3.items()}
_TCVN3_TRANSLATE = str.maketrans(_TCVN3_DECODE)
# Latin-1 letters that TCVN3 (VN3) never produces: where one is left the text is something else.
_TCVN3_FOREIGN = frozenset(ch for ch in map(chr, range(0xC0, 0x100)) if ch.isalpha() and ch not in _TCVN3_DECODE)
_VNI_DECODE = {code.decode("cp1252"): letter for letter, code in VNI.items()}
_VNI_SEQUENCE = re.compile("|".join(map(re.escape, sorted(_VNI_DECODE, key=len, reverse=True))))
_VNI_MARKS = frozenset(seq[1] for seq in _VNI_DECODE if len(seq) == 2)  # diacritic bytes, never alone
# VNI pairs that European words have too (Irish "Meán", French "où", "Août", "naïf", Catalan "Introduïu",
# Galician "Gaélico", Gaelic "beàrnan"): weaker evidence than the other pairs.
_VNI_EUROPEAN = frozenset("eá où uï oû aé eà aï".split() + "EÁ OÙ UÏ OÛ AÉ EÀ AÏ".split())


def _decode_tcvn3(chunk: str) -> tuple[str, list[bool]]:
    """The chunk decoded, and for each output character whether it came from a legacy code."""
    return chunk.translate(_TCVN3_TRANSLATE), [ch in _TCVN3_DECODE for ch in chunk]


def _decode_vni(chunk: str) -> tuple[str, list[bool]]:
    out: list[str] = []
    converted: list[bool] = []
    end = 0
    for match in _VNI_SEQUENCE.finditer(chunk):
        out.append(chunk[end : match.start()])
        converted.extend([False] * (match.start() - end))
        out.append(_VNI_DECODE[match.group()])
        converted.append(True)
        end = match.end()
    out.append(chunk[end:])
    converted.extend([False] * (len(chunk) - end))
    return "".join(out), converted


def _telling_tcvn3(chunk: str) -> bool:
    """A code no European word has: a symbol ("X·", "Hµ", "C«ng") or a capital inside a word with small
    letters ("huyÖn", "TØnh"). Small accented letters ("Néi") are shared with French, Albanian, Danish …"""
    if any(ch in _TCVN3_DECODE and (not ch.isalpha() or ch in "µª") for ch in chunk):
        return True
    return any(
        any(ch in _TCVN3_DECODE and ch.isupper() for ch in word[1:]) and not word.isupper() for word in _words(chunk)
    )


def _telling_vni(chunk: str) -> bool:
    """A base letter + diacritic pair that European words lack; single codes (ô, ñ, ó …) are common there."""
    return any(len(m.group()) == 2 and m.group() not in _VNI_EUROPEAN for m in _VNI_SEQUENCE.finditer(chunk))


def _recase_tcvn3(original: str, decoded: str) -> str:
    """Words typed in capitals ("C«NG" → "CÔNG") keep capitals: TCVN3 has no capital codes for toned
    letters. A capital after the legacy code is needed: "KNí" is the minority name "KNớ", not "KNỚ"."""

    def upper_if_caps(match: re.Match) -> str:
        typed = original[match.start() : match.end()]
        first_code = next((i for i, ch in enumerate(typed) if ch in _TCVN3_DECODE), len(typed))
        ascii_letters = [ch for ch in typed if ch.isascii() and ch.isalpha()]
        caps = all(ch.isupper() for ch in ascii_letters) and any(
            ch.isascii() and ch.isupper() for ch in typed[first_code + 1 :]
        )
        word, upper = match.group(), match.group().upper()
        return upper if caps and len(upper) == len(word) else word  # same length keeps positions aligned

    # TCVN3 decodes one character to one, so positions in the decoded chunk line up with the original.
    return _WORD.sub(upper_if_caps, decoded)


@dataclass(frozen=True)
class _Encoding:
    decode: Callable[[str], tuple[str, list[bool]]]
    leftovers: frozenset[str]  # characters that must not survive decoding
    sure_codes: frozenset[str]  # legacy codes that ordinary text never puts next to letters
    telling: Callable[[str], bool]


# Symbols that ordinary text does put next to letters: "x·y", "a×b", "Brand®", "«Tin»", "1ª", "µm".
_ORDINARY_SYMBOLS = frozenset("·×®©«»¬ª§¡")
_ENCODINGS = {
    "tcvn3": _Encoding(_decode_tcvn3, _TCVN3_FOREIGN, frozenset(_TCVN3_DECODE) - _ORDINARY_SYMBOLS, _telling_tcvn3),
    "vni": _Encoding(
        _decode_vni, _VNI_MARKS, frozenset(ch for seq in _VNI_DECODE for ch in seq if not ch.isascii()), _telling_vni
    ),
}


@dataclass(frozen=True)
class _Chunk:
    text: str  # decoded
    kind: str  # "same", "bad", "neutral", "strong" or "weak"
    weight: int = 0  # evidence: 2 for a code European words never have, 1 otherwise
    sure: bool = False  # a legacy code such as "é" in "Néi" or "÷" in "N÷", not only "·" as in "x·y"


def _weigh(name: str, chunk: str) -> _Chunk:
    # Words repeat a lot in real text; long chunks are rare and would bloat the cache.
    return _weigh_cached(name, chunk) if len(chunk) <= 40 else _weigh_chunk(name, chunk)


@lru_cache(maxsize=16384)
def _weigh_cached(name: str, chunk: str) -> _Chunk:
    return _weigh_chunk(name, chunk)


def _weigh_chunk(name: str, chunk: str) -> _Chunk:
    """Decode one whitespace-separated chunk and judge the result.

    bad: garbage is left (leftover legacy codes, letters no Vietnamese word has); strong: a word with an
    initial consonant becomes a syllable while the original was none ("Néi" → "Nội"); weak: the same
    for vowel-initial words ("µm" → "àm", "où" → "ó": too easily symbols or foreign words); neutral
    otherwise (names such as "Krông" that are no standard syllable, originals already Vietnamese).
    """
    encoding = _ENCODINGS[name]
    decoded, converted = encoding.decode(chunk)
    if decoded == chunk:
        return _Chunk(chunk, "same")
    if name == "tcvn3":
        decoded = _recase_tcvn3(chunk, decoded)
    new_words = [w for w in _words(decoded) if not w.isascii()]
    left_over = any(ch in encoding.leftovers and not new for ch, new in zip(decoded, converted, strict=True))
    if left_over or not all(map(_is_word_shaped, new_words)):
        return _Chunk(decoded, "bad")
    old_words = [w for w in _words(chunk) if not w.isascii()]
    if old_words and all(map(_is_syllable, old_words)):
        return _Chunk(decoded, "neutral")
    weight = 2 if encoding.telling(chunk) else 1
    anchored = any(
        any(converted[m.start() : m.end()]) and len(m.group()) > 1 and m.group()[0].lower() in _CONSONANTS
        for m in _WORD.finditer(decoded)
        if _is_syllable(m.group())
    )
    if anchored:
        return _Chunk(decoded, "strong", weight, any(ch in encoding.sure_codes for ch in chunk))
    if all(map(_is_syllable, new_words)):
        return _Chunk(decoded, "weak", weight)
    return _Chunk(decoded, "neutral")


def _legacy_candidate(text: str, name: str) -> tuple[str, int] | None:
    """The text decoded from `name` with its evidence score, or None when it does not read better.

    Every chunk the decoding changes is weighed (`_weigh`); at least one strong chunk and an evidence
    of two are needed, and bad chunks must stay few.
    """
    pieces = re.split(r"(\s+)", text)
    counts = {"same": 0, "bad": 0, "neutral": 0, "strong": 0, "weak": 0}
    evidence, sure = 0, False
    plain: list[str] = []  # ASCII words of the chunks left as they were
    for i in range(0, len(pieces), 2):
        chunk = _weigh(name, pieces[i])
        if chunk.kind == "same":
            plain += (w for w in _words(pieces[i]) if w.isascii() and len(w) > 1 and not w.isupper())
        pieces[i] = chunk.text
        counts[chunk.kind] += 1
        evidence += chunk.weight
        sure = sure or chunk.sure
    candidate = "".join(pieces)
    # Plain Vietnamese words around the converted ones count too ("Vieät Nam"), foreign ones don't.
    evidence += bool(plain) and all(map(_is_syllable, plain))
    good = counts["strong"] + counts["weak"]
    # A lone word whose only legacy code is a symbol ("x·y") is too little to go on; "X· Ea Kar" is not.
    enough = counts["strong"] >= 1 and evidence >= 2 and (sure or len(_words(candidate)) >= 2)
    if not enough or good < 2 * counts["bad"] or not _reads_as_vietnamese(candidate):
        return None
    return candidate, good - counts["bad"]


def _fix_legacy(text: str) -> tuple[str, str] | None:
    """TCVN3 or VNI text read as Windows-1252 → (Unicode text, encoding name), or None."""
    if text.isascii() or any(ch not in _BYTE_OF for ch in text):
        return None  # legacy bytes read as Windows-1252 give only those characters
    found = sorted(
        ((result[1], name, result[0]) for name in _ENCODINGS if (result := _legacy_candidate(text, name))),
        reverse=True,
    )
    if not found or (len(found) > 1 and found[0][0] == found[1][0]):
        return None  # nothing reads better, or both encodings read equally well: leave it
    _score, name, candidate = found[0]
    return unicodedata.normalize("NFC", candidate), name


# --- public -----------------------------------------------------------------------------------------


def clean_text(value: str) -> CleanText:
    """`value` as NFC Unicode, with mojibake, decomposed letters and TCVN3 / VNI font text repaired."""
    if not isinstance(value, str):
        raise TypeError(f"clean_text() takes a str, not {type(value).__name__}")
    if value.isascii():
        return CleanText(value, None)
    steps: list[str] = []
    text = value
    fixed = _fix_mojibake(text)
    if fixed is not None:
        text = fixed
        steps.append("mojibake")
    composed = unicodedata.normalize("NFC", text)
    if composed != text:
        text = composed
        if not steps:
            steps.append("nfd")
    legacy = _fix_legacy(text)
    if legacy is not None:
        text, name = legacy
        steps.append(name)
    return CleanText(text, "+".join(steps) or None)
