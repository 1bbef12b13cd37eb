"""Special windows (đợt đặc biệt): writes by leaders and administrators only (the reads are windows.py).

A window of a unit (a province's party congress) is written by a leader or an administrator of that unit;
a national window (no unit) by an administrator. Everyone sees the national windows and those of the units
in their scope. Every write runs in one transaction and is audited with the acting user.
"""

import re

from django.db import IntegrityError, transaction

from antoan.accounts.models import User
from antoan.core.errors import DomainError, Message
from antoan.core.values import as_id, is_empty, to_date, to_text, year_check
from antoan.indicators.models import SpecialWindow
from antoan.indicators.windows import special_window_write_require
from antoan.units.models import Unit

FIELDS = ("slug", "name", "start", "end", "unit", "note")
MAX_DAYS = 366
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
SLUG_MAX = 40
_REQUIRED = Message("Bắt buộc nhập", "Required")


# Writes --------------------------------------------------------------------------------------------------


def _unit(value) -> Unit | None:
    if is_empty(value):
        return None
    if isinstance(value, Unit):
        return value
    key = as_id(value)  # "²".isdigit() is True, int("²") fails
    unit = Unit.objects.filter(pk=key).first() if key is not None else None
    if unit is None:
        raise DomainError.single("unit", "Không tìm thấy đơn vị", "Unit not found")
    return unit


def _day(value, field: str):
    day = to_date(value, field=field)
    if day is not None:
        year_check(day.year, field=field)
    return day


def _slug(value) -> str:
    slug = to_text(value, field="slug", max_length=SLUG_MAX).lower()
    if slug and not SLUG.fullmatch(slug):
        raise DomainError.single(
            "slug",
            f"Mã '{slug}' chỉ được gồm chữ thường không dấu a-z, chữ số và dấu gạch ngang, bắt đầu bằng chữ hoặc số "
            "(ví dụ: dai-hoi-dang-2020)",
            f"'{slug}' may hold only the lower-case letters a-z, digits and hyphens, starting with a letter or a "
            "digit (e.g. dai-hoi-dang-2020)",
        )
    return slug


def _clean(values: dict, *, instance: SpecialWindow | None = None) -> tuple[dict, dict[str, Message]]:
    """Every field typed and checked, with all the problems at once (the unit first: see _write_checks)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError({f: Message("Trường không sửa được", "Not an editable field") for f in sorted(unknown)})
    parsers = {
        "slug": _slug,
        "name": lambda v: to_text(v, field="name", max_length=200),
        "start": lambda v: _day(v, "start"),
        "end": lambda v: _day(v, "end"),
        "unit": _unit,
        "note": lambda v: to_text(v, field="note", max_length=2000, multiline=True),
    }
    clean, errors = {}, {}
    for field, parse in parsers.items():
        raw = values.get(field) if field in values or instance is None else getattr(instance, field)
        try:
            clean[field] = parse(raw)
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        if field in ("slug", "name", "start", "end") and clean[field] in (None, ""):
            errors[field] = _REQUIRED
    start, end = clean.get("start"), clean.get("end")
    if start and end and "start" not in errors and "end" not in errors:
        if end < start:
            errors["end"] = Message(
                f"Ngày kết thúc ({end:%d/%m/%Y}) trước ngày bắt đầu ({start:%d/%m/%Y})",
                f"The end date ({end:%d/%m/%Y}) is before the start date ({start:%d/%m/%Y})",
            )
        elif (end - start).days + 1 > MAX_DAYS:
            days = (end - start).days + 1
            errors["end"] = Message(
                f"Một đợt đặc biệt dài tối đa {MAX_DAYS} ngày (đợt này {days} ngày)",
                f"A special window lasts at most {MAX_DAYS} days (this one {days})",
            )
    if clean.get("slug") and "slug" not in errors:
        taken = SpecialWindow.objects.filter(slug=clean["slug"])
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors["slug"] = _slug_taken(clean["slug"])
    return clean, errors


def _slug_taken(slug: str) -> Message:
    return Message(f"Mã '{slug}' đã được dùng cho một đợt khác", f"The code '{slug}' is already used by another window")


def _save(window: SpecialWindow, user: User) -> None:
    window.updated_by = user
    window._history_user = user
    try:
        with transaction.atomic():
            window.save()
    except IntegrityError:  # the same slug saved by someone else in the same instant
        raise DomainError({"slug": _slug_taken(window.slug)}) from None


@transaction.atomic
def special_window_create(*, user: User, **fields) -> SpecialWindow:
    clean, errors = _clean(fields)
    if "unit" not in errors:
        special_window_write_require(user, clean["unit"])
    if errors:
        raise DomainError(errors)
    window = SpecialWindow(**clean, created_by=user)
    _save(window, user)
    return window


@transaction.atomic
def special_window_update(*, user: User, window: SpecialWindow, **fields) -> SpecialWindow:
    """Change the given fields (nothing changed → nothing written); the writer needs the right on the window's
    unit as it was and as it becomes."""
    window = SpecialWindow.objects.select_for_update().get(pk=window.pk)
    special_window_write_require(user, window.unit)
    clean, errors = _clean(fields, instance=window)
    if "unit" not in errors and clean["unit"] != window.unit:
        special_window_write_require(user, clean["unit"])
    if errors:
        raise DomainError(errors)
    if all(getattr(window, field) == value for field, value in clean.items()):
        return window
    for field, value in clean.items():
        setattr(window, field, value)
    _save(window, user)
    return window


@transaction.atomic
def special_window_delete(*, user: User, window: SpecialWindow) -> None:
    window = SpecialWindow.objects.select_for_update().get(pk=window.pk)
    special_window_write_require(user, window.unit)
    window._history_user = user
    window.delete()
