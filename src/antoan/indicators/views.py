"""The dashboard (bảng chỉ tiêu) of a unit and a period: the headline figures with the year before, every
indicator by section, the overdue inspections and plan reviews — all rendered here, so they read without
JavaScript — and the charts and the map, which dashboard.js draws from the indicators API.

Query: `unit` (an official code; absent → the user's first unit; empty → the whole country, administrators
only), `on` (the day the code is read on), `period` (a period code, this year by default) or `from` and `to`.
"""

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from antoan.accounts.selectors import user_is_admin, user_memberships
from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.maps import map_settings
from antoan.core.pagination import head_and_count
from antoan.core.routers import reading_from_replica
from antoan.core.values import to_date
from antoan.incidents.categories import CATEGORIES, IncidentKind
from antoan.incidents.selectors import incident_unit_choices
from antoan.indicators import selectors, targets
from antoan.indicators.catalogue import indicators
from antoan.indicators.compute import as_of
from antoan.indicators.format import number_vi
from antoan.indicators.periods import Period, period_option_groups
from antoan.movement.selectors import models_overdue, plans_overdue
from antoan.units.models import Unit
from antoan.units.scope import user_scope

# The headline cards, in order, and whether a rise is good news (True), bad news (False) or neither (None). Crime is
# led as the police report it: phạm pháp hình sự (crimes against social order) and its clearance rate; the groups
# that are detected rather than "occur" follow in the table (docs/indicators.md, "Crime groups").
HEADLINE = (
    ("crime.social_order", False),
    ("crime.social_order.clearance_rate", True),
    ("social_evil.cases", False),
    ("traffic.accidents", False),
    ("traffic.dead", False),
    ("traffic.injured", False),
    ("disaster.events", False),
    ("disaster.economic_loss", False),
    ("models.active", True),
    ("models.overdue", False),
    ("commendations", True),
    ("officers.deployed", True),
    ("recognised.commune", True),
    ("tips.received", None),
)
# What the trend and the bars by child unit can show (traffic accidents first: the default).
CHART_INDICATORS = (
    "traffic.accidents",
    "traffic.dead",
    "traffic.injured",
    "crime.social_order",
    "crime.social_order.solved",
    "crime.detected",
    "crime.cases",
    "social_evil.cases",
    "disaster.events",
    "disaster.dead",
    "disaster.economic_loss",
    "tips.received",
)
OVERDUE_SHOWN = 10
INCIDENT_PK_TOKEN = 999999999  # replaced by each marker's pk in the link template


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _raw(value) -> str:
    """A value as the API's JSON reads in a browser: 3, 66.7, 50 (not 50.0); none is empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _target_shown(result: targets.TargetResult) -> dict:
    english = _english()
    return {
        "status": result.status,
        "label": result.status_en if english else result.status_vi,
        "phrase": result.phrase_en if english else result.phrase_vi,
        "detail": result.detail_en if english else result.detail_vi,
        "statement": result.statement_en if english else result.statement_vi,
        "url": reverse("indicators:target_detail", args=[result.target.pk]),
    }


def _source(used) -> str:
    if used is None:
        return ""
    told = used.source
    if used.own is not None and used.own.recorded is not None:
        records = number_vi(used.own.recorded)
        told += f"; {_('records of the period')}: {records}"
    return told


def _shown(figure: selectors.Figure, rise_is_good=None, judged=()) -> dict:
    """A figure ready for the template: its raw values (data-*), their Vietnamese-style text and the change, and how
    it stands against the year's targets on it (`judged`: target results)."""
    indicator = figure.indicator
    english = _english()
    change = figure.change
    shown = {
        "targets": [_target_shown(r) for r in judged],
        "code": indicator.code,
        "slug": indicator.code.replace(".", "-").replace("_", "-"),
        # a part sits indented under its whole: "Số vụ phạm tội phát hiện, bắt giữ (…): Ma túy" is shown as "Ma túy"
        "name": indicator.name.split(": ", 1)[-1] if indicator.parent else indicator.name,
        "measure": indicator.measure,
        "is_part": bool(indicator.parent),
        "note": indicator.note,
        "value": _raw(figure.value),
        "comparison": _raw(figure.comparison),
        "value_text": number_vi(figure.value),
        "comparison_text": number_vi(figure.comparison),
        # Where a value comes from an old report (docs/history.md): said beside it, with the records' own figure.
        "source": _source(figure.history),
        "comparison_source": _source(figure.comparison_history),
        "change": _raw(change),
        "direction": figure.direction_en if english else figure.direction,
        "arrow": "",
        "amount": "",
        "pct": "",
        "tone": "",
    }
    if change is None:
        return shown
    shown["arrow"] = "▲" if change > 0 else "▼" if change < 0 else "="
    if change:
        shown["amount"] = number_vi(abs(change))
        if indicator.is_percent:
            shown["amount"] += " " + _("pct. points")
        if figure.change_pct is not None:
            shown["pct"] = ("+" if figure.change_pct > 0 else "−") + number_vi(abs(figure.change_pct)) + "%"
        if rise_is_good is not None:
            shown["tone"] = "good" if (change > 0) == rise_is_good else "bad"
    return shown


