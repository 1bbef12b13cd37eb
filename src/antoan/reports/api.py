"""GET /api/v1/reports/annual and /api/v1/reports/period: a unit's report as a file (docx, pdf, xlsx, html), or
as JSON (`format=json`: the report's data — every sentence, table and chart — for integrations).

The handlers read the request and call the report pipeline; a unit outside the caller's scope is 404, a bad
year, period or format 422, in the API's bilingual error shape.
"""

import json
from dataclasses import asdict
from datetime import date
from typing import Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from antoan.core.errors import DomainError
from antoan.core.routers import reading_from_replica
from antoan.reports.context import build_context
from antoan.reports.document import Report
from antoan.reports.forms import report_query
from antoan.reports.render import FORMATS, Rendered, check_format, render_report, report_filename

router = Router(tags=["reports"])

Format = Literal["docx", "pdf", "xlsx", "html", "json"]
FILE_RESPONSES = {
    200: {
        "description": "The report as a file (Content-Disposition: attachment), or its data as JSON",
        "content": {
            **{content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for content_type in
               FORMATS.values()},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}  # fmt: skip


class AnnualQuery(Schema):
    unit: str = Field(description="Official unit code (read today, or on `on`; an old unit's code on its last day)")
    year: str = Field(description="The year of the annual summary report: 2020, or st2020 for the statistical year "
                      "15/12/2019 – 14/12/2020 (1975–2100)")
    format: Format = Field("docx", description="docx, pdf, xlsx, html or json")
    on: date | None = Field(None, description="The day the unit code is read on (YYYY-MM-DD)")


class PeriodQuery(Schema):
    unit: str = Field(description="Official unit code (read today, or on `on`; an old unit's code on its last day)")
    period: str = Field(description="2020-Q1, 2020-H1, 2020-03, st2020 (statistical year), stm2020-03, tet2021, w:slug")
    format: Format = Field("docx", description="docx, pdf, xlsx, html or json")
    on: date | None = Field(None, description="The day the unit code is read on (YYYY-MM-DD)")


def report_as_dict(report: Report) -> dict:
    """The report's data: `asdict` of the dataclasses, and the signature's printed lines."""
    data = asdict(report)
    data["signature"]["lines"] = list(report.signature.lines)
    return data


def _respond(request, *, year=None, period=None, unit: str, fmt: str, on) -> HttpResponse:
    if fmt != "json":
        check_format(fmt)
    query = report_query(user=request.user, unit=unit, year=year, period=period, on=on)
    report = build_context(user=request.user, unit=query.unit, period=query.period, kind=query.kind)
    if fmt == "json":
        body = json.dumps(report_as_dict(report), cls=DjangoJSONEncoder, ensure_ascii=False)
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    try:
        content = render_report(report, fmt)
    except DomainError as exc:
        if "pdf" not in exc.errors:
            raise
        # LibreOffice missing or failing is the server's fault, not the request's.
        return HttpResponse(
            json.dumps({"errors": exc.as_dict()}, ensure_ascii=False),
            status=503,
            content_type="application/json; charset=utf-8",
        )
    rendered = Rendered(content, FORMATS[fmt], report_filename(report, fmt))
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


@router.get("/annual", summary="A unit's annual summary report", openapi_extra={"responses": FILE_RESPONSES})
@reading_from_replica()
def report_annual(request, params: Query[AnnualQuery]):
    """The annual summary report (báo cáo tổng kết) of `unit` for `year`: results with the year before,
    shortcomings, next year's tasks, commendations."""
    return _respond(request, year=params.year, unit=params.unit, fmt=params.format, on=params.on)


@router.get("/period", summary="A unit's report for a period", openapi_extra={"responses": FILE_RESPONSES})
@reading_from_replica()
def report_period(request, params: Query[PeriodQuery]):
    """The shorter report for a month, quarter, half-year, statistical year or special window, with the same
    period of the year before."""
    return _respond(request, period=params.period, unit=params.unit, fmt=params.format, on=params.on)
