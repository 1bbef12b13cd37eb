"""Figures of earlier years, read from a narrative report ("báo cáo tổng kết", a news article) by rules.

A unit that starts using the system has no records for the years before; its old year-end reports state them.
`extract_text` reads such a text and returns each figure it states, mapped to an indicator of the catalogue, with
the year, the value, the sentence to quote and a confidence. No database: the caller shows the figures for review.

How it reads:

- The text is cut into sentences (at . ! ? … before a capital or a digit, not after an abbreviation, and at line
  ends); a sentence into clauses at ";". A number is digits with Vietnamese separators ("1.234", "3,2") or number
  words ("hai", "mười hai"), followed by a unit of measure (vụ, người, căn nhà, tỷ đồng, %, …); a number without a
  unit (a year, a date) is no figure.
- The indicator comes from the phrases around the number, all data in data/figure_patterns.json: first a phrase
  right after the unit ("52 vụ phạm pháp hình sự"), then one directly before ("đạt 86,5%"), then the latest one in
  the words since the clause's previous number ("làm chết 10 người"). An entry may hold only for a subject — traffic,
  disaster, crime, … — the latest subject phrase before the number, or else the one the paragraph's sentence before
  ended on: "làm chết 29 người" is traffic.dead after "tai nạn giao thông" and disaster.dead after "bão". A number
  with no phrase of its own takes its subject's default for its unit ("số vụ" → the subject's case count).
- Another year: a number right after "năm 2019:" / "năm 2019 (là" / "cùng kỳ (" is that year's value. A number
  right after "tăng" / "giảm" is a change, to the year a comparison in its clause names ("so với năm 2017"; "so với
  cùng kỳ", "so với năm trước" are the year before): the previous value is this year's value of the same indicator
  (in the same sentence if stated there) minus or plus the change. "giảm còn 44 vụ" is this year's value. A change
  in percent gives the previous value only when exactly one whole number fits it at the precision written ("giảm
  10,2%" from 44: 49 fits, 48 and 50 do not); otherwise only this year's value is kept. Such numbers with no phrase
  of their own belong to the nearest figure before them in the sentence with the same unit.
- Commendations are read per clause: the recipients (cá nhân, tập thể, lượt) are summed for the award (Kỷ niệm
  chương, Bằng khen, Giấy khen) and the authority (Bộ Công an, Giám đốc Công an tỉnh, Chủ tịch UBND huyện, …)
  nearest to them, with a note "2 tập thể, 2 cá nhân". The same award (or authority) in several clauses is summed
  into one figure marked derived="sum" with a lower confidence (Giấy khen 4 + 10 = 14): two clauses naming one award
  are two groups of recipients, not two readings of one figure. The total of all awards is left out.
- Confidence: 0.95 for a phrase right after the number, 0.9 for one before it, 0.85 for a value that belongs to the
  figure before it, 0.7 for a subject's default, 0.9 for a commendation; minus 0.15 for a number in words, minus 0.1
  after "khoảng", "hơn", "ước tính", …; a change gives its previous value 0.15 less, a percentage 0.3 less; a sum
  of commendations is 0.6.
- One figure per (indicator, year): the most confident, the first in the text on a tie. Different values for one
  (indicator, year) are a Conflict, each kept. A number next to a unit that cannot be read ("5O vụ", "1.2 vụ",
  "hàng chục vụ") is no guess: its sentence is listed in `unread` when the number would have been a figure.

Money is converted to the catalogue's unit of the indicator (đồng, or triệu đồng for disaster.economic_loss). The
phrases' codes are checked against the catalogue when the patterns load inside Django (and in the tests).
"""

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path

import docx
from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from antoan.core.errors import DomainError

Number = int | Decimal


@dataclass(frozen=True)
class ExtractedFigure:
    indicator: str  # catalogue code
    year: int  # the year the value is for (the report's year, or the comparison year)
    value: Number  # int for counts; Decimal for amounts/percentages that are not whole
    sentence: str  # the sentence as it stands in the text (quoted to the user)
    start: int  # offset of the matched phrase within `sentence` (for highlighting)
    end: int
    confidence: float  # 0..1
    derived: str  # "" stated; "change" / "percent" from a change phrase; "sum" of commendations in several clauses
    phrase: str  # the matched phrase text
    note: str = ""  # e.g. "2 tập thể, 2 cá nhân"

    @property
    def key(self) -> tuple[str, int]:
        return (self.indicator, self.year)


@dataclass(frozen=True)
class Conflict:
    indicator: str
    year: int
    figures: tuple[ExtractedFigure, ...]  # one per value, in the order of the text


