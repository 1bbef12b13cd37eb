from datetime import date

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from antoan.core.filters import query_schema
from antoan.core.pagination import Pagination
from antoan.units import selectors

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    type_name: str
    kind: str
    hierarchy: str
    parent_id: int | None
    valid_from: date | None
    valid_to: date | None
    latitude: float | None
    longitude: float | None


class SuccessionOut(Schema):
    unit: UnitOut
    is_default: bool


UnitQuery = query_schema(selectors.UnitFilters, "UnitQuery")


@router.get("", response=list[UnitOut], summary="Units the user may see")
@paginate(Pagination)
def list_units(request, query: Query[UnitQuery]):
    filters = selectors.UnitFilters.from_params(query.dict(exclude_none=True), user=request.user)
    return selectors.unit_list(user=request.user, filters=filters)


@router.get("/resolve", response=UnitOut, summary="The unit a code names on a date")
def resolve_unit(request, code: str, on: date | None = None):
    unit = selectors.unit_for_code(code=code, day=on)
    return selectors.unit_get(user=request.user, pk=unit.pk)


@router.get("/{unit_id}", response=UnitOut)
def get_unit(request, unit_id: int):
    return selectors.unit_get(user=request.user, pk=unit_id)


@router.get("/{unit_id}/successors", response=list[SuccessionOut])
def unit_successors(request, unit_id: int):
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    return [{"unit": s.successor, "is_default": s.is_default} for s in selectors.unit_successors(unit=unit)]


@router.get("/{unit_id}/predecessors", response=list[SuccessionOut])
def unit_predecessors(request, unit_id: int):
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    return [{"unit": s.predecessor, "is_default": s.is_default} for s in selectors.unit_predecessors(unit=unit)]
