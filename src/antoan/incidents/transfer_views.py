"""Import and export pages of the registry (upload with progress, CSV/XLSX download)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path


@login_required
def incident_export(request, fmt):
    return HttpResponse(status=501)


@login_required
def incident_import(request):
    return HttpResponse(status=501)


transfer_urlpatterns = [
    path("su-viec/xuat.<str:fmt>", incident_export, name="incident-export"),
    path("su-viec/nhap/", incident_import, name="incident-import"),
]