@dataclass
class Extraction:
    figures: list[ExtractedFigure]  # one per (indicator, year)
    conflicts: list[Conflict]
    report_years: list[int]  # years the text says it reviews ("tổng kết ... năm 2020")
    places: list[str]  # administrative places it names
    unread: list[str]  # sentences with a number next to a known phrase that could not be read


# --- the patterns -------------------------------------------------------------------------------------------------

# Old-style tone placement (hoá, thuỷ, khoẻ) folded to the new (hóa, thủy, khỏe): one character for one, so that an
# offset in the folded text is the offset in the text.
_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_TONE_PLACEMENT = {
    first + unicodedata.normalize("NFC", second + tone): unicodedata.normalize("NFC", first + tone) + second
    for first, second in (("o", "a"), ("o", "e"), ("u", "y"))
    for tone in _TONES
}
_OLD_PLACEMENT = re.compile("|".join(_TONE_PLACEMENT))


def _fold(text: str) -> str:
    """Lower case, no-break spaces as spaces, one tone placement; the same length as `text`."""
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("\xa0", " ")
    return _OLD_PLACEMENT.sub(lambda m: _TONE_PLACEMENT[m.group()], lowered)


def _phrase_pattern(phrase: str) -> str:
    """A phrase as a regular expression: whole words, any spacing, {year} a four-digit year."""
    parts = []
    for token in re.findall(r"\{year\}|\w+|[^\w\s]", _fold(phrase)):
        if token == "{year}":
            parts.append(r"(?P<year>\d{4})")
        elif token[0].isalnum() or token[0] == "_":
            parts.append(rf"\b{re.escape(token)}\b")
        else:
            parts.append(re.escape(token))
    return r"\s*".join(parts)


def _alternatives(phrases) -> str:
    return "(?:" + "|".join(_phrase_pattern(p) for p in sorted(phrases, key=len, reverse=True)) + ")"


@dataclass(frozen=True)
class _Rule:
    indicator: str
    units: frozenset[str]
    subjects: frozenset[str]
    after: re.Pattern | None  # matches at the start of the words after the unit
    lead: re.Pattern | None  # matches at the end of the words before the number
    before: re.Pattern | None  # searched in the words before the number
    per: int  # a money indicator's unit in đồng (1, or 1 000 000 for triệu đồng)


@dataclass(frozen=True)
class _Patterns:
    rules: tuple[_Rule, ...]
    units: tuple[tuple[re.Pattern, str], ...]  # longest phrase first
    money_scale: re.Pattern
    money_scales: dict[str, int]
    currency: re.Pattern
    number_words: re.Pattern
    words: dict
    vague: re.Pattern
    approximately: re.Pattern
    change: re.Pattern  # group "up" or "down", at the end of the words before the number
    year_values: tuple[tuple[re.Pattern, int], ...]
    comparisons: tuple[tuple[re.Pattern, int], ...]
    subjects: tuple[tuple[re.Pattern, str], ...]
    defaults: dict[tuple[str, str], str]  # (subject, unit) → indicator
    review: re.Pattern
    forward: re.Pattern
    place_prefix: re.Pattern
    abbreviations: frozenset[str]
    recipients: frozenset[str]
    awards: tuple[tuple[re.Pattern, str], ...]
    authorities: tuple[tuple[re.Pattern, str], ...]

    @property
    def codes(self) -> set[str]:
        return (
            {r.indicator for r in self.rules}
            | set(self.defaults.values())
            | {code for _, code in self.awards + self.authorities}
        )


PATTERNS_FILE = files("antoan.indicators") / "data" / "figure_patterns.json"


