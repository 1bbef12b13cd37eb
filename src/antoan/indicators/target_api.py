"""/api/v1/indicators/targets: targets (chỉ tiêu) — list, read, set, change, delete, restore, a unit's year in one go,
their kinds, their history, and how a unit's figures stand against them over a period.

Handlers only translate between JSON and the services; every refusal is the usual {"errors": {field: {"vi", "en"}}}
(422 for a value, 403 for an officer, 404 out of scope).
"""

from datetime import date, datetime

from django.utils import translation
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.pagination import Mapped, Pagination
from antoan.core.values import is_empty, to_year
from antoan.indicators import selectors, target_services, targets
from antoan.indicators.catalogue import indicators
from antoan.indicators.models import Target, TargetKind
from antoan.indicators.target_rules import KINDS
from antoan.units.models import Unit
from antoan.units.scope import user_scope
from antoan.units.selectors import unit_for_code

router = Router(tags=["targets"])


class UnitRef(Schema):
    id: int
    code: str
    name: str
    kind: str
    hierarchy: str


class TargetOut(Schema):
    id: int
    unit: UnitRef
    year: int
    indicator: str
    indicator_name_vi: str
    indicator_name_en: str
    measure_vi: str
    measure_en: str
    kind: str
    kind_label_vi: str
    kind_label_en: str
    value: float | None
    statement_vi: str
    statement_en: str
    document: str
    note: str
    deleted: bool
    created_at: datetime
    updated_at: datetime


class TargetIn(Schema):
    """A target: the unit by `unit_id`, or by `unit_code` (read on `on`, or on 31/12 of the year)."""

    model_config = ConfigDict(extra="forbid")

    unit_id: int | None = None
    unit_code: str | None = None
    on: date | None = None
    year: int | str | None = None
    indicator: str | None = None
    kind: str | None = None
    value: int | float | str | None = None
    document: str | None = None
    note: str | None = None


class GridRowIn(Schema):
    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    indicator: str | None = None
    kind: str | None = None
    value: int | float | str | None = None
    document: str | None = None
    note: str | None = None


class GridIn(Schema):
    """A unit's targets for a year in one go: each row creates (no `id`), changes (`id`) or deletes (`id`, no
    `kind`) one target; `document` fills the rows that give none. All or nothing."""

    model_config = ConfigDict(extra="forbid")

    unit_id: int | None = None
    unit_code: str | None = None
    on: date | None = None
    year: int | str
    document: str | None = None
    rows: list[GridRowIn]


class GridOut(Schema):
    created: int
    updated: int
    deleted: int
    unchanged: int
    targets: list[TargetOut]


class KindOut(Schema):
    code: str
    label_vi: str
    label_en: str
    takes_number: bool
    compares_with_year_before: bool
    number_is_change_in_percent: bool
    can_be_exceeded: bool


class PeriodOut(Schema):
    code: str
    kind: str
    start: date
    end: date
    label_vi: str
    label_en: str


class TargetRefOut(Schema):
    id: int
    unit_id: int
    year: int
    indicator: str
    kind: str
    value: float | None
    document: str
    note: str


class TargetResultOut(Schema):
    target: TargetRefOut
    indicator_name_vi: str
    indicator_name_en: str
    measure_vi: str
    measure_en: str
    period: PeriodOut
    comparison_period: PeriodOut
    value: float | None
    comparison: float | None
    status: str
    status_vi: str
    status_en: str
    margin: float | None
    change_pct: float | None
    phrase_vi: str
    phrase_en: str
    detail_vi: str
    detail_en: str
    statement_vi: str
    statement_en: str
    inherited_from: str | None = Field(None, description="The unit above whose target holds here (handed down)")
    running: bool = Field(False, description="Judged while the period runs: on_track / at_risk unless final")
    as_of: date | None = Field(None, description="While the period runs: the day its figures are counted to")
    projected: float | None = Field(None, description="While a year runs: a count's year at the pace so far")


