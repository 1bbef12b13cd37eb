"""Security by test: CSRF on every form, the Content-Security-Policy on every page, and the cookies and headers of
production.

- CSRF. Every route (the URL resolver, as test_every_view_needs_login.py walks it; admin/ aside) is sent a POST
  without the token, by a logged-in officer, with the data of the form that posts there: it is refused 403 by the
  CSRF check and nothing is written. The same POST with the check passed is what proves the route takes it (and
  writes, for the delete and edit forms). Every page's <form method="post"> carries the csrfmiddlewaretoken input,
  and every template's post form has {% csrf_token %}. The API takes a session with the CSRF header, or a token:
  a session's unsafe request without the header is refused.
- CSP. Every page (each route of each app, logged in; the public tip pages and the login page; the fragments
  htmx fetches) has a policy whose script-src and style-src allow no inline code and no eval, and holds no inline
  script (JSON data excepted), no event-handler attribute, no javascript: URL, no inline style, no resource from
  another site.
- Production. The settings module with ANTOAN_PRODUCTION=1 (in a subprocess) makes the cookies Secure, the session
  cookie HttpOnly, both SameSite=Lax, and sends HSTS, X-Frame-Options DENY, nosniff and a Referrer-Policy; the test
  client under those very values then sees them on real responses.
"""

import json
import logging
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from antoan.accounts.models import Role
from antoan.accounts.services import api_token_create
from antoan.assessment import services as assessment_services
from antoan.assessment.criteria import criteria_set_choose
from antoan.assessment.ratings import rating_sheet_choose
from antoan.core import clock
from antoan.incidents import jobs as import_jobs
from antoan.incidents.services import incident_create
from antoan.indicators.figure_services import figure_create
from antoan.indicators.periods import period_parse
from antoan.indicators.target_services import target_create
from antoan.indicators.window_services import special_window_create
from antoan.movement import record_types
from antoan.movement.records import services as record_services
from antoan.portal import views as portal_views
from antoan.portal.services import tip_submit
from antoan.reports import jobs as report_jobs
from antoan.site.api import api
from antoan.site.tests.probe_world import _photo, local
from antoan.units.services import establishment_create

pytestmark = pytest.mark.django_db

HAM_THUAN = "23059"  # Xã Hàm Thuận, Tỉnh Lâm Đồng (Thị trấn Ma Lâm before 1/7/2025)
LAM_DONG = "68"
YEAR = 2025
SRC = Path(__file__).resolve().parents[2]  # src/antoan
CSRF_LOGGER = "django.security.csrf"
UNSAFE_METHODS = ("post", "put", "patch", "delete")


# The records every route can be given ------------------------------------------------------------------------------


MOVEMENT_VALUES = {
    "models": dict(name="Tổ tự quản thôn 1", model_type="self_managed", started_on=date(YEAR, 8, 1), places="Thôn 1",
                   lead_body="Công an xã", inspection_interval_months=1),
    "inspections": dict(inspected_on=date(YEAR, 9, 1), inspector="Nguyễn Văn Kiểm", rating="good",
                        findings="Hoạt động đều"),
    "exemplars": dict(kind="individual", name="Trần Thị Điển", year=YEAR, achievement="Phát hiện tội phạm"),
    "commendations": dict(award="merit", authority="province_chair", recipient_kind="individual",
                          recipient_name="Lê Văn Khen", year=YEAR, decision_number="12/QĐ-UBND",
                          decision_date=date(YEAR, 9, 2)),
    "deployments": dict(deployed_on=date(YEAR, 8, 5), officers=3, from_body="Công an tỉnh"),
    "patrols": dict(patrolled_on=date(YEAR, 9, 3), hours=4, violations_found=5, violations_handled=4),
    "propaganda": dict(held_on=date(YEAR, 9, 4), topic="security", sessions=1, attendees=40, note="Họp dân"),
    "signage": dict(done_on=date(YEAR, 9, 5), repaired=1, installed=2, location="QL28"),
    "plans": dict(hazard="flood", approved_on=date(YEAR, 8, 1), next_review_on=date(YEAR, 10, 1), resources="Xuồng"),
    "security_events": dict(occurred_on=date(YEAR, 9, 6), kind="group_complaint", summary="Khiếu nại đông người",
                            people_involved=12),
    "wanted": dict(handled_on=date(YEAR, 9, 7), outcome="surrendered", notice_number="12/QĐ-TN"),
    "weapons": dict(recovered_on=date(YEAR, 9, 8), kind="firearm", quantity=1),
    "documents": dict(issued_on=date(YEAR, 9, 9), doc_type="plan", number="15/KH-UBND", subject="Kế hoạch"),
    "conferences": dict(held_on=date(YEAR, 9, 10), kind="mid_year", subject="Sơ kết", attendees=40),
    "rescues": dict(started_on=date(YEAR, 9, 11), summary="Cứu người đuối nước", forces=20, people_rescued=2),
    "results": dict(achieved_on=date(YEAR, 9, 12), kind="cameras", quantity=4, funds_vnd=40_000_000),
}  # fmt: skip


