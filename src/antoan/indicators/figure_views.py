"""The pages of historical figures (số liệu cũ, docs/history.md): the list to review and confirm them, a unit's main
indicators for two years as a grid, the figures read from an old report (read and reviewed in the request, saved as
drafts only when the user presses save), one figure's page with its history, and confirm, correct and delete.
Included under "chi-tieu/" with the namespace "indicators": the list is "indicators:figures", the others are in the
namespace "indicators:figures" ("indicators:figures:grid", …). Every value is judged by figure_services, which
answers bilingually."""

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from antoan.accounts.selectors import user_is_admin
from antoan.core.errors import DomainError, Message
from antoan.core.forms import UPLOAD_ERRORS, TextField, add_domain_errors
from antoan.core.values import YEAR_MAX, YEAR_MIN
from antoan.indicators import figure_extract, targets
from antoan.indicators import figure_selectors as selectors
from antoan.indicators import figure_services as services
from antoan.indicators.catalogue import indicators, sections
from antoan.indicators.models import FigureState, HistoricalFigure
from antoan.indicators.periods import period_parse
from antoan.units.models import Unit
from antoan.units.scope import user_scope

PAGE_SIZE = 50
UNIT_CHOICES = 300
EXTRACT_SUFFIXES = (".docx", ".pdf", ".txt")
TEXT_MAX_CHARS = 1_000_000  # the text travels back in the review form (DATA_UPLOAD_MAX_MEMORY_SIZE is 5 MB)
DERIVED_LABELS = {
    "change": gettext_lazy("from a change (tăng / giảm)"),
    "percent": gettext_lazy("from a change in percent"),
    "sum": gettext_lazy("summed over several clauses"),
}


# Helpers --------------------------------------------------------------------------------------------------------


def _unit_label(unit: Unit) -> str:
    until = f" (… {unit.valid_to:%d/%m/%Y})" if unit.valid_to else ""
    return f"{unit.name}{until}"


def _unit_param(request, text) -> Unit | None:
    """A unit the user may see, by its id; anything else is "not found" (nothing given: None)."""
    text = str(text or "").strip()
    if not text:
        return None
    unit = None
    if text.isdigit() and len(text) < 19:
        unit = Unit.objects.filter(pk=int(text)).select_related("parent").first()
    if unit is None or not user_scope(user=request.user).covers(unit):
        raise Http404
    return unit


def _year(text) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 and YEAR_MIN <= int(text) <= YEAR_MAX else None


def _can_enter_somewhere(user) -> bool:
    return user_is_admin(user=user) or not user_scope(user=user, roles=services.ENTERING_ROLES).nothing


def _entry_unit(request, unit: Unit) -> Unit:
    """A unit the user enters figures for: out of scope is "not found" (already), in scope but read-only refused."""
    if not selectors.figure_can(user=request.user, unit=unit):
        raise PermissionDenied
    return unit


def _get(request, pk, *, deleted_too: bool = False) -> HistoricalFigure:
    try:
        return selectors.figure_get(user=request.user, pk=pk, deleted_too=deleted_too)
    except DomainError:
        raise Http404 from None


def _next(request, default: str) -> str:
    """Where to go back to (a list with its filters): a path of this site only."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def _list_url(**query) -> str:
    shown = urlencode({k: v for k, v in query.items() if v not in (None, "")})
    return reverse("indicators:figures") + (f"?{shown}" if shown else "")


def _number_texts(value) -> list[str]:
    """How a number is written in a report: 1.234 / 1234; 86,5 / 86.5."""
    value = Decimal(value)
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    found = []
    for head in dict.fromkeys((grouped, whole)):
        found += [f"{head},{fraction}", f"{head}.{fraction}"] if fraction else [head]
    return found


def marked(quote: str, value) -> tuple[str, str, str]:
    """The quoted sentence cut around the figure's number (before, number, after) for <mark>; no number found, the
    whole sentence before."""
    for text in _number_texts(value):
        found = re.search(rf"(?<![\d.,]){re.escape(text)}(?![\d]|[.,]\d)", quote)
        if found:
            return quote[: found.start()], found.group(), quote[found.end() :]
    return quote, "", ""


def _shown_value(value) -> str:
    """44 → "44"; 86.50 → "86,5"; 1234567 → "1.234.567" (as the officials write them)."""
    return _number_texts(value)[0]


def _confidence(value) -> int | None:
    return None if value is None else round(value * 100)


def _name(code: str) -> tuple[str, str]:
    indicator = indicators().get(code)
    return (selectors.figure_name(code), indicator.measure if indicator else "")


def _period_label(code: str) -> str:
    try:
        return period_parse(code).label
    except DomainError:
        return code


class _Rights:
    """What the user may do to a unit's figures, asked once per unit on a page."""

    def __init__(self, user):
        self.user, self.known = user, {}

    def __call__(self, unit: Unit, *, confirm: bool = False) -> bool:
        key = (unit.pk, confirm)
        if key not in self.known:
            self.known[key] = selectors.figure_can(user=self.user, unit=unit, confirm=confirm)
        return self.known[key]

    def actions(self, figure: HistoricalFigure) -> dict:
        confirmed = figure.state == FigureState.CONFIRMED
        leads = self(figure.unit, confirm=True)
        return {
            "can_confirm": not confirmed and leads,
            "can_correct": confirmed and leads,
            "can_delete": leads if confirmed else self(figure.unit),
        }


