"""Writes of any record type: values judged by field type (core.values), the unit in the user's writing
scope and in force on the record's date, the month not locked, the external id free in the unit, then
the type's own rule; one transaction, audited with the acting user. Deleting is soft (core.softdelete);
an administrator restores."""

from datetime import date

from django.db import models, transaction
from django.utils import timezone

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.errors import DomainError, Message, NotFound
from antoan.core.softdelete import (
    REASON_MAX,
    SoftDeleteModel,
    deleted_get,
    mark_deleted,
    mark_restored,
    restore_clash_check,
)
from antoan.core.values import (
    YEAR_MIN,
    as_id,
    is_empty,
    to_bool,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_text,
)
from antoan.movement.records import FieldSpec, RecordType, record_type_of
from antoan.units.locks import period_lock_check
from antoan.units.models import Unit
from antoan.units.scope import restore_require, scope_require, user_scope

_REQUIRED = Message("Bắt buộc nhập", "Required")


def _coerce(spec: FieldSpec, value, user: User):
    kind = spec.kind
    if kind == "unit":
        return _unit(spec, value)
    if kind == "ref":
        return _ref(spec, value, user)
    if kind == "choice":
        if is_empty(value):
            return ""
        allowed = [code for code, _ in spec.choices]
        if str(value) not in allowed:
            raise DomainError.single(
                spec.name,
                f"Giá trị '{str(value)[:40]}' không hợp lệ (chọn: {', '.join(allowed)})",
                f"Unknown value '{str(value)[:40]}' (one of: {', '.join(allowed)})",
            )
        return str(value)
    if kind in ("text", "longtext"):
        return to_text(value, field=spec.name, max_length=spec.max_length or 300, multiline=kind == "longtext")
    if kind == "int":
        return to_int(value, field=spec.name, maximum=spec.maximum or 10**15)
    if kind == "float":
        return to_float(value, field=spec.name, low=-1e12, high=1e12)
    if kind == "date":
        return to_date(value, field=spec.name)
    if kind == "datetime":
        return to_datetime(value, field=spec.name)
    if kind == "bool":
        return bool(to_bool(value, field=spec.name))
    raise AssertionError(kind)


def _unit(spec: FieldSpec, value) -> Unit | None:
    if is_empty(value):
        return None
    if isinstance(value, Unit):
        return value
    key = as_id(value)
    unit = Unit.objects.filter(pk=key).first() if key is not None else None
    if unit is None:
        raise DomainError.single(spec.name, "Không tìm thấy đơn vị", "Unit not found")
    return unit


def _ref(spec: FieldSpec, value, user: User):
    """Another record (an inspection's model): found only within what the user may see."""
    if is_empty(value):
        return None
    if isinstance(value, spec.model):
        value = value.pk
    referenced = record_type_of(spec.model)
    found = None
    if as_id(value) is not None:
        found = spec.model.objects.filter(user_scope(user=user).q(referenced.unit_field), pk=as_id(value)).first()
    if found is None:
        raise NotFound.single(spec.name, f"Không tìm thấy #{str(value)[:20]}", f"#{str(value)[:20]} not found")
    return found


def record_clean(rt: RecordType, values: dict, *, user: User, instance=None) -> dict:
    """Every editable field typed and checked, all problems at once; the type's own rule last."""
    errors: dict[str, Message] = {}
    clean = {}
    for spec in rt.specs:
        if instance is not None:
            raw = values.get(spec.name, getattr(instance, spec.name))
        else:  # a new record: a field left empty gets the model's default, if it has one
            raw = values.get(spec.name)
            raw = spec.default if is_empty(raw) and spec.default is not None else raw
        try:
            clean[spec.name] = _coerce(spec, raw, user)
        except NotFound:
            raise  # another record out of reach: 404, like any record out of scope
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        if spec.required and clean[spec.name] in (None, ""):
            errors[spec.name] = _REQUIRED
        elif instance is not None and clean[spec.name] is None and spec.default is not None:
            # a number with a default (0) emptied on a change — the API's null, a cleared box: the record must keep
            # a number, and guessing 0 would change what it says (#27)
            errors[spec.name] = _REQUIRED
    day = _record_day(rt, clean)
    if day is not None and rt.date_field not in errors and not errors.get(rt.year_field or ""):
        if day > clock.today() and rt.date_field:
            errors[rt.date_field] = Message("Ngày ở tương lai", "The date is in the future")
        elif day.year < YEAR_MIN or day.year > clock.today().year + 1:
            errors[rt.year_field or rt.date_field] = Message("Năm không hợp lệ", "Invalid year")
    if not errors and rt.validate is not None:
        errors.update(rt.validate(clean, instance, user))
    if errors:
        raise DomainError(errors)
    return clean


