"""CSV/XLSX export of the lists and the import pages (synchronous: the files are small, one row per criterion)."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from antoan.assessment import selectors, transfer
from antoan.assessment.forms import ImportForm
from antoan.assessment.views import can_write_somewhere
from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.filters import refused
from antoan.core.forms import add_domain_errors
from antoan.core.tabular import import_upload

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PROBLEMS = 200

KINDS = {
    "assessments": {
        "columns": transfer.ASSESSMENT_COLUMNS,
        "required": transfer.ASSESSMENT_REQUIRED,
        "run": transfer.import_assessments,
        "file": "danh-gia",
        "sheet": "danh_gia",
    },
    "ratings": {
        "columns": transfer.RATING_COLUMNS,
        "required": transfer.RATING_REQUIRED,
        "run": transfer.import_ratings,
        "file": "xep-loai",
        "sheet": "xep_loai",
    },
}


def _download(rows, fmt: str, kind: str):
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(transfer.export_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        transfer.export_xlsx(rows, buffer, sheet=KINDS[kind]["sheet"])
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{KINDS[kind]["file"]}-{stamp}.{fmt}"'
    return response


@login_required
def assessment_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        filters = selectors.AssessmentFilters.from_params(request.GET, user=request.user)
    except DomainError as exc:
        return refused(exc)
    assessments = selectors.assessment_list(user=request.user, filters=filters).prefetch_related("criteria")
    return _download(transfer.assessment_rows(assessments.iterator(chunk_size=500)), fmt, "assessments")


@login_required
def rating_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        filters = selectors.RatingFilters.from_params(request.GET, user=request.user)
    except DomainError as exc:
        return refused(exc)
    ratings = selectors.rating_list(user=request.user, filters=filters)
    return _download(transfer.rating_rows(ratings.iterator(chunk_size=500)), fmt, "ratings")


def _import_page(request, kind: str):
    if not can_write_somewhere(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_upload(form.cleaned_data["file"], KINDS[kind]["run"], user=request.user,
                                   all_or_nothing=form.cleaned_data["all_or_nothing"])  # fmt: skip
        except DomainError as exc:  # the file as a whole (type, size, header)
            add_domain_errors(form, exc)
    context = {
        "form": form,
        "kind": kind,
        "report": report,
        "problems": report.rejected[:SHOWN_PROBLEMS] if report else [],
        "more_problems": max(len(report.rejected) - SHOWN_PROBLEMS, 0) if report else 0,
        "columns": KINDS[kind]["columns"],
        "required": KINDS[kind]["required"],
    }
    return render(request, "assessment/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_import(request):
    return _import_page(request, "assessments")


@login_required
@require_http_methods(["GET", "POST"])
def rating_import(request):
    return _import_page(request, "ratings")


@login_required
def import_template(request, kind):
    if kind not in KINDS:
        raise Http404
    rows = iter([list(KINDS[kind]["columns"])])
    response = HttpResponse("".join(transfer.export_csv(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mau-{KINDS[kind]["file"]}.csv"'
    return response
