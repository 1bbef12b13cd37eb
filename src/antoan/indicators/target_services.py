"""Targets (chỉ tiêu): writes by the leaders and administrators of a unit (the reads are targets.py).

The form, the grid of a unit's year, the API and the command line all end here; every value is judged field by field
with a bilingual message naming the field, and nothing is written unless everything is right. Targets are plans, not
records of what happened: a locked month (units.locks) does not stop them. Every write runs in one transaction and is
kept in the audit history with the acting user; deleting is a soft delete that an administrator can undo.
"""

import re
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from antoan.accounts.models import User
from antoan.core.errors import DomainError, Message
from antoan.core.softdelete import REASON_MAX, deleted_get, mark_deleted, mark_restored, restore_clash_check
from antoan.core.values import is_empty, shown, to_text, to_year
from antoan.indicators.catalogue import Indicator, indicators
from antoan.indicators.models import Target, TargetKind
from antoan.indicators.target_rules import KINDS
from antoan.indicators.targets import target_write_require
from antoan.units.models import Kind, Unit
from antoan.units.scope import restore_require

FIELDS = ("unit", "year", "indicator", "kind", "value", "document", "note")
ROW_FIELDS = ("id", "indicator", "kind", "value", "document", "note")
DOCUMENT_MAX, NOTE_MAX = 300, 2000
VALUE_MAX = Decimal(10) ** 15
CREATED, UPDATED, DELETED, UNCHANGED = "created", "updated", "deleted", "unchanged"
_REQUIRED = Message("Bắt buộc nhập", "Required")
_GROUPED = re.compile(r"^\d{1,3}([. ]\d{3})+$")  # 1.500.000 or 1 500 000 (a comma is a decimal comma here)
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


# Values ---------------------------------------------------------------------------------------------------


def _not_a_number(field: str, value) -> DomainError:
    return DomainError.single(
        field,
        f"Phải là một số không âm (ví dụ 75, 82,5 hoặc 1.500.000), không phải '{shown(value)}'",
        f"Must be a non-negative number (e.g. 75, 82.5 or 1500000), not '{shown(value)}'",
    )


def to_amount(value, *, field: str = "value") -> Decimal | None:
    """A non-negative number with at most two decimals: 75, "82,5", "82.5", "1.500.000", "75 %"."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise _not_a_number(field, value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip().removesuffix("%").strip()
        negative = text.startswith("-")
        text = text.lstrip("-+")
        text = re.sub(r"[. ]", "", text) if _GROUPED.match(text) else text.replace(",", ".")
        if not _NUMBER.match(text):
            raise _not_a_number(field, value)
        number = Decimal(text) * (-1 if negative else 1)
    if not number.is_finite():
        raise _not_a_number(field, value)
    if number < 0:
        raise DomainError.single(field, f"Không được là số âm ({number})", f"Must not be negative ({number})")
    if number >= VALUE_MAX:
        raise DomainError.single(field, f"Số quá lớn ({number})", f"Number too large ({number})")
    if number != number.quantize(Decimal("0.01")):
        raise DomainError.single(
            field, f"Tối đa hai chữ số thập phân ({shown(value)})", f"At most two decimals ({shown(value)})"
        )
    return number.quantize(Decimal("0.01"))


def _unit(value) -> Unit | None:
    if is_empty(value):
        return None
    if isinstance(value, Unit):
        return value
    unit = Unit.objects.filter(pk=int(value)).first() if str(value).strip().isdigit() else None
    if unit is None:
        raise DomainError.single("unit", "Không tìm thấy đơn vị", "Unit not found")
    return unit


def catalogue_indicator(value, *, field: str = "indicator") -> Indicator | None:
    code = to_text(value, field=field, max_length=100)
    if not code:
        return None
    found = indicators().get(code)
    if found is None:
        raise DomainError.single(
            field,
            f"Không có số liệu '{shown(code)}' trong danh mục (xem /api/v1/indicators/catalogue)",
            f"There is no indicator '{shown(code)}' in the catalogue (see /api/v1/indicators/catalogue)",
        )
    return found


def _kind(value, *, field: str = "kind") -> str:
    kind = to_text(value, field=field, max_length=20)
    if kind and kind not in TargetKind.values:
        raise DomainError.single(
            field,
            f"Loại chỉ tiêu '{shown(kind)}' không hợp lệ (dùng: {', '.join(TargetKind.values)})",
            f"'{shown(kind)}' is not a kind of target (use: {', '.join(TargetKind.values)})",
        )
    return kind


def _unit_checks(unit: Unit, year: int | None) -> dict[str, Message]:
    if unit.kind == Kind.ESTABLISHMENT:
        return {"unit": Message(
            "Chỉ tiêu đặt cho tỉnh, huyện, xã — không cho cơ quan, doanh nghiệp, trường học",
            "Targets are set for provinces, districts and communes — not for agencies, enterprises or schools",
        )}  # fmt: skip
    started_after = unit.valid_from and unit.valid_from > date(year, 12, 31) if year is not None else False
    ended_before = unit.valid_to and unit.valid_to < date(year, 1, 1) if year is not None else False
    if started_after or ended_before:
        since = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…"
        until = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "…"
        return {"unit": Message(
            f"Năm {year} {unit.name} không tồn tại ({since} – {until}); đặt chỉ tiêu cho đơn vị có hiệu lực năm đó",
            f"{unit.name} did not exist in {year} ({since} – {until}); set targets for the unit in force that year",
        )}  # fmt: skip
    return {}


def _number_checks(indicator: Indicator | None, kind: str, value: Decimal | None, prefix: str = "") -> dict:
    """Whether N suits the kind and the indicator: every problem, under `prefix` + the field's name."""
    if not kind:
        return {}
    rule = KINDS[kind]
    errors: dict[str, Message] = {}
    if rule.needs_value and value is None:
        errors[f"{prefix}value"] = Message(
            "Nhập con số của chỉ tiêu (N) cho loại chỉ tiêu này", "Give the target's number (N) for this kind"
        )
    if not rule.needs_value and value is not None:
        errors[f"{prefix}value"] = Message(
            "Loại chỉ tiêu này không có con số: để trống", "This kind of target takes no number: leave it empty"
        )
    if indicator is None or value is None:
        if rule.by_percent and indicator is not None and indicator.is_percent:
            errors[f"{prefix}kind"] = _BY_PERCENT_OF_RATE
        return errors
    if rule.by_percent:
        if indicator.is_percent:
            errors[f"{prefix}kind"] = _BY_PERCENT_OF_RATE
        elif value == 0:
            errors[f"{prefix}value"] = Message(
                "Tỷ lệ thay đổi phải lớn hơn 0% (để giữ không tăng, chọn “Kiềm chế, không tăng so với năm trước”)",
                "The change must be more than 0% (to hold the figure, choose “No higher than the year before”)",
            )
        elif kind == "reduce_by_pct" and value > 100:
            errors[f"{prefix}value"] = Message(
                f"Không thể kéo giảm quá 100% (nhận {value}%)", f"Nothing can go down by more than 100% ({value}%)"
            )
    elif indicator.is_percent and value > 100:
        errors[f"{prefix}value"] = Message(
            f"{indicator.vi} là một tỷ lệ: từ 0% đến 100% (nhận {value}%)",
            f"{indicator.en} is a rate: from 0% to 100% (got {value}%)",
        )
    return errors