def _record_day(rt: RecordType, clean: dict) -> date | None:
    if rt.date_field and clean.get(rt.date_field):
        value = clean[rt.date_field]
        return timezone.localtime(value).date() if hasattr(value, "hour") else value
    if rt.year_field and clean.get(rt.year_field):
        return date(min(max(clean[rt.year_field], 1), 9999), 12, 31)
    return None


def _check_place_and_time(rt: RecordType, user: User, clean: dict) -> None:
    unit = clean[rt.unit_field]
    scope_require(user=user, unit=unit)
    day = _record_day(rt, clean)
    if day is None:
        return
    if rt.year_field and not rt.date_field:
        in_force = (unit.valid_from is None or unit.valid_from.year <= day.year) and (
            unit.valid_to is None or unit.valid_to.year >= day.year
        )
    else:
        in_force = (unit.valid_from is None or unit.valid_from <= day) and (
            unit.valid_to is None or day <= unit.valid_to
        )
    if not in_force:
        raise DomainError.single(
            rt.unit_field,
            f"{unit.name} không tồn tại vào thời điểm này; dùng đơn vị hành chính có hiệu lực khi đó",
            f"{unit.name} did not exist at that time; use the unit in force then",
        )
    period_lock_check(unit=unit, day=day, field=rt.date_field or rt.year_field)


def _check_external_id(rt: RecordType, clean: dict, exclude_pk=None) -> None:
    external_id = clean.get("external_id")
    if not rt.has_external_id or not external_id:
        return
    clash = rt.model.objects.filter(**{rt.unit_field: clean[rt.unit_field], "external_id": external_id})
    if clash.exclude(pk=exclude_pk).exists():
        raise DomainError.single(
            "external_id",
            f"Mã '{external_id}' đã dùng cho một bản ghi khác của đơn vị này",
            f"'{external_id}' is already used by another record of this unit",
        )


@transaction.atomic
def record_create(rt: RecordType, *, user: User, **values):
    clean = record_clean(rt, values, user=user)
    _check_place_and_time(rt, user, clean)
    _check_external_id(rt, clean)
    instance = rt.model(**clean)
    instance._history_user = user
    instance.save()
    _changed(rt, instance, user)
    return instance


def _changed(rt: RecordType, instance, user: User) -> None:
    if rt.on_change is not None:
        rt.on_change(instance, user)


@transaction.atomic
def record_update(rt: RecordType, *, user: User, instance, **values):
    """Change the given fields; returns (record, changed). Nothing to change → nothing written."""
    unknown = set(values) - set(rt.fields)
    if unknown:
        raise DomainError({f: Message("Trường không sửa được", "Not an editable field") for f in sorted(unknown)})
    instance = rt.model.objects.select_for_update().get(pk=instance.pk)
    before = {f: getattr(instance, f) for f in rt.fields}
    scope_require(user=user, unit=getattr(instance, rt.unit_field))
    clean = record_clean(rt, values, user=user, instance=instance)
    if {name: clean[name] for name in rt.fields} == before:
        return instance, False
    _check_place_and_time(rt, user, {**before, rt.unit_field: getattr(instance, rt.unit_field)})
    _check_place_and_time(rt, user, clean)
    _check_external_id(rt, clean, exclude_pk=instance.pk)
    for name, value in clean.items():
        setattr(instance, name, value)
    instance._history_user = user
    instance.save()
    _changed(rt, instance, user)
    return instance, True


