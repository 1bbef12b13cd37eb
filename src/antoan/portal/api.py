"""/api/v1/tips: the officers' side of the portal (there is no public JSON API: the form is HTML).

Every endpoint needs a login (session or API token) and sees only the tips of the caller's units; a tip outside
them is a 404, a step on a tip the caller may only read is a 403. Handlers only translate between JSON and the
selectors and services; errors are the bilingual {"errors": …} of the rest of the API.
"""

from datetime import date, datetime

from django.urls import reverse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.filters import query_schema
from antoan.core.pagination import Pagination
from antoan.incidents import selectors as incident_selectors
from antoan.incidents.api import IncidentFields, IncidentOut, _service_fields
from antoan.incidents.categories import CATEGORIES
from antoan.portal import selectors, services
from antoan.portal.models import Tip, TipStatus

router = Router(tags=["tips"])


class TipOut(Schema):
    id: int
    category: str
    category_label: str
    unit_id: int
    unit_code: str
    unit_name: str
    occurred_at: datetime
    received_at: datetime
    latitude: float | None
    longitude: float | None
    address: str
    description: str
    status: str
    status_label: str
    overdue: bool
    assigned_to_id: int | None
    assigned_to_name: str
    first_action_at: datetime | None
    closed_at: datetime | None
    duplicate_of_id: int | None
    incident_id: int | None

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_assigned_to_name(obj) -> str:
        return str(obj.assigned_to) if obj.assigned_to_id else ""

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.status == TipStatus.RECEIVED and obj.received_at < selectors.overdue_before()


class PhotoOut(Schema):
    id: int
    content_type: str
    width: int
    height: int
    size_bytes: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("tip-photo", args=[obj.tip_id, obj.pk])


class TipDetailOut(TipOut):
    """A tip as officers see it: with the sender's contact (if given), the notes and the photos."""

    contact_name: str
    contact_phone: str
    contact_email: str
    share_photo_location: bool
    public_reply: str
    officer_notes: str
    photos: list[PhotoOut]

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.order_by("pk"))


TipQuery = query_schema(selectors.TipFilters, "TipQuery")
FiguresQuery = query_schema(selectors.TipFilters, "FiguresQuery", only=("date_from", "date_to", "unit"))


class TipFiguresOut(Schema):
    unit_id: int | None
    unit_name: str
    received: int
    handled: int
    converted: int
    not_actionable: int
    open: int
    median_minutes_to_first_action: float | None


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class AssignIn(_Strict):
    assignee_id: int | None


class NoteIn(_Strict):
    officer_notes: str | None = None
    public_reply: str | None = None


class NotActionableIn(_Strict):
    reason: str


class DuplicateIn(_Strict):
    original_id: int
    reason: str = ""


class ConvertIn(IncidentFields):
    """An incident's fields as POST /api/v1/incidents takes them; what is left out comes from the tip (its
    commune, time, place, description and, when it is one of the kind's, its category)."""

    kind: str
    public_reply: str | None = None


def _renamed(exc: DomainError, names: dict[str, str]) -> DomainError:
    """The service's error keys as the fields the caller sent."""
    return type(exc)({names.get(field, field): message for field, message in exc.errors.items()})


def _tip(request, tip_id: int) -> Tip:
    return selectors.tip_get(user=request.user, pk=tip_id)


@router.get("", response=list[TipOut], summary="Tips of the user's units, filtered as the triage queue")
@paginate(Pagination)
def list_tips(request, query: Query[TipQuery]):
    filters = selectors.TipFilters.from_params(query.dict(exclude_none=True), user=request.user)
    return selectors.tip_list(user=request.user, filters=filters)


