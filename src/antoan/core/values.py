"""Turning what a person or a file gives (text, or already-typed values) into the values the domain keeps.

Services call these, so a form, an API call and an import row are judged by the same rules and get the
same bilingual message naming the field. Each function takes `field` (the name the error is filed under)
and returns None for an empty value; the service decides whether a field is required.
"""

import re
import unicodedata
from datetime import date, datetime, time

from django.utils import timezone

from antoan.core.errors import DomainError

DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TRUE_WORDS = frozenset({"1", "true", "yes", "có", "co", "x", "đã", "rồi"})
FALSE_WORDS = frozenset({"0", "false", "no", "không", "khong", "chưa"})
# The years antoan takes anywhere — a record's, a period's, a report's: from 1975 (the oldest commendations and figures
# a unit may enter) to the end of the century. A record is also refused after today (its service says so).
YEAR_MIN, YEAR_MAX = 1975, 2100
# 1.500.000 or 1 500 000 (Vietnamese thousands separators); a bare decimal point is refused instead. Digits are ASCII:
# Python's int() also reads "٣" (Arabic-Indic) or "１２" (full width), which nobody types for a figure.
_GROUPED_INT = re.compile(r"^[0-9]{1,3}([. ,][0-9]{3})+$")
# More digits than any figure or key has: int() of a longer text is slow, and beyond 4,300 digits it refuses.
_MAX_DIGITS = 30
# The largest primary key the database keeps (a signed 64-bit integer).
MAX_ID = 2**63 - 1
# Characters that are never meant in a text field: control characters other than tab and newline, and
# the invisible ones that disguise text (zero-width spaces and joiners, bidirectional overrides such as
# U+202E, which makes "gpj.exe" read as "exe.jpg", and the byte-order mark).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def shown(value, limit: int = 40) -> str:
    """A value as an error message quotes it: on one line, without control or invisible characters (PostgreSQL
    cannot even store NUL), at most `limit` characters."""
    text = " ".join(_CONTROL.sub("", str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def has_control(text: str) -> bool:
    """Whether the text holds a character that is never meant (NUL, other control and invisible characters)."""
    return bool(_CONTROL.search(text))


def to_text(value, *, field: str, max_length: int, multiline: bool = False) -> str:
    """Unicode NFC without control characters; surrounding blanks removed; at most `max_length`."""
    if is_empty(value):
        return ""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", str(value))).strip()
    if not multiline:
        text = " ".join(text.split())
    if len(text) > max_length:
        raise DomainError.single(
            field,
            f"Dài {len(text):,} ký tự, quá giới hạn {max_length:,} ký tự".replace(",", "."),
            f"{len(text):,} characters long, more than the {max_length:,} allowed",
        )
    return text


def year_check(year: int, *, field: str = "year") -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError.single(
            field,
            f"Năm phải từ {YEAR_MIN} đến {YEAR_MAX} (nhận {year})",
            f"The year must be from {YEAR_MIN} to {YEAR_MAX} (got {year})",
        )
    return year


def to_year(value, *, field: str = "year") -> int | None:
    """A year: a whole number from YEAR_MIN to YEAR_MAX."""
    year = to_int(value, field=field, maximum=10**6)
    return None if year is None else year_check(year, field=field)


def to_int(value, *, field: str, maximum: int = 10**15) -> int | None:
    """A non-negative whole number: 12, "12", "1.500.000"."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise _not_a_number(field, value)
    if isinstance(value, float):
        if not value.is_integer():
            raise _not_a_number(field, value)
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if _GROUPED_INT.match(text):
            text = re.sub(r"[. ,]", "", text)
        if not re.fullmatch(r"[-+]?[0-9]+", text):
            raise _not_a_number(field, value)
        if len(text.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
            raise DomainError.single(field, f"Số quá lớn ({shown(text)})", f"Number too large ({shown(text)})")
        value = int(text)
    if not isinstance(value, int):
        raise _not_a_number(field, value)
    if value < 0:
        raise DomainError.single(field, f"Không được là số âm ({value})", f"Must not be negative ({value})")
    if value > maximum:
        raise DomainError.single(field, f"Số quá lớn ({value})", f"Number too large ({value})")
    return value


def as_id(value) -> int | None:
    """A primary key from what a URL, a form or a client sent, or None: a whole number from 1 to MAX_ID in ASCII
    digits — never a value the database cannot take ("²" is a digit to Python, 10**30 no key)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def to_id(value, *, field: str) -> int | None:
    """as_id, for a value that must be a key when given: a bilingual error naming the field otherwise."""
    if is_empty(value):
        return None
    number = as_id(value)
    if number is None:
        text = shown(value)
        raise DomainError.single(
            field,
            f"Mã '{text}' không hợp lệ: phải là số nguyên dương",
            f"Invalid id '{text}': it must be a positive whole number",
        )
    return number


def _not_a_number(field: str, value) -> DomainError:
    return DomainError.single(
        field,
        f"Phải là số nguyên không âm, không phải '{shown(value)}'",
        f"Must be a non-negative whole number, not '{shown(value)}'",
    )


def to_float(value, *, field: str, low: float, high: float) -> float | None:
    if is_empty(value):
        return None
    try:
        number = float(str(value).strip().replace(",", ".")) if not isinstance(value, int | float) else float(value)
    except (ValueError, OverflowError):
        number = None
    if isinstance(value, str) and not value.isascii():  # float() reads "٣" as 3.0 too
        number = None
    if isinstance(value, bool) or number is None or number != number:  # NaN is not a coordinate
        text = shown(value)
        raise DomainError.single(field, f"Phải là một số, không phải '{text}'", f"Must be a number, not '{text}'")
    if not low <= number <= high:
        raise DomainError.single(
            field,
            f"Phải nằm trong khoảng {low} đến {high} (nhận {number})",
            f"Must be between {low} and {high} ({number})",
        )
    return number


def to_bool(value, *, field: str) -> bool | None:
    """1/0, true/false, có/không (any case)."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    text = shown(value)
    raise DomainError.single(
        field,
        f"Giá trị '{text}' không hợp lệ (dùng 1/0, true/false hoặc có/không)",
        f"'{text}' is not yes or no (use 1/0, true/false or có/không)",
    )


def to_date(value, *, field: str) -> date | None:
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS if text.isascii() else ():  # strptime reads "٢٠٢٦" as 2026 too
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DomainError.single(
        field,
        f"Ngày không hợp lệ: '{shown(text)}' (dùng dd/mm/yyyy hoặc YYYY-MM-DD)",
        f"Invalid date '{shown(text)}' (use dd/mm/yyyy or YYYY-MM-DD)",
    )


def to_datetime(value, *, field: str) -> datetime | None:
    """An aware datetime; a date alone means the start of that day, local time."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time()))
    text = " ".join(str(value).split())
    for fmt in DATETIME_FORMATS if text.isascii() else ():
        try:
            return timezone.make_aware(datetime.strptime(text, fmt))
        except ValueError:
            continue
    try:
        return timezone.make_aware(datetime.combine(to_date(text, field=field), time()))
    except DomainError:
        raise DomainError.single(
            field,
            f"Thời gian không hợp lệ: '{shown(text)}' (dùng YYYY-MM-DD, YYYY-MM-DD HH:MM hoặc dd/mm/yyyy [HH:MM])",
            f"Invalid date and time '{shown(text)}' (use YYYY-MM-DD, YYYY-MM-DD HH:MM or dd/mm/yyyy [HH:MM])",
        ) from None