_BY_PERCENT_OF_RATE = Message(
    "Số liệu này là một tỷ lệ (%): dùng “Đạt ít nhất N” hoặc “Không quá N”, hoặc tăng/giảm so với năm trước",
    "This indicator is a rate (%): use “At least N” or “At most N”, or higher/lower than the year before",
)


def _taken(unit: Unit, year: int, indicator: str, kind: str, *, exclude=None) -> bool:
    rows = Target.objects.filter(unit=unit, year=year, indicator=indicator, kind=kind)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.exists()


def _taken_message(unit: Unit, year: int, indicator: str, kind: str) -> Message:
    label_vi, label_en = _kind_labels(kind)
    return Message(
        f"{unit.name} đã có chỉ tiêu “{label_vi}” năm {year} cho số liệu {indicator}; sửa chỉ tiêu đó",
        f"{unit.name} already has a “{label_en}” target for {indicator} in {year}; edit that one",
    )


def _kind_labels(kind: str) -> tuple[str, str]:
    from django.utils import translation

    label = TargetKind(kind).label
    with translation.override("vi"):
        vi = str(label)
    with translation.override("en"):
        en = str(label)
    return vi, en


def _clean(values: dict, *, instance: Target | None = None) -> tuple[dict, dict[str, Message]]:
    """Every field typed and checked, with all the problems at once."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError({f: Message("Trường không sửa được", "Not an editable field") for f in sorted(unknown)})
    parsers = {
        "unit": _unit,
        "year": lambda v: to_year(v, field="year"),
        "indicator": catalogue_indicator,
        "kind": _kind,
        "value": to_amount,
        "document": lambda v: to_text(v, field="document", max_length=DOCUMENT_MAX),
        "note": lambda v: to_text(v, field="note", max_length=NOTE_MAX, multiline=True),
    }
    clean, errors = {}, {}
    for field, parse in parsers.items():
        if field in values or instance is None:
            raw = values.get(field)
        else:
            raw = getattr(instance, field)
            raw = indicators().get(raw, raw) if field == "indicator" else raw
        try:
            clean[field] = raw if isinstance(raw, Indicator) else parse(raw)
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        if field in ("unit", "year", "indicator", "kind") and clean[field] in (None, ""):
            errors[field] = _REQUIRED
    if clean.get("unit") is not None:
        errors.update({k: m for k, m in _unit_checks(clean["unit"], clean.get("year")).items() if k not in errors})
    if "value" not in errors and "kind" not in errors:
        checks = _number_checks(clean.get("indicator"), clean.get("kind"), clean.get("value"))
        errors.update({k: m for k, m in checks.items() if k not in errors})
    if not errors:
        code = clean["indicator"].code
        if _taken(clean["unit"], clean["year"], code, clean["kind"], exclude=instance.pk if instance else None):
            errors["kind"] = _taken_message(clean["unit"], clean["year"], code, clean["kind"])
    if clean.get("indicator") is not None:
        clean["indicator"] = clean["indicator"].code
    return clean, errors


def _save(target: Target, user: User) -> None:
    target.updated_by = user
    target._history_user = user
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:  # the same target saved by someone else in the same instant
        raise DomainError({"kind": _taken_message(target.unit, target.year, target.indicator, target.kind)}) from None


# One target -----------------------------------------------------------------------------------------------


@transaction.atomic
def target_create(*, user: User, **fields) -> Target:
    clean, errors = _clean(fields)
    if isinstance(clean.get("unit"), Unit):
        target_write_require(user, clean["unit"])
    if errors:
        raise DomainError(errors)
    target = Target(**clean, created_by=user)
    _save(target, user)
    return target


@transaction.atomic
def target_update(*, user: User, target: Target, **fields) -> Target:
    """Change the given fields (nothing changed → nothing written); the writer needs the right on the target's unit
    as it was and as it becomes."""
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    target_write_require(user, target.unit)
    clean, errors = _clean(fields, instance=target)
    if isinstance(clean.get("unit"), Unit) and clean["unit"] != target.unit:
        target_write_require(user, clean["unit"])
    if errors:
        raise DomainError(errors)
    if all(getattr(target, field) == value for field, value in clean.items()):
        return target
    for field, value in clean.items():
        setattr(target, field, value)
    _save(target, user)
    return target


@transaction.atomic
def target_delete(*, user: User, target: Target, reason: str = "") -> None:
    """A soft delete (core.softdelete): the target leaves every list and judgement; an administrator can restore it."""
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    target_write_require(user, target.unit)
    target.updated_by = user
    mark_deleted(target, user=user, reason=to_text(reason, field="reason", max_length=REASON_MAX))


@transaction.atomic
def target_restore(*, user: User, instance: Target) -> Target:
    """Bring a deleted target back: administrators only, and not when the unit has the same target again."""
    target = deleted_get(Target, instance.pk)
    restore_require(user=user, unit=target.unit)
    restore_clash_check(target, ("unit", "year", "indicator", "kind"), label="loại chỉ tiêu / kind of target")
    target.updated_by = user
    return mark_restored(target, user=user)


# A unit's year in one go (the grid) -----------------------------------------------------------------------


def row_field(index: int, field: str) -> str:
    """The name a grid row's error is filed under: "rows[3].value"."""
    return f"rows[{index}].{field}"


