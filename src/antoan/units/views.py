from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antoan.core.errors import DomainError, NotFound
from antoan.core.filters import status_of
from antoan.core.forms import add_domain_errors
from antoan.units import locks, selectors, services
from antoan.units.forms import EstablishmentForm, PeriodLockForm
from antoan.units.locks import LOCKING_ROLES
from antoan.units.models import Kind
from antoan.units.scope import user_scope


def _unit_or_404(request, pk, *, kind=None, write=False):
    """The unit if the user may read it (404 otherwise, so existence does not leak); 403 if they
    may read but not change it and want to."""
    try:
        unit = selectors.unit_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    if kind and unit.kind != kind:
        raise Http404
    if write and not selectors.unit_can_write(user=request.user, unit=unit):
        raise PermissionDenied
    return unit


@login_required
def unit_detail(request, pk):
    unit = _unit_or_404(request, pk)
    error = None
    try:  # the children's list is searched by name only (its parent is the page's unit)
        search = selectors.UnitFilters.from_params({"q": request.GET.get("q")}, user=request.user).q
    except DomainError as exc:
        error, search = exc, ""
    children = selectors.unit_children(user=request.user, unit=unit, search=search)
    if error is not None:
        children = children.none()  # a list that silently ignored a filter would mislead
    page = Paginator(children, 50).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "page": page,
        "search": search,
        "error": error,
        "successors": selectors.unit_successors(unit=unit),
        "predecessors": selectors.unit_predecessors(unit=unit),
        "can_write": selectors.unit_can_write(user=request.user, unit=unit),
    }
    return render(request, "units/unit_detail.html", context, status=status_of(error))


@login_required
def unit_history(request, pk):
    unit = _unit_or_404(request, pk)
    entries = selectors.unit_history(user=request.user, unit=unit)
    return render(request, "units/unit_history.html", {"unit": unit, "entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def establishment_create(request, pk):
    commune = _unit_or_404(request, pk, kind=Kind.COMMUNE, write=True)
    form = EstablishmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.establishment_create(user=request.user, commune=commune, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Establishment created: %(name)s") % {"name": unit.name})
            return redirect("unit-detail", pk=unit.pk)
    return render(request, "units/establishment_form.html", {"form": form, "commune": commune, "unit": None})


@login_required
@require_http_methods(["GET", "POST"])
def establishment_update(request, pk):
    unit = _unit_or_404(request, pk, kind=Kind.ESTABLISHMENT, write=True)
    initial = {"name": unit.name, "establishment_type": unit.establishment_type, "address": unit.address}
    form = EstablishmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.establishment_update(user=request.user, establishment=unit, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("unit-detail", pk=unit.pk)
    return render(request, "units/establishment_form.html", {"form": form, "commune": unit.parent, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def establishment_delete(request, pk):
    unit = _unit_or_404(request, pk, kind=Kind.ESTABLISHMENT, write=True)
    error = None
    if request.method == "POST":
        try:
            services.establishment_delete(user=request.user, establishment=unit)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Deleted: %(name)s") % {"name": unit.name})
            return redirect("unit-detail", pk=unit.parent_id)
    return render(request, "units/establishment_delete.html", {"unit": unit, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def unit_period_locks(request, pk):
    """A unit's locked (approved) months; leaders lock and unlock them here."""
    unit = _unit_or_404(request, pk)
    can_lock = user_scope(user=request.user, roles=LOCKING_ROLES).covers(unit)
    form = PeriodLockForm(request.POST or None)
    if request.method == "POST":
        if not can_lock:
            raise PermissionDenied
        if form.is_valid():
            action = locks.period_unlock if request.POST.get("action") == "unlock" else locks.period_lock
            try:
                action(user=request.user, unit=unit, month=form.cleaned_data["month"])
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("unit-period-locks", pk=unit.pk)
    context = {"unit": unit, "locks": locks.period_locks(unit=unit), "form": form, "can_lock": can_lock}
    return render(request, "units/period_locks.html", context)
