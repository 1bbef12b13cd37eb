"""The officers' pages: the triage queue, a tip, and the steps taken on it.

Each view parses, calls one selector or service and renders; the rules live in selectors.py and services.py.
A tip outside the user's units is a 404 on every URL (its existence does not leak); a user who may read but
not change it gets a 403 on every step.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from antoan.core.errors import DomainError, NotFound
from antoan.core.filters import status_of
from antoan.core.forms import add_domain_errors
from antoan.core.maps import map_settings
from antoan.core.pagination import LateRowsPaginator
from antoan.incidents.categories import IncidentKind
from antoan.portal import selectors, services
from antoan.portal.models import Tip, TipCategory, TipStatus
from antoan.portal.photos import photo_path
from antoan.portal.triage_forms import (
    TipAssignForm,
    TipConvertChoiceForm,
    TipDuplicateForm,
    TipFilterForm,
    TipNotActionableForm,
    TipNoteForm,
    tip_convert_form_class,
    tip_convert_initial,
)

PAGE_SIZE = 50
DUPLICATE_SUGGESTIONS = 50


def _tip_or_404(request, pk, *, write=False) -> Tip:
    try:
        tip = selectors.tip_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    if write and not selectors.tip_can_write(user=request.user, tip=tip):
        raise PermissionDenied
    return tip



@login_required
@require_GET
def tip_queue(request):
    error = None
    try:
        filters = selectors.TipFilters.from_params(request.GET, user=request.user)
    except DomainError as exc:  # a unit out of reach included: shown as a filter error, never a 404 or 500
        error, filters = exc, None
    tips = selectors.tip_list(user=request.user, filters=filters)
    if filters is None:
        tips = tips.none()  # a queue that silently ignored a filter would mislead
    page = LateRowsPaginator(tips, PAGE_SIZE).get_page(request.GET.get("page"))
    params = filters.as_params() if filters else request.GET
    context = {
        "page": page,
        "error": error,
        "form": TipFilterForm(params, user=request.user),
        "query": urlencode(filters.as_params()) if filters else "",
        "overdue_before": selectors.overdue_before(),
        "overdue_hours": _hours(),
    }
    return render(request, "portal/triage_queue.html", context, status=status_of(error))


def _hours() -> str:
    hours = settings.ANTOAN_TIP_OVERDUE_HOURS
    return formats.number_format(int(hours) if float(hours).is_integer() else hours)


# A tip's page ------------------------------------------------------------------------------------

HIDDEN_IN_HISTORY = frozenset({"id"})
_USER_FIELDS = ("assigned_to",)
_TIP_FIELDS = ("duplicate_of",)
_CHOICES = {"category": dict(TipCategory.choices), "status": dict(TipStatus.choices)}


def _history_rows(request, tip: Tip) -> list[dict]:
    """The audit trail as text, ready to show: who, when, and each field before → after."""
    names = {tip.unit_id: tip.unit.name}
    people = {u.pk: str(u) for u in selectors.tip_assignees(user=request.user, tip=tip)}
    if tip.assigned_to_id:
        people[tip.assigned_to_id] = str(tip.assigned_to)

    def shown(field, value) -> str:
        if value is None or value == "":
            return "—"
        if field in _CHOICES:
            return str(_CHOICES[field].get(value, value))
        if field == "unit":
            return names.get(value, f"#{value}")
        if field in _USER_FIELDS:
            return people.get(value, f"#{value}")
        if field in (*_TIP_FIELDS, "incident"):
            return f"#{value}"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if hasattr(value, "tzinfo"):
            return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")
        return str(value)

    rows = []
    for entry in selectors.tip_history(user=request.user, tip=tip):
        changes = [
            {
                "label": capfirst(change.label),
                "before": shown(change.field, change.before),
                "after": shown(change.field, change.after),
            }
            for change in entry.changes
            if change.field not in HIDDEN_IN_HISTORY
        ]
        rows.append({"entry": entry, "changes": changes})
    return rows


def _step_forms(request, tip: Tip) -> dict:
    return {
        "assign_form": TipAssignForm(user=request.user, tip=tip),
        "note_form": TipNoteForm(tip=tip),
        "close_form": TipNotActionableForm(),
        "duplicate_form": TipDuplicateForm(find_tip=_finder(request)),
        "convert_form": TipConvertChoiceForm(tip=tip),
    }


def _finder(request):
    return lambda pk: selectors.tip_get(user=request.user, pk=pk)


def _tip_page(request, tip: Tip, *, bound: dict | None = None):
    """The tip's page; `bound` replaces a step's form by the one just submitted (with its errors)."""
    can_write = selectors.tip_can_write(user=request.user, tip=tip) and tip.is_open
    context = {
        "tip": tip,
        "photos": tip.photos.order_by("pk"),
        "history": _history_rows(request, tip),
        "can_write": can_write,
        "overdue": tip.status == TipStatus.RECEIVED and tip.received_at < selectors.overdue_before(),
        "overdue_hours": _hours(),
        "map": map_settings(),
    }
    if can_write:
        context.update(_step_forms(request, tip))
        context.update(bound or {})
        others = selectors.tip_list(user=request.user, filters=selectors.TipFilters(unit=tip.unit))
        context["suggestions"] = others.exclude(pk=tip.pk)[:DUPLICATE_SUGGESTIONS]
    return render(request, "portal/triage_detail.html", context)


@login_required
@require_GET
def tip_detail(request, pk):
    return _tip_page(request, _tip_or_404(request, pk))


@login_required
@require_GET
def tip_photo(request, pk, photo_pk):
    """A photo of a tip the user may see (404 otherwise), served inline and never sniffed as anything else."""
    tip = _tip_or_404(request, pk)
    photo = tip.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    try:
        handle = photo_path(photo.stored_name).open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _step(request, pk, form_name: str, make_form, run, done: str):
    """One officer's step: the form, the service; done → back to the tip; refused → the page with the errors."""
    tip = _tip_or_404(request, pk, write=True)
    form = make_form(tip)
    if form.is_valid():
        try:
            run(tip, form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("tip-detail", pk=tip.pk)
    tip = _tip_or_404(request, pk)
    if not tip.is_open:  # closed meanwhile: the page has no forms left to show the error on
        for error in form.errors.values():
            for message in error:
                messages.error(request, message)
        return redirect("tip-detail", pk=tip.pk)
    return _tip_page(request, tip, bound={form_name: form})


@login_required
@require_POST
def tip_assign(request, pk):
    return _step(
        request,
        pk,
        "assign_form",
        lambda tip: TipAssignForm(request.POST, user=request.user, tip=tip),
        lambda tip, data: services.tip_assign(user=request.user, tip=tip, assignee=data["assigned_to"]),
        _("Assigned."),
    )


@login_required
@require_POST
def tip_note(request, pk):
    return _step(
        request,
        pk,
        "note_form",
        lambda tip: TipNoteForm(request.POST, tip=tip),
        lambda tip, data: services.tip_note(user=request.user, tip=tip, **data),
        _("Saved."),
    )


@login_required
@require_POST
def tip_not_actionable(request, pk):
    return _step(
        request,
        pk,
        "close_form",
        lambda tip: TipNotActionableForm(request.POST),
        lambda tip, data: services.tip_mark_not_actionable(user=request.user, tip=tip, reason=data["public_reply"]),
        _("The tip is closed as not actionable."),
    )


@login_required
@require_POST
def tip_duplicate(request, pk):
    return _step(
        request,
        pk,
        "duplicate_form",
        lambda tip: TipDuplicateForm(request.POST, find_tip=_finder(request)),
        lambda tip, data: services.tip_mark_duplicate(
            user=request.user, tip=tip, original=data["duplicate_of"], reason=data["public_reply"]
        ),
        _("The tip is closed as a duplicate."),
    )


# Recording a tip as an incident ------------------------------------------------------------------


def _kind_or_404(kind: str) -> str:
    if kind not in IncidentKind.values:
        raise Http404
    return kind


@login_required
@require_GET
def tip_convert_choose(request, pk):
    """The kind select of the tip's page (a GET form) leads to that kind's form."""
    tip = _tip_or_404(request, pk, write=True)
    form = TipConvertChoiceForm(request.GET, tip=tip)
    if not form.is_valid():
        return redirect("tip-detail", pk=tip.pk)
    return redirect("tip-convert", pk=tip.pk, kind=form.cleaned_data["kind"])


@login_required
@require_http_methods(["GET", "POST"])
def tip_convert(request, pk, kind):
    kind = _kind_or_404(kind)
    tip = _tip_or_404(request, pk, write=True)
    if request.method == "GET" and not tip.is_open:
        messages.error(request, _("This tip has been closed; it cannot change any more."))
        return redirect("tip-detail", pk=tip.pk)
    form_class = tip_convert_form_class(kind)
    form = form_class(request.POST or None, user=request.user, initial=tip_convert_initial(tip, kind))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            incident = services.tip_convert(
                user=request.user, tip=tip, kind=kind, public_reply=values.pop("public_reply"), **values
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The tip is recorded as: %(what)s") % {"what": incident.get_kind_display()})
            return redirect("incident-detail", pk=incident.pk)
    context = {
        "form": form,
        "tip": tip,
        "kind": kind,
        "kind_label": IncidentKind(kind).label,
        "kinds": IncidentKind.choices,
        "map": map_settings(),
    }
    return render(request, "portal/triage_convert.html", context)


urlpatterns = [
    path("tin-bao/xu-ly/", tip_queue, name="tip-queue"),
    path("tin-bao/xu-ly/<int:pk>/", tip_detail, name="tip-detail"),
    path("tin-bao/xu-ly/<int:pk>/anh/<int:photo_pk>/", tip_photo, name="tip-photo"),
    path("tin-bao/xu-ly/<int:pk>/giao/", tip_assign, name="tip-assign"),
    path("tin-bao/xu-ly/<int:pk>/ghi-chu/", tip_note, name="tip-note"),
    path("tin-bao/xu-ly/<int:pk>/khong-xu-ly/", tip_not_actionable, name="tip-not-actionable"),
    path("tin-bao/xu-ly/<int:pk>/trung/", tip_duplicate, name="tip-duplicate"),
    path("tin-bao/xu-ly/<int:pk>/chuyen/", tip_convert_choose, name="tip-convert-choose"),
    path("tin-bao/xu-ly/<int:pk>/chuyen/<str:kind>/", tip_convert, name="tip-convert"),
]
