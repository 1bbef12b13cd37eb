"""GET /api/v1/indicators: figures for a unit and a period with the same period of the year before; the
trend, crosstab, time grid, map points and black spots the dashboard draws; the catalogue itself."""

import io
from datetime import date

from django.http import HttpResponse, StreamingHttpResponse
from ninja import Router, Schema
from pydantic import BaseModel

from antoan.core.errors import DomainError
from antoan.core.routers import reading_from_replica
from antoan.core.tabular import csv_lines, write_xlsx
from antoan.core.values import year_check
from antoan.indicators import selectors
from antoan.indicators.catalogue import indicators, sections
from antoan.indicators.events import known_events
from antoan.indicators.figure_api import router as figures_router
from antoan.indicators.periods import period_options
from antoan.indicators.target_api import router as targets_router

router = Router(tags=["indicators"])
router.add_router("/targets", targets_router)  # /api/v1/indicators/targets…
router.add_router("/figures", figures_router)  # /api/v1/indicators/figures…: historical figures
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodOut(Schema):
    code: str
    kind: str
    start: date
    end: date
    label_vi: str
    label_en: str


class UnitRef(Schema):
    id: int
    code: str
    name: str
    kind: str
    hierarchy: str


class MappingOut(Schema):
    vi: str
    en: str
    units: list[str]


class FigureUseOut(Schema):
    """A confirmed historical figure used as a value (docs/history.md), and what the records give beside it."""

    id: int
    unit: str
    unit_name: str
    period: str
    value: float
    recorded: float | None
    difference: float | None
    stand_in: bool
    document: str
    location: str
    quote: str
    source_vi: str
    source_en: str


class HistoryUseOut(Schema):
    """Where a value comes from old reports: the unit's own figure, or figures of units below it counted instead of
    their records."""

    source_vi: str
    source_en: str
    figure: FigureUseOut | None
    parts: list[FigureUseOut]


class FigureOut(Schema):
    code: str
    section: str
    parent: str | None
    name_vi: str
    name_en: str
    measure_vi: str
    measure_en: str
    value: float | None
    comparison: float | None
    change: float | None
    change_pct: float | None
    direction_vi: str | None
    direction_en: str | None
    history: HistoryUseOut | None
    comparison_history: HistoryUseOut | None


class SectionOut(Schema):
    code: str
    vi: str
    en: str


class IndicatorSetOut(Schema):
    unit: UnitRef | None
    period: PeriodOut
    comparison: PeriodOut
    mapping: MappingOut | None
    sections: list[SectionOut]
    indicators: list[FigureOut]


def _unit(request, unit: str | None, on: date | None):
    return selectors.indicator_unit_param(user=request.user, code=unit, on=on)


def _codes(indicators_param: str) -> list[str] | None:
    return [c.strip() for c in indicators_param.split(",") if c.strip()] or None


def set_as_dict(result: selectors.IndicatorSet) -> dict:
    """The JSON of an indicator set (the API's, the CLI's --json and the dashboard's are this one)."""
    return {
        "unit": result.unit,
        "period": result.period,
        "comparison": result.comparison,
        "mapping": (
            {"vi": result.mapping.message.vi, "en": result.mapping.message.en, "units": list(result.mapping.units)}
            if result.mapping
            else None
        ),
        "sections": [{"code": s.code, "vi": s.vi, "en": s.en} for s in sections()],
        "indicators": [f.as_dict() for f in result.figures],
    }


@router.get("", response=IndicatorSetOut, summary="Indicators for a unit and a period, with the year before")
@reading_from_replica()
def indicator_set(
    request,
    unit: str | None = None,
    on: date | None = None,
    period: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    indicators: str = "",
):
    """`unit` is an official code (resolved today, or on `on`; a code only an old unit had is found too);
    `period` is 2020, 2020-H1, 2020-Q1, 2020-03, st2020, stm2020-03, tet2021, w:slug — or give `from` and
    `to` (YYYY-MM-DD). Administrators may leave `unit` out for the whole country."""
    chosen = selectors.indicator_period(
        {"period": period, "from": date_from or request.GET.get("from"), "to": date_to or request.GET.get("to")},
        user=request.user,
    )
    result = selectors.indicator_set(
        user=request.user, unit=_unit(request, unit, on), period=chosen, codes=_codes(indicators)
    )
    return set_as_dict(result)


