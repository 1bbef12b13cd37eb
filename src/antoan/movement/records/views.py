"""The pages of any record type: list (filters, pagination, export links), create/edit/delete forms,
detail with history, CSV/XLSX export and a (synchronous) import. `record_urlpatterns(rt)` makes them."""

import io
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.filters import refused, status_of
from antoan.core.forms import UPLOAD_ERRORS, TextField, add_domain_errors
from antoan.core.pagination import LateRowsPaginator
from antoan.core.tabular import ImportFileError
from antoan.movement.records import FieldSpec, RecordType, services
from antoan.movement.records import selectors as records
from antoan.movement.records.transfer import export_csv, export_xlsx, import_records
from antoan.units.scope import user_scope

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _widget(spec: FieldSpec):
    if spec.kind == "choice":
        return forms.Select(choices=[("", "—"), *spec.choices])
    if spec.kind == "bool":
        return forms.Select(choices=[("0", gettext_lazy("No")), ("1", gettext_lazy("Yes"))])
    if spec.kind == "date":
        return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if spec.kind == "longtext":
        return forms.Textarea(attrs={"rows": 3})
    if spec.kind in ("int", "ref"):
        return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    return forms.TextInput()


def record_form_class(rt: RecordType, *, user) -> type[forms.Form]:
    """A loose form (text in, text out): the service judges every value, bilingually."""
    fields = {}
    for spec in rt.specs:
        if spec.kind == "unit":
            units = [(str(u.pk), str(u)) for u in records.record_unit_choices(rt, user=user)]
            fields[spec.name] = TextField(label=spec.label, widget=forms.Select(choices=[("", "—"), *units]))
        else:
            fields[spec.name] = TextField(label=spec.label, widget=_widget(spec))
        fields[spec.name].shows_required = spec.required
    return type(f"{rt.model.__name__}Form", (forms.Form,), fields)


def _initial(rt: RecordType, record) -> dict:
    initial = {}
    for spec in rt.specs:
        value = getattr(record, spec.name)
        if spec.kind in ("unit", "ref"):
            value = value.pk if value is not None else ""
        elif spec.kind == "date" and value is not None:
            value = value.isoformat()
        elif spec.kind == "bool":
            value = "1" if value else "0"
        initial[spec.name] = "" if value is None else value
    return initial


def _get_or_404(rt: RecordType, request, pk, *, write=False, deleted_too=False):
    try:
        record = records.record_get(rt, user=request.user, pk=pk, deleted_too=deleted_too)
    except NotFound:
        raise Http404 from None
    if write and not records.record_can_write(rt, user=request.user, record=record):
        raise PermissionDenied
    return record


def _name(rt: RecordType, page: str) -> str:
    return f"{rt.key}-{page}"


def _list(rt: RecordType):
    @login_required
    def view(request):
        error = None
        try:
            filters = records.record_filters_class(rt).from_params(request.GET, user=request.user)
        except DomainError as exc:
            error, filters = exc, None
        listed = records.record_list(rt, user=request.user, filters=filters)
        if filters is None:
            listed = listed.none()
        page = LateRowsPaginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
        query = urlencode(filters.as_params()) if filters else ""
        context = {
            "rt": rt,
            "page": page,
            "rows": [(record, [getattr(record, c) for c in rt.list_columns]) for record in page],
            "columns": [_column_label(rt, c) for c in rt.list_columns],
            "filter_specs": [(rt.spec(name), request.GET.get(name, "")) for name in rt.filter_fields],
            "params": request.GET,
            "units": records.record_unit_choices(rt, user=request.user),
            "query": query,
            "error": error,
            "can_write": not user_scope(user=request.user, write=True).nothing,
        }
        return render(request, "records/list.html", context, status=status_of(error))

    return view


def _column_label(rt: RecordType, name: str) -> str:
    return str(rt.model._meta.get_field(name).verbose_name)


