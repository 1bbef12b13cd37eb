"""How a target (chỉ tiêu) is judged against a figure, and how the judgement is said — pure values, no database.

The kinds cover how resolutions and year-end reviews phrase targets (docs/targets.md):
- at_most N — "không quá N", "không để xảy ra" (N = 0): the figure is at most N;
- at_least N — "tỷ lệ điều tra, khám phá đạt trên 75 %", "100 % xã đạt tiêu chuẩn An toàn về ANTT": at least N;
- reduce_by_pct N — "kéo giảm ít nhất 5 % số vụ tai nạn giao thông": down by N % or more on the comparison period;
- reduce — "kéo giảm trên cả 3 tiêu chí": lower than the comparison period;
- not_increase — "kiềm chế, không để gia tăng": no higher than the comparison period;
- increase_by_pct N — "tăng ít nhất 10 % số mô hình": up by N % or more;
- increase — "tăng so với năm trước": higher than the comparison period.

A status is "exceeded" (better than the number asked: only the kinds with a lower bound — at_least, reduce_by_pct,
increase_by_pct; an upper bound met with room to spare is "met", since "vượt chỉ tiêu" would read as "over the cap"),
"met", "missed", or "unknown" (no figure, or no comparison for a kind that needs one). How far past (or short of) the
number is the `margin`, in the target's own terms: points for a rate ("đạt 82 %, vượt chỉ tiêu 7 %" — the National
Assembly's reports write a rate's margin in %), the measure for a count, points of % for the by-% kinds.

While the period runs (`judge_so_far`) a result is mostly not yet final: "on_track" (dự kiến đạt — the figure so far,
or the year projected from it, keeps the target) or "at_risk" (có nguy cơ không đạt); only what later days cannot
undo is final — a cap on a count already passed is "missed", a count already at its floor "met" or "exceeded".
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

EXCEEDED, MET, MISSED, UNKNOWN = "exceeded", "met", "missed", "unknown"
ON_TRACK, AT_RISK = "on_track", "at_risk"  # while the period runs
STATUSES = (EXCEEDED, MET, ON_TRACK, AT_RISK, MISSED, UNKNOWN)
STATUS_LABELS = {
    EXCEEDED: ("Vượt chỉ tiêu", "Exceeded the target"),
    MET: ("Đạt chỉ tiêu", "Met the target"),
    ON_TRACK: ("Dự kiến đạt chỉ tiêu", "On track"),
    AT_RISK: ("Có nguy cơ không đạt chỉ tiêu", "At risk of missing the target"),
    MISSED: ("Không đạt chỉ tiêu", "Missed the target"),
    UNKNOWN: ("Chưa đủ số liệu để đánh giá", "Not enough data to judge"),
}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class KindRule:
    code: str
    needs_value: bool  # takes a number N
    relative: bool  # judged against the comparison period (the year before, or the same part of it)
    by_percent: bool  # N is a change in % (0 < N; at most 100 for a reduction)
    lower_bound: bool  # more than asked is "exceeded"


KINDS: dict[str, KindRule] = {
    rule.code: rule
    for rule in (
        KindRule("at_most", needs_value=True, relative=False, by_percent=False, lower_bound=False),
        KindRule("at_least", needs_value=True, relative=False, by_percent=False, lower_bound=True),
        KindRule("reduce_by_pct", needs_value=True, relative=True, by_percent=True, lower_bound=True),
        KindRule("reduce", needs_value=False, relative=True, by_percent=False, lower_bound=False),
        KindRule("not_increase", needs_value=False, relative=True, by_percent=False, lower_bound=False),
        KindRule("increase_by_pct", needs_value=True, relative=True, by_percent=True, lower_bound=True),
        KindRule("increase", needs_value=False, relative=True, by_percent=False, lower_bound=False),
    )
}
ABSOLUTE_KINDS = frozenset(code for code, rule in KINDS.items() if not rule.relative)


# Numbers as the report writes them --------------------------------------------------------------------------


def as_decimal(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def number_text(value, *, english: bool = False) -> str:
    """75 → "75"; 82.5 → "82,5" (English "82.5"); 6.3829… → "6,38"; 1500000 → "1.500.000" ("1,500,000")."""
    number = _rounded(as_decimal(value))
    whole, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}"
    if not english:
        grouped = grouped.replace(",", ".")
    sign = "−" if number < 0 else ""
    return sign + grouped + (("." if english else ",") + fraction if fraction else "")


@dataclass(frozen=True)
class Measure:
    """The unit of measure of an indicator ("vụ" / "cases", "%" / "%")."""

    vi: str
    en: str
    is_percent: bool = False

    def text(self, value, *, english: bool = False) -> str:
        number = number_text(value, english=english)
        if self.is_percent:
            return f"{number}%"
        return f"{number} {self.en if english else self.vi}".rstrip()

    def difference(self, value, *, english: bool = False) -> str:
        """A difference of two figures: points for a rate ("2,5 điểm %")."""
        if self.is_percent:
            return f"{number_text(value, english=english)} " + ("percentage points" if english else "điểm %")
        return self.text(value, english=english)


def percent_text(value, *, english: bool = False) -> str:
    return f"{number_text(value, english=english)}%"


# The target as it is stated -------------------------------------------------------------------------------


def statement(kind: str, value, measure: Measure, *, english: bool = False, before: str | None = None) -> str:
    """The target in words, after the indicator's name: "kéo giảm ít nhất 5% so với năm trước". `before` names the
    comparison period ("năm trước" / "the year before" unless given)."""
    before = before or ("the year before" if english else "năm trước")
    n = as_decimal(value)
    if kind == "at_most":
        if n == 0:
            return "none" if english else "không để xảy ra"
        return f"at most {measure.text(n, english=True)}" if english else f"không quá {measure.text(n)}"
    if kind == "at_least":
        if measure.is_percent and n == HUNDRED:
            return "100%" if english else "đạt 100%"
        return f"at least {measure.text(n, english=True)}" if english else f"đạt từ {measure.text(n)} trở lên"
    if kind == "reduce_by_pct":
        if english:
            return f"down at least {percent_text(n, english=True)} on {before}"
        return f"kéo giảm ít nhất {percent_text(n)} so với {before}"
    if kind == "increase_by_pct":
        if english:
            return f"up at least {percent_text(n, english=True)} on {before}"
        return f"tăng ít nhất {percent_text(n)} so với {before}"
    if kind == "reduce":
        return f"lower than {before}" if english else f"kéo giảm so với {before}"
    if kind == "not_increase":
        return f"no higher than {before}" if english else f"kiềm chế, không để tăng so với {before}"
    if kind == "increase":
        return f"higher than {before}" if english else f"tăng so với {before}"
    raise ValueError(f"unknown kind of target: {kind}")


# Judging --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    status: str
    margin: Decimal | None  # past the target (+) or short of it (−), in the target's terms; None without a number
    change: Decimal | None  # value − comparison
    change_pct: Decimal | None  # relative change in % (none from zero, none for a rate)
    phrase_vi: str  # the fragment a report writes: "vượt chỉ tiêu (kéo giảm 8%, chỉ tiêu 5%)"
    phrase_en: str
    detail_vi: str = ""  # what to show beside the status's own label: "kéo giảm 8%, chỉ tiêu 5%"
    detail_en: str = ""


def _says(status: str, detail_vi: str = "", detail_en: str = "", *, margin_vi: str = "", margin_en: str = ""):
    """(phrase_vi, phrase_en, detail_vi, detail_en)."""
    vi, en = {EXCEEDED: ("vượt chỉ tiêu", "exceeded the target"), MET: ("đạt chỉ tiêu", "met the target"),
              MISSED: ("không đạt chỉ tiêu", "missed the target"),
              ON_TRACK: ("dự kiến đạt chỉ tiêu", "on track to meet the target"),
              AT_RISK: ("có nguy cơ không đạt chỉ tiêu", "at risk of missing the target")}[status]  # fmt: skip
    if margin_vi:
        return f"{vi} {margin_vi}", f"{en} by {margin_en}", f"cao hơn chỉ tiêu {margin_vi}", f"{margin_en} above it"
    if detail_vi:
        return f"{vi} ({detail_vi})", f"{en} ({detail_en})", detail_vi, detail_en
    return vi, en, "", ""


def _moved(change: Decimal, pct: Decimal | None, measure: Measure) -> tuple[str, str]:
    """ "giảm 3 vụ, 6,38%" / "down 3 cases, 6.38%"; "không đổi" when nothing moved."""
    if change == 0:
        return "không đổi", "unchanged"
    word_vi, word_en = ("tăng", "up") if change > 0 else ("giảm", "down")
    vi = f"{word_vi} {measure.difference(abs(change))}"
    en = f"{word_en} {measure.difference(abs(change), english=True)}"
    if pct is not None:  # one decimal, as the figures' own change is shown (selectors.Figure.change_pct)
        pct = abs(pct).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        vi += f", {percent_text(pct)}"
        en += f", {percent_text(pct, english=True)}"
    return vi, en


def judge(*, kind: str, target, value, comparison, measure: Measure) -> Judgement:
    """Judge a figure (`value`, and `comparison` for the relative kinds) against a target of `kind` with number
    `target` (None for the kinds without one)."""
    rule = KINDS[kind]
    t, v, c = as_decimal(target), as_decimal(value), as_decimal(comparison)
    if v is None or (rule.relative and c is None):
        return Judgement(UNKNOWN, None, None, None, *STATUS_LABELS[UNKNOWN])
    change = v - c if c is not None else None
    change_pct = (change / c * HUNDRED) if change is not None and c and not measure.is_percent else None
    if kind == "at_most":
        if v <= t:
            if t == 0:
                return Judgement(MET, t - v, change, change_pct, *_says(MET, "không để xảy ra", "none occurred"))
            detail = (f"{measure.text(v)}, chỉ tiêu không quá {measure.text(t)}",
                      f"{measure.text(v, english=True)}, target at most {measure.text(t, english=True)}")  # fmt: skip
            return Judgement(MET, t - v, change, change_pct, *_says(MET, *detail))
        detail = (f"{measure.text(v)}, chỉ tiêu không quá {measure.text(t)}",
                  f"{measure.text(v, english=True)}, target at most {measure.text(t, english=True)}")  # fmt: skip
        return Judgement(MISSED, t - v, change, change_pct, *_says(MISSED, *detail))
    if kind == "at_least":
        margin = v - t
        if margin > 0:
            said = _says(EXCEEDED, margin_vi=measure.text(margin), margin_en=measure.difference(margin, english=True))
            return Judgement(EXCEEDED, margin, change, change_pct, *said)
        if margin == 0:
            return Judgement(MET, margin, change, change_pct, *_says(MET))
        detail = (f"{measure.text(v)}, chỉ tiêu {measure.text(t)}",
                  f"{measure.text(v, english=True)}, target {measure.text(t, english=True)}")  # fmt: skip
        return Judgement(MISSED, margin, change, change_pct, *_says(MISSED, *detail))
    if rule.by_percent:
        return _judge_by_percent(kind, t, v, c, change, change_pct, measure)
    return _judge_direction(kind, v, c, change, change_pct, measure)


def _judge_by_percent(kind, t, v, c, change, change_pct, measure) -> Judgement:
    down = kind == "reduce_by_pct"
    word_vi, word_en = ("kéo giảm", "down") if down else ("tăng", "up")
    if c == 0:  # no relative change from nothing: judged by whether the figure moved the right way at all
        ok = (v == 0) if down else (v > 0)
        if v == 0:
            detail = ("cả hai kỳ đều không có", "none in either period")
        else:
            detail = (f"tăng từ 0 lên {measure.text(v)}", f"up from 0 to {measure.text(v, english=True)}")
        status = MET if ok else MISSED
        return Judgement(status, None, change, None, *_says(status, *detail))
    moved = (c - v if down else v - c) / c * HUNDRED  # the change in the asked direction, in %
    margin = moved - t
    target_vi, target_en = f"chỉ tiêu {percent_text(t)}", f"target {percent_text(t, english=True)}"
    asked_vi, asked_en = f"chỉ tiêu {word_vi} {percent_text(t)}", f"target {word_en} {percent_text(t, english=True)}"
    if moved > 0:
        done_vi, done_en = f"{word_vi} {percent_text(moved)}", f"{word_en} {percent_text(moved, english=True)}"
    elif moved == 0:
        done_vi, done_en = "không đổi", "unchanged"
        target_vi, target_en = asked_vi, asked_en
    else:
        other_vi, other_en = ("tăng", "up") if down else ("giảm", "down")
        done_vi, done_en = f"{other_vi} {percent_text(-moved)}", f"{other_en} {percent_text(-moved, english=True)}"
        target_vi, target_en = asked_vi, asked_en
    if margin > 0:
        status = EXCEEDED
        detail = (f"{done_vi}, {target_vi}", f"{done_en}, {target_en}")
    elif margin == 0:
        status = MET
        detail = (done_vi, done_en)
    else:
        status = MISSED
        detail = (f"{done_vi}, {target_vi}", f"{done_en}, {target_en}")
    return Judgement(status, margin, change, change_pct, *_says(status, *detail))


def _judge_direction(kind, v, c, change, change_pct, measure) -> Judgement:
    if kind == "reduce":
        ok = change < 0 or (v == 0 and c == 0)  # nothing in either period: nothing left to reduce
    elif kind == "not_increase":
        ok = change <= 0
    else:  # increase
        ok = change > 0
    if v == 0 and c == 0:
        detail = ("cả hai kỳ đều không có", "none in either period")
    elif change == 0:
        detail = (f"không đổi, {measure.text(v)}", f"unchanged, {measure.text(v, english=True)}")
    else:
        detail = _moved(change, change_pct, measure)
    status = MET if ok else MISSED
    return Judgement(status, None, change, change_pct, *_says(status, *detail))


# While the period runs ------------------------------------------------------------------------------------------


def judge_so_far(*, kind: str, target, value, comparison, measure: Measure, projected=None) -> Judgement:
    """Judge a running period's figure so far. `comparison` is the same part of the period before ("cùng kỳ") for the
    relative kinds; `projected` is the whole period's figure at the pace so far, given only for a count or an amount
    under an absolute kind (a rate, a stock or a yearly figure has no pace: judged as it stands). What later days
    cannot undo stays final (a cap passed: missed; a floor reached: met or exceeded); the rest is on track or at risk,
    with the same margin and detail as a final judgement."""
    so_far = judge(kind=kind, target=target, value=value, comparison=comparison, measure=measure)
    if so_far.status == UNKNOWN:
        return so_far
    if projected is not None and kind in ("at_most", "at_least"):
        return _judge_pace(kind, as_decimal(target), as_decimal(value), as_decimal(projected), so_far, measure)
    status = ON_TRACK if so_far.status in (MET, EXCEEDED) else AT_RISK
    if KINDS[kind].relative:  # judged on the same part of the period before
        detail = (f"so với cùng kỳ: {so_far.detail_vi}", f"on the same part of the period before: {so_far.detail_en}")
    else:  # a rate, a stock or a yearly figure as it stands
        v, t = as_decimal(value), as_decimal(target)
        detail = (
            f"{measure.text(v)} đến nay, chỉ tiêu {_asked(kind, t, measure)}",
            f"{measure.text(v, english=True)} so far, target {_asked(kind, t, measure, english=True)}",
        )
    return Judgement(status, so_far.margin, so_far.change, so_far.change_pct, *_says(status, *detail))


def _asked(kind: str, t: Decimal, measure: Measure, *, english: bool = False) -> str:
    """The number an absolute target asks: "không quá 15 vụ", "75%"."""
    if kind == "at_most":
        return f"at most {measure.text(t, english=True)}" if english else f"không quá {measure.text(t)}"
    return measure.text(t, english=english)


def _judge_pace(kind, t, v, projected, so_far: Judgement, measure: Measure) -> Judgement:
    """A count or an amount against a cap or a floor for the whole period, at the pace so far."""
    if (kind == "at_most" and so_far.status == MISSED) or (kind == "at_least" and so_far.status != MISSED):
        return so_far  # the cap is passed, or the floor reached: later days cannot change it
    if kind == "at_most" and t == 0:
        return Judgement(ON_TRACK, Decimal(0), so_far.change, so_far.change_pct,
                         *_says(ON_TRACK, "chưa để xảy ra", "none so far"))  # fmt: skip
    keeps = projected <= t if kind == "at_most" else projected >= t
    status = ON_TRACK if keeps else AT_RISK
    detail = (
        f"{measure.text(v)} đến nay, ước cả năm {measure.text(_whole(projected))}, chỉ tiêu {_asked(kind, t, measure)}",
        f"{measure.text(v, english=True)} so far, about {measure.text(_whole(projected), english=True)} "
        f"for the year, target {_asked(kind, t, measure, english=True)}",
    )
    # margin: for a cap, the room left before it is passed; for a floor, how far short the figure still is (−)
    return Judgement(status, t - v if kind == "at_most" else v - t, so_far.change, so_far.change_pct,
                     *_says(status, *detail))  # fmt: skip


def _whole(value: Decimal) -> Decimal:
    """A projection in whole units ("ước cả năm 13 vụ"): a pace gives no more precision than that."""
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
