"""The authorization probe (issue #8, part 2): every URL of the resolver and every operation of the API document,
asked about unit A's records by every role of unit B and by an anonymous visitor, must be refused — or, for a list,
answer without unit A's records — and must change nothing of unit A's; asked by the right role of unit A, the same
request succeeds, so the refusal is about scope and not a broken URL.

Every route has a rule in RULES: how to fill its parameters with unit A's records, what it is sent (a GET, and for
a route that writes a plausible body, which changes unit A's data when unit A's own officer sends it), and what an
outsider must get:
- DENY: 403 or 404;
- HIDE (lists, forms to create, one's own pages): any answer, but none of unit A's records in it;
- PUBLIC (the citizen's tip portal, logging in and out, the language switch, the API's documentation, /healthz):
  open to everyone, but showing no record of unit A either.
An anonymous visitor is sent to the login page (pages) or gets 401 (API), except on PUBLIC routes. After every
outsider's requests nothing unit A owns may have changed (probe_world.fingerprint). A route without a rule fails
here, telling the developer to add one; a rule for a route that is gone fails too.

Left out: `admin/`, Django's admin site. It only lets in staff accounts (`is_staff`), which no role grants, it is
read-only, and its permission checks are Django's own (tested there).

The roles of unit B are viewer, officer and leader. An administrator is not an outsider of any unit — the role
reaches everything, everywhere (accounts.models.Role) — and a test below says so.

The world (probe_world.py) is built once for the module inside a transaction rolled back at its end; each route's
test runs in a savepoint of it, so that the right role's writes (a delete, an import) do not reach the next route.
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver

from antoan.assessment.criteria import criteria_set_choose
from antoan.assessment.forms import AssessmentForm
from antoan.incidents.forms import initial_from
from antoan.indicators.figure_services import figure_create
from antoan.movement import record_types
from antoan.portal import views as portal_views
from antoan.portal.services import tip_submit
from antoan.portal.triage_forms import tip_convert_initial
from antoan.site.api import api
from antoan.site.tests.probe_world import (
    A_PROVINCE_CODE,
    CHANGED,
    MARK,
    MOVEMENT_CHANGES,
    YEAR,
    World,
    build_world,
    differences,
    fingerprint,
    record_values,
)
from antoan.site.tests.test_every_view_needs_login import _routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_queued")]  # pages only queue their jobs

DENY, HIDE, PUBLIC = "deny", "hide", "public"
OUTSIDERS = ("b.viewer", "b.officer", "b.leader")
ADMIN = "b.admin"  # restores deleted records (an administrator reaches every unit)
ANONYMOUS = "anonymous"
SKIPPED = ("admin/",)  # see the module's docstring
API_PREFIX = "/api/v1/"
LOGIN = "/dang-nhap/"


@dataclass(frozen=True)
class Send:
    """One request of a rule. The right role of unit A sends it too: `as_`, else the rule's reader (GET) or
    writer (any other method); `changes` says its request changes unit A's data (so the body would have, had an
    outsider got through) and `shows` that its answer shows unit A's records (so an outsider's empty one means
    something)."""

    method: str = "GET"
    body: str | None = None  # a key of BODIES
    query: dict = field(default_factory=dict)  # added to the rule's
    as_: str | None = None
    changes: bool = False
    shows: bool = False
    ok: tuple[int, ...] = ()  # the right role's status, when not any 2xx or 3xx


@dataclass(frozen=True)
class Rule:
    outsider: str  # DENY, HIDE or PUBLIC
    sends: tuple[Send, ...] = (Send(),)
    fill: dict = field(default_factory=dict)  # URL parameter → what fills it (World.value)
    query: dict = field(default_factory=dict)  # query parameter → World.value
    reader: str = "a.viewer"
    writer: str = "a.officer"
    ids: tuple[str, ...] = ()  # records whose id a JSON answer must not carry for an outsider
    markers: tuple[str, ...] = ()  # more text only unit A's records show (World.value), for answers without MARK


GET = Send()
SHOWN = Send(shows=True)
IN_A = {"unit": "unit_a"}  # a list narrowed to unit A


def _list() -> tuple[Send, ...]:
    """A list route: narrowed to unit A (an outsider gets an error or an empty list), and unfiltered."""
    return (Send(query=IN_A, shows=True), SHOWN)


def _form_then(body: str, *, as_="a.officer", shows=False) -> tuple[Send, ...]:
    """A form page: GET shows the form (to someone who may write), POST sends it."""
    return (Send(as_=as_, shows=shows), Send("POST", body, as_=as_, changes=True))


def _post(body: str = "empty", **kwargs) -> tuple[Send, ...]:
    return (Send("POST", body, changes=True, **kwargs),)


def _record_type_rules(rt) -> dict[str, Rule]:
    slug, key, record = rt.slug, rt.key, {"pk": rt.key}
    return {
        f"{slug}/": Rule(HIDE, _list()),
        f"{slug}/them/": Rule(HIDE, _form_then(f"{key}:create")),
        f"{slug}/xuat.<str:fmt>": Rule(HIDE, _list(), fill={"fmt": "=csv"}),
        f"{slug}/nhap/": Rule(HIDE, _form_then(f"{key}:import")),
        f"{slug}/<int:pk>/": Rule(DENY, (SHOWN,), fill=record),
        f"{slug}/<int:pk>/sua/": Rule(DENY, _form_then(f"{key}:update", shows=True), fill=record),
        f"{slug}/<int:pk>/xoa/": Rule(DENY, _form_then("empty"), fill=record),
    }


def _record_type_operations(rt) -> dict[str, Rule]:
    base, record = f"{API_PREFIX}movement/{rt.key}", {"record_id": rt.key}
    return {
        f"GET {base}": Rule(HIDE, _list(), ids=(rt.key,)),
        f"POST {base}": Rule(DENY, _post(f"{rt.key}:json-create")),
        f"GET {base}/{{record_id}}": Rule(DENY, (SHOWN,), fill=record),
        f"PATCH {base}/{{record_id}}": Rule(DENY, (Send("PATCH", f"{rt.key}:json-update", changes=True),), fill=record),
        f"DELETE {base}/{{record_id}}": Rule(DENY, (Send("DELETE", changes=True),), fill=record),
        f"POST {base}/{{record_id}}/restore": Rule(
            DENY, _post(as_=ADMIN), fill={"record_id": f"{rt.key}_deleted"}, ids=(f"{rt.key}_deleted",)
        ),
    }


ANNUAL = {"unit": "unit_a.code", "year": f"={YEAR}"}
IN_A_ON_CODE = {"unit": "unit_a.code", "period": f"={YEAR}"}

# The one table: every page route (as the resolver spells it) and every API operation ("METHOD /path" as the
# OpenAPI document spells it). -------------------------------------------------------------------------------------
RULES: dict[str, Rule] = {
    # core, accounts, units
    "": Rule(HIDE, (GET,)),  # the home page: the user's own units
    "dang-nhap/": Rule(PUBLIC, (Send(as_=ANONYMOUS),)),
    "dang-xuat/": Rule(PUBLIC, (Send("POST", "empty", as_=ANONYMOUS),)),
    "i18n/setlang/": Rule(PUBLIC, (Send("POST", "setlang", as_=ANONYMOUS),)),
    "tai-khoan/": Rule(HIDE, (SHOWN,), markers=("unit_a.name",)),  # one's own account: units, two-factor login
    "tai-khoan/nguoi-dung/": Rule(DENY, (SHOWN,), reader="b.admin", markers=("a.officer.username",)),  # admins'
    "tai-khoan/<int:user_pk>/xac-thuc-hai-buoc/": Rule(
        DENY, (SHOWN, Send("POST", "empty", changes=True)), fill={"user_pk": "a.leader"}, reader="b.admin",
        writer="b.admin", markers=("a.leader.username",),
    ),  # an administrator resets a user's two-factor device
    "xac-thuc/": Rule(HIDE),  # the second step of one's own login
    "xac-thuc/dang-ky/": Rule(HIDE),  # one's own enrolment
    "tai-khoan/khoa-api/": Rule(HIDE, _form_then("token:revoke", shows=True)),  # one's own tokens
    "tai-khoan/<int:user_pk>/khoa-api/": Rule(
        DENY, _form_then("token:create", shows=True), fill={"user_pk": "a.officer"}
    ),
    "don-vi/<int:pk>/": Rule(DENY, (SHOWN,), fill={"pk": "unit_a"}),
    "don-vi/<int:pk>/lich-su/": Rule(DENY, fill={"pk": "unit_a"}),
    "don-vi/<int:pk>/khoa-so/": Rule(DENY, _form_then("lock", as_="a.leader"), fill={"pk": "unit_a"}),
    "don-vi/<int:pk>/them-co-so/": Rule(DENY, _form_then("establishment"), fill={"pk": "unit_a"}),
    "co-so/<int:pk>/sua/": Rule(DENY, _form_then("establishment", shows=True), fill={"pk": "establishment"}),
    "co-so/<int:pk>/xoa/": Rule(DENY, _form_then("empty", shows=True), fill={"pk": "establishment"}),
    # deleted records (soft delete): administrators list and restore them; every other role is refused
    "ban-ghi-da-xoa/": Rule(DENY, (SHOWN,), reader=ADMIN),
    "ban-ghi-da-xoa/<str:kind>/<int:pk>/khoi-phuc/": Rule(
        DENY, _post(as_=ADMIN), fill={"kind": "=incidents", "pk": "incident_deleted"}
    ),
    # the rules applied (core.rules): administrators only; the page holds no unit's data
    "quy-dinh/": Rule(DENY, (GET,), reader=ADMIN),
    # incidents
    "su-viec/": Rule(HIDE, _list()),
    "su-viec/trung-lap/": Rule(HIDE, _list()),
    "su-viec/them/<str:kind>/": Rule(HIDE, _form_then("incident:create"), fill={"kind": "=crime"}),
    "su-viec/<int:pk>/": Rule(DENY, (SHOWN,), fill={"pk": "incident"}),
    "su-viec/<int:pk>/sua/": Rule(DENY, _form_then("incident:update", shows=True), fill={"pk": "incident"}),
    "su-viec/<int:pk>/xoa/": Rule(DENY, _form_then("incident:delete", shows=True), fill={"pk": "incident"}),
    "su-viec/<int:pk>/gop/": Rule(DENY, _post(), fill={"pk": "incident_copy"}),
    "su-viec/<int:pk>/khong-trung/": Rule(DENY, _post(), fill={"pk": "incident_copy"}),
    "su-viec/xuat.<str:fmt>": Rule(HIDE, _list(), fill={"fmt": "=csv"}),
    "su-viec/nhap/": Rule(HIDE, _form_then("incidents:import", shows=True)),  # one's own imports
    "su-viec/nhap/mau.csv": Rule(HIDE),
    "su-viec/nhap/<int:pk>/": Rule(DENY, (SHOWN,), fill={"pk": "import_job"}, reader="a.officer"),
    "su-viec/nhap/<int:pk>/loi.csv": Rule(DENY, fill={"pk": "import_job"}, reader="a.officer"),
    # the citizen's tip portal, and the officers' triage
    "tin-bao/": Rule(PUBLIC, (Send(as_=ANONYMOUS),)),
    "tin-bao/xa/": Rule(PUBLIC, (Send(as_=ANONYMOUS),), query={"tinh": "province_a"}),
    "tin-bao/da-gui/<str:token>/": Rule(PUBLIC, (Send(as_=ANONYMOUS),), fill={"token": "tip_sent_token"}),
    "tin-bao/tra-cuu/": Rule(PUBLIC, (Send(as_=ANONYMOUS), Send("POST", "track", as_=ANONYMOUS))),
    "tin-bao/xu-ly/": Rule(HIDE, _list()),
    "tin-bao/xu-ly/<int:pk>/": Rule(DENY, (SHOWN,), fill={"pk": "tip"}),
    "tin-bao/xu-ly/<int:pk>/anh/<int:photo_pk>/": Rule(DENY, fill={"pk": "tip", "photo_pk": "photo"}),
    "tin-bao/xu-ly/<int:pk>/giao/": Rule(DENY, _post("tip:assign"), fill={"pk": "tip"}),
    "tin-bao/xu-ly/<int:pk>/ghi-chu/": Rule(DENY, _post("tip:note"), fill={"pk": "tip"}),
    "tin-bao/xu-ly/<int:pk>/khong-xu-ly/": Rule(DENY, _post("tip:close"), fill={"pk": "tip"}),
    "tin-bao/xu-ly/<int:pk>/trung/": Rule(DENY, _post("tip:duplicate"), fill={"pk": "tip"}),
    "tin-bao/xu-ly/<int:pk>/chuyen/": Rule(
        DENY, (Send(query={"kind": "=crime"}, as_="a.officer"),), fill={"pk": "tip"}
    ),
    "tin-bao/xu-ly/<int:pk>/chuyen/<str:kind>/": Rule(
        DENY, _form_then("tip:convert", shows=True), fill={"pk": "tip", "kind": "=crime"}
    ),
    # the movement
    "phong-trao/": Rule(HIDE, (GET,)),
    "phong-trao/qua-han/": Rule(HIDE, _list()),
    **{route: rule for rt in record_types.ALL for route, rule in _record_type_rules(rt).items()},
    # assessments and ratings
    "danh-gia/": Rule(HIDE, _list()),
    "danh-gia/them/": Rule(DENY, _form_then("assessment:form"), query={**IN_A, "year": f"={YEAR}"}),
    "danh-gia/xuat.<str:fmt>": Rule(HIDE, _list(), fill={"fmt": "=csv"}),
    "danh-gia/nhap/": Rule(HIDE, _form_then("assessments:import")),
    "danh-gia/nhap/mau-<str:kind>.csv": Rule(HIDE, fill={"kind": "=assessments"}),
    "danh-gia/don-vi/<int:pk>/": Rule(DENY, (SHOWN,), fill={"pk": "unit_a"}),
    "danh-gia/<int:pk>/": Rule(DENY, (SHOWN,), fill={"pk": "assessment"}),
    "danh-gia/<int:pk>/sua/": Rule(DENY, _form_then("assessment:form", shows=True), fill={"pk": "assessment"}),
    "danh-gia/<int:pk>/xoa/": Rule(DENY, _form_then("empty"), fill={"pk": "assessment"}),
    "xep-loai/": Rule(HIDE, _list()),
    "xep-loai/them/": Rule(DENY, _form_then("rating:form"), query={**IN_A, "year": f"={YEAR}"}),
    "xep-loai/xuat.<str:fmt>": Rule(HIDE, _list(), fill={"fmt": "=csv"}, markers=("unit_a.name",)),
    "xep-loai/nhap/": Rule(HIDE, _form_then("ratings:import")),
    "xep-loai/<int:pk>/": Rule(DENY, fill={"pk": "rating"}),
    "xep-loai/<int:pk>/sua/": Rule(DENY, _form_then("rating:form"), fill={"pk": "rating"}),
    "xep-loai/<int:pk>/xoa/": Rule(DENY, _form_then("empty"), fill={"pk": "rating"}),
    # indicators and special windows (leaders write these)
    "chi-tieu/": Rule(DENY, (SHOWN,), query=IN_A_ON_CODE),
    "chi-tieu/dot-dac-biet/": Rule(HIDE, (SHOWN,)),
    "chi-tieu/dot-dac-biet/them/": Rule(HIDE, _form_then("window:create", as_="a.leader")),
    "chi-tieu/dot-dac-biet/<int:pk>/sua/": Rule(
        DENY, _form_then("window:update", as_="a.leader", shows=True), fill={"pk": "window"}
    ),
    "chi-tieu/dot-dac-biet/<int:pk>/xoa/": Rule(
        DENY, _form_then("empty", as_="a.leader", shows=True), fill={"pk": "window"}
    ),
    # targets (chỉ tiêu): leaders write them, everyone in scope reads them
    "chi-tieu/ke-hoach/": Rule(HIDE, (SHOWN,)),
    "chi-tieu/ke-hoach/chon/": Rule(HIDE, (Send(query={"unit": "unit_a", "year": f"={YEAR}"}),)),
    "chi-tieu/ke-hoach/them/": Rule(HIDE, _form_then("target:create", as_="a.leader")),
    "chi-tieu/ke-hoach/nhap/": Rule(HIDE, (Send(as_="a.leader"),)),  # leaders and administrators import
    "chi-tieu/ke-hoach/xuat.<str:fmt>": Rule(HIDE, _list(), fill={"fmt": "=csv"}),
    "chi-tieu/ke-hoach/mau.<str:fmt>": Rule(HIDE, (GET, Send(query=IN_A)), fill={"fmt": "=csv"}),
    "chi-tieu/ke-hoach/don-vi/<int:unit_pk>/<int:year>/": Rule(
        DENY, (SHOWN, Send("POST", "target:grid", as_="a.leader", changes=True)),
        fill={"unit_pk": "unit_a", "year": f"={YEAR}"},
    ),
    "chi-tieu/ke-hoach/<int:pk>/": Rule(DENY, (SHOWN,), fill={"pk": "target"}),
    "chi-tieu/ke-hoach/<int:pk>/sua/": Rule(
        DENY, _form_then("target:update", as_="a.leader", shows=True), fill={"pk": "target"}
    ),
    "chi-tieu/ke-hoach/<int:pk>/xoa/": Rule(
        DENY, _form_then("empty", as_="a.leader", shows=True), fill={"pk": "target"}
    ),
    # historical figures (số liệu cũ): officers and leaders enter them, leaders confirm and correct them
    "chi-tieu/so-lieu-cu/": Rule(HIDE, _list()),
    "chi-tieu/so-lieu-cu/nhap-bang/": Rule(
        HIDE, (Send(query={"unit": "unit_a", "year": f"={YEAR}"}, as_="a.officer"),
               Send("POST", "figure:grid", as_="a.officer", changes=True)),
    ),  # fmt: skip
    "chi-tieu/so-lieu-cu/trich-xuat/": Rule(
        HIDE, (Send(as_="a.officer"), Send("POST", "figure:extract", as_="a.officer"),
               Send("POST", "figure:extract-save", as_="a.officer", changes=True)),
    ),  # fmt: skip
    "chi-tieu/so-lieu-cu/<int:pk>/": Rule(DENY, (SHOWN,), fill={"pk": "figure"}),
    "chi-tieu/so-lieu-cu/<int:pk>/xac-nhan/": Rule(DENY, _post(as_="a.leader"), fill={"pk": "figure"}),
    "chi-tieu/so-lieu-cu/<int:pk>/sua/": Rule(
        DENY, _form_then("figure:correct", as_="a.leader", shows=True), fill={"pk": "figure_confirmed"}
    ),
    "chi-tieu/so-lieu-cu/<int:pk>/xoa/": Rule(DENY, _form_then("figure:delete", shows=True), fill={"pk": "figure"}),
    # reports: a unit's report (its words and its heading are unit A's records), and the batches of their owner
    "bao-cao/": Rule(
        DENY, (SHOWN, Send("POST", "report:draft", changes=True), Send("POST", "report:profile", changes=True)),
        query=ANNUAL,
    ),  # fmt: skip
    "bao-cao/tai-ve/": Rule(DENY, (SHOWN,), query={**ANNUAL, "format": "=html"}),
    "bao-cao/lo/": Rule(HIDE, _form_then("batch:start", as_="a.batch", shows=True)),
    "bao-cao/lo/<int:pk>/": Rule(DENY, (GET, Send("POST", "empty")), fill={"pk": "batch"}, reader="a.batch",
                                 writer="a.batch"),  # fmt: skip
    "bao-cao/lo/<int:pk>/tai-ve/": Rule(DENY, (SHOWN,), fill={"pk": "batch"}, reader="a.batch"),
    # the API's own pages
    "api/v1/": Rule(PUBLIC, (Send(as_=ANONYMOUS, ok=(404,)),)),  # nothing at the root: the docs are at docs
    "api/v1/docs": Rule(PUBLIC, (Send(as_=ANONYMOUS),)),
    "api/v1/openapi.json": Rule(PUBLIC, (Send(as_=ANONYMOUS),)),
    # operations: the database's health is public; the metrics are for staff (or a scraper's token) only
    "healthz": Rule(PUBLIC, (Send(as_=ANONYMOUS),)),
    "metrics": Rule(DENY, (Send(as_="staff"),)),
    # API: units
    f"GET {API_PREFIX}units": Rule(
        HIDE, (Send(query={"parent": "unit_a"}), Send(query={"q": "=Hàm Thuận"})), ids=("unit_a",)
    ),
    f"GET {API_PREFIX}units/resolve": Rule(DENY, query={"code": "unit_a.code"}),
    f"GET {API_PREFIX}units/{{unit_id}}": Rule(DENY, fill={"unit_id": "unit_a"}),
    f"GET {API_PREFIX}units/{{unit_id}}/successors": Rule(DENY, fill={"unit_id": "unit_a"}),
    f"GET {API_PREFIX}units/{{unit_id}}/predecessors": Rule(DENY, fill={"unit_id": "unit_a"}),
    # API: incidents
    f"GET {API_PREFIX}incidents": Rule(HIDE, _list(), ids=("incident", "incident_copy")),
    f"POST {API_PREFIX}incidents": Rule(DENY, _post("incident:json-create")),
    f"GET {API_PREFIX}incidents/{{incident_id}}": Rule(DENY, (SHOWN,), fill={"incident_id": "incident"}),
    f"PATCH {API_PREFIX}incidents/{{incident_id}}": Rule(
        DENY, (Send("PATCH", "incident:json-update", changes=True),), fill={"incident_id": "incident"}
    ),
    f"DELETE {API_PREFIX}incidents/{{incident_id}}": Rule(
        DENY, (Send("DELETE", changes=True),), fill={"incident_id": "incident"}
    ),
    f"POST {API_PREFIX}incidents/{{incident_id}}/restore": Rule(
        DENY, _post(as_=ADMIN), fill={"incident_id": "incident_deleted"}, ids=("incident_deleted",)
    ),
    # API: tips
    f"GET {API_PREFIX}tips": Rule(HIDE, _list(), ids=("tip", "tip_other")),
    f"GET {API_PREFIX}tips/figures": Rule(HIDE, _list()),
    f"GET {API_PREFIX}tips/{{tip_id}}": Rule(DENY, (SHOWN,), fill={"tip_id": "tip"}),
    f"POST {API_PREFIX}tips/{{tip_id}}/assign": Rule(DENY, _post("tip:json-assign"), fill={"tip_id": "tip"}),
    f"POST {API_PREFIX}tips/{{tip_id}}/note": Rule(DENY, _post("tip:json-note"), fill={"tip_id": "tip"}),
    f"POST {API_PREFIX}tips/{{tip_id}}/not-actionable": Rule(DENY, _post("tip:json-close"), fill={"tip_id": "tip"}),
    f"POST {API_PREFIX}tips/{{tip_id}}/duplicate": Rule(DENY, _post("tip:json-duplicate"), fill={"tip_id": "tip"}),
    f"POST {API_PREFIX}tips/{{tip_id}}/convert": Rule(DENY, _post("tip:json-convert"), fill={"tip_id": "tip"}),
    # API: the movement
    f"GET {API_PREFIX}movement/overdue/models": Rule(HIDE, _list(), ids=("models",)),
    f"GET {API_PREFIX}movement/overdue/plans": Rule(HIDE, _list(), ids=("plans",)),
    **{op: rule for rt in record_types.ALL for op, rule in _record_type_operations(rt).items()},
    # API: assessments and ratings
    f"GET {API_PREFIX}assessments": Rule(HIDE, _list(), ids=("assessment",)),
    f"POST {API_PREFIX}assessments": Rule(DENY, _post("assessment:json")),
    f"GET {API_PREFIX}assessments/shares": Rule(DENY, query={"unit": "unit_a", "year": f"={YEAR}"}),
    f"GET {API_PREFIX}assessments/ratings": Rule(HIDE, _list(), ids=("rating",)),
    f"POST {API_PREFIX}assessments/ratings": Rule(DENY, _post("rating:json")),
    f"GET {API_PREFIX}assessments/ratings/{{rating_id}}": Rule(DENY, (SHOWN,), fill={"rating_id": "rating"}),
    f"DELETE {API_PREFIX}assessments/ratings/{{rating_id}}": Rule(
        DENY, (Send("DELETE", changes=True),), fill={"rating_id": "rating"}
    ),
    f"POST {API_PREFIX}assessments/ratings/{{rating_id}}/restore": Rule(
        DENY, _post(as_=ADMIN), fill={"rating_id": "rating_deleted"}, ids=("rating_deleted",)
    ),
    f"POST {API_PREFIX}assessments/{{assessment_id}}/restore": Rule(
        DENY, _post(as_=ADMIN), fill={"assessment_id": "assessment_deleted"}, ids=("assessment_deleted",)
    ),
    f"GET {API_PREFIX}assessments/{{assessment_id}}": Rule(DENY, (SHOWN,), fill={"assessment_id": "assessment"}),
    f"DELETE {API_PREFIX}assessments/{{assessment_id}}": Rule(
        DENY, (Send("DELETE", changes=True),), fill={"assessment_id": "assessment"}
    ),
    # API: indicators (a unit named by its code) and reports
    f"GET {API_PREFIX}indicators": Rule(DENY, (SHOWN,), query=IN_A_ON_CODE),
    f"GET {API_PREFIX}indicators/catalogue": Rule(HIDE),
    f"GET {API_PREFIX}indicators/periods": Rule(HIDE, (SHOWN,), query={"year": f"={YEAR}"}),  # unit A's window
    f"GET {API_PREFIX}indicators/trend": Rule(
        DENY, query={"unit": "unit_a.code", "indicator": "=crime.cases", "year": f"={YEAR}"}
    ),
    f"GET {API_PREFIX}indicators/crosstab": Rule(
        DENY, query={"unit": "unit_a.code", "indicator": "=crime.cases", "year": f"={YEAR}"}
    ),
    f"GET {API_PREFIX}indicators/time-grid": Rule(DENY, query={**IN_A_ON_CODE, "kind": "=crime"}),
    f"GET {API_PREFIX}indicators/points": Rule(DENY, query=IN_A_ON_CODE),
    f"GET {API_PREFIX}indicators/black-spots": Rule(DENY, query=IN_A_ON_CODE),
    f"GET {API_PREFIX}indicators/events": Rule(HIDE, (SHOWN,), query={"year": f"={YEAR}"}),  # unit A's window
    # API: targets (a unit named by its id or its code)
    f"GET {API_PREFIX}indicators/targets": Rule(
        HIDE, (Send(query={"unit": "unit_a.code"}, shows=True), SHOWN), ids=("target",)
    ),
    f"POST {API_PREFIX}indicators/targets": Rule(DENY, _post("target:json-create", as_="a.leader")),
    f"GET {API_PREFIX}indicators/targets/kinds": Rule(HIDE),
    f"GET {API_PREFIX}indicators/targets/results": Rule(DENY, (SHOWN,), query=IN_A_ON_CODE),
    f"POST {API_PREFIX}indicators/targets/grid": Rule(DENY, _post("target:json-grid", as_="a.leader")),
    f"GET {API_PREFIX}indicators/targets/{{target_id}}": Rule(DENY, (SHOWN,), fill={"target_id": "target"}),
    f"PATCH {API_PREFIX}indicators/targets/{{target_id}}": Rule(
        DENY, (Send("PATCH", "target:json-update", as_="a.leader", changes=True),), fill={"target_id": "target"}
    ),
    f"DELETE {API_PREFIX}indicators/targets/{{target_id}}": Rule(
        DENY, (Send("DELETE", as_="a.leader", changes=True),), fill={"target_id": "target"}
    ),
    f"POST {API_PREFIX}indicators/targets/{{target_id}}/restore": Rule(
        DENY, _post(as_=ADMIN), fill={"target_id": "target_deleted"}, ids=("target_deleted",)
    ),
    f"GET {API_PREFIX}indicators/targets/{{target_id}}/history": Rule(
        DENY, (SHOWN,), fill={"target_id": "target"}
    ),
    # API: historical figures (a unit named by its code)
    f"GET {API_PREFIX}indicators/figures": Rule(
        HIDE, (Send(query={"unit": "unit_a.code"}, shows=True), SHOWN), ids=("figure", "figure_confirmed")
    ),
    f"POST {API_PREFIX}indicators/figures": Rule(DENY, _post("figure:json-create")),
    f"POST {API_PREFIX}indicators/figures/extract": Rule(DENY, _post("figure:json-extract")),  # a multipart upload
    f"GET {API_PREFIX}indicators/figures/{{figure_id}}": Rule(DENY, (SHOWN,), fill={"figure_id": "figure"}),
    f"DELETE {API_PREFIX}indicators/figures/{{figure_id}}": Rule(
        DENY, (Send("DELETE", changes=True),), fill={"figure_id": "figure"}
    ),
    f"POST {API_PREFIX}indicators/figures/{{figure_id}}/confirm": Rule(
        DENY, _post(as_="a.leader"), fill={"figure_id": "figure"}
    ),
    f"POST {API_PREFIX}indicators/figures/{{figure_id}}/correct": Rule(
        DENY, _post("figure:json-correct", as_="a.leader"), fill={"figure_id": "figure_confirmed"}
    ),
    f"GET {API_PREFIX}indicators/figures/{{figure_id}}/history": Rule(
        DENY, (SHOWN,), fill={"figure_id": "figure"}
    ),
    f"GET {API_PREFIX}reports/annual": Rule(DENY, (SHOWN,), query={**ANNUAL, "format": "=json"}),
    f"GET {API_PREFIX}reports/period": Rule(
        DENY, (SHOWN,), query={"unit": "unit_a.code", "period": "=w:zqaprobe-window", "format": "=json"}
    ),
}  # fmt: skip


# What the write attempts send: a plausible body, which changes unit A's data when its right role sends it. ----------

# A year-end report in which figure_extract reads one figure of unit A (traffic.accidents, YEAR).
FIGURE_REPORT = (
    f"Báo cáo tổng kết năm {YEAR} của xã Hàm Thuận {CHANGED}.\n"
    f"Năm {YEAR}, trên địa bàn xã xảy ra 12 vụ tai nạn giao thông."
)


def _file(name: str, data: bytes) -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


def _incident_form(w: World) -> dict:
    values = initial_from(w.records["incident"])
    values["unit"] = w.units["unit_a"].pk
    return {**values, "summary": CHANGED}


def _assessment_form(w: World) -> dict:
    initial = AssessmentForm.initial_from(w.records["assessment"])
    return {**initial, **{k: CHANGED for k in initial if k.startswith("evidence:")}}


def _rating_points(w: World) -> dict:
    points = dict(w.records["rating"].points)
    first = next(code for code, value in points.items() if value)
    return {**points, first: points[first] - 1}


def _criteria_results() -> dict:
    _, subject = criteria_set_choose(subject_type="commune", year=YEAR)
    return {c.code: {"passed": True, "evidence": CHANGED} for c in subject.criteria}


def _tip_convert_form(w: World) -> dict:
    values = tip_convert_initial(w.records["tip"], "crime")
    values["unit"] = values["unit"].pk
    return {**values, "category": "social_order", "solved": "0", "status": "received", "public_reply": ""}


def _record_bodies(rt) -> dict:
    def api_key(spec) -> str:
        return f"{spec.name}_id" if spec.kind in ("unit", "ref") else spec.name

    def created(w: World) -> dict:  # a new record of unit A, like the one there
        return {**record_values(rt, w.records[rt.key]), **MOVEMENT_CHANGES[rt.key], "external_id": CHANGED}

    return {
        f"{rt.key}:create": created,
        f"{rt.key}:update": lambda w: {**record_values(rt, w.records[rt.key]), **MOVEMENT_CHANGES[rt.key]},
        f"{rt.key}:import": lambda w: _file(f"{rt.key}.csv", w.files[rt.key]),
        f"{rt.key}:json-create": lambda w: {api_key(s): created(w)[s.name] for s in rt.specs},
        f"{rt.key}:json-update": lambda w: MOVEMENT_CHANGES[rt.key],
    }


BODIES = {
    "empty": lambda w: {},
    "setlang": lambda w: {"language": "en", "next": "/"},
    "track": lambda w: {"code": w.records["tip"].tracking_code},
    "token:revoke": lambda w: {"revoke": w.records["token"].pk},
    "token:create": lambda w: {"name": CHANGED},
    "lock": lambda w: {"month": f"{YEAR}-11"},
    "establishment": lambda w: {"name": f"{CHANGED} Trường", "establishment_type": "school", "address": ""},
    "incident:create": lambda w: {
        "unit": w.units["unit_a"].pk, "occurred_at": f"{YEAR}-09-20T09:00", "summary": CHANGED,
        "category": "social_order", "solved": "0", "status": "received",
    },
    "incident:update": _incident_form,
    "incident:delete": lambda w: {"reason": CHANGED},
    "incidents:import": lambda w: _file("su-viec.csv", w.files["incidents"]),
    "incident:json-create": lambda w: {
        "kind": "crime", "unit_id": w.units["unit_a"].pk, "occurred_at": f"{YEAR}-09-20T09:00", "summary": CHANGED,
        "category": "social_order", "solved": False,
    },
    "incident:json-update": lambda w: {"summary": CHANGED},
    "tip:assign": lambda w: {"assign-assigned_to": w.users["a.officer"].pk},
    "tip:note": lambda w: {"note-officer_notes": CHANGED, "note-public_reply": ""},
    "tip:close": lambda w: {"close-public_reply": CHANGED},
    "tip:duplicate": lambda w: {"dup-duplicate_of": w.records["tip_other"].pk, "dup-public_reply": ""},
    "tip:convert": _tip_convert_form,
    "tip:json-assign": lambda w: {"assignee_id": w.users["a.officer"].pk},
    "tip:json-note": lambda w: {"officer_notes": CHANGED},
    "tip:json-close": lambda w: {"reason": CHANGED},
    "tip:json-duplicate": lambda w: {"original_id": w.records["tip_other"].pk},
    "tip:json-convert": lambda w: {"kind": "crime", "category": "social_order", "solved": False},
    "assessment:form": _assessment_form,
    "assessment:json": lambda w: {"unit_id": w.units["unit_a"].pk, "year": YEAR, "results": _criteria_results()},
    "assessments:import": lambda w: _file("danh-gia.csv", w.files["assessments"]),
    "rating:form": _rating_points,
    "rating:json": lambda w: {"unit_id": w.units["unit_a"].pk, "year": YEAR, "points": _rating_points(w)},
    "ratings:import": lambda w: _file("xep-loai.csv", w.files["ratings"]),
    "window:create": lambda w: {
        "slug": "zqchanged", "name": CHANGED, "start": f"{YEAR}-10-01", "end": f"{YEAR}-10-05",
        "unit": w.units["unit_a"].pk, "note": "",
    },
    "window:update": lambda w: {
        "slug": w.records["window"].slug, "name": CHANGED, "start": f"{YEAR}-09-01", "end": f"{YEAR}-09-10",
        "unit": w.units["unit_a"].pk, "note": "",
    },
    "target:create": lambda w: {
        "unit": w.units["unit_a"].pk, "year": YEAR, "indicator": "traffic.dead", "kind": "reduce", "value": "",
        "document": CHANGED, "note": "",
    },
    "target:update": lambda w: {
        "unit": w.units["unit_a"].pk, "year": YEAR, "indicator": "traffic.accidents", "kind": "reduce_by_pct",
        "value": "7", "document": CHANGED, "note": "",
    },
    "target:grid": lambda w: {
        "row_count": "1", "r0-id": w.records["target"].pk, "r0-indicator": "traffic.accidents",
        "r0-kind": "reduce_by_pct", "r0-value": "7", "r0-document": CHANGED, "document": "",
    },
    "target:json-create": lambda w: {
        "unit_id": w.units["unit_a"].pk, "year": YEAR, "indicator": "traffic.dead", "kind": "reduce",
        "document": CHANGED,
    },
    "target:json-update": lambda w: {"value": 7, "document": CHANGED},
    "target:json-grid": lambda w: {
        "unit_id": w.units["unit_a"].pk, "year": YEAR,
        "rows": [{"id": w.records["target"].pk, "indicator": "traffic.accidents", "kind": "reduce_by_pct",
                  "value": 7, "document": CHANGED}],
    },
    "figure:grid": lambda w: {"unit": w.units["unit_a"].pk, "year": YEAR, "document": CHANGED,
                              "traffic.dead/2025": "3"},
    "figure:extract": lambda w: {"step": "read", "unit": w.units["unit_a"].pk, "year": YEAR, "document": CHANGED,
                                 "file": SimpleUploadedFile("tong-ket.txt", FIGURE_REPORT.encode(), "text/plain")},
    "figure:extract-save": lambda w: {"step": "save", "unit": w.units["unit_a"].pk, "year": YEAR,
                                      "document": CHANGED, "text": FIGURE_REPORT, "keep": "0"},
    "figure:correct": lambda w: {"value": "6", "reason": CHANGED},
    "figure:json-create": lambda w: {"unit_code": w.units["unit_a"].code, "period": str(YEAR),
                                     "indicator": "traffic.dead", "value": 3, "document": CHANGED},
    "figure:json-extract": lambda w: {"unit_code": w.units["unit_a"].code, "year": YEAR, "save": "true",
                                      "document": CHANGED,
                                      "file": SimpleUploadedFile("tong-ket.txt", FIGURE_REPORT.encode(), "text/plain")},
    "figure:json-correct": lambda w: {"value": 6, "reason": CHANGED},
    "figure:delete": lambda w: {"reason": CHANGED},
    "report:draft": lambda w: {"form": "draft", "number": "06", "shortcomings": CHANGED, "tasks": CHANGED},
    "report:profile": lambda w: {
        "form": "profile", "issuer_lines": "UBND XÃ HÀM THUẬN", "number_suffix": "BC-UBND", "place": "Hàm Thuận",
        "sign_form": "TM.", "signer_title": "CHỦ TỊCH", "signer_name": CHANGED, "recipients": "- Lưu: VT",
    },
    "batch:start": lambda w: {"unit": A_PROVINCE_CODE, "year": str(YEAR), "formats": "html"},
    **{name: body for rt in record_types.ALL for name, body in _record_bodies(rt).items()},
}  # fmt: skip


# The routes ------------------------------------------------------------------------------------------------------


def page_routes() -> list[str]:
    """Every route of the resolver but the admin's and the API's operations (those come from its document)."""
    operations = {re.sub(r"\{(\w+)\}", r"<\1>", path.split(" ", 1)[1]).lstrip("/") for path in api_operations()}
    routes = [r for r in _routes(get_resolver().url_patterns) if not r.startswith(SKIPPED)]
    routes = [r for r in routes if r not in operations]
    assert len(routes) == len(set(routes)), "two URL patterns with the same route"
    return routes


@lru_cache(maxsize=1)
def _schema() -> dict:
    return api.get_openapi_schema()


def api_operations(schema=None) -> list[str]:
    schema = schema or _schema()
    return [f"{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods]


ROUTES = page_routes() + api_operations()


def test_every_rule_names_a_route_that_exists():
    stale = sorted(set(RULES) - set(ROUTES))
    assert not stale, f"RULES in {__name__} has rules for routes that no longer exist; remove them: {stale}"
    assert len(ROUTES) > 200 and all(key in BODIES for rule in RULES.values() for s in rule.sends if (key := s.body))


def test_the_served_api_document_lists_the_probed_operations(client):
    """The operations probed are those /api/v1/openapi.json serves, and every URL pattern under /api/v1/ is one of
    its operations or a page with a rule (nothing of the API escapes the probe)."""
    served = client.get(f"{API_PREFIX}openapi.json")
    assert served.status_code == 200
    assert sorted(api_operations(served.json())) == sorted(api_operations())
    api_patterns = [r for r in _routes(get_resolver().url_patterns) if r.startswith(API_PREFIX.lstrip("/"))]
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", op.split(" ", 1)[1]).lstrip("/") for op in api_operations()}
    assert all(r in documented or r in RULES for r in api_patterns), api_patterns


# The probe ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Unit A's records and both units' users, once for the module, rolled back at its end."""
    tmp = tmp_path_factory.mktemp("probe")
    overrides = override_settings(
        ANTOAN_IMPORT_DIR=tmp / "imports",
        ANTOAN_TIP_PHOTO_DIR=tmp / "photos",
        ANTOAN_REPORT_BATCH_DIR=tmp / "batches",
        # A batch or an import started by a page is only queued (the database backend, and no worker here).
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [settings.ANTOAN_TASKS_QUEUE]}},
    )
    overrides.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            cache.clear()
            w = build_world(tmp)
            _historical_figures(w)
            yield w
            transaction.set_rollback(True)
    finally:
        overrides.disable()