def _detail(rt: RecordType):
    @login_required
    def view(request, pk):
        record = _get_or_404(rt, request, pk, deleted_too=True)
        shown = [*rt.fields, *(f for f in rt.list_columns if f not in rt.fields)]
        context = {
            "rt": rt,
            "record": record,
            "deleted_kind": rt.key,
            "facts": [
                (_column_label(rt, f), getattr(record, f"get_{f}_display", lambda f=f: getattr(record, f))())
                for f in shown
            ],  # fmt: skip
            "history": records.record_history(rt, user=request.user, record=record),
            "can_write": records.record_can_write(rt, user=request.user, record=record),
        }
        return render(request, "records/detail.html", context)

    return view


def _form(rt: RecordType, *, editing: bool):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk=None):
        record = _get_or_404(rt, request, pk, write=True) if editing else None
        if not editing and user_scope(user=request.user, write=True).nothing:
            raise PermissionDenied
        form_class = record_form_class(rt, user=request.user)
        initial = _initial(rt, record) if record else {k: v for k, v in request.GET.items() if k in rt.fields}
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                if record is None:
                    record = services.record_create(rt, user=request.user, **form.cleaned_data)
                else:
                    record, _changed = services.record_update(
                        rt, user=request.user, instance=record, **form.cleaned_data
                    )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(_name(rt, "detail"), pk=record.pk)
        return render(request, "records/form.html", {"rt": rt, "form": form, "record": record})

    return view


def _delete(rt: RecordType):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        record = _get_or_404(rt, request, pk, write=True)
        error = None
        if request.method == "POST":
            try:
                reason = request.POST.get("reason", "").replace("\x00", "").strip()
                services.record_delete(rt, user=request.user, instance=record, reason=reason)
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _("Deleted."))
                return redirect(_name(rt, "list"))
        return render(request, "records/delete.html", {"rt": rt, "record": record, "error": error})

    return view


def _export(rt: RecordType):
    @login_required
    def view(request, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        try:
            filters = records.record_filters_class(rt).from_params(request.GET, user=request.user)
        except DomainError as exc:
            return refused(exc)
        listed = records.record_list(rt, user=request.user, filters=filters).iterator(chunk_size=2000)
        stamp = clock.local_now().strftime("%Y%m%d-%H%M")
        if fmt == "csv":
            response = StreamingHttpResponse(export_csv(rt, listed), content_type="text/csv; charset=utf-8")
        else:
            buffer = io.BytesIO()
            export_xlsx(rt, listed, buffer)
            response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{rt.slug}-{stamp}.{fmt}"'
        return response

    return view


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.csv or .xlsx)"), error_messages=UPLOAD_ERRORS)
    all_or_nothing = forms.BooleanField(label=gettext_lazy("Write nothing if any row is rejected"), required=False)


def _import(rt: RecordType):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request):
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = import_records(
                    rt,
                    user=request.user,
                    uploaded=form.cleaned_data["file"],
                    all_or_nothing=form.cleaned_data["all_or_nothing"],
                )
            except ImportFileError as exc:
                add_domain_errors(form, exc)
        context = {"rt": rt, "form": form, "report": report, "columns": rt_columns(rt)}
        return render(request, "records/import.html", context)

    return view


def rt_columns(rt: RecordType) -> list[str]:
    from antoan.movement.records.transfer import columns

    return list(columns(rt))


def record_urlpatterns(rt: RecordType) -> list:
    base = rt.slug
    return [
        path(f"{base}/", _list(rt), name=_name(rt, "list")),
        path(f"{base}/them/", _form(rt, editing=False), name=_name(rt, "create")),
        path(f"{base}/xuat.<str:fmt>", _export(rt), name=_name(rt, "export")),
        path(f"{base}/nhap/", _import(rt), name=_name(rt, "import")),
        path(f"{base}/<int:pk>/", _detail(rt), name=_name(rt, "detail")),
        path(f"{base}/<int:pk>/sua/", _form(rt, editing=True), name=_name(rt, "update")),
        path(f"{base}/<int:pk>/xoa/", _delete(rt), name=_name(rt, "delete")),
    ]
