"""The movement's own pages: the index of its record types and the overdue lists; each record type's
list, form, detail, import and export pages come from movement.records.views."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.filters import status_of
from antoan.movement import selectors
from antoan.movement.records import record_types


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
    error = None
    try:
        filters = selectors.OverdueFilters.from_params(request.GET, user=request.user)
    except DomainError as exc:  # a unit out of reach included: shown, as on every list, never a 404 or 500
        error, filters = exc, None
    if filters is None:
        models = plans = ()  # a list that silently ignored a filter would mislead
        unit, day = None, clock.today()
    else:
        unit, day = filters.unit, filters.as_of()
        models = selectors.models_overdue(user=request.user, unit=unit, day=day)
        plans = selectors.plans_overdue(user=request.user, unit=unit, day=day)
    context = {"unit": unit, "day": day, "models": models, "plans": plans, "error": error}
    return render(request, "movement/overdue.html", context, status=status_of(error))