@pytest.fixture
def world(settings, tmp_path, make_user, unit):
    """An officer of Xã Hàm Thuận with one record of every kind a URL names by id, made through the services."""
    settings.ANTOAN_TIP_PHOTO_DIR = tmp_path / "tip-photos"
    settings.ANTOAN_IMPORT_DIR = tmp_path / "imports"
    settings.ANTOAN_TIP_MIN_FILL_SECONDS = 0
    settings.ANTOAN_TIPS_PER_HOUR = settings.ANTOAN_TIP_LOOKUPS_PER_HOUR = 10**6
    commune, province = unit(HAM_THUAN), unit(LAM_DONG)
    officer = make_user(Role.OFFICER, commune, username="canbo.csrf")
    leader = make_user(Role.LEADER, commune, username="lanhdao.csrf")
    w = {"unit": commune, "officer": officer}
    w["establishment"] = establishment_create(
        user=officer, commune=commune, name="Trường THCS Hàm Thuận", establishment_type="school"
    )
    crime = dict(kind="crime", category="social_order", solved=False, latitude=11.1128, longitude=107.997)
    w["incident"] = incident_create(
        user=officer, unit=commune, occurred_at=local(YEAR, 9, 15, 10), summary="Trộm cắp xe máy", **crime
    )
    w["incident_copy"] = incident_create(  # the same case reported twice: a possible duplicate
        user=officer, unit=commune, occurred_at=local(YEAR, 9, 15, 10, 10), summary="Trộm xe máy", **crime
    )
    w["tip"] = tip_submit(
        photos=[_photo()], unit=commune, category="security_order", occurred_at=clock.now() - timedelta(days=1),
        description="Có người lạ tụ tập", contact_name="Nguyễn Văn A",
    )  # fmt: skip
    w["photo"] = w["tip"].photos.get()
    w["tip_token"] = signing.dumps(w["tip"].tracking_code, salt=portal_views._SENT_SALT)
    for rt in record_types.ALL:
        values = dict(MOVEMENT_VALUES[rt.key], external_id=f"HT-{rt.key}")
        values["model" if rt.key == "inspections" else "unit"] = w["models"] if rt.key == "inspections" else commune
        w[rt.key] = record_services.record_create(rt, user=officer, **values)
    _, subject = criteria_set_choose(subject_type="commune", year=YEAR)
    results = {c.code: {"passed": True, "evidence": "Biên bản"} for c in subject.criteria}
    w["assessment"], _ = assessment_services.assessment_record(user=officer, unit=commune, year=YEAR, results=results)
    _, sheet = rating_sheet_choose(subject_type="commune", year=YEAR)
    points = {c.code: c.max_points for c in sheet.criteria}
    w["rating"], _ = assessment_services.rating_record(user=officer, unit=commune, year=YEAR, points=points)
    w["window"] = special_window_create(
        user=leader, slug="dai-hoi-xa", name="Đại hội xã", start=f"{YEAR}-09-01", end=f"{YEAR}-09-10",
        unit=commune.pk, note="",
    )  # fmt: skip
    w["target"] = target_create(
        user=leader, unit=commune, year=YEAR, indicator="traffic.accidents", kind="reduce_by_pct", value="5"
    )
    w["figure"] = figure_create(
        user=officer, unit=commune, period=str(YEAR), indicator="crime.social_order", value="7"
    )
    upload = SimpleUploadedFile(
        "nhap.csv", b"kind,unit_code,occurred_at,summary\ncrime,23059,2025-10-01,x\n", content_type="text/csv"
    )
    w["import_job"] = import_jobs.import_job_start(user=officer, uploaded=upload)
    province_officer = make_user(Role.OFFICER, province, username="canbo.tinh")
    w["batch"] = report_jobs.batch_create(
        user=province_officer, unit=province, period=period_parse(str(YEAR)), kind="annual", formats="html"
    )
    w["province_officer"] = province_officer
    _, w["api_key"] = api_token_create(user=officer, owner=officer, name="csrf")
    return w