@cache
def patterns() -> _Patterns:
    data = json.loads(PATTERNS_FILE.read_text("utf-8"))
    scales = {_fold(k): v for k, v in data["money"]["scales"].items()}
    rules = []
    for entry in data["figures"]:
        measure = _fold(entry.get("measure", "đồng")).split()
        rules.append(
            _Rule(
                indicator=entry["indicator"],
                units=frozenset(entry["units"]),
                subjects=frozenset(entry.get("subjects", ())),
                after=re.compile(r"\A\s*" + _alternatives(entry["after"])) if entry.get("after") else None,
                lead=re.compile(_alternatives(entry["lead"]) + r"\s*\Z") if entry.get("lead") else None,
                before=re.compile(_alternatives(entry["before"])) if entry.get("before") else None,
                per=scales.get(measure[0], 1) if len(measure) > 1 else 1,
            )
        )
    unit_phrases = sorted(((p, u["unit"]) for u in data["units"] for p in u["phrases"]), key=lambda pu: -len(pu[0]))
    words = {**data["number_words"], "digits": {_fold(k): v for k, v in data["number_words"]["digits"].items()}}
    any_word = _alternatives([*words["digits"], words["ten"], words["tens"], words["hundred"], *words["zero"],
                              *words["scales"]])  # fmt: skip
    changes, commendations = data["changes"], data["commendations"]

    def phrases(entries, key):
        return tuple((re.compile(_phrase_pattern(p)), e[key]) for e in entries for p in e["phrases"])

    def years(entries, end=""):
        return tuple((re.compile(_phrase_pattern(e["phrase"]) + end), e.get("years_back", 0)) for e in entries)

    loaded = _Patterns(
        rules=tuple(rules),
        units=tuple((re.compile(r"\A\s*" + _phrase_pattern(p)), u) for p, u in unit_phrases),
        money_scale=re.compile(r"\A\s*(" + "|".join(scales) + r")\b"),
        money_scales=scales,
        currency=re.compile(r"\A\s*" + _alternatives(data["money"]["currency"])),
        number_words=re.compile(rf"\b{any_word}(?:\s+{any_word})*\b"),
        words=words,
        vague=re.compile(_alternatives(data["vague_quantities"])),
        approximately=re.compile(_alternatives(data["approximately"]) + r"\s*\Z"),
        change=re.compile(
            rf"(?:(?P<up>{_alternatives(changes['up'])})|(?P<down>{_alternatives(changes['down'])}))\s*\Z"
        ),
        year_values=years(data["year_values"], r"\s*\Z"),
        comparisons=years(data["comparisons"]),
        subjects=phrases(data["subjects"], "subject"),
        defaults={(s["subject"], unit): code for s in data["subjects"] for unit, code in s.get("defaults", {}).items()},
        review=re.compile(_alternatives(data["review"]["phrases"])),
        forward=re.compile(_alternatives(data["review"]["forward"])),
        place_prefix=re.compile(r"(?<!\w)" + _alternatives(data["places"]["prefixes"]) + r"[ \t]+"),
        abbreviations=frozenset(data["abbreviations"]),
        recipients=frozenset(commendations["recipients"]),
        awards=phrases(commendations["awards"], "indicator"),
        authorities=phrases(commendations["authorities"], "indicator"),
    )
    _check_codes(loaded.codes)
    return loaded


def _check_codes(codes: set[str]) -> None:
    """Inside Django, a code the catalogue does not know is a mistake in the data: refuse to load it."""
    from django.apps import apps

    if not apps.ready:
        return
    from antoan.indicators.catalogue import indicators

    unknown = sorted(codes - set(indicators()))
    if unknown:
        raise ValueError(f"{PATTERNS_FILE.name}: codes not in the catalogue: {', '.join(unknown)}")


# --- numbers ------------------------------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
_DIGIT_TOKEN = re.compile(r"(?<![\w.,])[\w.,]*\d[\w.,]*")


def _tidy(value: Decimal) -> Number:
    return int(value) if value == value.to_integral_value() else value.normalize()


def parse_number(text: str) -> Number | None:
    """ "1.234" → 1234, "3,2" → Decimal("3.2"), "05" → 5, "mười hai" → 12; None when it is no such number
    ("1.2", "5O", "hai ba"). A percent sign or a unit is the caller's."""
    text = text.strip()
    if _DIGITS.fullmatch(text):
        whole, _, fraction = text.replace(".", "").partition(",")
        return _tidy(Decimal(f"{whole}.{fraction}" if fraction else whole))
    return _words_value(_fold(text).split())


def _words_value(words: list[str]) -> int | None:
    p = patterns().words
    total, group, digit = 0, 0, None
    for word in words:
        if word in p["digits"]:
            if digit is not None:
                return None  # "hai ba": two or three, no number
            digit = p["digits"][word]
        elif word == p["ten"]:
            if digit is not None or group % 100:
                return None
            group += 10
        elif word == p["tens"]:
            if digit is None or digit < 2 or group % 100:
                return None
            group, digit = group + digit * 10, None
        elif word == p["hundred"]:
            if digit is None or group:
                return None
            group, digit = digit * 100, None
        elif word in p["zero"]:
            if not group or group % 100:
                return None
        elif word in p["scales"]:
            value = group + (digit or 0)
            if not value:
                return None
            total, group, digit = total + value * p["scales"][word], 0, None
        else:
            return None
    if not words:
        return None
    return total + group + (digit or 0)