def _row(figure: HistoricalFigure, rights: _Rights, conflicts: set[int]) -> dict:
    name, measure = _name(figure.indicator)
    before, mark, after = marked(figure.quote, figure.value)
    return {
        "figure": figure,
        "name": name,
        "measure": measure,
        "period": _period_label(figure.period),
        "value": _shown_value(figure.value),
        "quote": (before, mark, after),
        "confidence": _confidence(figure.confidence),
        "derived": DERIVED_LABELS.get(figure.derived, ""),
        "conflict": figure.pk in conflicts,
        **(rights.actions(figure) if not figure.is_deleted else {}),
    }


def _conflicts(user, figures: list[HistoricalFigure]) -> set[int]:
    """The figures another live figure of the same unit, period and indicator contradicts (on this page or not)."""
    if not figures:
        return set()
    around = selectors.figure_list(user=user).filter(
        unit__in={f.unit_id for f in figures},
        period__in={f.period for f in figures},
        indicator__in={f.indicator for f in figures},
    )
    return selectors.figure_conflicts(list(around))


def _main_indicators() -> list:
    """The catalogue's main indicators (not the parts), by section — the rows the targets' year grid offers."""
    order = {s.code: i for i, s in enumerate(sections())}
    main = [i for i in indicators().values() if not i.parent]
    return sorted(main, key=lambda i: order.get(i.section, len(order)))  # stable: the catalogue's order within


def _units(user):
    return list(targets.target_unit_choices(user=user, write=False)[:UNIT_CHOICES])


# The list --------------------------------------------------------------------------------------------------------


@login_required
def figure_list(request):
    unit = _unit_param(request, request.GET.get("unit"))
    period, error = request.GET.get("period", "").strip(), None
    if period:
        try:
            period = period_parse(period).code
        except DomainError as exc:
            error, period = next(iter(exc.errors.values())), ""
    state = request.GET.get("state", "")
    state = state if state in FigureState.values else ""
    listed = selectors.figure_list(user=request.user, unit=unit, period=period or None, state=state or None)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page)
    conflicts = _conflicts(request.user, shown)
    rights = _Rights(request.user)
    filters = _list_url(unit=unit.pk if unit else "", period=period, state=state)
    context = {
        "page": page,
        "rows": [_row(f, rights, conflicts) for f in shown],
        "unit": unit,
        "period": period,
        "state": state,
        "error": error,
        "states": FigureState.choices,
        "units": _units(request.user),
        "can_enter": _can_enter_somewhere(request.user),
        "here": filters,
        "query": filters.partition("?")[2],
    }
    return render(request, "indicators/figures.html", context)


# The grid: a unit's main indicators for two years ---------------------------------------------------------------


def _cell(code: str, year: int) -> str:
    """The name of a cell, as figures_grid_save names its errors."""
    return f"{code}/{year}"


