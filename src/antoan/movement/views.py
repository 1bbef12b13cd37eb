"""The movement's own pages: the index of its record types and the overdue lists; each record type's
list, form, detail, import and export pages come from core.records.views."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from antoan.core.errors import NotFound
from antoan.core.records import record_types
from antoan.movement import selectors
from antoan.units.selectors import unit_get


@login_required
def movement_index(request):
    context = {
        "types": [rt for rt in record_types().values() if rt.model.__module__ == "antoan.movement.models"],
        "overdue_models": selectors.models_overdue(user=request.user).count(),
        "overdue_plans": selectors.plans_overdue(user=request.user).count(),
        "officers_this_year": selectors.officers_deployed(user=request.user, year=timezone.localdate().year),
    }
    return render(request, "movement/index.html", context)


@login_required
def overdue(request):
    """Overdue inspections and plan reviews, for the user's units or one of them (?unit=)."""
    unit = None
    if request.GET.get("unit", "").isdigit():
        try:
            unit = unit_get(user=request.user, pk=int(request.GET["unit"]))
        except NotFound:
            raise Http404 from None
    context = {
        "unit": unit,
        "models": selectors.models_overdue(user=request.user, unit=unit),
        "plans": selectors.plans_overdue(user=request.user, unit=unit),
        "today": timezone.localdate(),
    }
    return render(request, "movement/overdue.html", context)