# --- sentences and numbers in them --------------------------------------------------------------------------------


@dataclass
class _Sentence:
    text: str
    folded: str
    paragraph: int
    clauses: list[tuple[int, int]]


def _sentence(text: str, paragraph: int) -> _Sentence:
    text = text.strip()
    edges = [-1, *(i for i, c in enumerate(text) if c == ";"), len(text)]
    return _Sentence(text, _fold(text), paragraph, [(a + 1, b) for a, b in zip(edges, edges[1:], strict=False)])


def _sentences(text: str) -> list[_Sentence]:
    """Each line is a paragraph; a paragraph ends a sentence at . ! ? … before a capital, a digit or a quote."""
    abbreviations = patterns().abbreviations
    found = []
    for number, line in enumerate(line for line in text.split("\n") if line.strip()):
        start = 0
        for mark in re.finditer(r"[.!?…]+(?=\s)", line):
            following = line[mark.end() :].lstrip().lstrip("\"“'(")[:1]
            word = re.search(r"[\w/]*$", line[: mark.start()]).group()
            if (following.isupper() or following.isdigit()) and word not in abbreviations:
                found.append(_sentence(line[start : mark.end()], number))
                start = mark.end()
        found.append(_sentence(line[start:], number))
    return [s for s in found if s.text]


@dataclass(frozen=True)
class _Mention:
    start: int  # of the number, in the sentence
    end: int  # of its unit
    value: Number | None  # None: a number that could not be read
    unit: str  # the unit's name in the patterns; "đồng" for money (the value in đồng), "%"
    words: bool  # written in words


def _mentions(folded: str) -> list[_Mention]:
    p = patterns()
    numbers = []
    for m in _DIGIT_TOKEN.finditer(folded):
        token = m.group().rstrip(".,")  # "năm 2017," — the comma is the sentence's
        numbers.append((m.start(), m.start() + len(token), parse_number(token), False))
    for m in p.number_words.finditer(folded):
        spans = [(w.start(), w.end(), w.group()) for w in re.finditer(r"\S+", m.group())]
        # "năm" closing a run is the year or "years" ("trong năm", "mười năm"), not five — unless after lẻ/linh
        if spans[-1][2] == "năm" and (len(spans) == 1 or spans[-2][2] not in p.words["zero"]):
            spans.pop()
        if spans:
            words = [w for _, _, w in spans]
            numbers.append((m.start(), m.start() + spans[-1][1], _words_value(words), True))
    numbers += [(m.start(), m.end(), None, True) for m in p.vague.finditer(folded)]
    mentions = [_with_unit(folded, *n) for n in sorted(numbers)]
    return [m for m in mentions if m]


def _with_unit(folded: str, start: int, end: int, value: Number | None, words: bool) -> _Mention | None:
    """The number and the unit that follows it; None when no unit follows (a year, a date, a code)."""
    p = patterns()
    pos = end
    spelled = re.match(r"\s*\((?P<w>[^()\d]{1,40})\)", folded[pos:])  # "02 (hai) vụ"
    if spelled and _words_value(spelled["w"].split()) is not None:
        pos += spelled.end()
    scaled, amount = False, Decimal(0)
    while scale := p.money_scale.match(folded[pos:]):  # "3,2 tỷ", "1 tỷ 200 triệu"
        if value is not None:
            amount += Decimal(value) * p.money_scales[scale[1]]
        scaled, pos = True, pos + scale.end()
        more = re.match(r"\s+(" + _DIGITS.pattern + r")(?=\s+(?:" + "|".join(p.money_scales) + r")\b)", folded[pos:])
        if not more:
            break
        value = None if value is None or (part := parse_number(more[1])) is None else part
        pos += more.end()
    if scaled and value is not None:
        value = _tidy(amount)
    if not scaled and (percent := re.match(r"\s*%", folded[pos:])):
        return _Mention(start, pos + percent.end(), value, "%", words)
    for rx, unit in p.units:
        if unit_match := rx.match(folded[pos:]):
            return _Mention(start, pos + unit_match.end(), value, unit, words)
    if currency := p.currency.match(folded[pos:]):
        return _Mention(start, pos + currency.end(), value, "đồng", words)
    if scaled:
        return _Mention(start, pos, value, "đồng", words)
    return None


