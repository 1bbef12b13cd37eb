"""Record types: the many kinds of simple records of the movement (models, inspections, exemplars,
commendations, deployments, patrols, propaganda, signage, disaster plans) are each described once — a
model, its editable fields, the field that dates it — and the generic service, selectors, pages, API and
import/export in this package serve them all. A record type adds only what is its own: a rule in
`validate` (an inspection not before its model started, a Kỷ niệm chương once per person) or a computed
field in `prepare`.

Incidents and assessments have their own code: their rules and pages are too particular.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models

from antoan.core.errors import Message

FieldKind = str  # "unit", "ref", "choice", "text", "longtext", "int", "float", "date", "datetime", "bool"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    label: str
    required: bool
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    model: type | None = None  # the referenced model, for "ref"
    default: object = None  # what a new record gets when the field is not given
    maximum: int | None = None  # the largest whole number the column holds

    @property
    def column(self) -> str:
        """The field's name in an import/export file."""
        if self.kind == "unit":
            return f"{self.name}_code"
        if self.kind == "ref":
            return f"{self.name}_id"
        return self.name


@dataclass(frozen=True, eq=False)
class RecordType:
    key: str  # in the API (/api/v1/movement/<key>) and the CLI (antoan import <key> FILE): "models"
    slug: str  # in page URLs: "mo-hinh"
    model: type[models.Model]
    fields: tuple[str, ...]  # editable, in form order; "unit" first
    title: str  # "Mô hình" (lazy translation)
    title_plural: str
    date_field: str | None = None  # dates the record: locks, unit validity, date filters
    year_field: str | None = None  # or a year does
    list_columns: tuple[str, ...] = ()
    filter_fields: tuple[str, ...] = ()  # choice fields the list can be narrowed by
    search_fields: tuple[str, ...] = ()
    unit_field: str = "unit"
    # (clean values, the record being changed or None, the acting user) → errors; may also fill derived values in
    # `clean`. An error must not show the user another unit's record (the rule may look at every unit's records).
    validate: Callable[[dict, models.Model | None, object], dict[str, Message]] | None = None
    # Called after a record was created, changed or deleted, to keep what derives from it (a model's next
    # inspection date) up to date, in the same transaction.
    on_change: Callable[[models.Model, object], None] | None = None  # (record, acting user)
    extra_columns: tuple[str, ...] = field(default=())  # computed values shown and exported, not imported

    @cached_property
    def specs(self) -> tuple[FieldSpec, ...]:
        return tuple(_spec(self.model._meta.get_field(name)) for name in self.fields)

    def spec(self, name: str) -> FieldSpec:
        return next(s for s in self.specs if s.name == name)

    @property
    def has_external_id(self) -> bool:
        return "external_id" in self.fields


def _spec(f: models.Field) -> FieldSpec:
    from antoan.units.models import Unit

    label = f.verbose_name
    required = not (f.blank or f.null) and not f.has_default()
    default = f.get_default() if f.has_default() else None
    if isinstance(f, models.ForeignKey):
        kind = "unit" if f.related_model is Unit else "ref"
        return FieldSpec(f.name, kind, label, not f.null, model=f.related_model)
    if f.choices:
        choices = tuple((str(k), str(v)) for k, v in f.choices)
        return FieldSpec(f.name, "choice", label, required, choices=choices, default=default)
    if isinstance(f, models.BooleanField):
        return FieldSpec(f.name, "bool", label, False, default=default)
    if isinstance(f, models.DateTimeField):
        return FieldSpec(f.name, "datetime", label, required)
    if isinstance(f, models.DateField):
        return FieldSpec(f.name, "date", label, required)
    if isinstance(f, models.FloatField):
        return FieldSpec(f.name, "float", label, required)
    if isinstance(f, models.IntegerField):
        big = isinstance(f, models.BigIntegerField | models.PositiveBigIntegerField)
        return FieldSpec(f.name, "int", label, required, default=default, maximum=10**15 if big else 2**31 - 1)
    if isinstance(f, models.TextField):
        return FieldSpec(f.name, "longtext", label, required, max_length=f.max_length or 5000)
    return FieldSpec(f.name, "text", label, required, max_length=f.max_length)


_REGISTRY: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    _REGISTRY[record_type.key] = record_type
    _register_deleted_kind(record_type)
    return record_type


def _register_deleted_kind(rt: RecordType) -> None:
    """A soft-deletable record type is listed on the administrators' page of deleted records."""
    from django.urls import reverse

    from antoan.core.softdelete import DeletedKind, SoftDeleteModel, deleted_kind_register

    if not issubclass(rt.model, SoftDeleteModel):
        return

    def restore(*, user, instance):
        from antoan.movement.records.services import record_restore

        return record_restore(rt, user=user, instance=instance)

    deleted_kind_register(
        DeletedKind(
            key=rt.key, model=rt.model, title=rt.title, unit_field=rt.unit_field, restore=restore,
            detail_url=lambda record: reverse(f"{rt.key}-detail", args=[record.pk]), order=50,
        )
    )  # fmt: skip


def record_types() -> dict[str, RecordType]:
    return dict(_REGISTRY)


def record_type_of(model: type) -> RecordType | None:
    return next((rt for rt in _REGISTRY.values() if rt.model is model), None)