@router.get("/figures", response=list[TipFiguresOut], summary="Per commune and in total: what became of the tips")
def tip_figures(request, query: Query[FiguresQuery]):
    """Tips received in the period (default: this month up to today), per commune, then a total row."""
    params = query.dict(exclude_none=True)
    today = clock.today()
    params.setdefault("date_to", today.isoformat())
    params.setdefault("date_from", today.replace(day=1).isoformat())
    filters = selectors.TipFilters.from_params(params, user=request.user)
    return selectors.tip_figures(
        user=request.user,
        date_from=filters.date_from or date(1900, 1, 1),
        date_to=filters.date_to or today,
        unit=filters.unit,
    )


@router.get("/{tip_id}", response=TipDetailOut, summary="A tip with its contact, notes and photos")
def get_tip(request, tip_id: int):
    return _tip(request, tip_id)


@router.post("/{tip_id}/assign", response=TipDetailOut, summary="Give the tip to an officer (null: to nobody)")
def assign_tip(request, tip_id: int, payload: AssignIn):
    tip = _tip(request, tip_id)
    assignee = None
    if payload.assignee_id is not None:
        assignee = selectors.tip_assignees(user=request.user, tip=tip).filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise DomainError.single(
                "assignee_id",
                f"Cán bộ #{payload.assignee_id} không có quyền xử lý tin báo của {tip.unit.name}",
                f"Officer #{payload.assignee_id} cannot act on {tip.unit.name}'s tips",
            )
    try:
        services.tip_assign(user=request.user, tip=tip, assignee=assignee)
    except DomainError as exc:
        raise _renamed(exc, {"assigned_to": "assignee_id"}) from None
    return _tip(request, tip_id)


@router.post("/{tip_id}/note", response=TipDetailOut, summary="Write the officers' notes and/or the public reply")
def note_tip(request, tip_id: int, payload: NoteIn):
    tip = _tip(request, tip_id)
    services.tip_note(user=request.user, tip=tip, **payload.dict(exclude_unset=True))
    return _tip(request, tip_id)


@router.post("/{tip_id}/not-actionable", response=TipDetailOut, summary="Close the tip; the reason is the reply")
def not_actionable_tip(request, tip_id: int, payload: NotActionableIn):
    tip = _tip(request, tip_id)
    try:
        services.tip_mark_not_actionable(user=request.user, tip=tip, reason=payload.reason)
    except DomainError as exc:
        raise _renamed(exc, {"public_reply": "reason"}) from None
    return _tip(request, tip_id)


@router.post("/{tip_id}/duplicate", response=TipDetailOut, summary="Close the tip as a duplicate of another one")
def duplicate_tip(request, tip_id: int, payload: DuplicateIn):
    tip = _tip(request, tip_id)
    try:
        original = selectors.tip_get(user=request.user, pk=payload.original_id)
    except NotFound:
        raise DomainError.single(
            "original_id", "Không tìm thấy tin báo gốc", "The original tip was not found"
        ) from None
    try:
        services.tip_mark_duplicate(user=request.user, tip=tip, original=original, reason=payload.reason)
    except DomainError as exc:
        raise _renamed(exc, {"duplicate_of": "original_id", "public_reply": "reason"}) from None
    return _tip(request, tip_id)


@router.post("/{tip_id}/convert", response={201: IncidentOut}, summary="Record the tip as an incident and close it")
def convert_tip(request, tip_id: int, payload: ConvertIn):
    tip = _tip(request, tip_id)
    kind = payload.kind  # judged by the registry's service, with its bilingual message
    public_reply = payload.public_reply or ""
    fields = _service_fields(request, payload, occurred_before=tip.occurred_at)
    fields.pop("kind", None)
    fields.pop("public_reply", None)
    for name, value in services.tip_incident_initial(tip).items():
        if name == "category" and value not in {c.code for c in CATEGORIES.get(kind, ())}:
            continue
        if value not in (None, ""):
            fields.setdefault(name, value)
    incident = services.tip_convert(user=request.user, tip=tip, kind=kind, public_reply=public_reply, **fields)
    return Status(201, incident_selectors.incident_get(user=request.user, pk=incident.pk))
