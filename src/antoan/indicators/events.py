"""The known events of a span of days — what section III of a year-end review names among next year's tasks
("bảo đảm an ninh, trật tự Đại hội đại biểu toàn quốc lần thứ XIII của Đảng, bầu cử …, Tết Nguyên đán Tân Sửu").

Three sources, merged by `known_events(user, start, end)`:
- the calendar of national political events, data/national_events.json: each with its dates, names, kind and the
  document or official page its dates come from (an amendment is a data change);
- the special windows the user may see (windows.py: the national ones and those of the units in their scope) — a
  window that repeats a calendar event (the same name, or the same first and last day) is returned once, as the
  window: the unit's own dates and wording win;
- the Tết window of each lunar year whose window overlaps the span (periods.Period.of_tet, named by its can-chi).
Ordered by first day, then name.
"""

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

from antoan.accounts.models import User
from antoan.core.errors import DomainError, Message
from antoan.core.values import YEAR_MAX, YEAR_MIN, to_date
from antoan.indicators.periods import Period, can_chi
from antoan.indicators.windows import special_window_list
from antoan.units.models import Unit

CALENDAR, WINDOW, TET = "calendar", "window", "tet"
KINDS = ("party_congress", "election", "anniversary", "summit", "international_event")
MAX_DAYS = 3 * 366  # a span a report asks about: a year, or the year and the next


@dataclass(frozen=True)
class KnownEvent:
    start: date
    end: date
    name_vi: str
    name_en: str
    kind: str  # one of KINDS, "tet", or "window"
    origin: str  # CALENDAR, WINDOW or TET
    source: str = ""  # the document or page the dates come from (a window: who recorded it)
    url: str = ""
    approximate: bool = False  # the dates are a directive's window for congresses held at many places
    note: str = ""
    unit: Unit | None = None  # a window's unit (None: national)
    period_code: str = ""  # tet2021, w:slug — the period the dashboard and the report take

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_vi

    @property
    def period(self) -> Period:
        if self.origin == TET:
            return Period.of_tet(int(self.period_code.removeprefix("tet")))
        return Period.of_range(self.start, self.end)

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and self.end >= start

    def as_dict(self) -> dict:
        unit = self.unit
        return {
            "start": self.start, "end": self.end, "name_vi": self.name_vi, "name_en": self.name_en,
            "kind": self.kind, "origin": self.origin, "source": self.source, "url": self.url,
            "approximate": self.approximate, "note": self.note, "period_code": self.period_code,
            "unit": {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None,
        }  # fmt: skip


def _bad(index: int, what: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"indicators/data/national_events.json, event {index + 1}: {what}")


@cache
def national_events() -> tuple[KnownEvent, ...]:
    """The calendar, read once and checked: dates, names, a known kind and a source for every event."""
    data = json.loads((files("antoan.indicators") / "data" / "national_events.json").read_text("utf-8"))
    events = []
    for index, entry in enumerate(data["events"]):
        try:
            start, end = date.fromisoformat(entry["start"]), date.fromisoformat(entry["end"])
        except (KeyError, ValueError) as exc:
            raise _bad(index, f"start and end must be YYYY-MM-DD ({exc})") from None
        if end < start:
            raise _bad(index, "ends before it starts")
        if entry.get("kind") not in KINDS:
            raise _bad(index, f"kind {entry.get('kind')!r} is not one of {', '.join(KINDS)}")
        if not entry.get("name_vi") or not entry.get("name_en") or not entry.get("source"):
            raise _bad(index, "name_vi, name_en and source are required")
        if entry.get("dates") not in ("exact", "approximate"):
            raise _bad(index, "dates must be 'exact' or 'approximate'")
        events.append(
            KnownEvent(
                start,
                end,
                entry["name_vi"],
                entry["name_en"],
                entry["kind"],
                CALENDAR,
                entry["source"],
                entry.get("url", ""),
                entry["dates"] == "approximate",
                entry.get("note", ""),
            )  # fmt: skip
        )
    return tuple(sorted(events, key=lambda e: (e.start, e.name_vi)))


def _same_name(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().replace("–", "-").split())

    return key(a) == key(b)


def _tet_events(start: date, end: date) -> list[KnownEvent]:
    found = []
    for year in range(max(start.year - 1, YEAR_MIN), min(end.year + 1, YEAR_MAX) + 1):
        period = Period.of_tet(year)
        if period.start <= end and period.end >= start:
            name = can_chi(year)
            found.append(
                KnownEvent(
                    period.start,
                    period.end,
                    f"Tết Nguyên đán {name} {year}",
                    f"Lunar New Year {year} ({name})",
                    TET,
                    TET,
                    "Âm lịch Việt Nam (múi giờ UTC+7) / the Vietnamese lunar calendar (UTC+7)",
                    period_code=period.code,
                )  # fmt: skip
            )
    return found


def _window_events(user: User | None, start: date, end: date) -> list[KnownEvent]:
    windows = special_window_list(user=user).filter(start__lte=end, end__gte=start).order_by("start", "slug")
    return [
        KnownEvent(
            w.start,
            w.end,
            w.name,
            w.name,
            WINDOW,
            WINDOW,
            f"Đợt đặc biệt {'của ' + w.unit.name if w.unit else 'toàn quốc'} (w:{w.slug}) / special window",
            note=w.note,
            unit=w.unit,
            period_code=f"w:{w.slug}",
        )  # fmt: skip
        for w in windows
    ]


def known_events(*, user: User | None, start, end) -> list[KnownEvent]:
    """The events overlapping the days from `start` to `end` (dates or YYYY-MM-DD / dd/mm/yyyy): the calendar's,
    the special windows `user` may see (None: the system itself, all of them) and the Tết windows; a window that
    repeats a calendar event or a Tết (the same name, or the same first and last day) once, as the window."""
    errors = {}
    days = []
    for field, raw in (("from", start), ("to", end)):
        try:
            day = to_date(raw, field=field)
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        if day is None or not YEAR_MIN <= day.year <= YEAR_MAX:
            errors[field] = Message(
                f"Nhập ngày từ năm {YEAR_MIN} đến {YEAR_MAX}", f"Give a day from {YEAR_MIN} to {YEAR_MAX}"
            )
            continue
        days.append(day)
    if errors:
        raise DomainError(errors)
    start, end = days
    if end < start:
        raise DomainError.single("to", "Ngày kết thúc trước ngày bắt đầu", "The last day is before the first")
    if (end - start).days + 1 > MAX_DAYS:
        raise DomainError.single("to", f"Tối đa {MAX_DAYS} ngày một lần hỏi", f"At most {MAX_DAYS} days at a time")
    windows = _window_events(user, start, end)
    listed = [e for e in national_events() if e.overlaps(start, end)] + _tet_events(start, end)
    kept = [
        event
        for event in listed
        if not any(
            _same_name(w.name_vi, event.name_vi) or _same_name(w.name_vi, event.name_en)
            or (w.start, w.end) == (event.start, event.end)
            for w in windows
        )
    ]  # fmt: skip
    return sorted(kept + windows, key=lambda e: (e.start, e.name_vi.casefold()))


def known_events_of_year(*, user: User | None, year: int) -> list[KnownEvent]:
    """The known events of a calendar year (next year's, for section III of a review)."""
    return known_events(user=user, start=date(year, 1, 1), end=date(year, 12, 31))