def _on(request) -> date | None:
    return to_date(request.GET.get("on", "").replace("\x00", "").strip() or None, field="on")


def _unit(request, on: date | None) -> Unit | None:
    """The unit asked for; no `unit` at all: the user's first unit, or the whole country (administrators)."""
    if "unit" not in request.GET:
        membership = user_memberships(user=request.user).first()
        unit = membership.unit if membership is not None else None
        return selectors.indicator_unit(user=request.user, unit=unit)
    return selectors.indicator_unit_param(user=request.user, code=request.GET["unit"], on=on)


def _period(request) -> Period:
    params = {name: request.GET.get(name, "") for name in ("period", "from", "to")}
    if not any(value.strip() for value in params.values()):
        params["period"] = str(clock.today().year)
    return selectors.indicator_period(params, user=request.user)


def _unit_choices(user, unit: Unit | None) -> list[tuple[str, str]]:
    """(code, label) of the units to pick from: the user's units and the communes in them, the children of the
    unit shown, and the unit shown itself; "" is the whole country, for administrators."""
    today = clock.today()
    current = Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    units = {u.pk: u for u in incident_unit_choices(user=user).filter(current)}
    if unit is not None:
        units.setdefault(unit.pk, unit)
    for child in selectors.indicator_children(user=user, unit=unit):
        if child.valid_to is None or child.valid_to >= today:
            units.setdefault(child.pk, child)
    ordered = sorted(units.values(), key=lambda u: u.path)
    choices = [(u.code, ("— " if u.parent_id in units else "") + u.name) for u in ordered]
    if user_scope(user=user).everything:
        choices.insert(0, ("", _("Whole country")))
    return choices


def _period_choices(user, period: Period) -> list[tuple[str, list[Period]]]:
    """The picker's options, a group per year (periods.period_option_groups); a period not among them (a range of
    days) comes first, on its own."""
    groups = period_option_groups(period.end.year, user=user)
    if not any(option.code == period.code for _year, options in groups for option in options):
        groups.insert(0, ("", [period]))
    return groups


def _config(unit: Unit | None, on: date | None, period: Period, result: selectors.IndicatorSet) -> dict:
    """What dashboard.js needs, as JSON in the page (json_script: data, not code, so the CSP allows it)."""
    english = _english()
    set_url = reverse("api-v1:indicator_set")
    catalogue = indicators()
    if unit is not None and unit.valid_to is not None and on is None:
        on = unit.valid_to  # a unit of the old hierarchy: its code is read on its last day
    severity = [f for f in result.figures if f.indicator.parent == "traffic.accidents"]
    return {
        "lang": "en" if english else "vi",
        "unit": unit.code if unit else "",
        "on": on.isoformat() if on else "",
        "unitName": unit.name if unit else _("Whole country"),
        "period": period.code,
        "year": period.end.year,
        "api": {
            "set": set_url,
            "trend": reverse("api-v1:trend"),
            "crosstab": reverse("api-v1:crosstab"),
            "grid": reverse("api-v1:time_grid"),
            "points": reverse("api-v1:points"),
            "blackSpots": set_url.rstrip("/") + "/black-spots",
        },
        "incidentUrl": reverse("incident-detail", args=[INCIDENT_PK_TOKEN]),
        "incidentToken": str(INCIDENT_PK_TOKEN),
        "map": {
            **map_settings(),
            "centre": [unit.latitude, unit.longitude] if unit and unit.latitude is not None else None,
            "bounds": unit.bounds if unit and unit.bounds else None,
        },
        "indicators": {code: catalogue[code].name for code in CHART_INDICATORS if code in catalogue},
        "severity": [
            {
                "code": f.indicator.code,
                "name": (f.indicator.en if english else f.indicator.vi).split(": ", 1)[-1],
                "value": f.value,
            }
            for f in severity
        ],
        "kinds": {k.value: str(k.label) for k in IncidentKind},
        "categories": {
            kind: {c.code: c.en if english else c.vi for c in categories} for kind, categories in CATEGORIES.items()
        },
        "timeZone": settings.TIME_ZONE,
        "text": {
            "month": _("Month"),
            "value": _("Value"),
            "severity": _("Severity"),
            "weekday": _("Day of the week"),
            "hour": _("Hour"),
            # [one, many]: the page picks by the count (Vietnamese has one form, English two)
            "located": [ngettext("%(n)s incident on the map", "%(n)s incidents on the map", n) for n in (1, 2)],
            "noCoordinates": [
                ngettext("%(n)s incident without coordinates", "%(n)s incidents without coordinates", n) for n in (1, 2)
            ],
            "limited": _("Showing the newest %(n)s of %(total)s located incidents"),
            "open": _("Open the record"),
            "dead": pgettext("people", "dead"),
            "injured": pgettext("people", "injured"),
            "blackSpot": _("Black spot"),
            "potentialSpot": _("Potential accident spot"),
            "fatal": _("fatal accidents"),
            "injury": _("injury accidents"),
            "failed": _("Could not load these data."),
            "noData": _("No data."),
        },
    }


