"""The report page of a unit (bao-cao/): pick the unit and a year (the annual summary report) or a period
(the shorter period report), read the preview, edit sections II and III and the number, set how the unit's
reports are headed and signed, download each format; and the batches (bao-cao/lo/): one report per child unit,
zipped, written in the background with a progress bar.

Query: `unit` (an official code; absent → the user's first unit; "code@YYYY-MM-DD" from the picker names an old
unit on a day), `on` (the day the code is read on), `year` or `period`.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antoan.accounts.selectors import user_memberships
from antoan.core import clock
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.core.forms import add_domain_errors
from antoan.core.routers import reading_from_replica
from antoan.indicators.periods import period_option_groups
from antoan.indicators.selectors import indicator_children
from antoan.reports import jobs
from antoan.reports.context import build_context
from antoan.reports.drafting import PARTS
from antoan.reports.forms import DraftForm, ProfileForm, ReportQuery, default_year, lines, report_query
from antoan.reports.html import render_html
from antoan.reports.models import BatchJob, ReportDraft
from antoan.reports.profiles import report_profile
from antoan.reports.render import FORMATS, build_and_render, check_format
from antoan.reports.services import report_draft_save, report_profile_save
from antoan.units.models import Hierarchy, Kind, Unit
from antoan.units.scope import user_scope

FORMAT_LABELS = {"docx": "Word (.docx)", "pdf": "PDF", "xlsx": "Excel (.xlsx)", "html": "HTML"}
YEARS_SHOWN = 8
RECENT_BATCHES = 5


def _status(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if "pdf" in error.errors:  # LibreOffice missing or failing: the server's fault, not the request's
        return 503
    return 400


def _query(request, params) -> ReportQuery:
    """The report asked for; the user's first unit and the usual year when the request names none."""
    unit = params.get("unit")
    if unit is None:
        membership = user_memberships(user=request.user).first()
        unit = membership.unit if membership is not None else ""
    year, period = params.get("year"), params.get("period")
    if not (year or "").strip() and not (period or "").strip():
        year = str(default_year(clock.today()))
    return report_query(user=request.user, unit=unit, year=year, period=period, on=params.get("on"))


def page_url(query: ReportQuery) -> str:
    return reverse("reports:page") + "?" + urlencode(query.params)


def _picker_value(unit: Unit) -> str:
    return f"{unit.code}@{unit.valid_to.isoformat()}" if unit.valid_to is not None else unit.code


def _unit_choices(user, unit: Unit | None) -> list[tuple[str, str]]:
    """(value, label): the user's units and the units directly under them, the unit shown and its children."""
    units: dict[int, Unit] = {}
    roots = [m.unit for m in user_memberships(user=user)]
    if not roots and user_scope(user=user).everything:
        roots = list(Unit.objects.filter(kind=Kind.PROVINCE, hierarchy=Hierarchy.CURRENT).order_by("name"))
    for root in roots:
        units.setdefault(root.pk, root)
    for parent in [*roots[:3], *([unit] if unit is not None else [])]:  # children of a few roots: one query each
        for child in indicator_children(user=user, unit=parent):
            units.setdefault(child.pk, child)
    if unit is not None:
        units.setdefault(unit.pk, unit)
    ordered = sorted(units.values(), key=lambda u: (u.hierarchy != Hierarchy.CURRENT, u.path))
    choices = []
    for u in ordered:
        label = ("— " if u.parent_id in units else "") + u.name
        if u.valid_to is not None:
            label += " " + _("(until %(day)s)") % {"day": u.valid_to.strftime("%d/%m/%Y")}
        choices.append((_picker_value(u), label))
    return choices