# Routes and their URLs -----------------------------------------------------------------------------------------

PK_BY_PREFIX = (  # the record a route's <pk> names, by the route's beginning (the longest first)
    ("su-viec/nhap/", "import_job"),
    ("su-viec/", "incident"),
    ("don-vi/", "unit"),
    ("co-so/", "establishment"),
    ("tin-bao/xu-ly/", "tip"),
    ("danh-gia/don-vi/", "unit"),
    ("danh-gia/", "assessment"),
    ("xep-loai/", "rating"),
    ("chi-tieu/dot-dac-biet/", "window"),
    ("chi-tieu/ke-hoach/", "target"),
    ("chi-tieu/so-lieu-cu/", "figure"),
    ("bao-cao/lo/", "batch"),
    *((f"{rt.slug}/", rt.key) for rt in record_types.ALL),
)
BY_NAME = {  # routes whose record is not the one their prefix names
    "incident-merge-duplicate": {"pk": "incident_copy"},
    "incident-dismiss-duplicate": {"pk": "incident_copy"},
    "deleted-restore": {"pk": "incident"},  # an administrator restores a deleted record (core.softdelete)
}
LITERALS = {"fmt": "csv", "token": "tip_token", "kind": None}
KINDS = {"incident-create": "traffic", "tip-convert": "crime", "assessment-import-template": "assessments",
         "deleted-restore": "incidents"}  # fmt: skip


