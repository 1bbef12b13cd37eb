"""/api/v1/movement/<type>: every record type of the movement, plus the overdue lists."""

from datetime import date

from ninja import Router, Schema

from antoan.movement import record_types, selectors
from antoan.movement.records.api import record_router
from antoan.units.selectors import unit_get

router = Router(tags=["movement"])
for record_type in record_types.ALL:
    router.add_router("", record_router(record_type))


class OverdueOut(Schema):
    id: int
    name: str
    unit_id: int
    due: date


@router.get("/overdue/models", response=list[OverdueOut], summary="Active models whose inspection is overdue")
def overdue_models(request, unit: int | None = None):
    scope_unit = unit_get(user=request.user, pk=unit) if unit is not None else None
    return [
        {"id": m.pk, "name": m.name, "unit_id": m.unit_id, "due": m.due}
        for m in selectors.models_overdue(user=request.user, unit=scope_unit)
    ]


@router.get("/overdue/plans", response=list[OverdueOut], summary="Response plans whose review is overdue")
def overdue_plans(request, unit: int | None = None):
    scope_unit = unit_get(user=request.user, pk=unit) if unit is not None else None
    return [
        {"id": p.pk, "name": str(p), "unit_id": p.unit_id, "due": p.next_review_on}
        for p in selectors.plans_overdue(user=request.user, unit=scope_unit)
    ]