def _spans(folded: str, entries, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, value) of each phrase found, the longest where two overlap, in the order of the text."""
    end = len(folded) if end is None else end
    found = sorted(
        ((m.start(), m.end(), value) for rx, value in entries for m in rx.finditer(folded, start, end)),
        key=lambda f: (f[0], -f[1]),
    )
    kept, reach = [], -1
    for span in found:
        if span[0] >= reach:
            kept.append(span)
            reach = span[1]
    return kept


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(a[0] - b[1], b[0] - a[1], 0)


# --- reading ------------------------------------------------------------------------------------------------------

AFTER, LEAD, BEFORE, NEIGHBOUR, DEFAULT, COMMENDATION = 0.95, 0.9, 0.9, 0.85, 0.7, 0.9
IN_WORDS, APPROXIMATE, CHANGE, PERCENT, SUM = 0.15, 0.1, 0.15, 0.3, 0.6
WINDOW = 120  # characters before a number searched for its phrase: a phrase further away is another figure's


@dataclass
class _Candidate:
    figure: ExtractedFigure
    order: tuple[int, int]  # sentence, offset: the order of the text
    unit: str = ""


@dataclass
class _Change:
    indicator: str
    amount: Number
    down: bool
    percent: bool
    decimals: int
    year: int
    sentence: int
    base_order: tuple[int, int]
    figure: ExtractedFigure  # the change as read: sentence, span, confidence


class _Reader:
    def __init__(self, year: int):
        self.year = year
        self.p = patterns()
        self.per = {rule.indicator: rule.per for rule in self.p.rules}
        self.stated: list[_Candidate] = []
        self.changes: list[_Change] = []
        self.awards: list[_Candidate] = []
        self.unread: list[str] = []
        self.subject: str | None = None
        self.paragraph = -1

    def read(self, index: int, s: _Sentence) -> None:
        if s.paragraph != self.paragraph:  # a subject carries over to the next sentence of its paragraph only
            self.subject, self.paragraph = None, s.paragraph
        subjects = _spans(s.folded, self.p.subjects)
        mentions = _mentions(s.folded)
        here: list[_Candidate] = []  # this sentence's figures so far: what a following "(năm 2019: 49 vụ)" is of
        for c0, c1 in s.clauses:
            clause = [m for m in mentions if c0 <= m.start < c1]
            done = self._commendations(index, s, (c0, c1), clause)
            previous_end = c0
            for i, m in enumerate(clause):
                if m not in done:
                    before = [sub for sub in subjects if sub[1] <= m.start]
                    subject = before[-1][2] if before else self.subject
                    following = clause[i + 1].start if i + 1 < len(clause) else c1
                    window_start = max(previous_end, m.start - WINDOW)
                    # the words after a number that named its indicator are not the next number's
                    previous_end = self._mention(index, s, m, (window_start, following), (c0, c1), subject, here)
                else:
                    previous_end = m.end
        if subjects:
            self.subject = subjects[-1][2]

    def _mention(self, index, s, m, bounds, clause, subject, here) -> int:
        """Reads one number; returns where what it read ends (its unit, or the phrase after it)."""
        f = s.folded
        window = f[bounds[0] : m.start]
        confidence_cut = IN_WORDS if m.words else 0.0
        if approx := self.p.approximately.search(window):
            window, confidence_cut = window[: approx.start()], confidence_cut + APPROXIMATE
        year, opening = self.year, m.start  # opening: where the phrase to highlight starts, short of a phrase
        if change := self.p.change.search(window):
            opening = bounds[0] + change.start()
        else:
            for rx, years_back in self.p.year_values:
                if tagged := rx.search(window):
                    year = int(tagged["year"]) if "year" in rx.groupindex else self.year - years_back
                    opening = bounds[0] + tagged.start()
                    break
        found = None
        if not (change and m.unit == "%"):  # a change in percent is of the figure before it, never a rate
            found = self._phrase(m, window, bounds[0], f[m.end : bounds[1]], subject)
        if not found and (change or year != self.year):
            neighbour = [c for c in here if (c.unit != "%" if m.unit == "%" else c.unit == m.unit)]
            if neighbour:
                found = (neighbour[-1].figure.indicator, NEIGHBOUR, opening, m.end)
        if not found and not change and (subject, m.unit) in self.p.defaults:
            found = (self.p.defaults[(subject, m.unit)], DEFAULT, opening, m.end)
        if not found:
            return m.end
        indicator, confidence, start, end = found
        start = min(start, opening)
        if m.value is None:
            if s.text not in self.unread:
                self.unread.append(s.text)
            return end
        value = m.value
        if m.unit == "đồng":
            value = _tidy(Decimal(value) / self.per.get(indicator, 1))
        figure = ExtractedFigure(
            indicator=indicator, year=year, value=value, sentence=s.text, start=start, end=end,
            confidence=round(max(confidence - confidence_cut, 0.05), 2), derived="", phrase=s.text[start:end],
        )  # fmt: skip
        if change:
            self._change(index, s, m, figure, bool(change["down"]), clause, here)
            return end
        candidate = _Candidate(figure, (index, m.start), m.unit)
        self.stated.append(candidate)
        here.append(candidate)
        return end

    def _phrase(self, m, window, window_start, after, subject) -> tuple[str, float, int, int] | None:
        """The indicator its phrases name: right after the unit, directly before the number, or before it."""
        rules = [r for r in self.p.rules if m.unit in r.units and (not r.subjects or subject in r.subjects)]
        best = None
        for r in rules:
            if r.after and (hit := r.after.match(after)) and (not best or hit.end() > best[0]):
                best = (hit.end(), r.indicator)
        if best:
            return best[1], AFTER, m.start, m.end + best[0]
        for r in rules:
            if r.lead and (hit := r.lead.search(window)):
                return r.indicator, LEAD, window_start + hit.start(), m.end
        latest = None  # the phrase nearest the number; the longer one where two end together
        for r in rules:
            for hit in r.before.finditer(window) if r.before else ():
                rank = (hit.end(), hit.end() - hit.start())
                if not latest or rank > latest[0]:
                    latest = (rank, r.indicator, window_start + hit.start())
        if latest:
            return latest[1], BEFORE, latest[2], m.end
        return None

    def _change(self, index, s, m, figure, down, clause, here) -> None:
        """A change: kept until every sentence is read, then the previous value is this year's minus the change."""
        f = s.folded
        comparisons = _spans(f, [(rx, str(back)) for rx, back in self.p.comparisons], *clause)
        later = [c for c in comparisons if c[0] >= m.end]
        earlier = [c for c in comparisons if c[1] <= m.start]
        chosen = later[0] if later else earlier[-1] if earlier else None
        if not chosen:
            return  # "giảm 03 vụ" compared with nothing named: no year to give it
        stated_year = re.search(r"\d{4}", f[chosen[0] : chosen[1]])
        year = int(stated_year.group()) if stated_year else self.year - int(chosen[2])
        if year >= self.year:
            return
        number = s.text[m.start : m.end]
        decimals = len(fraction[1]) if (fraction := re.search(r",(\d+)", number)) else 0
        same = [c for c in here if c.figure.indicator == figure.indicator and c.figure.year == self.year]
        self.changes.append(
            _Change(figure.indicator, figure.value, down, m.unit == "%", decimals, year, index,
                    same[-1].order if same else (index, m.start), figure)
        )  # fmt: skip

    def _commendations(self, index, s, clause, mentions) -> set[_Mention]:
        """Recipients summed per award and authority nearest them in the clause; the mentions it read."""
        f = s.folded
        recipients = [m for m in mentions if m.unit in self.p.recipients]
        awards = _spans(f, self.p.awards, *clause)
        if not recipients or not awards:
            return set()
        authorities = _spans(f, self.p.authorities, *clause)
        groups = defaultdict(list)
        for m in recipients:
            award = min(awards, key=lambda a: _distance(a[:2], (m.start, m.end)))
            authority = min(authorities, key=lambda a: _distance(a[:2], (m.start, m.end))) if authorities else None
            groups[(award, authority)].append(m)
        for (award, authority), group in groups.items():
            if any(m.value is None for m in group):
                if s.text not in self.unread:
                    self.unread.append(s.text)
                continue
            spans = [(m.start, m.end) for m in group] + [award[:2]] + ([authority[:2]] if authority else [])
            start, end = min(a for a, _ in spans), max(b for _, b in spans)
            confidence = COMMENDATION - (IN_WORDS if any(m.words for m in group) else 0)
            for code in [award[2]] + ([authority[2]] if authority else []):
                figure = ExtractedFigure(
                    indicator=code, year=self.year, value=sum(m.value for m in group), sentence=s.text, start=start,
                    end=end, confidence=round(confidence, 2), derived="", phrase=s.text[start:end],
                    note=", ".join(f"{m.value} {m.unit}" for m in group),
                )  # fmt: skip
                self.awards.append(_Candidate(figure, (index, start)))
        return set(recipients)

    def candidates(self) -> list[_Candidate]:
        found = list(self.stated)
        for change in self.changes:
            if derived := self._previous(change):
                found.append(derived)
        by_key = defaultdict(list)
        for award in self.awards:
            by_key[award.figure.key].append(award)
        for parts in by_key.values():
            if len(parts) == 1:
                found.append(parts[0])
                continue
            first = parts[0].figure
            note = " + ".join(f"{p.figure.value} ({p.figure.note})" for p in parts)
            total = replace(first, value=sum(p.figure.value for p in parts), derived="sum", confidence=SUM, note=note)
            found.append(_Candidate(total, parts[0].order))
        return found

    def _previous(self, change: _Change) -> _Candidate | None:
        bases = [c for c in self.stated if c.figure.key == (change.indicator, self.year)]
        if not bases:
            return None
        in_sentence = [c for c in bases if c.order[0] == change.sentence]
        base = min(in_sentence, key=lambda c: abs(c.order[1] - change.base_order[1])) if in_sentence else bases[0]
        current = base.figure.value
        if change.percent:
            previous = _before_percent(current, Decimal(change.amount), change.down, change.decimals)
            cut, derived = PERCENT, "percent"
        else:
            previous = current + change.amount if change.down else current - change.amount
            cut, derived = CHANGE, "change"
        if previous is None or previous < 0:
            return None
        figure = replace(
            change.figure, year=change.year, value=previous, derived=derived,
            confidence=round(max(min(change.figure.confidence, base.figure.confidence) - cut, 0.05), 2),
        )  # fmt: skip
        return _Candidate(figure, (change.sentence, change.figure.start))