def routes() -> list[tuple[str, str]]:
    """(route, URL name) of every page, the API and admin/ aside."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                found.append((route, f"{namespace}{pattern.name}" if pattern.name else ""))

    walk(get_resolver().url_patterns)
    return [(route, name) for route, name in found if not route.startswith(("admin/", "api/"))]


def route_url(route: str, name: str, w: dict) -> str:
    """The route with each parameter given a value that names a real record of the world."""
    kwargs = {}
    for parameter in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if parameter in BY_NAME.get(name, {}):
            record = w[BY_NAME[name][parameter]]
        elif parameter == "kind":
            record = KINDS.get(name) or pytest.fail(f"give route {route} ({name}) a kind in KINDS")
        elif parameter == "user_pk":
            record = w["officer"]
        elif parameter == "photo_pk":
            record = w["photo"]
        elif parameter == "fmt":
            record = "csv"
        elif parameter == "token":
            record = w["tip_token"]
        elif parameter == "unit_pk":  # a unit's year of targets
            record = w["unit"]
        elif parameter == "year":
            record = YEAR
        elif parameter == "pk":
            key = next((key for prefix, key in PK_BY_PREFIX if route.startswith(prefix)), None)
            record = w[key] if key else pytest.fail(f"say which record route {route} ({name}) names in PK_BY_PREFIX")
        else:
            pytest.fail(f"route {route} ({name}): what is <{parameter}>?")
        kwargs[parameter] = getattr(record, "pk", record)
    return reverse(name, kwargs=kwargs) if name else "/" + route


# Reading pages -----------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """What a page holds that the policy cares about, and its forms (for the POSTs)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.forms: list[dict] = []
        self.hx_gets: list[str] = []
        self._script: dict | None = None
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            low = name.lower()
            if re.fullmatch(r"on[a-z]+", low):
                self.problems.append(f"event handler <{tag} {name}=…>")
            elif low.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"htmx inline handler <{tag} {name}=…> (needs eval)")
            elif low == "style":
                self.problems.append(f"inline style <{tag} style=…>")
            elif low in ("href", "src", "action", "formaction", "xlink:href", "hx-get", "hx-post") and value:
                if value.strip().lower().startswith("javascript:"):
                    self.problems.append(f"javascript: URL in <{tag} {name}>")
            if low in ("hx-vals", "hx-vars") and value and value.strip().startswith(("js:", "javascript:")):
                self.problems.append(f"<{tag} {name}> evaluates script")
        if tag == "script":
            self._script = {"attrs": attributes, "text": ""}
            src = attributes.get("src")
            if src and urlsplit(src).netloc:
                self.problems.append(f"script from another site: {src}")
        elif tag == "style":
            self.problems.append("<style> element")
        elif (
            tag == "link"
            and "stylesheet" in (attributes.get("rel") or "")
            and urlsplit(attributes.get("href") or "").netloc
        ):
            self.problems.append(f"stylesheet from another site: {attributes.get('href')}")
        elif tag in ("object", "embed", "iframe"):
            self.problems.append(f"<{tag}>")
        elif tag == "form":
            self._form = {"method": (attributes.get("method") or "get").lower(), "action": attributes.get("action"),
                          "fields": {}, "files": [], "buttons": [], "token": None}  # fmt: skip
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            self._input(attributes)
        elif tag == "button" and self._form is not None and (attributes.get("type") or "submit") == "submit":
            self._form["buttons"].append((attributes.get("name"), attributes.get("value") or ""))
        elif tag == "select" and self._form is not None:
            self._select = attributes.get("name")
        elif tag == "option" and self._form is not None and self._select:
            if "selected" in attributes or self._select not in self._form["fields"]:
                self._form["fields"][self._select] = attributes.get("value") or ""
        elif tag == "textarea" and self._form is not None:
            self._textarea = attributes.get("name")
            if self._textarea:
                self._form["fields"][self._textarea] = ""
        for attribute in ("hx-get", "data-hx-get"):
            if attributes.get(attribute):
                self.hx_gets.append(attributes[attribute])

    def _input(self, attributes):
        name, kind = attributes.get("name"), (attributes.get("type") or "text").lower()
        if not name:
            return
        if name == "csrfmiddlewaretoken":
            self._form["token"] = attributes.get("value")
        elif kind == "file":
            self._form["files"].append(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in attributes:
                self._form["fields"][name] = attributes.get("value") or "on"
        elif kind not in ("submit", "button", "reset", "image"):
            self._form["fields"][name] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            kind = (self._script["attrs"].get("type") or "").lower()
            if self._script["text"].strip() and kind not in ("application/json", "application/ld+json"):
                self.problems.append(f"inline <script>: {self._script['text'].strip()[:60]!r}")
            self._script = None
        elif tag == "form" and self._form is not None:
            # What a click on the form's first button sends: its name and value, if it has one.
            buttons = self._form["buttons"]
            if buttons and buttons[0][0]:
                self._form["fields"].setdefault(buttons[0][0], buttons[0][1])
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data
        elif self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data


def read_page(response) -> Page:
    page = Page()
    page.feed(response.content.decode())
    page.close()
    return page


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def check_policy(response) -> None:
    """The policy allows no inline code and no eval, and nothing but this site for scripts and styles."""
    where = response.request["PATH_INFO"]
    directives = policy(response)
    for name in ("script-src", "style-src"):
        sources = directives.get(name, directives.get("default-src"))
        assert sources, (where, name, directives)
        allowed = [s for s in sources if s not in ("'self'", "'none'")]
        assert not allowed, (where, name, allowed)  # no 'unsafe-inline', 'unsafe-eval', *, data:, https:, hosts
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("base-uri") == ["'self'"] and directives.get("form-action") == ["'self'"], where


def check_html(response) -> Page:
    """The policy, and a page that keeps to it."""
    check_policy(response)
    page = read_page(response)
    assert not page.problems, (response.request["PATH_INFO"], page.problems)
    for form in page.forms:
        if form["method"] == "post":
            assert form["token"], (response.request["PATH_INFO"], "a post form without csrfmiddlewaretoken", form)
    return page


def is_html(response) -> bool:
    return "text/html" in response.headers.get("Content-Type", "")


def logged_in(user, *, enforce_csrf=False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


# What the database holds ------------------------------------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy}
    )


def row_counts() -> dict[str, int]:
    """The number of rows of every table (the audit history included, so an update shows as a new history row)."""
    tables = _tables()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def refused_by_csrf(caplog, response, before: dict, label) -> None:
    assert response.status_code == 403, (label, response.status_code)
    reasons = [r for r in caplog.records if r.name == CSRF_LOGGER]
    assert reasons, (label, "403, but not from the CSRF check")
    assert row_counts() == before, (label, "a refused request wrote something")
    caplog.clear()


# CSRF ----------------------------------------------------------------------------------------------------------


def test_every_route_refuses_a_post_without_the_csrf_token_and_writes_nothing(world, caplog):
    caplog.set_level(logging.WARNING, logger=CSRF_LOGGER)
    officer = world["officer"]
    reader = logged_in(officer)
    forms: dict[str, dict] = {}  # action URL → the fields of the form that posts there
    exports: dict[str, bytes] = {}  # a list's URL → its CSV export: what its import page is sent back
    for route, name in routes():
        url = route_url(route, name, world)
        response = reader.get(url)
        if url.endswith("/xuat.csv") and response.status_code == 200:
            exports[url.removesuffix("xuat.csv")] = b"".join(response.streaming_content)
        if response.status_code == 200 and is_html(response):
            for form in read_page(response).forms:
                action = urlsplit(urljoin(url, form["action"] or url)).path
                if form["method"] == "post" and len(form["fields"]) >= len(forms.get(action, {}).get("fields", {})):
                    forms[action] = form

    attacker = logged_in(officer, enforce_csrf=True)
    accepted, wrote = [], []

    def data(url: str, form: dict) -> dict:
        """The form's fields, and for an import page its list's export with new external ids (new records)."""
        export = exports.get(url.removesuffix("nhap/")) if url.endswith("/nhap/") else None
        if export is None:
            return form["fields"]
        files = {name: SimpleUploadedFile("nhap.csv", export.replace(b"HT-", b"HT2-")) for name in form["files"]}
        return {**form["fields"], **files}

    for route, name in routes():
        url = route_url(route, name, world)
        form = forms.get(url, {"fields": {}, "files": []})
        before = row_counts()
        response = attacker.post(url, data(url, form))
        refused_by_csrf(caplog, response, before, url)
        # The same request past the check (a session of its own, all undone afterwards): what the token guards.
        with rolled_back():
            passed = logged_in(officer)
            logged = row_counts()
            if passed.post(url, data(url, form)).status_code < 400:
                accepted.append(url)
            if row_counts() != logged:
                wrote.append(url)
    assert len(accepted) >= 60, accepted
    w = world
    must_write = [  # each of these POSTs, with its form's data, changes records once past the check
        reverse("logout"),
        reverse("api-tokens"),
        reverse("establishment-update", args=[w["establishment"].pk]),
        reverse("establishment-delete", args=[w["establishment"].pk]),
        reverse("incident-delete", args=[w["incident"].pk]),
        reverse("incident-merge-duplicate", args=[w["incident_copy"].pk]),
        reverse("incident-dismiss-duplicate", args=[w["incident_copy"].pk]),
        reverse("tip-assign", args=[w["tip"].pk]),
        reverse("tip-note", args=[w["tip"].pk]),
        reverse("assessment-delete", args=[w["assessment"].pk]),
        reverse("rating-delete", args=[w["rating"].pk]),
        reverse("reports:page"),
        reverse("incident-import"),
        *(reverse(f"{rt.key}-delete", args=[w[rt.key].pk]) for rt in record_types.ALL),
        *(reverse(f"{rt.key}-import") for rt in record_types.ALL),
    ]
    assert set(must_write) <= set(wrote), sorted(set(must_write) - set(wrote))


def test_the_public_pages_refuse_a_post_without_the_csrf_token(world, caplog):
    caplog.set_level(logging.WARNING, logger=CSRF_LOGGER)
    commune = world["unit"]
    visitor = Client(enforce_csrf_checks=True)
    page = check_html(visitor.get(reverse("tip-submit")))
    (form,) = [f for f in page.forms if f["method"] == "post" and f["action"] in (None, "", reverse("tip-submit"))]
    when = clock.local_now().strftime("%Y-%m-%dT00:00")
    form["fields"].pop("show_communes", None)  # the province step of a browser without JavaScript: not "Send"
    tip = dict(form["fields"], category="drugs", province=commune.parent_id, unit=commune.pk, occurred_at=when,
               description="Có người lạ tụ tập ở bãi đất trống")  # fmt: skip
    for url, data in (
        (reverse("tip-submit"), tip),
        (reverse("tip-track"), {"code": world["tip"].tracking_code}),
        (reverse("login"), {"username": "canbo.csrf", "password": "x"}),
        (reverse("set_language"), {"language": "en", "next": "/"}),
    ):
        before = row_counts()
        refused_by_csrf(caplog, Client(enforce_csrf_checks=True).post(url, data), before, url)
    # With the token the page gave, the same tip goes through: the refusal above was the token's.
    before = row_counts()["portal_tip"]
    sent = visitor.post(reverse("tip-submit"), dict(tip, csrfmiddlewaretoken=form["token"]))
    assert sent.status_code == 302, sent.context["form"].errors
    assert row_counts()["portal_tip"] == before + 1


def test_every_template_post_form_has_the_csrf_token():
    """Also the forms the walk above cannot reach (a leader's, an administrator's): read from the templates."""
    checked = 0
    for template in sorted(SRC.glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, flags=re.S | re.I):
            if re.search(r"""method\s*=\s*["']?post""", match.group(0)[: match.group(0).index(">") + 1], re.I):
                checked += 1
                assert "{% csrf_token %}" in match.group(1), (template.relative_to(SRC), match.group(0)[:200])
    assert checked >= 25


def _api_paths(w: dict) -> list[tuple[str, str]]:
    """(method, URL) of every unsafe API operation, its ids those of real records."""
    ids = {
        "unit_id": w["unit"].pk, "incident_id": w["incident"].pk, "tip_id": w["tip"].pk,
        "record_id": w["models"].pk, "assessment_id": w["assessment"].pk, "rating_id": w["rating"].pk,
        "target_id": w["target"].pk, "figure_id": w["figure"].pk,
    }  # fmt: skip
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in UNSAFE_METHODS:
                found.append((method, re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)))
    return found


