"""Reporting periods (kỳ báo cáo) as values: a `Period` knows its first and last day, its code, its labels
and the period it is compared with (the same period one year earlier).

Codes (see docs/periods.md): 2020 · 2020-H1 · 2020-Q1 · 2020-03 · st2020 (statistical year, 15/12/2019 →
14/12/2020) · stm2020-03 (statistical month, 15/02 → 14/03/2020) · tet2021 (Tết Nguyên đán) · w:<slug> (a
special window kept in the database) · 2020-01-05..2020-02-03 (any range of days). `period_parse` turns a code
(or two dates) into a Period and refuses anything else with a bilingual DomainError naming the field.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

from antoan.core import clock
from antoan.core.errors import DomainError, Message, NotFound
from antoan.core.values import YEAR_MAX, YEAR_MIN, is_empty, to_date, year_check
from antoan.indicators.windows import special_window_find, special_window_list

# Nghị định 09/2019/NĐ-CP, Art. 12: the reporting month runs from the 15th of the month before to the 14th.
STAT_CLOSING_DAY = 14

KINDS = ("year", "half", "quarter", "month", "stat_year", "stat_month", "tet", "window", "range")
ROMAN = ("I", "II", "III", "IV")
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# The sexagenary cycle (can chi): 1984 was Giáp Tý.
CAN = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
CHI = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")

ACCEPTED = Message(
    "2020 (năm), 2020-H1 / 2020-H2 (6 tháng), 2020-Q1 … 2020-Q4 (quý), 2020-03 (tháng), st2020 (năm thống kê "
    "15/12/2019 – 14/12/2020), stm2020-03 (tháng thống kê 15/02 – 14/03/2020), tet2021 (Tết Nguyên đán), "
    "w:ma-dot (đợt đặc biệt) hoặc 2020-01-05..2020-02-03 (khoảng ngày)",
    "2020 (year), 2020-H1 / 2020-H2 (half-year), 2020-Q1 … 2020-Q4 (quarter), 2020-03 (month), st2020 "
    "(statistical year 15/12/2019 – 14/12/2020), stm2020-03 (statistical month 15/02 – 14/03/2020), tet2021 "
    "(Lunar New Year), w:slug (special window) or 2020-01-05..2020-02-03 (range of days)",
)

_YEAR = re.compile(r"(\d{4})")
_HALF = re.compile(r"(\d{4})-h(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-q(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_STAT_YEAR = re.compile(r"st(\d{4})")
_STAT_MONTH = re.compile(r"stm(\d{4})-(\d{1,2})")
_TET = re.compile(r"tet(\d{4})")
_WINDOW = re.compile(r"w:(.+)")
_RANGE = re.compile(r"(.+?)\.\.(.+)")


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _span(start: date, end: date) -> str:
    return f"{_d(start)} – {_d(end)}"


def _last_of_month(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _one_year_earlier(day: date) -> date:
    """The same day one year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def can_chi(year: int) -> str:
    """The Vietnamese name of the lunar year that starts in `year`: 2020 → "Canh Tý", 2021 → "Tân Sửu"."""
    return f"{CAN[(year + 6) % 10]} {CHI[(year + 8) % 12]}"


@lru_cache(maxsize=256)
def lunar_new_year(year: int) -> date:
    """Mùng 1 Tết of the lunar year that starts in `year`, by the Vietnamese lunar calendar (UTC+7), from the
    `holidays` package: its Vietnamese public holidays, or else its lunisolar calendar helper."""
    import holidays

    found = holidays.country_holidays("VN", years=year, language="vi", observed=False).get_named(
        "Tết Nguyên Đán", lookup="startswith"
    )
    if len(found) == 1:
        return found[0]
    try:
        from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar

        day = _ChineseLunisolar(VIETNAMESE_CALENDAR).lunar_new_year_date(year)
    except (ImportError, TypeError, ValueError):
        day = None
    day = day[0] if isinstance(day, tuple) else day
    if not isinstance(day, date):
        raise DomainError.single(
            "period",
            f"Không tính được ngày Tết Nguyên đán năm {year}",
            f"The Lunar New Year of {year} cannot be computed",
        )
    return day


