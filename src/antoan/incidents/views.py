"""Pages of the incident registry: the list and its filters, a record, its forms, the duplicate review.

Each view parses, calls one selector or service and renders; the rules live in selectors.py and services.py.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from antoan.core.errors import DomainError, NotFound
from antoan.core.filters import status_of
from antoan.core.forms import add_domain_errors
from antoan.core.maps import map_settings
from antoan.core.pagination import LateRowsPaginator
from antoan.incidents import selectors, services
from antoan.incidents.categories import IncidentKind
from antoan.incidents.forms import IncidentFilterForm, incident_form_class
from antoan.incidents.models import DuplicateState
from antoan.units.scope import user_scope
from antoan.units.selectors import unit_get

PAGE_SIZE = 50

# What apps above incidents know of an incident, for its page (the portal: the citizen's tip it came from, as
# "tip"): each is called with the user and the incident and returns entries for the template's context. They register
# in their AppConfig.ready, so that incidents need not know them.
INCIDENT_PAGE_EXTRAS: list[Callable[..., dict]] = []


def _incident_or_404(request, pk, *, write=False, deleted_too=False):
    """The record if the user may read it (404 otherwise: existence does not leak); 403 if they may read
    but not change it and want to. A deleted record: only its page, only for an administrator."""
    try:
        incident = selectors.incident_get(user=request.user, pk=pk, deleted_too=deleted_too)
    except NotFound:
        raise Http404 from None
    if write and not selectors.incident_can_write(user=request.user, incident=incident):
        raise PermissionDenied
    return incident


def _kind_or_404(kind: str) -> str:
    if kind not in IncidentKind.values:
        raise Http404
    return kind


def _can_write_somewhere(user) -> bool:
    return not user_scope(user=user, write=True).nothing



def _list_page(request, params, *, duplicates: bool):
    error = None
    try:
        filters = selectors.IncidentFilters.from_params(params, user=request.user)
    except DomainError as exc:  # NotFound (a unit out of reach) included: shown, never a 500
        error, filters = exc, None
    incidents = selectors.incident_list(user=request.user, filters=filters)
    if filters is None:
        incidents = incidents.none()  # a list that silently ignored a filter would mislead a count
    page = LateRowsPaginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "error": error,
        # The filters as understood (dates as the date inputs want them), or as typed when refused.
        "form": IncidentFilterForm(filters.as_params() if filters else params, user=request.user),
        "query": urlencode(filters.as_params()) if filters else "",
        "duplicates": duplicates,
        "kinds": IncidentKind.choices,
        "can_write": _can_write_somewhere(request.user),
    }
    return render(request, "incidents/incident_list.html", context, status=status_of(error))


@login_required
def incident_list(request):
    return _list_page(request, request.GET, duplicates=False)


@login_required
def incident_duplicates(request):
    params = request.GET.copy()
    params["duplicates"] = "1"
    return _list_page(request, params, duplicates=True)


@login_required
def incident_detail(request, pk):
    incident = _incident_or_404(request, pk, deleted_too=True)
    history = selectors.incident_history(user=request.user, incident=incident)
    unit_names = {incident.unit_id: incident.unit.name}
    for entry in history:
        for change in entry.changes:
            for value in (change.before, change.after) if change.field == "unit" else ():
                if isinstance(value, int) and value not in unit_names:
                    try:
                        unit_names[value] = unit_get(user=request.user, pk=value).name
                    except NotFound:
                        pass
    original = None  # the record this one may duplicate, if the user may see it (it may have moved since)
    if incident.duplicate_state == DuplicateState.FLAGGED and incident.duplicate_of_id:
        try:
            original = selectors.incident_get(user=request.user, pk=incident.duplicate_of_id)
        except NotFound:
            pass
    context = {
        "incident": incident,
        "deleted_kind": "incidents",
        "original": original,
        "history": history,
        "unit_names": unit_names,
        "copies": selectors.incident_copies(user=request.user, incident=incident),
        "can_write": selectors.incident_can_write(user=request.user, incident=incident),
        "map": map_settings(),
    }
    for extra in INCIDENT_PAGE_EXTRAS:
        context.update(extra(user=request.user, incident=incident))
    return render(request, "incidents/incident_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request, kind):
    kind = _kind_or_404(kind)
    if not _can_write_somewhere(request.user):
        raise PermissionDenied
    form = incident_form_class(kind)(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            incident = services.incident_create(
                user=request.user,
                unit=values.pop("unit"),
                kind=kind,
                occurred_at=values.pop("occurred_at"),
                **values,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved: %(what)s") % {"what": incident.get_kind_display()})
            return redirect("incident-detail", pk=incident.pk)
    context = {"form": form, "kind": kind, "kind_label": IncidentKind(kind).label, "map": map_settings()}
    return render(request, "incidents/incident_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def incident_update(request, pk):
    incident = _incident_or_404(request, pk, write=True)
    form = incident_form_class(incident.kind)(request.POST or None, user=request.user, incident=incident)
    if request.method == "POST" and form.is_valid():
        try:
            incident, changed = services.incident_update(user=request.user, incident=incident, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("incident-detail", pk=incident.pk)
    context = {
        "form": form,
        "incident": incident,
        "kind": incident.kind,
        "kind_label": incident.get_kind_display(),
        "map": map_settings(),
    }
    return render(request, "incidents/incident_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def incident_delete(request, pk):
    incident = _incident_or_404(request, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            reason = request.POST.get("reason", "").replace("\x00", "").strip()
            services.incident_delete(user=request.user, incident=incident, reason=reason)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Deleted: %(what)s") % {"what": incident})
            return redirect("incident-list")
    return render(request, "incidents/incident_delete.html", {"incident": incident, "error": error})


def _review(request, pk, service, done_message):
    incident = _incident_or_404(request, pk, write=True)
    try:
        result = service(user=request.user, incident=incident)
    except DomainError as exc:
        for message in exc.errors.values():
            messages.error(request, str(message))
        return redirect("incident-detail", pk=incident.pk)
    messages.success(request, done_message)
    return redirect("incident-detail", pk=result.pk)


@login_required
@require_POST
def incident_merge_duplicate(request, pk):
    return _review(request, pk, services.incident_merge_duplicate, _("Merged into the original record."))


@login_required
@require_POST
def incident_dismiss_duplicate(request, pk):
    return _review(request, pk, services.incident_dismiss_duplicate, _("Marked as not a duplicate."))