def test_the_api_refuses_a_sessions_unsafe_request_without_the_csrf_header(world, caplog):
    caplog.set_level(logging.WARNING, logger=CSRF_LOGGER)
    operations = _api_paths(world)
    assert len(operations) >= 30
    session = logged_in(world["officer"], enforce_csrf=True)
    for method, url in operations:
        before = row_counts()
        response = getattr(session, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 403, (method, url, response.status_code)
        message = response.json()["errors"]["__all__"]
        assert "CSRF" in message["vi"] and "CSRF" in message["en"], message
        assert [r for r in caplog.records if r.name == CSRF_LOGGER], (method, url)
        caplog.clear()
        assert row_counts() == before, (method, url)
    # The session with the header the page's cookie gives, and a token without one, go through.
    session.get(reverse("tip-submit"))  # any page with a form sets the CSRF cookie
    token = session.cookies[settings.CSRF_COOKIE_NAME].value
    url = reverse("api-v1:delete_incident", kwargs={"incident_id": world["incident"].pk})
    with rolled_back():
        assert session.delete(url, HTTP_X_CSRFTOKEN=token).status_code in (200, 204)
    with rolled_back():
        tokened = Client(enforce_csrf_checks=True)
        assert tokened.delete(url, HTTP_AUTHORIZATION=f"Bearer {world['api_key']}").status_code in (200, 204)


# Content-Security-Policy -------------------------------------------------------------------------------------------


def test_the_policy_in_the_settings_allows_no_inline_code():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("script-src", "style-src", "default-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(directives[name]), name
    assert directives["frame-ancestors"] == ["'none'"]


def test_every_page_keeps_to_the_content_security_policy(world):
    client = logged_in(world["officer"])
    seen, fragments = [], set()
    for route, name in routes():
        url = route_url(route, name, world)
        response = client.get(url)
        if not is_html(response):
            continue
        page = check_html(response)
        seen.append(url)
        fragments.update(urljoin(url, link) for link in page.hx_gets if not urlsplit(link).netloc)
    # A province's batch pages, which only their maker sees.
    maker = logged_in(world["province_officer"])
    for url in (reverse("reports:batches"), reverse("reports:batch", args=[world["batch"].pk])):
        page = check_html(maker.get(url))
        fragments.update(urljoin(url, link) for link in page.hx_gets)
        seen.append(url)
    # The parts htmx fetches into the pages (the batch's progress, polled while it runs), and the import's.
    assert reverse("reports:batch", args=[world["batch"].pk]) in fragments  # found on the page of a queued batch
    fragments.add(reverse("incident-import-job", args=[world["import_job"].pk]))
    for url in sorted(fragments):
        for who in (client, maker):
            response = who.get(url, HTTP_HX_REQUEST="true")
            if response.status_code == 200:
                check_html(response)
    apps_seen = {url.strip("/").split("/")[0] for url in seen}
    for part in (
        "su-viec",
        "tin-bao",
        "mo-hinh",
        "danh-gia",
        "xep-loai",
        "chi-tieu",
        "bao-cao",
        "don-vi",
        "phong-trao",
    ):
        assert part in apps_seen, part
    assert len(seen) >= 80


# The pages an officer does not get: special windows and locks (a leader's), the users' two-factor login (an
# administrator's). Both roles must pass the two-factor step first (conftest's login_verified).
NOT_AN_OFFICERS = ("chi-tieu/dot-dac-biet/", "don-vi/<int:pk>/khoa-so/", "tai-khoan/", "xac-thuc/")


def test_leaders_and_administrators_pages_keep_to_the_policy(world, make_user, unit, login_verified):
    leader = make_user(Role.LEADER, world["unit"], username="lanhdao.csp")
    admin = make_user(Role.ADMIN, unit(LAM_DONG), username="quantri.csp")
    shown = set()
    for user in (leader, admin):
        client = Client()
        login_verified(client, user)
        for route, name in routes():
            if route.startswith(NOT_AN_OFFICERS):
                response = client.get(route_url(route, name, world))
                if response.status_code == 200 and is_html(response):
                    page = check_html(response)
                    shown.add(route)
                    assert not page.problems
    assert {"chi-tieu/dot-dac-biet/them/", "chi-tieu/dot-dac-biet/<int:pk>/sua/", "don-vi/<int:pk>/khoa-so/"} <= shown


def test_the_public_pages_keep_to_the_content_security_policy(world):
    visitor = Client()
    province = world["unit"].parent_id
    urls = [
        reverse("login"),
        reverse("tip-submit"),
        reverse("tip-track"),
        reverse("tip-communes") + f"?tinh={province}",
        reverse("tip-sent", args=[world["tip_token"]]),
        reverse("tip-sent", args=["khong-hop-le"]),
    ]
    for url in urls:
        check_html(visitor.get(url))
    # The tracking answer, a refused tip (its errors shown) and the province step without JavaScript.
    check_html(visitor.post(reverse("tip-track"), {"code": world["tip"].tracking_code}))
    check_html(visitor.post(reverse("tip-submit"), {"description": "x", "started": "y"}))
    check_html(visitor.post(reverse("tip-submit"), {"province": province, "show_communes": "1"}))


# The report as a file of its own (reports/html.py, standalone): downloaded as an attachment and opened from disk,
# never a page of the site, so its stylesheet travels inside it.
STANDALONE_DOCUMENTS = {"reports/templates/reports/document.html": ["<style> element"]}


def test_no_template_holds_inline_script_handlers_or_styles():
    """Also the templates the walks above do not render (the lockout page, the 503 page, the two-factor pages)."""
    found = {}
    for template in sorted(SRC.glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", "", text, flags=re.S)
        page = Page()
        page.feed(text)
        page.close()
        if page.problems:
            found[str(template.relative_to(SRC))] = page.problems
    assert found == STANDALONE_DOCUMENTS


def test_the_page_scanner_finds_what_the_policy_forbids():
    """The checks above would see an inline script, a handler, a style: fed such a page, the reader lists each."""
    html = (
        '<script src="/static/a.js"></script><script type="application/json">{"a": 1}</script>'
        '<script>alert(1)</script><button onclick="go()">x</button><a href="javascript:go()">y</a>'
        '<p style="color:red">z</p><style>p{}</style><div hx-on:click="go()"></div>'
        '<script src="https://cdn.example/x.js"></script><form method="post"><input name="a" value="1"></form>'
    )
    page = Page()
    page.feed(html)
    kinds = " | ".join(page.problems)
    for expected in ("inline <script>", "event handler", "javascript:", "inline style", "<style>", "htmx", "another"):
        assert expected in kinds, (expected, kinds)
    assert len(page.problems) == 7 and page.forms[0]["token"] is None and page.forms[0]["fields"] == {"a": "1"}


# Production: cookies and headers ----------------------------------------------------------------------------------

SECURITY_SETTINGS = (
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "MIDDLEWARE",
)
YEAR_SECONDS = 365 * 24 * 3600


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory) -> dict:
    """The security settings as `ANTOAN_PRODUCTION=1` makes them: read in a fresh interpreter."""
    home = tmp_path_factory.mktemp("production")
    env = dict(
        os.environ,
        ANTOAN_PRODUCTION="1",
        SECRET_KEY="k" * 64 + "-prod-Xy7!",
        ALLOWED_HOSTS="antoan.example.vn",
        ANTOAN_HOME=str(home),
        DJANGO_SETTINGS_MODULE="antoan.settings",
    )
    for name in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):  # the defaults, not this machine's choices
        env.pop(name, None)
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(SECURITY_SETTINGS)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=home, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_production_settings_make_cookies_and_headers_strict(production_settings):
    s = production_settings
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"] and s["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert s["CSRF_COOKIE_SECURE"] and s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_HSTS_SECONDS"] >= YEAR_SECONDS and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert s["SECURE_REFERRER_POLICY"] in (
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )
    assert s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["frame-ancestors"] == ["'none'"]
    for middleware in (
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "csp.middleware.CSPMiddleware",
    ):
        assert middleware in s["MIDDLEWARE"], middleware