def _before_percent(current: Number, percent: Decimal, down: bool, decimals: int) -> int | None:
    """The previous value a change of `percent` leads from, when exactly one whole number fits it as written."""
    if not isinstance(current, int) or percent <= 0:
        return None
    factor = 1 - percent / 100 if down else 1 + percent / 100
    if factor <= 0:
        return None
    estimate = int((Decimal(current) / factor).to_integral_value(ROUND_HALF_UP))
    quantum = Decimal(1).scaleb(-decimals)

    def fits(previous: int) -> bool:
        if previous <= 0 or (previous > current) != down or previous == current:
            return False
        written = (Decimal(abs(current - previous)) * 100 / previous).quantize(quantum, ROUND_HALF_UP)
        return written == percent

    fitting = [n for n in (estimate - 1, estimate, estimate + 1) if fits(n)]
    return fitting[0] if len(fitting) == 1 else None


def _report_years(sentences: list[_Sentence]) -> list[int]:
    """The years after "tổng kết" (…) in its sentence, until the forward-looking part ("nhiệm vụ năm 2021")."""
    p, years = patterns(), []
    for s in sentences:
        for review in p.review.finditer(s.folded):
            rest = s.folded[review.end() :]
            for mentioned in re.finditer(r"\bnăm\s+(\d{4})\b", rest):
                if p.forward.search(rest[: mentioned.start()]):
                    break
                if 1975 <= (year := int(mentioned[1])) <= 2100 and year not in years:
                    years.append(year)
    return years


