"""/api/v1/movement/<type>: every record type of the movement, plus the overdue lists."""

from datetime import date

from ninja import Query, Router, Schema

from antoan.core.filters import query_schema
from antoan.movement import record_types, selectors
from antoan.movement.records.api import record_router

router = Router(tags=["movement"])
for record_type in record_types.ALL:
    router.add_router("", record_router(record_type))


class OverdueOut(Schema):
    id: int
    name: str
    unit_id: int
    due: date


OverdueQuery = query_schema(selectors.OverdueFilters, "OverdueQuery")


@router.get("/overdue/models", response=list[OverdueOut], summary="Active models whose inspection is overdue")
def overdue_models(request, query: Query[OverdueQuery]):
    filters = selectors.OverdueFilters.from_params(query.dict(exclude_none=True), user=request.user)
    return [
        {"id": m.pk, "name": m.name, "unit_id": m.unit_id, "due": m.due}
        for m in selectors.models_overdue(user=request.user, unit=filters.unit, day=filters.as_of())
    ]


@router.get("/overdue/plans", response=list[OverdueOut], summary="Response plans whose review is overdue")
def overdue_plans(request, query: Query[OverdueQuery]):
    filters = selectors.OverdueFilters.from_params(query.dict(exclude_none=True), user=request.user)
    return [
        {"id": p.pk, "name": str(p), "unit_id": p.unit_id, "due": p.next_review_on}
        for p in selectors.plans_overdue(user=request.user, unit=filters.unit, day=filters.as_of())
    ]
