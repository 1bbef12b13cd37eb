"""Pages of the "An toàn về ANTT" assessments: the list, the form (one row per criterion), a result with its
explanation and history, a unit's results over the years with the shares under it.

Each view parses, calls one selector or service and renders; the rules live in services.py and selectors.py.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antoan.assessment import selectors, services
from antoan.assessment.criteria import criteria_set_choose, criteria_set_get, subject_type_of
from antoan.assessment.forms import AssessmentFilterForm, AssessmentForm, SubjectPickForm
from antoan.assessment.shares import recognition_share_years
from antoan.core import clock
from antoan.core.errors import DomainError, Message, NotFound
from antoan.core.filters import status_of
from antoan.core.forms import add_domain_errors
from antoan.units.models import Unit
from antoan.units.scope import user_scope
from antoan.units.selectors import unit_can_write, unit_children, unit_get

PAGE_SIZE = 50


def can_write_somewhere(user) -> bool:
    return not user_scope(user=user, write=True).nothing


def unit_or_404(request, pk, *, write=False) -> Unit:
    try:
        unit = unit_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    if write and not unit_can_write(user=request.user, unit=unit):
        raise PermissionDenied
    return unit


def _assessment_or_404(request, pk, *, write=False, deleted_too=False):
    try:
        assessment = selectors.assessment_get(user=request.user, pk=pk, deleted_too=deleted_too)
    except NotFound:
        raise Http404 from None
    if write and not selectors.assessment_can_write(user=request.user, assessment=assessment):
        raise PermissionDenied
    return assessment


@login_required
def assessment_list(request):
    error = None
    try:
        filters = selectors.AssessmentFilters.from_params(request.GET, user=request.user)
    except DomainError as exc:
        error, filters = exc, None
    assessments = selectors.assessment_list(user=request.user, filters=filters)
    if filters is None:
        assessments = assessments.none()
    page = Paginator(assessments.prefetch_related("criteria"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, selectors.assessment_result(a)) for a in page]
    context = {
        "page": page,
        "rows": rows,
        "error": error,
        "form": AssessmentFilterForm(filters.as_params() if filters else request.GET, user=request.user),
        "query": urlencode(filters.as_params()) if filters else "",
        "can_write": can_write_somewhere(request.user),
    }
    return render(request, "assessment/assessment_list.html", context, status=status_of(error))


def _subject_from_params(request):
    """(unit, year, criteria set, subject) from ?unit=&year=, or the errors that prevent them."""
    unit = year = None
    errors: dict = {}
    raw_unit = (request.GET.get("unit") or "").strip()
    if raw_unit:
        unit = unit_or_404(request, raw_unit, write=True)
    try:
        year = services.clean_year(request.GET.get("year"))
    except DomainError as exc:
        errors.update(exc.errors)
    if unit is None:
        errors.setdefault("unit", Message("Chọn đơn vị", "Choose a unit"))
    if errors:
        raise DomainError(errors)
    subject_type = services.subject_type_for(unit, year)
    chosen, subject = criteria_set_choose(subject_type=subject_type, year=year)
    return unit, year, chosen, subject


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request):
    if not can_write_somewhere(request.user):
        raise PermissionDenied
    try:
        unit, year, chosen, subject = _subject_from_params(request)
    except DomainError as exc:
        pick = SubjectPickForm(request.GET or None, user=request.user)
        if request.GET:
            add_domain_errors(pick, exc)
        return render(request, "assessment/assessment_pick.html", {"form": pick})
    existing = selectors.assessment_find(user=request.user, unit=unit, year=year)
    if existing is not None and request.method == "GET":
        messages.info(request, _("This unit already has an assessment for that year: edit it here."))
        return redirect("assessment-update", pk=existing.pk)
    return _form_page(request, unit=unit, year=year, chosen=chosen, subject=subject, assessment=None)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_update(request, pk):
    assessment = _assessment_or_404(request, pk, write=True)
    chosen = criteria_set_get(assessment.criteria_set)
    subject = chosen.subjects[assessment.subject_type]
    return _form_page(
        request, unit=assessment.unit, year=assessment.year, chosen=chosen, subject=subject, assessment=assessment
    )


def _form_page(request, *, unit, year, chosen, subject, assessment):
    initial = AssessmentForm.initial_from(assessment) if assessment else None
    form = AssessmentForm(request.POST or None, subject=subject, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved, outcome = services.assessment_record(
                user=request.user,
                unit=unit,
                year=year,
                results=form.results(),
                criteria_set=assessment.criteria_set if assessment else None,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Nothing changed.") if outcome == services.UNCHANGED else _("Saved."))
            return redirect("assessment-detail", pk=saved.pk)
    context = {
        "form": form,
        "unit": unit,
        "year": year,
        "criteria_set": chosen,
        "subject": subject,
        "window": subject.window.of_year(year),
        "share_min_text": _share_min_text(subject),
        "assessment": assessment,
    }
    return render(request, "assessment/assessment_form.html", context)


def _share_min_text(subject) -> str:
    if subject.residential_area_share_min is None:
        return ""
    english = (get_language() or "").startswith("en")
    return selectors.percent(round(subject.residential_area_share_min * 10_000), 10_000, vi=not english)


@login_required
def assessment_detail(request, pk):
    assessment = _assessment_or_404(request, pk, deleted_too=True)
    try:
        chosen = criteria_set_get(assessment.criteria_set)
        subject = chosen.subjects.get(assessment.subject_type)
    except DomainError:
        chosen = subject = None
    context = {
        "assessment": assessment,
        "deleted_kind": "assessments",
        "result": selectors.assessment_result(assessment),
        "lines": selectors.assessment_lines(assessment),
        "areas": selectors.residential_areas_of(assessment),
        "criteria_set": chosen,
        "window": subject.window.of_year(assessment.year) if subject else None,
        "history": selectors.assessment_history(user=request.user, assessment=assessment),
        "can_write": selectors.assessment_can_write(user=request.user, assessment=assessment),
    }
    return render(request, "assessment/assessment_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete(request, pk):
    assessment = _assessment_or_404(request, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            reason = request.POST.get("reason", "").replace("\x00", "")
            services.assessment_delete(user=request.user, assessment=assessment, reason=reason)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Deleted: %(what)s") % {"what": assessment})
            return redirect("assessment-list")
    context = {
        "object": assessment,
        "error": error,
        "title": _("Delete the assessment"),
        "cancel": reverse("assessment-detail", args=[assessment.pk]),
    }
    return render(request, "assessment/confirm_delete.html", context)


@login_required
def assessment_unit(request, pk):
    """A unit's results over the years, its ratings, and (for a unit with units below) the shares per year."""
    unit = unit_or_404(request, pk)
    assessments = selectors.assessment_history_of_unit(user=request.user, unit=unit)
    has_children = unit_children(user=request.user, unit=unit).exists()
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "assessments": [(a, selectors.assessment_result(a)) for a in assessments],
        "ratings": selectors.ratings_of_unit(user=request.user, unit=unit),
        "shares": recognition_share_years(user=request.user, unit=unit) if has_children else [],
        "has_children": has_children,
        "assessable": subject_type_of(unit) is not None,
        "can_write": unit_can_write(user=request.user, unit=unit),
        "this_year": clock.today().year,
    }
    return render(request, "assessment/assessment_unit.html", context)
