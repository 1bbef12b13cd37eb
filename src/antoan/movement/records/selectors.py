"""Reads of any record type, scoped to the user's units; each type's list filters (core.filters)."""

from dataclasses import dataclass, make_dataclass
from datetime import date, timedelta
from functools import cache

from django.db.models import Q, QuerySet

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import NotFound
from antoan.core.filters import Choice, Day, Filters, Text, Year, param
from antoan.core.values import as_id
from antoan.movement.records import RecordType
from antoan.units.models import Unit
from antoan.units.scope import Scope, user_scope
from antoan.units.selectors import VisibleUnit, unit_writable_communes


@dataclass(frozen=True)
class RecordFilters(Filters):
    """What a record type's list is narrowed to (core.filters): the fields every type has; `record_filters_class`
    adds the ones a type has (dates, its choice fields, words)."""

    unit: Unit | None = param(VisibleUnit())  # its subtree, and across the 2025 reorganisation the other side of it
    year: int | None = param(Year())


@cache
def record_filters_class(rt: RecordType) -> type[RecordFilters]:
    """The filters of a record type's list, export and API: a date range if its records are dated, each of its choice
    fields, and words if it has text to search. What a type lacks is no parameter of its list (not one it ignores)."""
    extra = []
    if rt.date_field:
        extra += [("date_from", date | None, param(Day())), ("date_to", date | None, param(Day()))]
    for name in rt.filter_fields:
        codes = tuple(code for code, _label in rt.spec(name).choices)
        extra.append((name, str, param(Choice(codes), default="")))
    if rt.search_fields:
        extra.append(("q", str, param(Text(), default="")))
    filters = make_dataclass(f"{rt.model.__name__}Filters", extra, bases=(RecordFilters,), frozen=True)
    filters.__module__ = __name__  # (make_dataclass takes `module` only from Python 3.12)
    return filters


def record_list(rt: RecordType, *, user: User, filters: RecordFilters | None = None) -> QuerySet:
    filters = filters or record_filters_class(rt)()
    related = [rt.unit_field, *(spec.name for spec in rt.specs if spec.kind == "ref")]  # shown in the list
    records = rt.model.objects.filter(user_scope(user=user).q(rt.unit_field)).select_related(*related)
    if filters.unit is not None:
        records = records.filter(Scope.of_units([filters.unit]).q(rt.unit_field))
    if filters.year is not None:
        if rt.year_field:
            records = records.filter(**{rt.year_field: filters.year})
        elif rt.date_field:
            records = records.filter(**{f"{rt.date_field}__year": filters.year})
    if rt.date_field and getattr(filters, "date_from", None):
        records = records.filter(**{f"{rt.date_field}__gte": filters.date_from})
    if rt.date_field and getattr(filters, "date_to", None):
        records = records.filter(**{f"{rt.date_field}__lt": filters.date_to + timedelta(days=1)})
    for name in rt.filter_fields:
        if getattr(filters, name, ""):
            records = records.filter(**{name: getattr(filters, name)})
    if rt.search_fields and getattr(filters, "q", ""):
        q = Q()
        for name in rt.search_fields:
            q |= Q(**{f"{name}__icontains": filters.q})
        records = records.filter(q)
    order = rt.date_field or rt.year_field
    return records.order_by(*([f"-{order}"] if order else []), "-pk")


def record_get(rt: RecordType, *, user: User, pk, deleted_too: bool = False) -> object:
    """A record the user may see; with `deleted_too`, an administrator also gets a deleted one."""
    rows = rt.model.all_objects if deleted_too and user_is_admin(user=user) else rt.model.objects
    key = as_id(pk)  # any value: a wrong one is "not found"
    found = rows.filter(user_scope(user=user).q(rt.unit_field), pk=key).select_related(rt.unit_field)
    record = None if key is None else found.first()
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