class ChangeOut(Schema):
    field: str
    label: str
    before: str | None
    after: str | None


class HistoryOut(Schema):
    when: datetime
    who: str
    what_vi: str
    what_en: str
    reason: str
    changes: list[ChangeOut]


class TargetQuery(Schema):
    unit: str | None = None
    on: date | None = None
    year: int | None = None


def _labels(kind: str) -> tuple[str, str]:
    label = TargetKind(kind).label
    with translation.override("vi"):
        vi = str(label)
    with translation.override("en"):
        en = str(label)
    return vi, en


def target_out(target: Target) -> dict:
    indicator = indicators().get(target.indicator)
    said_vi, said_en = targets.target_statement(target)
    label_vi, label_en = _labels(target.kind)
    unit = target.unit
    return {
        "id": target.pk,
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind, "hierarchy": unit.hierarchy},
        "year": target.year, "indicator": target.indicator,
        "indicator_name_vi": indicator.vi if indicator else target.indicator,
        "indicator_name_en": indicator.en if indicator else target.indicator,
        "measure_vi": indicator.measure_vi if indicator else "",
        "measure_en": indicator.measure_en if indicator else "",
        "kind": target.kind, "kind_label_vi": label_vi, "kind_label_en": label_en,
        "value": None if target.value is None else float(target.value),
        "statement_vi": said_vi, "statement_en": said_en, "document": target.document, "note": target.note,
        "deleted": target.is_deleted, "created_at": target.created_at, "updated_at": target.updated_at,
    }  # fmt: skip


def _unit_of(request, unit_id, unit_code, on, year) -> Unit | None:
    """The unit a body names by id, or by code on `on` (else on 31/12 of its year, else today)."""
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None or not user_scope(user=request.user).covers(unit):
            raise NotFound.single("unit", "Không tìm thấy đơn vị", "Unit not found")
        return unit
    if is_empty(unit_code):
        return None
    day = on
    if day is None:
        try:
            parsed = to_year(year, field="year")
        except DomainError:
            parsed = None
        day = date(parsed, 12, 31) if parsed else clock.today()
    unit = unit_for_code(code=str(unit_code).replace("\x00", "").strip(), day=day)
    if not user_scope(user=request.user).covers(unit):
        raise NotFound.single("unit", "Không tìm thấy đơn vị", "Unit not found")
    return unit


def _fields(request, payload, *, partial: bool) -> dict:
    sent = payload.dict(exclude_unset=partial)
    unit_keys = {"unit_id", "unit_code", "on"}
    fields = {k: v for k, v in sent.items() if k not in unit_keys}
    if not partial or sent.keys() & {"unit_id", "unit_code"}:
        fields["unit"] = _unit_of(request, sent.get("unit_id"), sent.get("unit_code"), sent.get("on"), sent.get("year"))
    return fields


# Fixed paths first -------------------------------------------------------------------------------------------


@router.get("", response=list[TargetOut], summary="Targets the user may see (of a unit, of a year)")
@paginate(Pagination)
def list_targets(request, query: Query[TargetQuery]):
    unit = None
    if query.year is not None:
        to_year(query.year, field="year")
    if not is_empty(query.unit):
        unit = _unit_of(request, None, query.unit, query.on, query.year)
    return Mapped(targets.target_list(user=request.user, unit=unit, year=query.year), target_out)




@router.post("", response={201: TargetOut}, summary="Set a target (leaders and administrators of the unit)")
def create_target(request, payload: TargetIn):
    target = target_services.target_create(user=request.user, **_fields(request, payload, partial=False))
    return Status(201, target_out(targets.target_get(user=request.user, pk=target.pk)))


