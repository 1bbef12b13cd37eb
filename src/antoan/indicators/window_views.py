"""The pages of special windows (đợt đặc biệt): list, create, edit, delete. Included under "chi-tieu/" with the
namespace "indicators"; every value is judged by window_services, which answers bilingually."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from antoan.core.errors import DomainError, NotFound
from antoan.core.forms import TextField, add_domain_errors
from antoan.indicators import window_services as services
from antoan.indicators import windows
from antoan.indicators.periods import Period

REQUIRED = ("slug", "name", "start", "end")


class WindowForm(forms.Form):
    """Text in, text out: the service judges every value."""

    slug = TextField(label=gettext_lazy("code"), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    name = TextField(label=gettext_lazy("name"))
    start = TextField(label=gettext_lazy("start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end = TextField(label=gettext_lazy("end date"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = TextField(label=gettext_lazy("unit"))
    note = TextField(label=gettext_lazy("note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, window=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = list(windows.special_window_unit_choices(user=user))
        if window is not None and window.unit is not None and window.unit not in units:
            units.insert(0, window.unit)
        national = _("National (no unit)")
        self.fields["unit"].widget = forms.Select(choices=[("", national), *((str(u.pk), str(u)) for u in units)])
        for name in REQUIRED:
            self.fields[name].shows_required = True


def _initial(window) -> dict:
    return {
        "slug": window.slug,
        "name": window.name,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "unit": str(window.unit_id or ""),
        "note": window.note,
    }


def _get(request, pk, *, write=False):
    try:
        window = windows.special_window_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    if write and not windows.special_window_can_write(user=request.user, window=window):
        raise PermissionDenied
    return window


@login_required
def window_list(request):
    listed = windows.special_window_list(user=request.user)
    rows = [(w, Period.of_window(w), windows.special_window_can_write(user=request.user, window=w)) for w in listed]
    context = {"rows": rows, "can_create": windows.special_window_can_create(user=request.user)}
    return render(request, "indicators/windows.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def window_create(request):
    if not windows.special_window_can_create(user=request.user):
        raise PermissionDenied
    return _form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def window_edit(request, pk):
    return _form(request, _get(request, pk, write=True))


def _form(request, window):
    initial = _initial(window) if window else {}
    form = WindowForm(request.POST or None, initial=initial, user=request.user, window=window)
    if request.method == "POST" and form.is_valid():
        try:
            if window is None:
                services.special_window_create(user=request.user, **form.cleaned_data)
            else:
                services.special_window_update(user=request.user, window=window, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("indicators:window_list")
    return render(request, "indicators/windows_form.html", {"form": form, "window": window})


@login_required
@require_http_methods(["GET", "POST"])
def window_delete(request, pk):
    window = _get(request, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            services.special_window_delete(user=request.user, window=window)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Deleted."))
            return redirect("indicators:window_list")
    context = {"window": window, "period": Period.of_window(window), "error": error}
    return render(request, "indicators/windows_delete.html", context)


urlpatterns = [
    path("dot-dac-biet/", window_list, name="window_list"),
    path("dot-dac-biet/them/", window_create, name="window_create"),
    path("dot-dac-biet/<int:pk>/sua/", window_edit, name="window_edit"),
    path("dot-dac-biet/<int:pk>/xoa/", window_delete, name="window_delete"),
]
