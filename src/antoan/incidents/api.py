"""/api/v1/incidents: list (with the web list's filters), create, read, update, delete (soft), restore.

Handlers only translate between JSON and the services; every rule lives in services.py.
"""

from datetime import date, datetime

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from antoan.core.errors import DomainError
from antoan.core.filters import query_schema
from antoan.core.pagination import Pagination
from antoan.core.values import to_datetime
from antoan.incidents import selectors, services
from antoan.incidents.categories import category_label, fire_cause_find
from antoan.incidents.models import Incident
from antoan.incidents.severity import severity_label
from antoan.units.selectors import unit_for_code, unit_get

router = Router(tags=["incidents"])


class IncidentFields(Schema):
    """Fields a client may send; numbers must be non-negative whole numbers, texts are Unicode."""

    model_config = ConfigDict(extra="forbid")

    unit_id: int | None = None
    unit_code: str | None = None
    occurred_at: datetime | str | None = None
    category: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    summary: str | None = None
    status: str | None = None
    external_id: str | None = None
    solved: bool | None = None
    solved_on: date | None = None
    suspects: int | None = None
    gravity: str | None = None  # a crime's class (Bộ luật Hình sự 2015, Điều 9): code or Vietnamese label
    persons_involved: int | None = None
    dead: int | None = None
    injured: int | None = None
    injury_rate_total_pct: int | None = None
    property_damage_vnd: int | None = None
    vehicles: int | None = None
    road_name: str | None = None
    cause: str | None = None
    road_cause: bool | None = None
    offence: str | None = None  # a crime's offence: code, label or name (categories.OFFENCES)
    prosecuted: int | None = None
    drug_substance: str | None = None
    drug_grams: int | None = None
    drug_tablets: int | None = None
    rehabilitation: int | None = None
    accident_cause: str | None = None  # a traffic accident's main cause: code or label (categories.ACCIDENT_CAUSES)
    fire_cause: str | None = None  # a fire's or explosion's cause: code or Vietnamese label (categories.FIRE_CAUSES)
    rescued: int | None = None
    ended_at: datetime | str | None = None
    missing: int | None = None
    houses_damaged: int | None = None
    houses_destroyed: int | None = None
    agriculture_ha: int | None = None
    transport_m: int | None = None
    transport_m3: int | None = None
    other_damage: str | None = None
    economic_loss_million_vnd: int | None = None
    recovery_support_vnd: int | None = None
    recovery_support_description: str | None = None


class IncidentIn(IncidentFields):
    kind: str


class IncidentOut(Schema):
    id: int
    kind: str
    category: str
    category_label: str
    unit_id: int
    unit_code: str
    unit_name: str
    occurred_at: datetime
    latitude: float | None
    longitude: float | None
    address: str
    summary: str
    status: str
    external_id: str
    solved: bool | None
    solved_on: date | None
    suspects: int | None
    gravity: str
    persons_involved: int | None
    dead: int | None
    injured: int | None
    injury_rate_total_pct: int | None
    property_damage_vnd: int | None
    vehicles: int | None
    road_name: str
    cause: str
    road_cause: bool | None
    offence: str
    prosecuted: int | None
    drug_substance: str
    drug_grams: int | None
    drug_tablets: int | None
    rehabilitation: int | None
    accident_cause: str
    fire_cause: str
    fire_cause_label: str
    rescued: int | None
    severity: str
    severity_label: str
    severity_source: str
    ended_at: datetime | None
    missing: int | None
    houses_damaged: int | None
    houses_destroyed: int | None
    agriculture_ha: int | None
    transport_m: int | None
    transport_m3: int | None
    other_damage: str
    economic_loss_million_vnd: int | None
    recovery_support_vnd: int | None
    recovery_support_description: str
    duplicate_state: str
    duplicate_of_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_category_label(obj) -> str:
        return category_label(obj.kind, obj.category) if obj.category else ""

    @staticmethod
    def resolve_severity_label(obj) -> str:
        return severity_label(obj.severity) if obj.severity else ""

    @staticmethod
    def resolve_fire_cause_label(obj) -> str:
        cause = fire_cause_find(obj.fire_cause) if obj.fire_cause else None
        return cause.label if cause else ""

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


IncidentQuery = query_schema(selectors.IncidentFilters, "IncidentQuery")


def _service_fields(request, payload: IncidentFields, *, occurred_before=None) -> dict:
    """The payload as service keywords; the unit comes from unit_id, or unit_code read on the day the
    record happened (the payload's occurred_at, else the record's own)."""
    fields = payload.dict(exclude_unset=True)
    unit_id, unit_code = fields.pop("unit_id", None), fields.pop("unit_code", None)
    if unit_id is not None:
        fields["unit"] = unit_get(user=request.user, pk=unit_id)
    elif unit_code:
        occurred = to_datetime(fields.get("occurred_at"), field="occurred_at") or occurred_before
        on = timezone.localtime(occurred).date() if occurred else None
        try:
            fields["unit"] = unit_for_code(code=unit_code, day=on)
        except DomainError as exc:
            raise DomainError({"unit_code": exc.errors["code"]}) from None
    return fields


@router.get("", response=list[IncidentOut], summary="Records the user may see, filtered")
@paginate(Pagination)
def list_incidents(request, query: Query[IncidentQuery]):
    filters = selectors.IncidentFilters.from_params(query.dict(exclude_none=True), user=request.user)
    return selectors.incident_list(user=request.user, filters=filters)


@router.post("", response={201: IncidentOut}, summary="Record an incident")
def create_incident(request, payload: IncidentIn):
    fields = _service_fields(request, payload)
    incident = services.incident_create(
        user=request.user,
        unit=fields.pop("unit", None),
        kind=fields.pop("kind"),
        occurred_at=fields.pop("occurred_at", None),
        **fields,
    )
    return Status(201, selectors.incident_get(user=request.user, pk=incident.pk))


@router.get("/{incident_id}", response=IncidentOut)
def get_incident(request, incident_id: int):
    return selectors.incident_get(user=request.user, pk=incident_id)


@router.patch("/{incident_id}", response=IncidentOut, summary="Change the fields sent; the others keep their values")
def update_incident(request, incident_id: int, payload: IncidentFields):
    incident = selectors.incident_get(user=request.user, pk=incident_id)
    fields = _service_fields(request, payload, occurred_before=incident.occurred_at)
    services.incident_update(user=request.user, incident=incident, **fields)
    return selectors.incident_get(user=request.user, pk=incident_id)


@router.delete("/{incident_id}", response={204: None}, summary="Delete (softly: an administrator can restore it)")
def delete_incident(request, incident_id: int):
    incident = selectors.incident_get(user=request.user, pk=incident_id)
    services.incident_delete(user=request.user, incident=incident)
    return Status(204, None)


@router.post("/{incident_id}/restore", response=IncidentOut, summary="Restore a deleted record (administrators)")
def restore_incident(request, incident_id: int):
    restored = services.incident_restore(user=request.user, instance=Incident(pk=incident_id))
    return selectors.incident_get(user=request.user, pk=restored.pk)