def _historical_figures(w: World) -> None:
    """Unit A's historical figures (issue #24), unless the world already has them: a draft its officer entered and
    a figure its leader confirmed."""
    officer, leader, unit_a = w.users["a.officer"], w.users["a.leader"], w.units["unit_a"]
    if "figure" not in w.records:
        w.records["figure"] = figure_create(
            user=officer, unit=unit_a, period=str(YEAR), indicator="crime.social_order", value="7",
            document=f"{MARK}-figure Báo cáo tổng kết", quote=f"{MARK}-figure: xảy ra 7 vụ phạm pháp hình sự.",
        )  # fmt: skip
    if "figure_confirmed" not in w.records:
        w.records["figure_confirmed"] = figure_create(
            user=leader, unit=unit_a, period=str(YEAR), indicator="traffic.accidents", value="5",
            document=f"{MARK}-figure-confirmed", confirm=True,
        )  # fmt: skip


@pytest.fixture(autouse=True)
def quick_public_pages(monkeypatch):
    """The tracking page waits a fixed time (timing must not tell codes apart); the limits count per test."""
    monkeypatch.setattr(portal_views, "TRACK_MIN_SECONDS", 0)
    cache.clear()


class Probe:
    def __init__(self, w: World, route: str, rule: Rule):
        self.w, self.route, self.rule = w, route, rule
        self.is_api = " " in route
        self.clients: dict[str, Client] = {}

    def client(self, actor: str) -> Client:
        if actor not in self.clients:
            self.clients[actor] = Client()
            if actor != ANONYMOUS and not self.is_api:
                self.clients[actor].cookies[settings.SESSION_COOKIE_NAME] = self.w.sessions[actor]
        return self.clients[actor]

    def url(self, send: Send) -> str:
        path = self.route.split(" ", 1)[1] if self.is_api else "/" + self.route
        fill = {name: str(self.w.value(expression)) for name, expression in self.rule.fill.items()}
        path = re.sub(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", lambda m: fill[m[1] or m[2]], path)
        query = {name: self.w.value(expression) for name, expression in {**self.rule.query, **send.query}.items()}
        return path + ("?" + urlencode(query) if query else "")

    def send(self, actor: str, send: Send):
        """The request and the text of its answer."""
        client, url = self.client(actor), self.url(send)
        body = BODIES[send.body](self.w) if send.body else None
        headers = {}
        if self.is_api and actor != ANONYMOUS:
            headers["Authorization"] = f"Bearer {self.w.keys[actor]}"
        if self.is_api and send.method == "POST" and any(hasattr(v, "read") for v in (body or {}).values()):
            response = client.post(url, body, headers=headers)  # an upload: a multipart form
            sent = url + _sent_text(body)
        elif self.is_api and send.method != "GET":
            payload = json.dumps(body) if body is not None else ""
            response = client.generic(send.method, url, payload, content_type="application/json", headers=headers)
            sent = url + payload
        else:
            response = getattr(client, send.method.lower())(url, body or {}, headers=headers)
            sent = url + _sent_text(body)
        # (the test client closes the response itself: for a streaming one, once its content is read)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return response, content.decode("utf-8", "replace"), sent

    def evidence(self, response, text: str, sent: str) -> list[str]:
        """What in an answer is unit A's: a marker (that the request itself did not carry), or in JSON an id of
        one of the rule's records or of unit A's units."""
        markers = [*self.w.markers(), *(str(self.w.value(m)) for m in self.rule.markers)]
        found = [m for m in markers if m in text and m not in sent]
        if "json" in response.get("Content-Type", "") and text.strip():
            unit_ids = {self.w.units["unit_a"].pk, self.w.records["establishment"].pk}
            record_ids = {self.w.value(name) for name in self.rule.ids}
            for item in _dicts(json.loads(text)):
                unit = item.get("unit")
                unit_id = unit.get("id") if isinstance(unit, dict) else item.get("unit_id")
                if isinstance(unit_id, int) and unit_id in unit_ids:
                    found.append(f"unit_id {unit_id}")
                if isinstance(item.get("id"), int) and item["id"] in record_ids:
                    found.append(f"id {item['id']}")
        return found

    def refusals(self, actor: str, send: Send, response, text: str, sent: str) -> list[str]:
        """What is wrong with an outsider's answer (empty: nothing)."""
        where = f"{actor} {send.method} {self.url(send)} → {response.status_code}"
        problems = []
        if response.status_code >= 500:
            problems.append(f"{where}: a server error")
        elif actor == ANONYMOUS and self.rule.outsider != PUBLIC:
            if self.is_api and response.status_code != 401:
                problems.append(f"{where}: an anonymous API call must get 401")
            to_login = response.status_code == 302 and response.url.startswith(LOGIN)
            if not self.is_api and not (to_login or response.status_code in (401, 403)):
                problems.append(f"{where}: an anonymous visitor must be sent to the login page (or refused)")
        elif self.rule.outsider == DENY and response.status_code not in (403, 404):
            problems.append(f"{where}: unit A's record must be refused with 403 or 404")
        leaked = self.evidence(response, text, sent)
        if leaked:
            problems.append(f"{where}: the answer shows unit A's records: {leaked}")
        return problems


def _sent_text(body: dict | None) -> str:
    """A form as text, with the content of the files it uploaded (an import report may quote them back)."""
    parts = []
    for name, value in (body or {}).items():
        if hasattr(value, "seek"):
            value.seek(0)
            value = value.read().decode("utf-8", "replace")
        parts.append(f"{name}={value}")
    return "\n".join(parts)


def _dicts(data):
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _dicts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _dicts(value)


@pytest.mark.parametrize("route", ROUTES)
def test_another_units_roles_and_anonymous_get_nothing_of_unit_a(world, route):
    rule = RULES.get(route)
    assert rule is not None, (
        f"No scope rule for the route {route!r}. Add one to RULES in {__name__}: how to fill its parameters with "
        "unit A's record, what to send, and what another unit's user must get (DENY, HIDE or PUBLIC)."
    )
    probe = Probe(world, route, rule)
    baseline = fingerprint(world)
    problems = []
    writes = any(send.method != "GET" for send in rule.sends)
    for actor in (*OUTSIDERS, ANONYMOUS):
        for send in rule.sends:
            response, text, sent = probe.send(actor, send)
            problems += probe.refusals(actor, send, response, text, sent)
        changed = differences(baseline, fingerprint(world)) if writes or actor == ANONYMOUS else []
        if changed:
            problems.append(f"{actor}'s requests (or, for GETs, someone's) changed unit A's data: {changed}")
            baseline = fingerprint(world)
    assert not problems, "\n".join(problems)

    # The positive control: the same requests, by the right role of unit A, succeed.
    for send in rule.sends:
        actor = send.as_ or (rule.reader if send.method == "GET" else rule.writer)
        before = fingerprint(world) if send.changes else None
        response, text, sent = probe.send(actor, send)
        where = f"{actor} {send.method} {probe.url(send)} → {response.status_code}"
        succeeded = response.status_code in send.ok if send.ok else 200 <= response.status_code < 400
        assert succeeded, f"{where}: unit A's own user must succeed\n{text[:2000]}"
        if response.status_code in (301, 302) and rule.outsider != PUBLIC:  # (logging out ends on the login page)
            assert not response.url.startswith(LOGIN), where
        if send.shows:
            assert probe.evidence(response, text, sent), f"{where}: the answer should show unit A's records"
        if send.changes:
            assert differences(before, fingerprint(world)), f"{where}: should have changed unit A's data\n{text[:2000]}"


def test_an_administrator_of_another_unit_is_no_outsider(world, client):
    """The admin role reaches every unit (accounts.models.Role), so the probe leaves it out of the outsiders."""
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["b.admin"]  # logged in (and second step) once
    response = client.get(f"/su-viec/{world.records['incident'].pk}/")
    assert response.status_code == 200 and "ZQAPROBE-incident" in response.content.decode()


# Another unit's own requests that point at unit A's records ---------------------------------------------------


def _api(client, w: World, actor: str, method: str, path: str, body=None):
    headers = {"Authorization": f"Bearer {w.keys[actor]}"}
    payload = json.dumps(body) if body is not None else ""
    response = client.generic(method, path, payload, content_type="application/json", headers=headers)
    return response, response.content.decode()


def test_another_units_records_cannot_be_pointed_at_unit_a(world, client):
    """Unit B's officer, on unit B's own records, names unit A's: moves an incident there, closes a tip as a
    duplicate of unit A's, gives it to unit A's officer, reads unit B's figures over unit A's special window."""
    w, unit_b = world, world.units["unit_b"]
    created, _ = _api(client, w, "b.officer", "POST", f"{API_PREFIX}incidents", {
        "kind": "crime", "unit_id": unit_b.pk, "occurred_at": f"{YEAR}-09-20T09:00", "summary": "Trộm cắp",
        "category": "social_order", "solved": False,
    })  # fmt: skip
    assert created.status_code == 201, created.content
    incident_b = created.json()["id"]
    tip_b = tip_submit(unit=unit_b, category="drugs", occurred_at=w.records["tip"].occurred_at, description="Ma túy")
    before = fingerprint(w)

    moved, text = _api(client, w, "b.officer", "PATCH", f"{API_PREFIX}incidents/{incident_b}",
                       {"unit_id": w.units["unit_a"].pk})  # fmt: skip
    assert moved.status_code == 404 and MARK not in text
    duplicate, text = _api(client, w, "b.officer", "POST", f"{API_PREFIX}tips/{tip_b.pk}/duplicate",
                           {"original_id": w.records["tip"].pk})  # fmt: skip
    assert duplicate.status_code in (404, 422) and MARK not in text
    assigned, text = _api(client, w, "b.officer", "POST", f"{API_PREFIX}tips/{tip_b.pk}/assign",
                          {"assignee_id": w.users["a.officer"].pk})  # fmt: skip
    assert assigned.status_code in (404, 422) and w.users["a.officer"].username not in text
    figures, text = _api(client, w, "b.officer", "GET",
                         f"{API_PREFIX}indicators?unit={unit_b.code}&period=w:zqaprobe-window")  # fmt: skip
    assert figures.status_code in (404, 422) and MARK not in text

    tip_b.refresh_from_db()
    assert tip_b.is_open and tip_b.duplicate_of_id is None and tip_b.assigned_to_id is None
    assert differences(before, fingerprint(w)) == []


def test_the_medal_rule_names_another_units_decision_only_to_whom_may_see_it(world, client):
    """The Kỷ niệm chương is given once per person, nationally, so unit B's officer is refused a second one for
    the person unit A's decision honoured — without being shown that decision, which is unit A's record. Unit A's
    own officer is shown it."""
    w, medal = world, world.records["medal"]
    body = {
        "award": "medal", "authority": "ministry", "recipient_kind": "individual",
        "recipient_name": medal.recipient_name, "recipient_birth_year": 1970, "year": YEAR,
        "decision_number": "1/QĐ-BCA", "decision_date": f"{YEAR}-08-20",
    }  # fmt: skip
    outsider, text = _api(client, w, "b.officer", "POST", f"{API_PREFIX}movement/commendations",
                          {**body, "unit_id": w.units["unit_b"].pk})  # fmt: skip
    assert outsider.status_code == 422 and "recipient_name" in outsider.json()["errors"]
    assert MARK not in text and "8888" not in text and "19/08" not in text
    insider, text = _api(client, w, "a.officer", "POST", f"{API_PREFIX}movement/commendations",
                         {**body, "unit_id": w.units["unit_a"].pk})  # fmt: skip
    assert insider.status_code == 422 and medal.decision_number in json.dumps(insider.json(), ensure_ascii=False)
