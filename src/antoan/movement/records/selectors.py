"""Reads of any record type, scoped to the user's units; list filters from query parameters."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import DomainError, Message, NotFound
from antoan.core.values import to_date, to_int
from antoan.movement.records import RecordType
from antoan.units.models import Unit
from antoan.units.scope import Scope, user_scope
from antoan.units.selectors import unit_writable_communes


@dataclass(frozen=True)
class RecordFilters:
    unit: Unit | None = None
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    choices: tuple[tuple[str, str], ...] = ()
    q: str = ""

    def as_params(self) -> dict[str, str]:
        params = {name: value for name, value in self.choices}
        if self.unit is not None:
            params["unit"] = str(self.unit.pk)
        for name in ("year", "date_from", "date_to", "q"):
            value = getattr(self, name)
            if value not in (None, ""):
                params[name] = value.isoformat() if isinstance(value, date) else str(value)
        return params


def record_filters(rt: RecordType, params, *, user: User) -> RecordFilters:
    """Query parameters → filters; a bad value gets a bilingual error naming the parameter."""
    errors: dict[str, Message] = {}
    values: dict = {}

    def get(name: str) -> str:
        return (params.get(name) or "").replace("\x00", "").strip()

    for name, convert in (
        ("year", lambda raw: to_int(raw, field="year", maximum=3000)),
        ("date_from", lambda raw: to_date(raw, field="date_from")),
        ("date_to", lambda raw: to_date(raw, field="date_to")),
    ):
        if get(name):
            try:
                values[name] = convert(get(name))
            except DomainError as exc:
                errors.update(exc.errors)
    if get("unit"):
        raw = get("unit")
        number = raw.isascii() and raw.isdigit()  # "³" is a digit to Python, not an id
        unit = Unit.objects.filter(user_scope(user=user).q(), pk=raw).first() if number else None
        if unit is None:
            errors["unit"] = Message("Không tìm thấy đơn vị", "Unit not found")
        values["unit"] = unit
    chosen = []
    for name in rt.filter_fields:
        raw = get(name)
        if not raw:
            continue
        if raw not in [code for code, _ in rt.spec(name).choices]:
            errors[name] = Message(f"Giá trị '{raw[:40]}' không hợp lệ", f"Unknown value '{raw[:40]}'")
        chosen.append((name, raw))
    values["choices"] = tuple(chosen)
    values["q"] = get("q")[:200]
    if errors:
        raise DomainError(errors)
    return RecordFilters(**values)


def record_list(rt: RecordType, *, user: User, filters: RecordFilters | None = None) -> QuerySet:
    filters = filters or RecordFilters()
    related = [rt.unit_field, *(spec.name for spec in rt.specs if spec.kind == "ref")]  # shown in the list
    records = rt.model.objects.filter(user_scope(user=user).q(rt.unit_field)).select_related(*related)
    if filters.unit is not None:
        records = records.filter(Scope.of_units([filters.unit]).q(rt.unit_field))
    if filters.year is not None:
        if rt.year_field:
            records = records.filter(**{rt.year_field: filters.year})
        elif rt.date_field:
            records = records.filter(**{f"{rt.date_field}__year": filters.year})
    if rt.date_field and filters.date_from:
        records = records.filter(**{f"{rt.date_field}__gte": filters.date_from})
    if rt.date_field and filters.date_to:
        records = records.filter(**{f"{rt.date_field}__lt": filters.date_to + timedelta(days=1)})
    for name, value in filters.choices:
        records = records.filter(**{name: value})
    if filters.q and rt.search_fields:
        q = Q()
        for name in rt.search_fields:
            q |= Q(**{f"{name}__icontains": filters.q})
        records = records.filter(q)
    order = rt.date_field or rt.year_field
    return records.order_by(*([f"-{order}"] if order else []), "-pk")


def record_get(rt: RecordType, *, user: User, pk, deleted_too: bool = False) -> object:
    """A record the user may see; with `deleted_too`, an administrator also gets a deleted one."""
    rows = rt.model.all_objects if deleted_too and user_is_admin(user=user) else rt.model.objects
    record = (
        rows.filter(user_scope(user=user).q(rt.unit_field), pk=pk).select_related(rt.unit_field).first()
        if str(pk).isascii() and str(pk).isdigit()
        else None
    )
    if record is None:
        raise NotFound.single("record", "Không tìm thấy bản ghi", "Record not found")
    return record


def record_can_write(rt: RecordType, *, user: User, record) -> bool:
    return not record.is_deleted and user_scope(user=user, write=True).covers(getattr(record, rt.unit_field))


def record_history(rt: RecordType, *, user: User, record) -> list[AuditEntry]:
    record = record_get(rt, user=user, pk=record.pk, deleted_too=True)
    return audit_entries(rt.model.history.filter(id=record.pk))


def record_unit_choices(rt: RecordType, *, user: User) -> QuerySet:
    """Units a record of this type may be entered for: the communes (and establishments, districts and
    provinces) within the user's writing scope, newest hierarchy first."""
    return unit_writable_communes(user=user)