def _children(rt: RecordType) -> list[tuple[type, str]]:
    """The record types whose records cascade from this one's (a model's inspections): (model, field)."""
    found = []
    for relation in rt.model._meta.related_objects:
        if relation.on_delete is models.CASCADE and issubclass(relation.related_model, SoftDeleteModel):
            found.append((relation.related_model, relation.field.name))
    return found


@transaction.atomic
def record_delete(rt: RecordType, *, user: User, instance, reason: str = "") -> None:
    """A soft delete (core.softdelete): the record, and the live records that belong to it (a model's
    inspections), are marked deleted at the same instant by `user` with the reason; nothing leaves the database
    and the history of each gains a "deleted" entry. Refused when any of them lies in a locked month."""
    instance = rt.model.objects.select_for_update().get(pk=instance.pk)
    current = {f: getattr(instance, f) for f in (*rt.fields, rt.unit_field)}
    _check_place_and_time(rt, user, current)
    reason = to_text(reason, field="reason", max_length=REASON_MAX)
    when = clock.now()
    for model, field in _children(rt):
        child_rt = record_type_of(model)
        for child in model.objects.select_for_update().filter(**{field: instance}).order_by("pk"):
            if child_rt is not None:
                values = {f: getattr(child, f) for f in (*child_rt.fields, child_rt.unit_field)}
                _check_place_and_time(child_rt, user, values)
            mark_deleted(child, user=user, reason=reason, when=when)
    mark_deleted(instance, user=user, reason=reason, when=when)
    _changed(rt, instance, user)


@transaction.atomic
def record_restore(rt: RecordType, *, user: User, instance):
    """Bring a deleted record back as it was (same id and values), with the records deleted together with it
    (same instant): administrators only, not into a locked month, not over a live record that took its
    external id, and only if the type's own rule still holds (a Kỷ niệm chương given again meanwhile)."""
    instance = deleted_get(rt.model, instance.pk)
    unit = getattr(instance, rt.unit_field)
    restore_require(user=user, unit=unit)
    current = {f: getattr(instance, f) for f in (*rt.fields, rt.unit_field)}
    day = _record_day(rt, current)
    if day is not None:
        period_lock_check(unit=unit, day=day, field=rt.date_field or rt.year_field)
    for spec in rt.specs:  # what it belongs to must be live (an inspection's model)
        if spec.kind == "ref" and issubclass(spec.model, SoftDeleteModel):
            target = getattr(instance, f"{spec.name}_id")
            if target is not None and not spec.model.objects.filter(pk=target).exists():
                raise DomainError.single(
                    spec.name,
                    f"{spec.label} #{target} đã bị xóa; khôi phục nó trước",
                    f"{spec.label} #{target} is deleted; restore it first",
                )
    if rt.has_external_id and instance.external_id:
        restore_clash_check(instance, (rt.unit_field, "external_id"), label=str(rt.spec("external_id").label))
    if rt.validate is not None:
        errors = rt.validate(dict(current), instance, user)
        if errors:
            raise DomainError(errors)
    for model, field in _children(rt):
        child_rt = record_type_of(model)
        together = model.all_objects.select_for_update().filter(**{field: instance, "deleted_at": instance.deleted_at})
        for child in together.order_by("pk"):
            if child_rt is not None:
                values = {f: getattr(child, f) for f in (*child_rt.fields, child_rt.unit_field)}
                child_day = _record_day(child_rt, values)
                if child_day is not None:
                    period_lock_check(unit=getattr(child, child_rt.unit_field), day=child_day)
                if child_rt.has_external_id and child.external_id:
                    restore_clash_check(child, (child_rt.unit_field, "external_id"))
            mark_restored(child, user=user)
    mark_restored(instance, user=user)
    _changed(rt, instance, user)
    return instance