@transaction.atomic
def targets_save(*, user: User, unit, year, rows: list[dict], document: str = "") -> dict[str, int]:
    """Set a unit's targets for a year in one go (the grid): each row is a target to create (no `id`), change (its
    `id`) or delete (its `id` and no `kind`); a row without `id` nor `kind` is left out. A row's empty document takes
    `document`. Everything is judged first — errors are filed under "rows[i].field" — and written only if all is right.
    Returns how many targets were created, updated, deleted and left unchanged."""
    errors: dict[str, Message] = {}
    try:
        unit = _unit(unit)
    except DomainError as exc:
        errors.update(exc.errors)
        unit = None
    try:
        year = to_year(year, field="year")
    except DomainError as exc:
        errors.update(exc.errors)
        year = None
    if unit is None and "unit" not in errors:
        errors["unit"] = _REQUIRED
    if year is None and "year" not in errors:
        errors["year"] = _REQUIRED
    if unit is not None:
        target_write_require(user, unit)
        errors.update(_unit_checks(unit, year))
    try:
        common = to_text(document, field="document", max_length=DOCUMENT_MAX)
    except DomainError as exc:
        errors.update(exc.errors)
        common = ""
    if errors:
        raise DomainError(errors)
    if not isinstance(rows, list | tuple):
        raise DomainError.single("rows", "Cần danh sách các dòng chỉ tiêu", "A list of target rows is needed")

    existing = {t.pk: t for t in Target.objects.select_for_update().filter(unit=unit, year=year)}
    plans, errors = _plan_rows(rows, existing, common)
    if errors:
        raise DomainError(errors)
    return _write_rows(user, unit, year, plans, existing)