class IndicatorOut(Schema):
    code: str
    section: str
    parent: str | None
    name_vi: str
    name_en: str
    measure_vi: str
    measure_en: str
    source: str
    aggregate: str
    field: str
    where: dict
    where_not: dict
    note: str


@router.get("/catalogue", response=list[IndicatorOut], summary="The indicator catalogue")
@reading_from_replica()
def catalogue(request):
    return [
        {"code": i.code, "section": i.section, "parent": i.parent or None, "name_vi": i.vi, "name_en": i.en,
         "measure_vi": i.measure_vi, "measure_en": i.measure_en, "source": i.source or "+".join(i.of),
         "aggregate": i.aggregate, "field": i.field, "where": dict(i.where), "where_not": dict(i.where_not),
         "note": i.note}
        for i in indicators().values()
    ]  # fmt: skip


@router.get("/periods", response=list[PeriodOut], summary="Periods to choose from in a year")
@reading_from_replica()
def periods(request, year: int):
    return period_options(year_check(year), user=request.user)


class EventUnitOut(Schema):
    id: int
    code: str
    name: str


class EventOut(Schema):
    start: date
    end: date
    name_vi: str
    name_en: str
    kind: str
    origin: str
    source: str
    url: str
    approximate: bool
    note: str
    period_code: str
    unit: EventUnitOut | None


@router.get("/events", response=list[EventOut], summary="Known events of a span: the national calendar, Tết, windows")
@reading_from_replica()
def events(request, year: int | None = None, date_from: str | None = None, date_to: str | None = None):
    """The national political events of the calendar (data/national_events.json, each with its source), the Tết
    windows and the special windows the user may see, overlapping `year` or the days `from` … `to`."""
    date_from, date_to = date_from or request.GET.get("from"), date_to or request.GET.get("to")
    if year is not None:
        year_check(year)
        date_from, date_to = date_from or date(year, 1, 1), date_to or date(year, 12, 31)
    return [e.as_dict() for e in known_events(user=request.user, start=date_from, end=date_to)]


class TrendOut(Schema):
    year: int
    months: list[int]
    this_year: list[float | None]
    last_year: list[float | None]


@router.get("/trend", response=TrendOut, summary="One indicator month by month, this year and the year before")
@reading_from_replica()
def trend(request, indicator: str, year: int, unit: str | None = None, on: date | None = None):
    year_check(year)
    return selectors.indicator_trend(user=request.user, unit=_unit(request, unit, on), year=year, code=indicator)


class SourceOut(Schema):
    vi: str
    en: str


class CrosstabOut(Schema):
    indicator: str
    columns: list[PeriodOut]
    rows: list[dict]  # {"unit": {…}, "values": [per column, total last], "history": [SourceOut | None per column]}
    total: list[float | None]
    total_history: list[SourceOut | None]


@router.get("/crosstab", response=CrosstabOut, summary="One indicator: child units × months (or years)")
@reading_from_replica()
def crosstab(
    request, indicator: str, year: int, unit: str | None = None, on: date | None = None, by: str = "month",
    years: int = 5, format: str = "json",
):  # fmt: skip
    """Rows are the units directly under `unit`, columns the months of `year` (by=month) or the `years` years
    up to it (by=year), with a total column and a total row. format=csv or xlsx downloads the table."""
    year_check(year)
    if format not in ("json", "csv", "xlsx"):
        raise DomainError.single("format", "Định dạng phải là json, csv hoặc xlsx", "format must be json, csv or xlsx")
    table = selectors.indicator_crosstab(
        user=request.user, unit=_unit(request, unit, on), code=indicator,
        columns=selectors.crosstab_columns(year=year, by=by, years=min(max(years, 1), 20)),
    )  # fmt: skip
    if format != "json":
        return table_download(table.as_table(), f"chi-tieu-{indicator}-{year}", format)
    return {
        "indicator": indicator,
        "columns": list(table.columns),
        "rows": [
            {"unit": {"id": u.pk, "code": u.code, "name": u.name}, "values": list(v), "history": _told(used)}
            for (u, v), used in zip(table.rows, table.row_history, strict=True)
        ],
        "total": list(table.total),
        "total_history": _told(table.total_history),
    }


def _told(uses) -> list[dict | None]:
    """Per column, where a value comes from old reports (docs/history.md), or None."""
    return [None if used is None else {"vi": used.source_vi, "en": used.source_en} for used in uses]


