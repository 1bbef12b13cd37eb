"""The movement's own pages: the index of its record types and the overdue lists; each record type's
list, form, detail, import and export pages come from core.records.views."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.values import to_date
from antoan.movement import selectors
from antoan.movement.records import record_types
from antoan.units.selectors import unit_get


@login_required
def movement_index(request):
    context = {
        "types": [rt for rt in record_types().values() if rt.model.__module__ == "antoan.movement.models"],
        "overdue_models": selectors.models_overdue(user=request.user).count(),
        "overdue_plans": selectors.plans_overdue(user=request.user).count(),
        "officers_this_year": selectors.officers_deployed(user=request.user, year=clock.today().year),
    }
    return render(request, "movement/index.html", context)


@login_required
def overdue(request):
    """Overdue inspections and plan reviews, for the user's units or one of them (?unit=), today or on a day
    (?day=, as the dashboard's cards of a past period read them)."""
    unit = None
    if request.GET.get("unit", "").isdigit():
        try:
            unit = unit_get(user=request.user, pk=int(request.GET["unit"]))
        except NotFound:
            raise Http404 from None
    try:
        day = min(to_date(request.GET.get("day"), field="day") or clock.today(), clock.today())
    except DomainError:
        day = clock.today()
    context = {
        "unit": unit,
        "day": day,
        "models": selectors.models_overdue(user=request.user, unit=unit, day=day),
        "plans": selectors.plans_overdue(user=request.user, unit=unit, day=day),
    }
    return render(request, "movement/overdue.html", context)