@router.get("/kinds", response=list[KindOut], summary="The kinds of target and what each asks of a figure")
def target_kinds(request):
    return [
        {"code": code, "label_vi": _labels(code)[0], "label_en": _labels(code)[1], "takes_number": rule.needs_value,
         "compares_with_year_before": rule.relative, "number_is_change_in_percent": rule.by_percent,
         "can_be_exceeded": rule.lower_bound}
        for code, rule in KINDS.items()
    ]  # fmt: skip


@router.get("/results", response=list[TargetResultOut], summary="A unit's figures judged against its targets")
def target_results(
    request, period: str | None = None, unit: str | None = None, on: date | None = None,
    date_from: str | None = None, date_to: str | None = None,
):  # fmt: skip
    """The targets of the period's year (of its last day) that the period can judge — a whole year every one; a part
    of a year the rates' "at most / at least" and the comparisons with the same part of the year before — against
    the figures of GET /api/v1/indicators for the same `unit` and `period`."""
    chosen = selectors.indicator_period(
        {"period": period, "from": date_from or request.GET.get("from"), "to": date_to or request.GET.get("to")},
        user=request.user,
    )
    where = selectors.indicator_unit_param(user=request.user, code=unit, on=on)
    return [r.as_dict() for r in targets.target_results(user=request.user, unit=where, period=chosen)]


@router.post("/grid", response=GridOut, summary="A unit's targets for a year in one go (all or nothing)")
def save_grid(request, payload: GridIn):
    unit = _unit_of(request, payload.unit_id, payload.unit_code, payload.on, payload.year)
    if unit is None:
        raise DomainError.single("unit", "Chọn đơn vị (unit_id hoặc unit_code)", "Give the unit (unit_id or unit_code)")
    rows = [row.dict(exclude_unset=True) for row in payload.rows]
    counts = target_services.targets_save(
        user=request.user, unit=unit, year=payload.year, rows=rows, document=payload.document or ""
    )
    year = to_year(payload.year, field="year")
    listed = targets.targets_for(user=request.user, unit=unit, year=year)
    return {**counts, "targets": [target_out(t) for t in listed]}


# One target --------------------------------------------------------------------------------------------------


@router.get("/{target_id}", response=TargetOut)
def get_target(request, target_id: int):
    return target_out(targets.target_get(user=request.user, pk=target_id))


@router.patch("/{target_id}", response=TargetOut, summary="Change the fields sent; the others keep their values")
def update_target(request, target_id: int, payload: TargetIn):
    target = targets.target_get(user=request.user, pk=target_id)
    target_services.target_update(user=request.user, target=target, **_fields(request, payload, partial=True))
    return target_out(targets.target_get(user=request.user, pk=target_id))


@router.delete("/{target_id}", response={204: None}, summary="Delete (softly: an administrator can restore it)")
def delete_target(request, target_id: int, reason: str = ""):
    target = targets.target_get(user=request.user, pk=target_id)
    target_services.target_delete(user=request.user, target=target, reason=reason)
    return Status(204, None)


@router.post("/{target_id}/restore", response=TargetOut, summary="Restore a deleted target (administrators)")
def restore_target(request, target_id: int):
    restored = target_services.target_restore(user=request.user, instance=Target(pk=target_id))
    return target_out(targets.target_get(user=request.user, pk=restored.pk))


@router.get("/{target_id}/history", response=list[HistoryOut], summary="Who changed the target, when, and how")
def target_history(request, target_id: int):
    target = targets.target_get(user=request.user, pk=target_id, deleted_too=True)
    return history_out(targets.target_history(user=request.user, target=target))


def history_out(entries) -> list[dict]:
    """Audit entries (core.audit) as HistoryOut: who, when, what, why, and each field before and after."""
    return [
        {"when": e.when, "who": e.who, "what_vi": e.change_label[0], "what_en": e.change_label[1], "reason": e.reason,
         "changes": [{"field": c.field, "label": c.label, "before": None if c.before is None else str(c.before),
                      "after": None if c.after is None else str(c.after)} for c in e.changes]}
        for e in entries
    ]  # fmt: skip