def _places(sentences: list[_Sentence]) -> list[str]:
    """Places after an administrative word ("huyện Lạc Dương"), and a dateline opening a paragraph
    ("Hàm Thuận Bắc: Tổ chức …")."""
    p, places, paragraph = patterns(), [], -1
    for s in sentences:
        if s.paragraph != paragraph:
            paragraph = s.paragraph
            dateline = re.match(r"([^\W\d_][\w ]{1,40}?):\s", s.text)
            if dateline and _is_name(words := dateline[1].split()) and len(words) <= 5:
                places.append(" ".join(words))
        for prefix in p.place_prefix.finditer(s.folded):
            following = re.match(r"[\w \t]*", s.text[prefix.end() :]).group().split()
            name = []
            for word in following[:5]:
                if not (_is_name([word]) or (not name and word.isdigit())):
                    break
                name.append(word)
            if name:
                places.append(f"{s.text[prefix.start() : prefix.end()].strip()} {' '.join(name)}")
    return list(dict.fromkeys(places))


def _is_name(words: list[str]) -> bool:
    """Title-case words (Lạc Dương), not capitals (BÁO CÁO) or lower case."""
    return bool(words) and all(w[0].isupper() and w.isalpha() and not (len(w) > 1 and w.isupper()) for w in words)