@pytest.fixture
def in_production(production_settings):
    values = {k: v for k, v in production_settings.items() if k not in ("DEBUG", "MIDDLEWARE")}
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    with override_settings(**values):
        yield


def _check_headers(response) -> None:
    where = response.request["PATH_INFO"]
    hsts = response.headers.get("Strict-Transport-Security", "")
    age = re.search(r"max-age=(\d+)", hsts)
    assert age and int(age.group(1)) >= YEAR_SECONDS and "includeSubDomains" in hsts, (where, hsts)
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin"), where
    assert policy(response)["frame-ancestors"] == ["'none'"], where


def _check_cookie(cookie, *, httponly: bool) -> None:
    assert cookie["secure"] is True, cookie.output()
    assert cookie["samesite"] == "Lax", cookie.output()
    assert bool(cookie["httponly"]) is httponly, cookie.output()


def test_in_production_the_cookies_are_secure_and_the_headers_strict(in_production, make_user, unit):
    officer = make_user(Role.OFFICER, unit(HAM_THUAN), username="canbo.https")
    officer.set_password("An-Toan@2026-https")
    officer.save()
    browser = Client(enforce_csrf_checks=True)
    # Plain HTTP is sent to HTTPS.
    plain = browser.get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    # Over HTTPS (as nginx says with X-Forwarded-Proto), the login page sets the CSRF cookie.
    https = {"secure": True, "HTTP_X_FORWARDED_PROTO": "https"}
    page = browser.get(reverse("login"), **https)
    assert page.status_code == 200
    _check_headers(page)
    _check_cookie(page.cookies[settings.CSRF_COOKIE_NAME], httponly=True)
    token = read_page(page).forms[-1]["token"]
    login = browser.post(
        reverse("login"),
        {"username": officer.username, "password": "An-Toan@2026-https", "csrfmiddlewaretoken": token},
        HTTP_REFERER="https://testserver" + reverse("login"),
        **https,
    )
    assert login.status_code == 302, login.content[:500]
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    _check_cookie(session, httponly=True)
    assert not session["max-age"] and not session["expires"]  # ends when the browser closes
    _check_headers(login)
    for url in (reverse("incident-list"), reverse("tip-submit"), "/api/v1/units?q=ham"):
        response = browser.get(url, **https)
        assert response.status_code == 200, url
        _check_headers(response)
    # A POST from another site's page is refused, even with the cookie and a token (the Referer is checked).
    other = browser.post(
        reverse("logout"), {"csrfmiddlewaretoken": token}, HTTP_REFERER="https://evil.example/", **https
    )
    assert other.status_code == 403