def _years(selected: int | None) -> list[tuple[str, str]]:
    """The annual report's choices: each year, as a calendar year and as the police statistical year."""
    this_year = clock.today().year
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    if selected and selected not in years:
        years.append(selected)
    choices = []
    for year in sorted(years, reverse=True):
        choices.append((str(year), str(year)))
        choices.append((f"st{year}", _("Statistical year %(year)s (15/12/%(before)s – 14/12/%(year)s)")
                        % {"year": year, "before": year - 1}))  # fmt: skip
    return choices


def _report_texts(report) -> dict[str, str]:
    """Every part needing judgement as the form shows it: one paragraph per line (the saved words or the draft)."""
    return {part: lines(report.parts.get(part, ())) for part in PARTS}


def _profile_initial(unit: Unit) -> dict[str, str]:
    profile = report_profile(unit)
    return {
        "issuer_lines": lines(profile.issuer_lines),
        "number_suffix": profile.number_suffix,
        "place": profile.place,
        "sign_form": profile.sign_form,
        "signer_title": profile.signer_title,
        "signer_name": profile.signer_name,
        "recipients": lines(profile.recipients),
        "opening": profile.opening,
        "chart_placement": profile.chart_placement,
    }


def _render_page(request, *, query=None, errors=None, status=200, draft_form=None, profile_form=None):
    user = request.user
    context = {
        "errors": errors,
        "query": query,
        "unit_choices": _unit_choices(user, query.unit if query else None),
        "unit_value": _picker_value(query.unit) if query else request.GET.get("unit", ""),
        "years": _years(query.period.end.year if query and query.kind == "annual" else None),
        "recent_batches": jobs.batch_list(user=user)[:RECENT_BATCHES],
    }
    today_year = default_year(clock.today())
    if query is None:
        context.update(year=str(today_year), period_groups=period_option_groups(today_year, user=user))
        return render(request, "reports/page.html", context, status=status)

    period, unit = query.period, query.unit
    context.update(
        year=query.params["year"] if query.kind == "annual" else str(today_year),
        period_code=period.code if query.kind == "period" else "",
        period_groups=period_option_groups(period.end.year, user=user),
    )
    try:
        report = build_context(user=user, unit=unit, period=period, kind=query.kind)
    except DomainError as exc:
        context["errors"] = exc
        return render(request, "reports/page.html", context, status=_status(exc))
    saved = ReportDraft.objects.select_related("updated_by").filter(unit=unit, period_code=period.code).first()
    if draft_form is None:
        draft_form = DraftForm(initial={
            **_report_texts(report),
            "number": saved.number if saved else "",
            "issued_on": f"{saved.issued_on:%d/%m/%Y}" if saved and saved.issued_on else "",
        })  # fmt: skip
    if profile_form is None:
        profile_form = ProfileForm(initial=_profile_initial(unit))
    children = [c for c in indicator_children(user=user, unit=unit) if c.pk != unit.pk]
    context.update(
        report=report,
        preview=render_html(report, standalone=False),
        draft_form=draft_form,
        profile_form=profile_form,
        saved=saved if saved and any(getattr(saved, part) for part in PARTS) else None,
        admin_notes=report.admin_notes,
        downloads=[
            (fmt, FORMAT_LABELS[fmt], reverse("reports:download") + "?" + urlencode({**query.params, "format": fmt}))
            for fmt in FORMATS
        ],
        page_url=page_url(query),
        children_count=len(children),
        formats=[(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
    )
    return render(request, "reports/page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@reading_from_replica()  # a POST writes, which keeps the rest of the request on the primary
def report_page(request):
    try:
        query = _query(request, request.GET)
    except DomainError as exc:
        # No unit asked for and none of one's own (an administrator): the pickers, not an error.
        unasked = "unit" not in request.GET and not user_memberships(user=request.user).exists()
        return _render_page(request, errors=exc, status=200 if unasked else _status(exc))
    if request.method == "GET":
        return _render_page(request, query=query)

    which = request.POST.get("form")
    form_class = {"draft": DraftForm, "profile": ProfileForm}.get(which)
    if form_class is None:
        return HttpResponse(_("Unknown form."), status=400, content_type="text/plain; charset=utf-8")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if which == "draft":
                report_draft_save(user=request.user, unit=query.unit, period=query.period, **form.cleaned_data)
            else:
                report_profile_save(user=request.user, unit=query.unit, **form.values())
        except DomainError as exc:
            add_domain_errors(form, exc)
            forms = {"draft_form" if which == "draft" else "profile_form": form}
            return _render_page(request, query=query, status=_status(exc), **forms)
        messages.success(request, _("Saved: every format now prints these words.") if which == "draft" else _("Saved."))
        return redirect(page_url(query) + ("#report-edit" if which == "draft" else "#report-profile"))
    forms = {"draft_form" if which == "draft" else "profile_form": form}
    return _render_page(request, query=query, status=400, **forms)


@login_required
@reading_from_replica()
def report_download(request):
    """The report as a file (attachment): `format` = docx, pdf, xlsx or html."""
    try:
        query = _query(request, request.GET)
    except DomainError as exc:
        return _render_page(request, errors=exc, status=_status(exc))
    try:
        fmt = check_format((request.GET.get("format") or "docx").replace("\x00", "").strip().lower())
        rendered = build_and_render(user=request.user, unit=query.unit, period=query.period, kind=query.kind, fmt=fmt)
    except DomainError as exc:  # the page of the report asked for, with the reason above it
        return _render_page(request, query=query, errors=exc, status=_status(exc))
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


# Batches ---------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batch_list_or_start(request):
    """GET: the user's batches; POST: start one (unit, year or period, formats) and go to its progress page."""
    if request.method == "GET":
        return render(request, "reports/batch_list.html", {"batches": jobs.batch_list(user=request.user)[:50]})
    try:
        query = _query(request, request.POST)
        job = jobs.batch_start(
            user=request.user,
            unit=query.unit,
            period=query.period,
            kind=query.kind,
            formats=request.POST.getlist("formats"),
        )
    except DomainError as exc:
        return _render_page(request, errors=exc, status=_status(exc))
    return redirect("reports:batch", pk=job.pk)


def _job_or_404(request, pk) -> BatchJob:
    try:
        return jobs.batch_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _batch_context(job: BatchJob, *, resumed: bool = False) -> dict:
    missing = [] if job.state == BatchJob.State.DONE else jobs.batch_missing(job)
    return {
        "job": job,
        "period": _period_label(job),
        "missing": missing,
        "failed": [entry for entry in job.failed],
        "resumed": resumed,  # cut short (its worker stopped), queued again by this visit
        "has_zip": jobs.batch_zip_file(job) is not None,
    }


def _period_label(job: BatchJob) -> str:
    from antoan.indicators.periods import period_parse

    try:
        return period_parse(job.period_code, user=job.user).label
    except DomainError:
        return job.period_code


@login_required
@require_http_methods(["GET", "POST"])
def batch_page(request, pk):
    """The progress page; HTMX asks for the progress part every second until the batch ends. A batch cut short
    (its worker stopped) is queued again here; POST queues a failed batch again."""
    job = _job_or_404(request, pk)
    if request.method == "POST":
        try:
            jobs.batch_resume(job)
        except DomainError as exc:
            messages.error(request, str(next(iter(exc.errors.values()))))
        return redirect("reports:batch", pk=job.pk)
    resumed = jobs.batch_recover(job)
    if resumed:
        job.refresh_from_db()
    template = "reports/batch_progress.html" if request.headers.get("HX-Request") else "reports/batch.html"
    return render(request, template, _batch_context(job, resumed=resumed))


@login_required
def batch_zip(request, pk):
    job = _job_or_404(request, pk)
    archive = jobs.batch_zip_file(job)
    if archive is None:
        raise Http404
    return FileResponse(
        open(archive, "rb"), as_attachment=True, filename=jobs.zip_name(job), content_type="application/zip"
    )