def _tet_days() -> tuple[int, int]:
    before, after = settings.ANTOAN_TET_DAYS_BEFORE, settings.ANTOAN_TET_DAYS_AFTER
    for name, value in (("ANTOAN_TET_DAYS_BEFORE", before), ("ANTOAN_TET_DAYS_AFTER", after)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 60:
            raise ImproperlyConfigured(f"{name} must be a whole number of days from 0 to 60, not {value!r}")
    return before, after


@dataclass(frozen=True)
class Period:
    """A reporting period: every day from `start` to `end`, both included."""

    start: date
    end: date
    kind: str
    code: str
    label_vi: str
    label_en: str

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label_vi

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = day.astimezone(_zone()).date() if day.tzinfo else day.date()
        return self.start <= day <= self.end

    @property
    def start_datetime(self) -> datetime:
        """The first instant of the period, local time (Asia/Ho_Chi_Minh): filter with `>=`."""
        return datetime.combine(self.start, time.min, tzinfo=_zone())

    @property
    def end_datetime_exclusive(self) -> datetime:
        """The first instant after the period, local time: filter with `<`."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=_zone())

    def months(self) -> list["Period"]:
        """The calendar months that overlap the period, in order (a statistical year overlaps 13)."""
        found = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append(Period.of_month(year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def previous(self) -> "Period":
        """The period this one is compared with: the same period one year earlier."""
        year = self.start.year - 1
        if self.kind == "year":
            return Period.of_year(year)
        if self.kind == "half":
            return Period.of_half(year, 1 if self.start.month == 1 else 2)
        if self.kind == "quarter":
            return Period.of_quarter(year, (self.start.month - 1) // 3 + 1)
        if self.kind == "month":
            return Period.of_month(year, self.start.month)
        if self.kind == "stat_year":
            return Period.of_stat_year(self.end.year - 1)
        if self.kind == "stat_month":
            return Period.of_stat_month(self.end.year - 1, self.end.month)
        if self.kind == "tet":
            return Period.of_tet(int(self.code.removeprefix("tet")) - 1)
        return Period.of_range(_one_year_earlier(self.start), _one_year_earlier(self.end))

    # The periods of each kind. The arguments are trusted: `period_parse` checks what people type.

    @classmethod
    def of_year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31), "year", str(year), f"Năm {year}", f"Year {year}")

    @classmethod
    def of_half(cls, year: int, half: int) -> "Period":
        first = half == 1
        start, end = (date(year, 1, 1), date(year, 6, 30)) if first else (date(year, 7, 1), date(year, 12, 31))
        vi = f"6 tháng {'đầu' if first else 'cuối'} năm {year}"
        en = f"{'First' if first else 'Second'} half of {year}"
        return cls(start, end, "half", f"{year}-H{half}", vi, en)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> "Period":
        start = date(year, 3 * quarter - 2, 1)
        end = _last_of_month(year, 3 * quarter)
        return cls(
            start, end, "quarter", f"{year}-Q{quarter}", f"Quý {ROMAN[quarter - 1]}/{year}", f"Q{quarter} {year}"
        )

    @classmethod
    def of_month(cls, year: int, month: int) -> "Period":
        return cls(
            date(year, month, 1),
            _last_of_month(year, month),
            "month",
            f"{year}-{month:02d}",
            f"Tháng {month}/{year}",
            f"{MONTHS_EN[month - 1]} {year}",
        )

    @classmethod
    def of_stat_year(cls, year: int) -> "Period":
        start, end = date(year - 1, 12, STAT_CLOSING_DAY + 1), date(year, 12, STAT_CLOSING_DAY)
        span = _span(start, end)
        return cls(
            start, end, "stat_year", f"st{year}", f"Năm thống kê {year} ({span})", f"Statistical year {year} ({span})"
        )

    @classmethod
    def of_stat_month(cls, year: int, month: int) -> "Period":
        end = date(year, month, STAT_CLOSING_DAY)
        start = date(year - 1, 12, STAT_CLOSING_DAY + 1) if month == 1 else date(year, month - 1, STAT_CLOSING_DAY + 1)
        span = f"{start:%d/%m} – {_d(end)}" if start.year == end.year else _span(start, end)
        return cls(
            start,
            end,
            "stat_month",
            f"stm{year}-{month:02d}",
            f"Tháng {month}/{year} (thống kê: {span})",
            f"{MONTHS_EN[month - 1]} {year} (statistical: {span})",
        )

    @classmethod
    def of_tet(cls, year: int) -> "Period":
        """The Tết Nguyên đán window: ANTOAN_TET_DAYS_BEFORE days before mùng 1 Tết to ANTOAN_TET_DAYS_AFTER after."""
        before, after = _tet_days()
        new_year = lunar_new_year(year)
        start, end = new_year - timedelta(days=before), new_year + timedelta(days=after)
        span = _span(start, end)
        return cls(
            start,
            end,
            "tet",
            f"tet{year}",
            f"Tết Nguyên đán {can_chi(year)} {year} ({span})",
            f"Lunar New Year {year} ({span})",
        )

    @classmethod
    def of_range(cls, start: date, end: date) -> "Period":
        return cls(
            start,
            end,
            "range",
            f"{start.isoformat()}..{end.isoformat()}",
            f"Từ {_d(start)} đến {_d(end)}",
            f"From {_d(start)} to {_d(end)}",
        )

    @classmethod
    def of_window(cls, window) -> "Period":
        """A special window (models.SpecialWindow): its own name, Vietnamese in both labels."""
        label = f"{window.name} ({_span(window.start, window.end)})"
        return cls(window.start, window.end, "window", f"w:{window.slug}", label, label)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _unknown(shown: str) -> DomainError:
    return DomainError.single(
        "period",
        f"Kỳ báo cáo '{shown}' không hợp lệ. Dùng: {ACCEPTED.vi}",
        f"'{shown}' is not a reporting period. Use: {ACCEPTED.en}",
    )


def _year(text: str, field: str = "period") -> int:
    return year_check(int(text), field=field)


def _number(text: str, *, low: int, high: int, vi: str, en: str) -> int:
    number = int(text)
    if not low <= number <= high:
        raise DomainError.single(
            "period",
            f"{vi} phải từ {low} đến {high} (nhận {number})",
            f"The {en} must be from {low} to {high} (got {number})",
        )
    return number


def _range(raw_from, raw_to, *, from_field: str, to_field: str) -> Period:
    errors: dict[str, Message] = {}
    days = []
    for field, raw in ((from_field, raw_from), (to_field, raw_to)):
        if is_empty(raw):
            errors.setdefault(
                field, Message("Nhập cả ngày bắt đầu và ngày kết thúc", "Give both the first and the last day")
            )
            continue
        try:
            day = to_date(raw, field=field)
            _year(str(day.year), field)
        except DomainError as exc:
            for name, message in exc.errors.items():
                errors.setdefault(name, message)
            continue
        days.append(day)
    if errors:
        raise DomainError(errors)
    start, end = days
    if end < start:
        raise DomainError.single(
            to_field,
            f"Ngày kết thúc ({_d(end)}) trước ngày bắt đầu ({_d(start)})",
            f"The last day ({_d(end)}) is before the first day ({_d(start)})",
        )
    return Period.of_range(start, end)


def _window(slug: str, user) -> Period:
    window = special_window_find(slug=slug, user=user)
    if window is None:
        shown = slug[:40]
        raise NotFound.single(
            "period",
            f"Không tìm thấy đợt đặc biệt '{shown}'",
            f"There is no special window '{shown}'",
        )
    return Period.of_window(window)


def period_parse(code: str | Period | None = None, *, date_from=None, date_to=None, user=None) -> Period:
    """The period a code names, or the range from `date_from` to `date_to` (dates, "YYYY-MM-DD" or
    "dd/mm/yyyy"). A special window ("w:<slug>") is looked up among those `user` may see (any, without user)."""
    if isinstance(code, Period):
        return code
    has_dates = not (is_empty(date_from) and is_empty(date_to))
    if is_empty(code):
        if has_dates:
            return _range(date_from, date_to, from_field="from", to_field="to")
        raise DomainError.single(
            "period",
            f"Chưa chọn kỳ báo cáo. Dùng: {ACCEPTED.vi}",
            f"No reporting period given. Use: {ACCEPTED.en}",
        )
    if has_dates:
        raise DomainError.single(
            "period",
            "Chọn một kỳ báo cáo hoặc một khoảng ngày, không chọn cả hai",
            "Give a reporting period or a range of days, not both",
        )
    text = str(code).replace("\x00", "").strip().lower()
    if m := _YEAR.fullmatch(text):
        return Period.of_year(_year(m[1]))
    if m := _HALF.fullmatch(text):
        year, half = _year(m[1]), int(m[2])
        if half not in (1, 2):
            raise DomainError.single(
                "period", f"Nửa năm là H1 hoặc H2 (nhận H{half})", f"A half-year is H1 or H2 (got H{half})"
            )
        return Period.of_half(year, half)
    if m := _QUARTER.fullmatch(text):
        year = _year(m[1])
        return Period.of_quarter(year, _number(m[2], low=1, high=4, vi="Quý", en="quarter"))
    if m := _MONTH.fullmatch(text):
        year = _year(m[1])
        return Period.of_month(year, _number(m[2], low=1, high=12, vi="Tháng", en="month"))
    if m := _STAT_YEAR.fullmatch(text):
        return Period.of_stat_year(_year(m[1]))
    if m := _STAT_MONTH.fullmatch(text):
        year = _year(m[1])
        return Period.of_stat_month(year, _number(m[2], low=1, high=12, vi="Tháng", en="month"))
    if m := _TET.fullmatch(text):
        return Period.of_tet(_year(m[1]))
    if m := _WINDOW.fullmatch(text):
        return _window(m[1].strip(), user)
    if m := _RANGE.fullmatch(text):
        return _range(m[1].strip(), m[2].strip(), from_field="period", to_field="period")
    raise _unknown(str(code).replace("\x00", "").strip()[:40])


def period_options(year: int, *, user=None) -> list[Period]:
    """What a period picker offers for `year`: the year, its halves, quarters and months, the statistical
    year, Tết, and the special windows (those `user` may see) that overlap the year."""
    return _options(year, _windows_overlapping(year, year, user=user))


def period_option_groups(year: int, *, user=None) -> list[tuple[str, list[Period]]]:
    """The pickers' options, a group per year: `year`, the year before and — unless it is in the future — the year
    after; the special windows read once for the three."""
    today = clock.today()
    years = [y for y in (year + 1, year, year - 1) if YEAR_MIN <= y <= YEAR_MAX and y <= max(today.year, year)]
    windows = _windows_overlapping(min(years), max(years), user=user)
    return [(str(y), _options(y, windows)) for y in years]


def _windows_overlapping(first_year: int, last_year: int, *, user) -> list:
    windows = special_window_list(user=user).filter(start__lte=date(last_year, 12, 31), end__gte=date(first_year, 1, 1))
    return list(windows.order_by("start", "slug"))


def _options(year: int, windows: list) -> list[Period]:
    options = [Period.of_year(year), Period.of_half(year, 1), Period.of_half(year, 2)]
    options += [Period.of_quarter(year, q) for q in range(1, 5)]
    options += [Period.of_month(year, m) for m in range(1, 13)]
    options += [Period.of_stat_year(year), Period.of_tet(year)]
    first, last = date(year, 1, 1), date(year, 12, 31)
    options += [Period.of_window(w) for w in windows if w.start <= last and w.end >= first]
    return options