@login_required
@require_http_methods(["GET", "POST"])
def figure_grid(request):
    if not _can_enter_somewhere(request.user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    unit = _unit_param(request, params.get("unit"))
    last = services.figure_years_default()[1]
    year = _year(params.get("year")) or last
    years = (year - 1, year) if year > YEAR_MIN else (year,)
    context = {"unit": unit, "year": year, "years": years, "units": _units(request.user), "default_year": last}
    if unit is None:
        return render(request, "indicators/figures_grid.html", context)
    _entry_unit(request, unit)
    can_confirm = selectors.figure_can(user=request.user, unit=unit, confirm=True)
    main = _main_indicators()
    posted: dict = {}
    errors: dict = {}
    document, confirm = "", False
    if request.method == "POST":
        document = request.POST.get("document", "")
        confirm = bool(request.POST.get("confirm")) and can_confirm
        posted = {(i.code, y): request.POST.get(_cell(i.code, y), "") for i in main for y in years}
        try:
            saved = services.figures_grid_save(user=request.user, unit=unit, values=posted, document=document,
                                               confirm=confirm)  # fmt: skip
        except DomainError as exc:
            errors = exc.errors
        else:
            if not saved:
                messages.warning(request, _("Nothing was saved: every cell is empty."))
            else:
                told = _("Saved %(n)s confirmed figures.") if confirm else _("Saved %(n)s figures as drafts.")
                messages.success(request, told % {"n": len(saved)})
                return redirect(_list_url(unit=unit.pk))
    existing: dict = {}
    for figure in selectors.figure_list(user=request.user, unit=unit).filter(period__in=[str(y) for y in years]):
        existing.setdefault((figure.indicator, int(figure.period)), []).append(figure)
    names = {s.code: s.name for s in sections()}
    rows = []
    for indicator in main:
        cells = []
        for y in years:
            key = _cell(indicator.code, y)
            cells.append({
                "name": key,
                "year": y,
                "value": posted.get((indicator.code, y), ""),
                "error": errors.get(key),
                "existing": [(_shown_value(f.value), f) for f in existing.get((indicator.code, y), [])],
            })  # fmt: skip
        rows.append({"indicator": indicator, "section": names.get(indicator.section, ""), "cells": cells})
    labels = {_cell(i.code, y): f"{i.name} ({y})" for i in main for y in years}
    context.update({
        "rows": rows,
        "can_confirm": can_confirm,
        "confirm": confirm,
        "document": document,
        "has_errors": bool(errors),
        "cell_errors": [(labels[k], m) for k, m in errors.items() if k in labels],
        "errors": [m for k, m in errors.items() if k not in labels],
        "previous_year": year - 1 if year > YEAR_MIN else None,
        "next_year": year + 1 if year < YEAR_MAX else None,
    })  # fmt: skip
    return render(request, "indicators/figures_grid.html", context)


# From a report --------------------------------------------------------------------------------------------------


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{max(count // 1024, 1)} kB"


class ExtractForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Report (.docx, .pdf or .txt)"), error_messages=UPLOAD_ERRORS)
    unit = TextField(label=gettext_lazy("unit"))
    year = TextField(label=gettext_lazy("year the report reviews"),
                     widget=forms.NumberInput(attrs={"min": YEAR_MIN, "max": YEAR_MAX}))  # fmt: skip
    document = TextField(label=gettext_lazy("Source document"), max_length=services.DOCUMENT_MAX)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = forms.Select(choices=[("", "—"), *((str(u.pk), _unit_label(u)) for u in units)])
        self.fields["document"].help_text = _(
            "The report's name, e.g. Báo cáo số 15/BC-UBND ngày 20/12/2020 (the file's name if left empty)"
        )
        for name in ("file", "unit", "year"):
            self.fields[name].shows_required = True

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        suffix = Path(uploaded.name or "").suffix.lower()
        if suffix not in EXTRACT_SUFFIXES:
            raise forms.ValidationError(str(Message(
                f"Chỉ nhận tệp .docx, .pdf (có lớp chữ) hoặc .txt, không nhận '{suffix or uploaded.name}'",
                f"Only .docx, .pdf (with a text layer) and .txt files are read, not '{suffix or uploaded.name}'",
            )))  # fmt: skip
        if uploaded.size > figure_extract.report_max_bytes():
            limit = _size(figure_extract.report_max_bytes())
            raise forms.ValidationError(str(Message(f"Tệp lớn hơn {limit}", f"The file is larger than {limit}")))
        return uploaded

    def clean_year(self):
        year = _year(self.cleaned_data["year"])
        if year is None:
            raise forms.ValidationError(str(Message(
                f"Ghi năm báo cáo tổng kết ({YEAR_MIN}–{YEAR_MAX})", f"Give the year the report reviews "
                f"({YEAR_MIN}–{YEAR_MAX})",
            )))  # fmt: skip
        return year

    def clean_unit(self):
        if not self.cleaned_data["unit"]:
            raise forms.ValidationError(str(Message("Chọn đơn vị", "Choose a unit")))
        return self.cleaned_data["unit"]


def _read(uploaded) -> str:
    """The upload's text, read from the upload itself (nothing written to disk)."""
    return figure_extract.read_upload(uploaded)


def _normalised(text: str) -> str:
    """The text as both steps read it (a form sends its line ends as CRLF; NUL never reaches the database)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _review(request, *, unit: Unit, year: int, text: str, document: str, kept=None, error=None):
    extraction = figure_extract.extract_text(text, year=year)
    conflicted = {(c.indicator, c.year) for c in extraction.conflicts}
    rows = []
    for index, found in enumerate(extraction.figures):
        name, measure = _name(found.indicator)
        start, end = max(found.start, 0), max(found.end, found.start, 0)
        rows.append({
            "index": index,
            "found": found,
            "name": name,
            "measure": measure,
            "value": _shown_value(found.value),
            "quote": (found.sentence[:start], found.sentence[start:end], found.sentence[end:]),
            "confidence": _confidence(found.confidence),
            "derived": DERIVED_LABELS.get(found.derived, ""),
            "conflict": found.key in conflicted,
            "other_year": found.year != year,
            "kept": (index in kept) if kept is not None else found.key not in conflicted,
        })  # fmt: skip
    conflicts = [
        {"name": _name(c.indicator)[0], "year": c.year,
         "values": [(_shown_value(f.value), f.sentence) for f in c.figures]}
        for c in extraction.conflicts
    ]  # fmt: skip
    context = {
        "unit": unit,
        "year": year,
        "text": text,
        "document": document,
        "rows": rows,
        "conflicts": conflicts,
        "flags": services.extraction_flags(extraction, unit=unit, year=year),
        "unread": extraction.unread,
        "report_years": extraction.report_years,
        "error": error,
    }
    return render(request, "indicators/figures_review.html", context)


def _save_ticked(request):
    """The review's save: the text read again, the ticked figures saved as drafts."""
    unit = _unit_param(request, request.POST.get("unit"))
    year = _year(request.POST.get("year"))
    if unit is None or year is None:
        messages.error(request, _("Choose a unit and a year."))
        return redirect("indicators:figures:extract")
    _entry_unit(request, unit)
    text = _normalised(request.POST.get("text", ""))[:TEXT_MAX_CHARS]
    document = request.POST.get("document", "").strip()
    ticked = {int(i) for i in request.POST.getlist("keep") if i.isdigit()}
    extraction = figure_extract.extract_text(text, year=year)
    kept = [found for index, found in enumerate(extraction.figures) if index in ticked]
    if not kept:
        error = Message("Chưa chọn số liệu nào để lưu", "No figure was ticked to be saved")
        return _review(request, unit=unit, year=year, text=text, document=document, kept=set(), error=error)
    keys = {found.key for found in kept}
    chosen = replace(extraction, figures=kept, conflicts=[c for c in extraction.conflicts
                                                           if (c.indicator, c.year) in keys])  # fmt: skip
    try:
        saved = services.figures_save_extracted(user=request.user, unit=unit, year=year, extraction=chosen,
                                                document=document)  # fmt: skip
    except DomainError as exc:
        error = next(iter(exc.errors.values()))
        return _review(request, unit=unit, year=year, text=text, document=document, kept=ticked, error=error)
    if saved.figures:
        messages.success(request, _("Saved %(n)s figures as drafts.") % {"n": len(saved.figures)})
    for code, figure_year, why in saved.left_out:
        messages.warning(request, _("Not saved: %(name)s, %(year)s — %(why)s")
                         % {"name": selectors.figure_name(code), "year": figure_year, "why": why})  # fmt: skip
    return redirect(_list_url(unit=unit.pk, state=FigureState.DRAFT))


@login_required
@require_http_methods(["GET", "POST"])
def figure_extract_view(request):
    if not _can_enter_somewhere(request.user):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "save":
        return _save_ticked(request)
    units = _units(request.user)
    initial = {"year": str(services.figure_years_default()[1])}
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = request.GET["unit"]
    form = ExtractForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = _entry_unit(request, _unit_param(request, form.cleaned_data["unit"]))
        uploaded = form.cleaned_data["file"]
        try:
            text = _normalised(_read(uploaded))
        except DomainError as exc:  # a scanned PDF, a file that is not what its name says
            add_domain_errors(form, exc)
        else:
            if not text.strip():
                form.add_error("file", str(Message("Tệp không có chữ", "The file holds no text")))
            elif len(text) > TEXT_MAX_CHARS:
                form.add_error("file", str(Message(
                    f"Văn bản dài quá {TEXT_MAX_CHARS:,} ký tự".replace(",", "."),
                    f"The text is longer than {TEXT_MAX_CHARS:,} characters",
                )))  # fmt: skip
            else:
                document = form.cleaned_data["document"].strip() or Path(uploaded.name).name
                return _review(request, unit=unit, year=form.cleaned_data["year"], text=text,
                               document=document[: services.DOCUMENT_MAX])  # fmt: skip
    context = {"form": form, "max_size": _size(figure_extract.report_max_bytes()), "suffixes": EXTRACT_SUFFIXES}
    return render(request, "indicators/figures_extract.html", context)


# One figure ------------------------------------------------------------------------------------------------------


@login_required
def figure_detail(request, pk):
    figure = _get(request, pk, deleted_too=True)
    rights = _Rights(request.user)
    conflicts = _conflicts(request.user, [figure]) if not figure.is_deleted else set()
    context = {
        **_row(figure, rights, conflicts),
        "deleted_kind": "figures",
        "history": selectors.figure_history(user=request.user, figure=figure),
    }
    return render(request, "indicators/figures_detail.html", context)


@login_required
@require_POST
def figure_confirm(request, pk):
    figure = _get(request, pk)
    if not selectors.figure_can(user=request.user, unit=figure.unit, confirm=True):
        raise PermissionDenied
    try:
        services.figure_confirm(user=request.user, figure=figure)
    except DomainError as exc:
        for message in exc.errors.values():
            messages.error(request, str(message))
    else:
        messages.success(request, _("Confirmed: %(name)s, %(period)s = %(value)s.") % {
            "name": selectors.figure_name(figure.indicator), "period": _period_label(figure.period),
            "value": _shown_value(figure.value),
        })  # fmt: skip
    return redirect(_next(request, reverse("indicators:figures:detail", args=[figure.pk])))


class CorrectForm(forms.Form):
    value = TextField(label=gettext_lazy("Value"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    reason = TextField(label=gettext_lazy("reason for the correction"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.shows_required = True


@login_required
@require_http_methods(["GET", "POST"])
def figure_correct(request, pk):
    figure = _get(request, pk)
    if not selectors.figure_can(user=request.user, unit=figure.unit, confirm=True):
        raise PermissionDenied
    if figure.state != FigureState.CONFIRMED:
        messages.error(request, _("Only a confirmed figure is corrected: a draft is confirmed, or deleted."))
        return redirect("indicators:figures:detail", pk=figure.pk)
    form = CorrectForm(request.POST or None, initial={"value": _shown_value(figure.value)})
    if request.method == "POST" and form.is_valid():
        try:
            services.figure_correct(user=request.user, figure=figure, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Corrected."))
            return redirect("indicators:figures:detail", pk=figure.pk)
    name, measure = _name(figure.indicator)
    context = {"form": form, "figure": figure, "name": name, "measure": measure,
               "period": _period_label(figure.period), "value": _shown_value(figure.value)}  # fmt: skip
    return render(request, "indicators/figures_correct.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def figure_delete(request, pk):
    figure = _get(request, pk)
    confirmed = figure.state == FigureState.CONFIRMED
    if not selectors.figure_can(user=request.user, unit=figure.unit, confirm=confirmed):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            reason = request.POST.get("reason", "").replace("\x00", "")
            services.figure_delete(user=request.user, figure=figure, reason=reason)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Deleted."))
            return redirect(_list_url(unit=figure.unit_id))
    name, _measure = _name(figure.indicator)
    context = {
        "figure": figure,
        "name": name,
        "period": _period_label(figure.period),
        "value": _shown_value(figure.value),
        "confirmed": confirmed,
        "error": error,
        "cancel": reverse("indicators:figures:detail", args=[figure.pk]),
    }
    return render(request, "indicators/figures_delete.html", context)


_one_figure = [
    path("nhap-bang/", figure_grid, name="grid"),
    path("trich-xuat/", figure_extract_view, name="extract"),
    path("<int:pk>/", figure_detail, name="detail"),
    path("<int:pk>/xac-nhan/", figure_confirm, name="confirm"),
    path("<int:pk>/sua/", figure_correct, name="correct"),
    path("<int:pk>/xoa/", figure_delete, name="delete"),
]

urlpatterns = [
    path("so-lieu-cu/", figure_list, name="figures"),
    path("so-lieu-cu/", include((_one_figure, "figures"))),
]
