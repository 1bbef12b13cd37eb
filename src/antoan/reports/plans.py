"""What the report plans and judges against: the targets (chỉ tiêu) set for the unit, and the year's known events.

Both come from the indicators' selectors (indicators.targets, indicators.events); here they become the report's
words: "vượt chỉ tiêu (kéo giảm 8%, chỉ tiêu 5%)", "số vụ tai nạn giao thông: kéo giảm ít nhất 5% so với năm 2020",
"Tết Nguyên đán Tân Sửu", "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng".
"""

from dataclasses import dataclass
from datetime import date

from antoan.accounts.models import User
from antoan.indicators.catalogue import indicators
from antoan.indicators.events import KnownEvent
from antoan.indicators.events import known_events as events_between
from antoan.indicators.periods import Period
from antoan.indicators.target_rules import statement
from antoan.indicators.targets import measure_of, target_results, targets_in_force
from antoan.reports.phrases import lowered
from antoan.units.models import Unit

# Events a district or commune keeps safe on its own ground; summits and international events are the hosts' duty.
LOCAL_KINDS = frozenset({"tet", "window", "party_congress", "election", "anniversary"})


def known_events(*, user: User, start: date, end: date) -> list[KnownEvent]:
    """Tết, the national calendar's congresses, elections and anniversaries, and the special windows the user may
    see, that begin between `start` and `end`, in order (an event begun before the span is not "of" it)."""
    return [event for event in events_between(user=user, start=start, end=end)
            if start <= event.start <= end and event.kind in LOCAL_KINDS]  # fmt: skip


@dataclass(frozen=True)
class Judged:
    by_code: dict[str, str]  # indicator code → "vượt chỉ tiêu (kéo giảm 8%, chỉ tiêu 5%)"
    met: list[str]  # "số vụ tai nạn giao thông vượt chỉ tiêu (…)", for the strengths
    missed: list[str]  # the same for the shortcomings


def _name(code: str) -> str:
    """An indicator as a sentence names it: its name without the bracketed gloss, lower case."""
    return lowered(indicators()[code].vi.split(" (", 1)[0])


def judged_targets(*, user: User, unit: Unit, period: Period) -> Judged:
    """This period's targets judged against its figures (up to today while it runs), as the report says them."""
    by_code, met, missed = {}, [], []
    for result in target_results(user=user, unit=unit, period=period):
        if result.indicator is None or result.met is None:
            continue
        code = result.indicator.code
        by_code.setdefault(code, result.phrase_vi)
        (met if result.met else missed).append(f"{_name(code)} {result.phrase_vi}")
    return Judged(by_code, met, missed)


def next_year_targets(*, user: User, unit: Unit, year: int) -> list[str]:
    """The targets set for `year` (the report's next year), one line each: "số vụ tai nạn giao thông: kéo giảm ít
    nhất 5% so với năm 2020"."""
    lines = []
    for target in targets_in_force(user=user, unit=unit, year=year):
        if target.indicator not in indicators():
            continue
        measure = measure_of(indicators()[target.indicator])
        said = statement(target.kind, target.value, measure, before=f"năm {year - 1}")
        lines.append(f"{_name(target.indicator)}: {said}")
    return lines
