"""The pages of targets (chỉ tiêu): the list, a unit's year as a grid (one row per main indicator, entered in one go),
one target's form, its page with the change history, and delete. Included under "chi-tieu/" with the namespace
"indicators"; every value is judged by target_services, which answers bilingually."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.core.forms import TextField, add_domain_errors
from antoan.core.values import YEAR_MAX, YEAR_MIN
from antoan.indicators import target_services as services
from antoan.indicators import targets
from antoan.indicators.catalogue import indicators, sections
from antoan.indicators.models import TargetKind
from antoan.indicators.periods import Period
from antoan.units.models import Unit
from antoan.units.scope import user_scope

PAGE_SIZE = 50
MAX_ROWS = 500
REQUIRED = ("unit", "year", "indicator", "kind")


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _kind_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((k.value, str(k.label)) for k in TargetKind)]


def _indicator_choices() -> list[tuple[str, str]]:
    english = _english()
    return [(code, f"{i.en if english else i.vi} ({i.measure})") for code, i in indicators().items()]


class TargetForm(forms.Form):
    """Text in, text out: the service judges every value."""

    unit = TextField(label=gettext_lazy("unit"))
    year = TextField(label=gettext_lazy("year"), widget=forms.NumberInput(attrs={"min": YEAR_MIN, "max": YEAR_MAX}))
    indicator = TextField(label=gettext_lazy("indicator"))
    kind = TextField(label=gettext_lazy("kind of target"))
    value = TextField(label=gettext_lazy("value"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    document = TextField(label=gettext_lazy("document"))
    note = TextField(label=gettext_lazy("note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = list(targets.target_unit_choices(user=user))
        if target is not None and target.unit not in units:
            units.insert(0, target.unit)
        self.fields["unit"].widget = forms.Select(choices=[("", "—"), *((str(u.pk), _unit_label(u)) for u in units)])
        self.fields["indicator"].widget = forms.Select(choices=[("", "—"), *_indicator_choices()])
        self.fields["kind"].widget = forms.Select(choices=_kind_choices("—"))
        self.fields["document"].help_text = _("The document that sets it, e.g. Nghị quyết 12/NQ-HĐND ngày 10/12/2020")
        for name in REQUIRED:
            self.fields[name].shows_required = True


def _unit_label(unit: Unit) -> str:
    until = f" (… {unit.valid_to:%d/%m/%Y})" if unit.valid_to else ""
    return f"{unit.name}{until}"


def _initial(target) -> dict:
    return {
        "unit": str(target.unit_id),
        "year": str(target.year),
        "indicator": target.indicator,
        "kind": target.kind,
        "value": "" if target.value is None else _decimal_text(target.value),
        "document": target.document,
        "note": target.note,
    }


def _decimal_text(value) -> str:
    """5.00 → "5"; 82.50 → "82,5" (what a person types back)."""
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return text.replace(".", ",")


def _get(request, pk, *, write=False, deleted_too=False):
    try:
        target = targets.target_get(user=request.user, pk=pk, deleted_too=deleted_too)
    except NotFound:
        raise Http404 from None
    if write and (target.is_deleted or not targets.target_can_write(user=request.user, unit=target.unit)):
        raise PermissionDenied
    return target


def _unit_or_404(request, pk) -> Unit:
    unit = Unit.objects.filter(pk=pk).select_related("parent").first()
    if unit is None or not user_scope(user=request.user).covers(unit):
        raise Http404
    return unit


# The list -------------------------------------------------------------------------------------------------


@login_required
def target_list(request):
    year = request.GET.get("year", "").strip()
    year = int(year) if year.isdigit() and YEAR_MIN <= int(year) <= YEAR_MAX else None
    listed = targets.target_list(user=request.user, year=year)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    catalogue = indicators()
    english = _english()
    rows = []
    for target in page:
        indicator = catalogue.get(target.indicator)
        said_vi, said_en = targets.target_statement(target)
        name = (indicator.en if english else indicator.vi) if indicator else target.indicator
        rows.append((target, name, said_en if english else said_vi))
    this_year = clock.today().year
    context = {
        "page": page,
        "rows": rows,
        "year": year,
        "years": list(range(this_year + 1, this_year - 6, -1)),
        "can_create": targets.target_can_create(user=request.user),
        "units": list(targets.target_unit_choices(user=request.user, write=False)[:300]),
        "this_year": this_year,
    }
    return render(request, "indicators/targets.html", context)


@login_required
def target_pick(request):
    """The list's "unit and year" picker sends here: on to that unit's year."""
    try:
        unit = int(request.GET.get("unit", ""))
        year = int(request.GET.get("year", ""))
    except ValueError:
        messages.error(request, _("Choose a unit and a year."))
        return redirect("indicators:target_list")
    return redirect("indicators:target_year", unit_pk=unit, year=year)


# A unit's year, in one go --------------------------------------------------------------------------------


def _grid_rows(unit: Unit, year: int, existing: list) -> list[dict]:
    """One row per main indicator of the catalogue (its targets, or an empty row), then the targets of the other
    indicators (parts, and codes no longer listed), each with its section."""
    catalogue = indicators()
    by_code: dict[str, list] = {}
    for target in existing:
        by_code.setdefault(target.indicator, []).append(target)
    rows = []
    for code, indicator in catalogue.items():
        if indicator.parent and code not in by_code:
            continue
        if code in by_code:
            rows += [{"indicator": indicator, "target": t} for t in by_code.pop(code)]
        else:
            rows.append({"indicator": indicator, "target": None})
    for code, rest in by_code.items():
        rows += [{"indicator": None, "code": code, "target": t} for t in rest]
    order = {s.code: i for i, s in enumerate(sections())}
    rows.sort(key=lambda r: order.get(r["indicator"].section, len(order)) if r["indicator"] else len(order) + 1)
    for index, row in enumerate(rows):
        row["index"] = index
        row["code"] = row["indicator"].code if row["indicator"] else row.get("code", "")
    return rows


def _posted_rows(post) -> list[dict]:
    try:
        count = min(int(post.get("row_count", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        row = {field: post.get(f"r{i}-{field}", "") for field in ("id", "indicator", "kind", "value", "document")}
        rows.append(row)
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def target_year(request, unit_pk, year):
    unit = _unit_or_404(request, unit_pk)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404
    can_write = targets.target_can_write(user=request.user, unit=unit)
    existing = targets.targets_for(user=request.user, unit=unit, year=year)
    rows = _grid_rows(unit, year, existing)
    errors: dict = {}
    posted = None
    document = ""
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        posted = _posted_rows(request.POST)
        document = request.POST.get("document", "")
        try:
            counts = services.targets_save(user=request.user, unit=unit, year=year, rows=posted, document=document)
        except DomainError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Saved: %(created)s new, %(updated)s changed, %(deleted)s deleted.")
                % {k: counts[k] for k in ("created", "updated", "deleted")},
            )
            return redirect("indicators:target_year", unit_pk=unit.pk, year=year)
    results = {}
    if existing and year <= clock.today().year:
        try:
            judged = targets.target_results(user=request.user, unit=unit, period=Period.of_year(year))
        except DomainError:
            judged = []
        results = {r.target.pk: r for r in judged}
    english = _english()
    shown_rows = []
    for row in rows:
        target = row["target"]
        sent = posted[row["index"]] if posted and row["index"] < len(posted) else None
        values = sent or {
            "kind": target.kind if target else "",
            "value": _decimal_text(target.value) if target and target.value is not None else "",
            "document": target.document if target else "",
        }
        said = targets.target_statement(target) if target else ("", "")
        result = results.get(target.pk) if target else None
        shown_rows.append({
            **row,
            "name": (row["indicator"].en if english else row["indicator"].vi) if row["indicator"] else row["code"],
            "measure": row["indicator"].measure if row["indicator"] else "",
            "is_part": bool(row["indicator"] and row["indicator"].parent),
            "values": values,
            "statement": said[1] if english else said[0],
            "result": result,
            "phrase": (result.detail_en if english else result.detail_vi) if result else "",
            "errors": {f: errors[services.row_field(row["index"], f)]
                       for f in ("id", "indicator", "kind", "value", "document")
                       if services.row_field(row["index"], f) in errors},
        })  # fmt: skip
    row_fields = {
        services.row_field(r["index"], f) for r in rows for f in ("id", "indicator", "kind", "value", "document")
    }
    context = {
        "unit": unit,
        "year": year,
        "rows": shown_rows,
        "row_count": len(rows),
        "sections": {s.code: s.name for s in sections()},
        "can_write": can_write,
        "kinds": _kind_choices(_("— no target —")),
        "document": document,
        "errors": {k: v for k, v in errors.items() if k not in row_fields},
        "has_errors": bool(errors),
        "judged_on": Period.of_year(year) if results else None,
        "previous_year": year - 1 if year > YEAR_MIN else None,
        "next_year": year + 1 if year < YEAR_MAX else None,
    }
    return render(request, "indicators/targets_year.html", context)


# One target ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request):
    if not targets.target_can_create(user=request.user):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("unit", "year", "indicator", "kind") if k in request.GET}
    return _form(request, None, initial)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    target = _get(request, pk, write=True)
    return _form(request, target, _initial(target))


def _form(request, target, initial):
    form = TargetForm(request.POST or None, initial=initial, user=request.user, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                saved = services.target_create(user=request.user, **form.cleaned_data)
            else:
                saved = services.target_update(user=request.user, target=target, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("indicators:target_detail", pk=saved.pk)
    return render(request, "indicators/targets_form.html", {"form": form, "target": target})


@login_required
def target_detail(request, pk):
    target = _get(request, pk, deleted_too=True)
    indicator = indicators().get(target.indicator)
    said_vi, said_en = targets.target_statement(target)
    english = _english()
    result = None
    if not target.is_deleted and target.year <= clock.today().year:
        found = [
            r
            for r in targets.target_results(user=request.user, unit=target.unit, period=Period.of_year(target.year))
            if r.target.pk == target.pk
        ]
        result = found[0] if found else None
    context = {
        "target": target,
        "deleted_kind": "targets",
        "name": ((indicator.en if english else indicator.vi) if indicator else target.indicator),
        "statement": said_en if english else said_vi,
        "result": result,
        "phrase": (result.detail_en if english else result.detail_vi) if result else "",
        "history": targets.target_history(user=request.user, target=target),
        "can_write": not target.is_deleted and targets.target_can_write(user=request.user, unit=target.unit),
    }
    return render(request, "indicators/targets_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_delete(request, pk):
    target = _get(request, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            reason = request.POST.get("reason", "").replace("\x00", "")
            services.target_delete(user=request.user, target=target, reason=reason)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Deleted."))
            return redirect("indicators:target_year", unit_pk=target.unit_id, year=target.year)
    context = {"target": target, "error": error, "cancel": reverse("indicators:target_detail", args=[target.pk])}
    return render(request, "indicators/targets_delete.html", context)


urlpatterns = [
    path("ke-hoach/", target_list, name="target_list"),
    path("ke-hoach/chon/", target_pick, name="target_pick"),
    path("ke-hoach/them/", target_create, name="target_create"),
    path("ke-hoach/don-vi/<int:unit_pk>/<int:year>/", target_year, name="target_year"),
    path("ke-hoach/<int:pk>/", target_detail, name="target_detail"),
    path("ke-hoach/<int:pk>/sua/", target_edit, name="target_edit"),
    path("ke-hoach/<int:pk>/xoa/", target_delete, name="target_delete"),
]