def extract_text(text: str, *, year: int) -> Extraction:
    """The figures a report for `year` states (see the module's description)."""
    text = unicodedata.normalize("NFC", text)
    sentences = _sentences(text)
    reader = _Reader(year)
    for index, s in enumerate(sentences):
        reader.read(index, s)
    by_key = defaultdict(list)
    for candidate in sorted(reader.candidates(), key=lambda c: c.order):
        by_key[candidate.figure.key].append(candidate)
    chosen, conflicts = [], []
    for (indicator, figure_year), found in by_key.items():
        chosen.append(max(found, key=lambda c: c.figure.confidence))  # the first of the most confident
        by_value = {}
        for c in found:
            if c.figure.value not in by_value or c.figure.confidence > by_value[c.figure.value].figure.confidence:
                by_value[c.figure.value] = c
        if len(by_value) > 1:
            kept = sorted(by_value.values(), key=lambda c: c.order)
            conflicts.append(Conflict(indicator, figure_year, tuple(c.figure for c in kept)))
    return Extraction(
        figures=[c.figure for c in sorted(chosen, key=lambda c: c.order)],
        conflicts=conflicts,
        report_years=_report_years(sentences),
        places=_places(sentences),
        unread=reader.unread,
    )


# --- documents ----------------------------------------------------------------------------------------------------


def read_document(path: Path) -> str:
    """The text of a .docx (paragraphs and table rows, in order), a .pdf with a text layer or a UTF-8 .txt."""
    with open(path, "rb") as stream:
        return read_report(stream, Path(path).name)


# An old report is a few hundred kB; a bigger upload is refused before it is read.
REPORT_MAX_BYTES = 20 * 1024 * 1024


def report_max_bytes() -> int:
    """The largest report accepted: REPORT_MAX_BYTES, or the imports' limit when that is smaller."""
    return min(settings.ANTOAN_IMPORT_MAX_BYTES, REPORT_MAX_BYTES)


def read_upload(uploaded) -> str:
    """The text of an uploaded report (Django's UploadedFile), read from the upload itself — nothing on disk."""
    max_bytes = report_max_bytes()
    if uploaded.size > max_bytes:
        raise DomainError.single(
            "file",
            f"Tệp quá lớn ({uploaded.size:,} byte; tối đa {max_bytes:,})".replace(",", "."),
            f"The file is too large ({uploaded.size:,} bytes; at most {max_bytes:,})",
        )
    return read_report(uploaded, uploaded.name or "")


def read_report(stream, name: str) -> str:
    """The text of a report read from `stream`; `name`'s extension says what it is."""
    suffix = Path(name).suffix.lower()
    if suffix == ".txt":
        try:
            return stream.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError.single(
                "file",
                "Tệp .txt không ở mã UTF-8: hãy lưu lại với mã UTF-8",
                "The .txt file is not UTF-8: save it as UTF-8",
            ) from None
    if suffix == ".docx":
        return _read_docx(stream)
    if suffix == ".pdf":
        return _read_pdf(stream)
    raise DomainError.single(
        "file",
        f"Không đọc được tệp {suffix or 'không có phần mở rộng'}: chỉ nhận .docx, .pdf có lớp chữ hoặc .txt",
        f"Cannot read a {suffix or 'file without extension'}: only .docx, a .pdf with a text layer or .txt",
    )


def _read_docx(stream) -> str:
    try:
        document = docx.Document(stream)
    except Exception as error:  # python-docx raises zip, XML and package errors alike for a damaged file
        raise DomainError.single(
            "file", "Tệp .docx bị hỏng hoặc không phải Word", "The .docx file is damaged or not a Word document"
        ) from error
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for row in block.rows:
                # a merged cell is repeated once per grid column it spans
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
                lines.append(" | ".join(c for c in cells if c))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _read_pdf(stream) -> str:
    try:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(stream).pages)
    except (PyPdfError, OSError, ValueError) as error:
        raise DomainError.single("file", "Tệp PDF bị hỏng", "The PDF file is damaged") from error
    if not text.strip():
        raise DomainError.single(
            "file",
            "Tệp PDF không có lớp chữ (bản chụp, bản quét): hãy nhận dạng chữ (OCR) trước, hoặc dùng tệp .docx",
            "The PDF has no text layer (a scan or a photo): run it through OCR first, or use the .docx",
        )
    return _unwrap(text)


def _unwrap(text: str) -> str:
    """A PDF breaks lines where the page did: a line that does not end a sentence goes on with the next one
    when that one starts in lower case or with a digit."""
    lines: list[str] = []
    for line in text.splitlines():
        if (
            lines
            and lines[-1]
            and not lines[-1].rstrip().endswith((".", ":", ";", "!", "?", "…"))
            and (line[:1].islower() or line[:1].isdigit())
        ):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)