@login_required
@reading_from_replica()
def dashboard(request):
    errors = None
    status = 200
    unit = period = result = None
    on = None
    try:
        on = _on(request)
        unit = _unit(request, on)
        period = _period(request)
        result = selectors.indicator_set(user=request.user, unit=unit, period=period)
    except DomainError as exc:
        errors = exc
        status = 404 if isinstance(exc, NotFound) else 400

    context = {
        "errors": errors,
        "unit": unit,
        "period": period,
        "result": result,
        "unit_code": request.GET.get("unit", unit.code if unit else "") if errors else (unit.code if unit else ""),
        "unit_choices": _unit_choices(request.user, unit),
        "period_code": period.code if period else request.GET.get("period", ""),
        "period_groups": _period_choices(request.user, period or Period.of_year(clock.today().year)),
        "date_from": request.GET.get("from", ""),
        "date_to": request.GET.get("to", ""),
        "on": on,
    }
    if result is not None:
        # The year's targets, judged on the figures shown (the same indicator set: one code path).
        judged: dict[str, list] = {}
        for target_result in targets.target_results(user=request.user, unit=unit, period=period, figures=result):
            judged.setdefault(target_result.target.indicator, []).append(target_result)
        context.update(
            headline=[
                _shown(result.figure(code), good, judged.get(code, ()))
                for code, good in HEADLINE
                if code in indicators()
            ],
            target_year=targets.target_year(period),
            target_as_of=next((r.as_of for rs in judged.values() for r in rs), None),
            target_rows=[
                {**_target_shown(r), "name": r.indicator.name if r.indicator else r.target.indicator}
                for rs in judged.values()
                for r in rs
            ],
            sections=[(section, [_shown(f) for f in figures]) for section, figures in result.by_section() if figures],
            mapping=(result.mapping.message.en if _english() else result.mapping.message.vi) if result.mapping else "",
            config=_config(unit, on, period, result),
            year=str(period.end.year),  # strings: a number would be shown as 2.026
            year_before=str(period.end.year - 1),
            chart_indicators=[(code, indicators()[code].name) for code in CHART_INDICATORS if code in indicators()],
            grid_kinds=[(k, str(IncidentKind(k).label)) for k in selectors.GRID_KINDS],
            map_kinds=[("", _("All kinds")), *((k.value, str(k.label)) for k in IncidentKind)],
            unverified_rules=[
                (v, v.unverified_en if _english() else v.unverified_vi) for v in selectors.unverified_rules(period)
            ]
            if user_is_admin(user=request.user)
            else [],
        )
        # The lists under the cards "models overdue" and "plans overdue", on the day those cards are read.
        day = as_of(period)
        models, models_count = head_and_count(models_overdue(user=request.user, unit=unit, day=day), OVERDUE_SHOWN)
        plans, plans_count = head_and_count(plans_overdue(user=request.user, unit=unit, day=day), OVERDUE_SHOWN)
        query = urlencode({**({"unit": unit.pk} if unit else {}), **({"day": day} if day != clock.today() else {})})
        context.update(
            overdue_models=models,
            overdue_models_count=models_count,
            overdue_plans=plans,
            overdue_plans_count=plans_count,
            overdue_day=day,
            overdue_url=reverse("movement-overdue") + (f"?{query}" if query else ""),
        )
    return render(request, "indicators/dashboard.html", context, status=status)
