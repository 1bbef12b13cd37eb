"""Import and export pages of the registry: upload with a progress bar, CSV/XLSX download of any list."""

import io
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.filters import refused
from antoan.core.forms import UPLOAD_ERRORS, add_domain_errors
from antoan.incidents import jobs, selectors
from antoan.incidents.models import ImportJob
from antoan.incidents.transfer import COLUMNS, export_csv, export_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"), error_messages=UPLOAD_ERRORS)
    all_or_nothing = forms.BooleanField(label=_("Write nothing if any row is rejected"), required=False)


@login_required
def incident_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        filters = selectors.IncidentFilters.from_params(request.GET, user=request.user)
    except DomainError as exc:
        return refused(exc)
    incidents = selectors.incident_list(user=request.user, filters=filters).iterator(chunk_size=2000)
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(export_csv(incidents), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        export_xlsx(incidents, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="su-viec-{stamp}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def incident_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.import_job_start(
                user=request.user,
                uploaded=form.cleaned_data["file"],
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            return redirect("incident-import-job", pk=job.pk)
    recent = ImportJob.objects.filter(user=request.user)[:10]
    return render(request, "incidents/import.html", {"form": form, "recent": recent, "columns": COLUMNS})


@login_required
def incident_import_template(request):
    """An empty file with the header row, to fill in."""
    response = HttpResponse("".join(export_csv([])), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-su-viec.csv"'
    return response


def _job_or_404(request, pk) -> ImportJob:
    try:
        return jobs.import_job_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
def incident_import_job(request, pk):
    """The progress page; HTMX asks for the progress fragment every second until the import ends."""
    job = _job_or_404(request, pk)
    template = "incidents/import_progress.html" if request.headers.get("HX-Request") else "incidents/import_job.html"
    problems = jobs.problems_path(job)
    has_problems = job.finished and problems is not None and problems.exists()
    return render(request, template, {"job": job, "has_problems": has_problems})


@login_required
def incident_import_problems(request, pk):
    job = _job_or_404(request, pk)
    path = jobs.problems_path(job)
    if path is None or not path.exists():
        raise Http404
    name = f"{Path(job.file_name).stem}-loi.csv"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type="text/csv")


transfer_urlpatterns = [
    path("su-viec/xuat.<str:fmt>", incident_export, name="incident-export"),
    path("su-viec/nhap/", incident_import, name="incident-import"),
    path("su-viec/nhap/mau.csv", incident_import_template, name="incident-import-template"),
    path("su-viec/nhap/<int:pk>/", incident_import_job, name="incident-import-job"),
    path("su-viec/nhap/<int:pk>/loi.csv", incident_import_problems, name="incident-import-problems"),
]
