"""API endpoints of any record type: `record_router(rt)` gives list (with the page's filters), create,
read, change, delete (soft) and restore, with schemas made from the type's fields. Inputs are loosely typed on purpose:
the service judges every value and answers in both languages."""

from datetime import date, datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, create_model

from antoan.core.filters import query_schema
from antoan.core.pagination import Pagination
from antoan.movement.records import RecordType, services
from antoan.movement.records import selectors as records

_OUT_TYPES = {
    "unit": int,
    "ref": int,
    "choice": str,
    "text": str,
    "longtext": str,
    "int": int,
    "float": float,
    "date": date,
    "datetime": datetime,
    "bool": bool,
}
_INPUT = str | int | float | bool | None


class _Forbid(Schema):
    model_config = ConfigDict(extra="forbid")


def _schemas(rt: RecordType):
    name = rt.model.__name__
    input_fields = {_api_key(spec): (_INPUT, None) for spec in rt.specs}
    record_in = create_model(f"{name}In", __base__=_Forbid, **input_fields)
    output_fields = {"id": (int, ...)}
    for spec in rt.specs:
        output_fields[_api_key(spec)] = (_OUT_TYPES[spec.kind] | None, None)
    for column in rt.list_columns:
        if column in rt.fields:
            continue
        if rt.model._meta.get_field(column).is_relation:  # an inspection's unit (its model's): by its id too
            output_fields.setdefault(f"{column}_id", (int | None, None))
        else:
            output_fields.setdefault(column, (date | str | int | None, None))
    record_out = create_model(f"{name}Out", __base__=Schema, **output_fields)
    return record_in, record_out


def _api_key(spec) -> str:
    """A unit or another record is sent and returned by its id: unit_id, model_id."""
    return f"{spec.name}_id" if spec.kind in ("unit", "ref") else spec.name


def _service_values(rt: RecordType, payload) -> dict:
    sent = payload.dict(exclude_unset=True)
    return {spec.name: sent[_api_key(spec)] for spec in rt.specs if _api_key(spec) in sent}


def record_router(rt: RecordType) -> Router:
    router = Router(tags=[rt.key])
    record_in, record_out = _schemas(rt)
    filters_class = records.record_filters_class(rt)
    filters_schema = query_schema(filters_class, f"{rt.model.__name__}Query")

    @router.get(f"/{rt.key}", response=list[record_out], summary=f"{rt.title_plural} (filtered)")
    @paginate(Pagination)
    def list_records(request, query: Query[filters_schema]):
        filters = filters_class.from_params(query.dict(exclude_none=True), user=request.user)
        return records.record_list(rt, user=request.user, filters=filters)

    @router.post(f"/{rt.key}", response={201: record_out})
    def create_record(request, payload: record_in):
        return Status(201, services.record_create(rt, user=request.user, **_service_values(rt, payload)))

    @router.get(f"/{rt.key}/{{record_id}}", response=record_out)
    def get_record(request, record_id: int):
        return records.record_get(rt, user=request.user, pk=record_id)

    @router.patch(f"/{rt.key}/{{record_id}}", response=record_out)
    def update_record(request, record_id: int, payload: record_in):
        record = records.record_get(rt, user=request.user, pk=record_id)
        record, _ = services.record_update(rt, user=request.user, instance=record, **_service_values(rt, payload))
        return record

    @router.delete(f"/{rt.key}/{{record_id}}", response={204: None})
    def delete_record(request, record_id: int):
        record = records.record_get(rt, user=request.user, pk=record_id)
        services.record_delete(rt, user=request.user, instance=record)
        return Status(204, None)

    @router.post(f"/{rt.key}/{{record_id}}/restore", response=record_out, summary="Restore (administrators)")
    def restore_record(request, record_id: int):
        restored = services.record_restore(rt, user=request.user, instance=rt.model(pk=record_id))
        return records.record_get(rt, user=request.user, pk=restored.pk)

    # Distinct operation ids: every record type has the same handler names.
    for operation_path in router.path_operations.values():
        for operation in operation_path.operations:
            operation.operation_id = f"{rt.key}_{operation.view_func.__name__}"
    return router
