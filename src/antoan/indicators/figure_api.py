"""/api/v1/indicators/figures: historical figures (docs/history.md) — list, read, enter, confirm, correct, delete,
their history, and the figures an old report states (extract, then save as drafts or confirm).

Handlers only translate between JSON and the services; every refusal is the usual {"errors": {field: {"vi", "en"}}}
(422 for a value, 403 for an officer confirming, 404 out of scope).
"""

from datetime import date, datetime

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from antoan.core.errors import DomainError
from antoan.core.pagination import Mapped, Pagination
from antoan.core.values import is_empty, to_year
from antoan.indicators import figure_selectors, figure_services
from antoan.indicators.catalogue import indicators
from antoan.indicators.figure_extract import extract_text, read_upload
from antoan.indicators.history import plain_number
from antoan.indicators.models import HistoricalFigure
from antoan.indicators.selectors import indicator_unit_param
from antoan.indicators.target_api import HistoryOut, UnitRef, history_out

router = Router(tags=["historical figures"])


class HistoricalFigureOut(Schema):
    id: int
    unit: UnitRef
    period: str
    indicator: str
    indicator_name_vi: str
    indicator_name_en: str
    measure_vi: str
    measure_en: str
    value: float
    state: str
    document: str
    location: str
    quote: str
    derived: str
    confidence: float | None
    reason: str
    entered_by: str | None
    confirmed_by: str | None
    confirmed_at: datetime | None
    conflict: bool


