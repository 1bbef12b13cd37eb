"""Pages of the movement ratings (xếp loại phong trào, Quyết định 510/QĐ-BCA-V05): list, scoring sheet, result."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antoan.assessment import selectors, services
from antoan.assessment.forms import RatingFilterForm, RatingForm, SubjectPickForm
from antoan.assessment.ratings import rating_scale_get, rating_sheet_choose
from antoan.assessment.views import PAGE_SIZE, can_write_somewhere, unit_or_404
from antoan.core.errors import DomainError, Message, NotFound
from antoan.core.filters import status_of
from antoan.core.forms import add_domain_errors


def _rating_or_404(request, pk, *, write=False, deleted_too=False):
    try:
        rating = selectors.rating_get(user=request.user, pk=pk, deleted_too=deleted_too)
    except NotFound:
        raise Http404 from None
    if write and not selectors.rating_can_write(user=request.user, rating=rating):
        raise PermissionDenied
    return rating


@login_required
def rating_list(request):
    error = None
    try:
        filters = selectors.RatingFilters.from_params(request.GET, user=request.user)
    except DomainError as exc:
        error, filters = exc, None
    ratings = selectors.rating_list(user=request.user, filters=filters)
    if filters is None:
        ratings = ratings.none()
    context = {
        "page": Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page")),
        "error": error,
        "form": RatingFilterForm(filters.as_params() if filters else request.GET, user=request.user),
        "query": urlencode(filters.as_params()) if filters else "",
        "can_write": can_write_somewhere(request.user),
    }
    return render(request, "assessment/rating_list.html", context, status=status_of(error))


@login_required
@require_http_methods(["GET", "POST"])
def rating_create(request):
    if not can_write_somewhere(request.user):
        raise PermissionDenied
    raw_unit = (request.GET.get("unit") or "").strip()
    try:
        errors = {}
        unit = unit_or_404(request, raw_unit, write=True) if raw_unit else None
        try:
            year = services.clean_year(request.GET.get("year"))
        except DomainError as exc:
            errors.update(exc.errors)
        if unit is None:
            errors.setdefault("unit", Message("Chọn đơn vị", "Choose a unit"))
        if errors:
            raise DomainError(errors)
        scale, sheet = rating_sheet_choose(subject_type=services.subject_type_for(unit, year), year=year)
    except DomainError as exc:
        pick = SubjectPickForm(request.GET or None, user=request.user)
        if request.GET:
            add_domain_errors(pick, exc)
        return render(request, "assessment/rating_pick.html", {"form": pick})
    existing = selectors.rating_find(user=request.user, unit=unit, year=year)
    if existing is not None and request.method == "GET":
        messages.info(request, _("This unit already has a rating for that year: edit it here."))
        return redirect("rating-update", pk=existing.pk)
    return _form_page(request, unit=unit, year=year, scale=scale, sheet=sheet, rating=None)


@login_required
@require_http_methods(["GET", "POST"])
def rating_update(request, pk):
    rating = _rating_or_404(request, pk, write=True)
    scale = rating_scale_get(rating.scale)
    sheet = scale.sheet_for(rating.subject_type) if scale else None
    if sheet is None:
        raise Http404
    return _form_page(request, unit=rating.unit, year=rating.year, scale=scale, sheet=sheet, rating=rating)


def _form_page(request, *, unit, year, scale, sheet, rating):
    initial = dict(rating.points) if rating else None
    form = RatingForm(request.POST or None, sheet=sheet, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved, outcome = services.rating_record(user=request.user, unit=unit, year=year, points=form.points())
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Nothing changed.") if outcome == services.UNCHANGED else _("Saved."))
            return redirect("rating-detail", pk=saved.pk)
    context = {"form": form, "unit": unit, "year": year, "scale": scale, "sheet": sheet, "rating": rating}
    return render(request, "assessment/rating_form.html", context)


@login_required
def rating_detail(request, pk):
    rating = _rating_or_404(request, pk, deleted_too=True)
    context = {
        "rating": rating,
        "deleted_kind": "ratings",
        "scale": rating_scale_get(rating.scale),
        "lines": selectors.rating_lines(rating),
        "history": selectors.rating_history(user=request.user, rating=rating),
        "can_write": selectors.rating_can_write(user=request.user, rating=rating),
    }
    return render(request, "assessment/rating_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rating_delete(request, pk):
    rating = _rating_or_404(request, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            reason = request.POST.get("reason", "").replace("\x00", "")
            services.rating_delete(user=request.user, rating=rating, reason=reason)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Deleted: %(what)s") % {"what": rating})
            return redirect("rating-list")
    context = {
        "object": rating,
        "error": error,
        "title": _("Delete the rating"),
        "cancel": reverse("rating-detail", args=[rating.pk]),
    }
    return render(request, "assessment/confirm_delete.html", context)
