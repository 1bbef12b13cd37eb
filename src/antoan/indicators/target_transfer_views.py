"""The targets' import page, their CSV/XLSX export and the file to fill in (target_transfer). An import runs inline,
as the assessments' does: a year's targets are a few dozen rows. Included under "chi-tieu/" with the namespace
"indicators"."""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.forms import UPLOAD_ERRORS, add_domain_errors
from antoan.core.tabular import import_upload
from antoan.core.values import YEAR_MAX, YEAR_MIN
from antoan.indicators import target_transfer as transfer
from antoan.indicators import targets
from antoan.indicators.models import TargetKind
from antoan.units.models import Unit
from antoan.units.scope import user_scope

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PROBLEMS = 200


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"), error_messages=UPLOAD_ERRORS)
    all_or_nothing = forms.BooleanField(label=_("Write nothing if any row is rejected"), required=False)


def _year(params) -> int | None:
    text = str(params.get("year", "")).strip()
    return int(text) if text.isdigit() and YEAR_MIN <= int(text) <= YEAR_MAX else None


def _unit(request) -> Unit | None:
    """The `unit` parameter (an id) of a unit the user may see; anything else is "not found"."""
    text = request.GET.get("unit", "").strip()
    if not text:
        return None
    unit = Unit.objects.filter(pk=int(text)).first() if text.isdigit() and len(text) < 19 else None
    if unit is None or not user_scope(user=request.user).covers(unit):
        raise Http404
    return unit


def _download(rows, fmt: str, name: str):
    if fmt == "csv":
        response = StreamingHttpResponse(transfer.export_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        transfer.export_xlsx(rows, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def target_export(request, fmt):
    """The targets in the user's scope, of the list's year (and a unit), in the import's columns."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    unit, year = _unit(request), _year(request.GET)
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    name = f"chi-tieu{f'-{year}' if year else ''}{f'-{unit.code}' if unit else ''}-{stamp}"
    return _download(transfer.export_targets(user=request.user, unit=unit, year=year), fmt, name)


@login_required
@require_GET
def target_template(request, fmt):
    """A file to fill in: one row per main indicator for the chosen unit and year (its targets filled in)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    unit, year = _unit(request), _year(request.GET) or clock.today().year
    name = f"mau-chi-tieu-{year}{f'-{unit.code}' if unit else ''}"
    return _download(transfer.template_rows(user=request.user, unit=unit, year=year), fmt, name)


def _kinds() -> list[tuple[str, str]]:
    with translation.override("vi"):
        return [(k.value, str(k.label)) for k in TargetKind]


@login_required
@require_http_methods(["GET", "POST"])
def target_import(request):
    if not targets.target_can_create(user=request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_upload(form.cleaned_data["file"], transfer.import_targets, user=request.user,
                                   all_or_nothing=form.cleaned_data["all_or_nothing"])  # fmt: skip
        except DomainError as exc:  # the file as a whole (type, size, header)
            add_domain_errors(form, exc)
    this_year = clock.today().year
    context = {
        "form": form,
        "report": report,
        "problems": report.rejected[:SHOWN_PROBLEMS] if report else [],
        "more_problems": max(len(report.rejected) - SHOWN_PROBLEMS, 0) if report else 0,
        "columns": transfer.COLUMNS,
        "required": transfer.REQUIRED,
        "kinds": _kinds(),
        "units": list(targets.target_unit_choices(user=request.user)[:300]),
        "this_year": this_year,
    }
    return render(request, "indicators/targets_import.html", context)


urlpatterns = [
    path("ke-hoach/nhap/", target_import, name="target_import"),
    path("ke-hoach/xuat.<str:fmt>", target_export, name="target_export"),
    path("ke-hoach/mau.<str:fmt>", target_template, name="target_template"),
]