class FigureIn(Schema):
    """A figure for a unit (`unit_code`, read on `on` or on the period's last day) and a period (2018, st2018,
    2018-H1, 2018-Q3, 2018-05). `confirm`: confirmed at once (leaders, administrators)."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str
    on: date | None = None
    period: str
    indicator: str
    value: int | float | str
    document: str = ""
    location: str = ""
    quote: str = ""
    confirm: bool = False


class CorrectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    value: int | float | str
    reason: str
    quote: str | None = None
    document: str | None = None
    location: str | None = None


class FigureQuery(Schema):
    unit: str | None = None
    on: date | None = None
    period: str | None = None
    state: str | None = None
    indicator: str | None = None


class ExtractedOut(Schema):
    indicator: str
    indicator_name_vi: str
    indicator_name_en: str
    year: int
    value: float
    sentence: str
    phrase: str
    start: int
    end: int
    confidence: float
    derived: str
    note: str
    conflict: bool


class FlagOut(Schema):
    vi: str
    en: str


class LeftOutOut(Schema):
    indicator: str
    year: int
    vi: str
    en: str


class ExtractionOut(Schema):
    unit: UnitRef
    year: int
    figures: list[ExtractedOut]
    flags: list[FlagOut]
    unread: list[str]
    saved: list[HistoricalFigureOut]
    left_out: list[LeftOutOut]


def _name(user) -> str | None:
    return None if user is None else str(user)


def figure_out(figure: HistoricalFigure, conflicts: set[int] = frozenset()) -> dict:
    indicator = indicators().get(figure.indicator)
    unit = figure.unit
    return {
        "id": figure.pk,
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind, "hierarchy": unit.hierarchy},
        "period": figure.period, "indicator": figure.indicator,
        "indicator_name_vi": indicator.vi if indicator else figure.indicator,
        "indicator_name_en": indicator.en if indicator else figure.indicator,
        "measure_vi": indicator.measure_vi if indicator else "",
        "measure_en": indicator.measure_en if indicator else "",
        "value": plain_number(figure.value), "state": figure.state, "document": figure.document,
        "location": figure.location, "quote": figure.quote, "derived": figure.derived, "confidence": figure.confidence,
        "reason": figure.reason, "entered_by": _name(figure.entered_by), "confirmed_by": _name(figure.confirmed_by),
        "confirmed_at": figure.confirmed_at, "conflict": figure.pk in conflicts,
    }  # fmt: skip


def _unit(request, code: str | None, on: date | None):
    if is_empty(code):
        raise DomainError.single("unit_code", "Bắt buộc nhập", "Required")
    return indicator_unit_param(user=request.user, code=code, on=on)


def _one(request, figure_id: int) -> dict:
    figure = figure_selectors.figure_get(user=request.user, pk=figure_id)
    return figure_out(figure, figure_selectors.figure_conflicts(figure_selectors.figure_list(
        user=request.user, unit=figure.unit, period=figure.period, indicator=figure.indicator)))  # fmt: skip


@router.get("", response=list[HistoricalFigureOut], summary="Historical figures the user may see")
@paginate(Pagination)
def list_figures(request, query: Query[FigureQuery]):
    unit = None if is_empty(query.unit) else indicator_unit_param(user=request.user, code=query.unit, on=query.on)
    figures = figure_selectors.figure_list(user=request.user, unit=unit, period=query.period, state=query.state,
                                           indicator=query.indicator)  # fmt: skip
    conflicts = figure_selectors.figure_conflicts(figures)
    return Mapped(figures, lambda figure: figure_out(figure, conflicts))


@router.post("", response={201: HistoricalFigureOut}, summary="Enter a figure (a draft, or confirmed by a leader)")
def create_figure(request, payload: FigureIn):
    fields = payload.dict()
    unit = _unit(request, fields.pop("unit_code"), fields.pop("on"))
    figure = figure_services.figure_create(user=request.user, unit=unit, **fields)
    return Status(201, _one(request, figure.pk))


@router.post("/extract", response=ExtractionOut, summary="The figures an old report states (DOCX, PDF, TXT)")
def extract(
    request, file: File[UploadedFile], unit_code: Form[str], year: Form[int], on: Form[date | None] = None,
    save: Form[bool] = False, confirm: Form[bool] = False, document: Form[str] = "",
):  # fmt: skip
    """Reads the report and gives every figure it states, with the sentence, the phrase's place in it, a confidence
    and conflicts; `flags` say when the document reviews another year or names other places. `save` stores them as
    drafts; `confirm` confirms them at once (leaders, administrators; refused when flagged). Nothing is stored
    otherwise."""
    year = to_year(year, field="year")
    unit = _unit(request, unit_code, on or date(year, 12, 31))
    extraction = extract_text(read_upload(file), year=year)
    flags = figure_services.extraction_flags(extraction, unit=unit, year=year)
    saved = None
    if save or confirm:
        saved = figure_services.figures_save_extracted(user=request.user, unit=unit, year=year, extraction=extraction,
                                                       document=document or file.name, confirm=confirm)  # fmt: skip
    conflicted = {(c.indicator, c.year) for c in extraction.conflicts}
    catalogue = indicators()
    return {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind, "hierarchy": unit.hierarchy},
        "year": year,
        "figures": [{
            "indicator": f.indicator, "indicator_name_vi": catalogue[f.indicator].vi,
            "indicator_name_en": catalogue[f.indicator].en, "year": f.year, "value": f.value, "sentence": f.sentence,
            "phrase": f.phrase, "start": f.start, "end": f.end, "confidence": f.confidence, "derived": f.derived,
            "note": f.note, "conflict": f.key in conflicted,
        } for f in extraction.figures],
        "flags": [{"vi": flag.vi, "en": flag.en} for flag in flags],
        "unread": extraction.unread,
        "saved": [] if saved is None else [_one(request, figure.pk) for figure in saved.figures],
        "left_out": [] if saved is None else [
            {"indicator": code, "year": when, "vi": why.vi, "en": why.en} for code, when, why in saved.left_out
        ],
    }  # fmt: skip


@router.get("/{figure_id}", response=HistoricalFigureOut)
def get_figure(request, figure_id: int):
    return _one(request, figure_id)


@router.post("/{figure_id}/confirm", response=HistoricalFigureOut, summary="Confirm a draft (leaders)")
def confirm_figure(request, figure_id: int):
    figure = figure_selectors.figure_get(user=request.user, pk=figure_id)
    figure_services.figure_confirm(user=request.user, figure=figure)
    return _one(request, figure_id)


@router.post("/{figure_id}/correct", response=HistoricalFigureOut, summary="Correct a confirmed figure, with a reason")
def correct_figure(request, figure_id: int, payload: CorrectionIn):
    figure = figure_selectors.figure_get(user=request.user, pk=figure_id)
    figure_services.figure_correct(user=request.user, figure=figure, **payload.dict())
    return _one(request, figure_id)


@router.delete("/{figure_id}", response={204: None}, summary="Delete a figure (a confirmed one with a reason)")
def delete_figure(request, figure_id: int, reason: str = ""):
    figure = figure_selectors.figure_get(user=request.user, pk=figure_id)
    figure_services.figure_delete(user=request.user, figure=figure, reason=reason)
    return Status(204, None)


@router.get("/{figure_id}/history", response=list[HistoryOut], summary="Who entered, confirmed or corrected it")
def figure_history(request, figure_id: int):
    figure = figure_selectors.figure_get(user=request.user, pk=figure_id, deleted_too=True)
    return history_out(figure_selectors.figure_history(user=request.user, figure=figure))