def _plan_rows(rows, existing: dict[int, Target], common: str):
    """What each row asks for — ("delete", target) / ("update", target, clean) / ("create", clean) — and the errors."""
    plans, errors, seen = [], {}, {}
    kept = {pk: (t.indicator, t.kind) for pk, t in existing.items()}  # the final (indicator, kind) of each target
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[row_field(index, "kind")] = Message("Dòng không hợp lệ", "Not a target row")
            continue
        for field in sorted(set(row) - set(ROW_FIELDS)):
            errors[row_field(index, field)] = Message("Trường không sửa được", "Not an editable field")
        target = None
        raw_id = row.get("id")
        if not is_empty(raw_id):
            target = existing.get(int(raw_id)) if str(raw_id).strip().isdigit() else None
            if target is None:
                errors[row_field(index, "id")] = Message(
                    "Không tìm thấy chỉ tiêu này của đơn vị trong năm (đã bị xóa hoặc sửa?): tải lại trang",
                    "This target of the unit's year is not found (deleted or changed meanwhile?): reload the page",
                )
                continue
        try:
            kind = _kind(row.get("kind"), field=row_field(index, "kind"))
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        if not kind:
            if target is not None:
                plans.append(("delete", target))
                kept.pop(target.pk, None)
            continue
        clean, row_errors = _clean_row(index, row, kind, target, common)
        errors.update(row_errors)
        if row_errors:
            continue
        key = (clean["indicator"], kind)
        if key in seen:
            errors[row_field(index, "kind")] = Message(
                f"Chỉ tiêu này trùng với dòng {seen[key] + 1}", f"This target repeats row {seen[key] + 1}"
            )
            continue
        seen[key] = index
        if target is not None:
            kept[target.pk] = key
            plans.append(("update", target, clean))
        else:
            plans.append(("create", clean))
    # a new or changed row that repeats a target of the year no row touched
    untouched = {key for pk, key in kept.items() if not any(p[0] != "create" and p[1].pk == pk for p in plans)}
    for key, index in seen.items():
        if key in untouched:
            errors.setdefault(row_field(index, "kind"), Message(
                "Đơn vị đã có chỉ tiêu này trong năm: sửa dòng của chỉ tiêu đó",
                "The unit already has this target for the year: edit its row",
            ))  # fmt: skip
    return plans, errors


def _clean_row(index: int, row: dict, kind: str, target: Target | None, common: str):
    errors: dict[str, Message] = {}
    clean = {"kind": kind}
    try:
        indicator = catalogue_indicator(
            row.get("indicator") or (target.indicator if target else ""), field=row_field(index, "indicator")
        )
    except DomainError as exc:
        errors.update(exc.errors)
        indicator = None
    if indicator is None and not errors:
        errors[row_field(index, "indicator")] = _REQUIRED
    try:
        clean["value"] = to_amount(row.get("value"), field=row_field(index, "value"))
    except DomainError as exc:
        errors.update(exc.errors)
    try:
        clean["document"] = to_text(row.get("document"), field=row_field(index, "document"), max_length=DOCUMENT_MAX)
    except DomainError as exc:
        errors.update(exc.errors)
    clean["document"] = clean.get("document") or common
    if "note" in row:
        try:
            clean["note"] = to_text(row["note"], field=row_field(index, "note"), max_length=NOTE_MAX, multiline=True)
        except DomainError as exc:
            errors.update(exc.errors)
    if not errors:
        checks = _number_checks(indicator, kind, clean["value"], prefix=f"rows[{index}].")
        errors.update(checks)
    if indicator is not None:
        clean["indicator"] = indicator.code
    return clean, errors


def _write_rows(user: User, unit: Unit, year: int, plans, existing) -> dict[str, int]:
    counts = {CREATED: 0, UPDATED: 0, DELETED: 0, UNCHANGED: 0}
    for plan in plans:  # deletes first, then changes, then new targets: a kind may move from one row to another
        if plan[0] == "delete":
            target = plan[1]
            target.updated_by = user
            mark_deleted(target, user=user)
            counts[DELETED] += 1
    for plan in plans:
        if plan[0] == "update":
            _, target, clean = plan
            if all(getattr(target, field) == value for field, value in clean.items()):
                counts[UNCHANGED] += 1
                continue
            for field, value in clean.items():
                setattr(target, field, value)
            _save(target, user)
            counts[UPDATED] += 1
    for plan in plans:
        if plan[0] == "create":
            target = Target(unit=unit, year=year, created_by=user, **plan[1])
            _save(target, user)
            counts[CREATED] += 1
    touched = {plan[1].pk for plan in plans if plan[0] != "create"}
    counts[UNCHANGED] += sum(1 for pk in existing if pk not in touched)
    return counts