def table_download(rows: list[list], name: str, format: str):
    if format == "csv":
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(rows, buffer, sheet="Chỉ tiêu")
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


class GridOut(Schema):
    kind: str
    period: PeriodOut
    weekdays_vi: list[str]
    weekdays_en: list[str]
    counts: list[list[int]]


@router.get("/time-grid", response=GridOut, summary="Incidents by day of the week × hour of the day")
@reading_from_replica()
def time_grid(request, kind: str, period: str, unit: str | None = None, on: date | None = None):
    chosen = selectors.indicator_period({"period": period}, user=request.user)
    counts = selectors.incident_time_grid(user=request.user, unit=_unit(request, unit, on), period=chosen, kind=kind)
    return {"kind": kind, "period": chosen, "weekdays_vi": selectors.WEEKDAYS_VI,
            "weekdays_en": selectors.WEEKDAYS_EN, "counts": counts}  # fmt: skip


# The map's points and the black spots' accidents are plain pydantic models, not ninja's Schema: a Schema reads
# each of up to 5,000 items through a Django-aware getter, which took 120 ms of a province's 180 ms.
class PointOut(BaseModel):
    pk: int
    kind: str
    category: str
    severity: str
    latitude: float
    longitude: float
    occurred_at: str
    dead: int | None
    injured: int | None


class PointsOut(BaseModel):
    points: list[PointOut]
    located: int
    without_coordinates: int
    limit: int


@router.get("/points", response=PointsOut, summary="Located incidents for the map")
@reading_from_replica()
def points(request, period: str, unit: str | None = None, on: date | None = None, kind: str | None = None):
    chosen = selectors.indicator_period({"period": period}, user=request.user)
    result = selectors.incident_points(user=request.user, unit=_unit(request, unit, on), period=chosen, kind=kind)
    for point in result["points"]:
        point["occurred_at"] = point["occurred_at"].isoformat()
    return result


class AccidentOut(BaseModel):
    pk: int
    occurred_at: str
    dead: int
    injured: int
    severity: str


class SpotOut(BaseModel):
    latitude: float
    longitude: float
    radius_m: float
    fatal_accidents: int
    injury_accidents: int
    dead: int
    injured: int
    reason_vi: str
    reason_en: str
    road: str
    commune: str
    place_vi: str
    place_en: str
    potential: bool
    accidents: list[AccidentOut]


class RuleOut(Schema):
    source: str
    radius_m: float
    window_months: int
    description_vi: str
    description_en: str
    potential_vi: str
    potential_en: str
    exclude_not_road_caused: bool
    verified: bool
    unverified_vi: str
    unverified_en: str


class BlackSpotsOut(Schema):
    window_start: date
    window_end: date
    considered: int
    without_coordinates: int
    not_road_caused: int
    rule: RuleOut
    spots: list[SpotOut]
    potential: list[SpotOut]


@router.get("/black-spots", response=BlackSpotsOut, summary="Traffic black spots in the window ending with the period")
@reading_from_replica()
def black_spots(
    request, period: str, unit: str | None = None, on: date | None = None, radius_m: float | None = None,
    window_months: int | None = None, min_fatal: int | None = None, min_injury: int | None = None,
):  # fmt: skip
    """Clusters of traffic accidents that reach the rule's threshold (rules/black_spots.json names its source) within
    `radius_m` over the `window_months` months up to the period's last day; the four parameters override the rule.
    The rule is the version in force on the period's last day; `potential` lists its lower tier (điểm tiềm ẩn)."""
    chosen = selectors.indicator_period({"period": period}, user=request.user)
    result = selectors.black_spot_list(
        user=request.user, unit=_unit(request, unit, on), period=chosen, radius_m=radius_m,
        window_months=window_months, min_fatal=min_fatal, min_injury=min_injury,
    )  # fmt: skip

    def spot(s):
        return {**{k: getattr(s, k) for k in SpotOut.model_fields if k != "accidents"},
                "accidents": [{"pk": a.pk, "occurred_at": a.occurred_at.isoformat(), "dead": a.dead,
                               "injured": a.injured, "severity": a.severity} for a in s.accidents]}  # fmt: skip

    return {
        "window_start": result.window_start, "window_end": result.window_end, "considered": result.considered,
        "without_coordinates": result.without_coordinates, "not_road_caused": result.not_road_caused,
        "rule": result.rule, "spots": [spot(s) for s in result.spots], "potential": [spot(s) for s in result.potential],
    }  # fmt: skip
