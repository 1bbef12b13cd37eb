"""Every list's filters, fuzzed with hypothesis (#25): the pages, the exports and the API lists of incidents, tips,
each movement record type, the overdue lists, assessments, ratings, units, special windows, deleted records and users.

For each list, the parameters it declares (its `core.filters.Filters` class: the one path) get arbitrary values —
valid codes, ids, dates and words, and what breaks parsers: digits that are not ASCII ("²", "٣", "１２"), huge and
negative numbers, impossible dates and years out of range, reversed ranges, NUL and other control characters, very
long strings, text of any kind — together with parameters it does not declare. Whatever is sent, the answer is the
list (200) or its refusal: 400 for a page (its form and the message) or an export (text), 422 for the API, naming
each refused parameter with a message in Vietnamese and in English. Never a 5xx, never another status.

A derandomised run in CI (Hypothesis loads its "ci" profile when CI=true, as .ci/run sets it); few examples per list,
no deadline, no example database. What this found is kept as explicit tests in each app (a unit of "²" was a 500 on
/api/v1/incidents and /api/v1/tips; a date_to of 9999-12-31 an OverflowError; NUL in the users' search a database
error on PostgreSQL).
"""

import html
import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from antoan.accounts.models import Role, User
from antoan.accounts.selectors import UserFilters
from antoan.accounts.services import api_token_create, membership_grant
from antoan.accounts.testing import login_verified
from antoan.assessment import services as assessment_services
from antoan.assessment.criteria import criteria_set_choose
from antoan.assessment.ratings import rating_sheet_choose
from antoan.assessment.selectors import AssessmentFilters, RatingFilters
from antoan.core.filters import Choice, Day, Filters, Flag, Id, Text, Year
from antoan.incidents.selectors import IncidentFilters
from antoan.incidents.services import incident_create
from antoan.movement import record_types
from antoan.movement.records import services as record_services
from antoan.movement.records.selectors import RecordFilters, record_filters_class
from antoan.movement.selectors import OverdueFilters
from antoan.portal.selectors import TipFilters
from antoan.portal.services import tip_submit
from antoan.site.deleted import DeletedFilters
from antoan.site.tests.probe_world import MOVEMENT_VALUES, YEAR
from antoan.units.selectors import UnitFilters, VisibleUnit, unit_for_code

pytestmark = pytest.mark.django_db

# As test_upload_fuzz: Hypothesis's caches in the temporary folder, never in the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "antoan-hypothesis")

EXAMPLES_PER_LIST = 6  # drawn; and the KILLERS, explicit
FUZZ = settings(
    max_examples=EXAMPLES_PER_LIST,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

HAM_THUAN, HONG_SON, LAM_DONG = "23059", "23086", "68"  # the officer's commune, another one, their province


# The lists -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """One list as a client reaches it: `kind` is "page", "export" or "api"; `filters` its declaration (None: a list
    without filters, only undeclared parameters are sent); `only` the parameters of the declaration it takes."""

    path: str
    kind: str
    filters: type[Filters] | None
    only: tuple[str, ...] | None = None
    actors: tuple[str, ...] = ("officer", "admin")

    @property
    def params(self) -> dict:
        declared = self.filters.params() if self.filters else {}
        return {name: reading for name, reading in declared.items() if self.only is None or name in self.only}

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


def _listings() -> list[Listing]:
    lists = [
        Listing("/su-viec/", "page", IncidentFilters),
        Listing("/su-viec/trung-lap/", "page", IncidentFilters),
        Listing("/su-viec/xuat.csv", "export", IncidentFilters),
        Listing("/api/v1/incidents", "api", IncidentFilters),
        Listing("/tin-bao/xu-ly/", "page", TipFilters),
        Listing("/api/v1/tips", "api", TipFilters),
        Listing("/api/v1/tips/figures", "api", TipFilters, only=("unit", "date_from", "date_to")),
        Listing("/phong-trao/qua-han/", "page", OverdueFilters),
        Listing("/api/v1/movement/overdue/models", "api", OverdueFilters),
        Listing("/api/v1/movement/overdue/plans", "api", OverdueFilters),
        Listing("/danh-gia/", "page", AssessmentFilters),
        Listing("/danh-gia/xuat.csv", "export", AssessmentFilters),
        Listing("/api/v1/assessments", "api", AssessmentFilters),
        Listing("/xep-loai/", "page", RatingFilters),
        Listing("/xep-loai/xuat.csv", "export", RatingFilters),
        Listing("/api/v1/assessments/ratings", "api", RatingFilters),
        Listing("/api/v1/units", "api", UnitFilters),
        Listing("/don-vi/{own}/", "page", UnitFilters, only=("q",)),  # its children
        Listing("/chi-tieu/dot-dac-biet/", "page", None),  # special windows: a list without filters
        Listing("/ban-ghi-da-xoa/", "page", DeletedFilters, actors=("admin",)),
        Listing("/tai-khoan/nguoi-dung/", "page", UserFilters, actors=("admin",)),
    ]
    for rt in record_types.ALL:
        filters = record_filters_class(rt)
        lists += [
            Listing(f"/{rt.slug}/", "page", filters),
            Listing(f"/{rt.slug}/xuat.csv", "export", filters),
            Listing(f"/api/v1/movement/{rt.key}", "api", filters),
        ]
    return lists


LISTINGS = _listings()


def test_every_declared_filter_is_fuzzed_here():
    """A new list declares its filters on the one path; this test then asks for it to be added to LISTINGS."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(Filters) if cls.__module__.startswith("antoan.")]
    declared = {cls for cls in ours if ".tests." not in cls.__module__}
    declared.discard(RecordFilters)  # the base of each record type's class
    fuzzed = {listing.filters for listing in LISTINGS}
    assert declared <= fuzzed, f"lists not fuzzed: {sorted(c.__name__ for c in declared - fuzzed)}"


# The world: an officer of a commune, an administrator, a record of each kind ---------------------------------------


@dataclass
class World:
    units: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)  # actor → logged-in client (pages and exports)
    keys: dict = field(default_factory=dict)  # actor → API token


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end (as the authorization probe's)."""
    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> World:
    w = World()
    w.units = {
        "own": unit_for_code(code=HAM_THUAN),
        "legacy": unit_for_code(code=HAM_THUAN, day=date(2020, 1, 1)),  # Thị trấn Ma Lâm: the officer's, before 2025
        "other": unit_for_code(code=HONG_SON),  # out of the officer's reach
        "province": unit_for_code(code=LAM_DONG),
    }
    officer = _user("fuzz.officer", w.units["own"], Role.OFFICER)
    admin = _user("fuzz.admin", w.units["province"], Role.ADMIN)
    for actor, user in (("officer", officer), ("admin", admin)):
        w.keys[actor] = api_token_create(user=user, owner=user, name=f"fuzz {actor}")[1]
        w.clients[actor] = Client()
        login_verified(w.clients[actor], user)

    own = w.units["own"]
    incident_create(
        user=officer, unit=own, kind="crime", category="social_order", solved=False, summary="Trộm cắp xe máy",
        occurred_at=timezone.make_aware(datetime(YEAR, 9, 15, 10)),
    )  # fmt: skip
    tip_submit(
        photos=[], unit=own, category="security_order", description="Có người lạ", contact_name="Nguyễn Văn A",
        occurred_at=timezone.make_aware(datetime(YEAR, 9, 14, 10)),
    )  # fmt: skip
    records = {}
    for rt in record_types.ALL:  # models first: an inspection is of a model
        values = dict(MOVEMENT_VALUES[rt.key])
        if rt.key == "inspections":
            values["model"] = records["models"]
        else:
            values["unit"] = own
        records[rt.key] = record_services.record_create(rt, user=officer, **values)
    _, subject = criteria_set_choose(subject_type="commune", year=YEAR)
    results = {c.code: {"passed": True, "evidence": "Có"} for c in subject.criteria}
    assessment_services.assessment_record(user=officer, unit=own, year=YEAR, results=results)
    _, sheet = rating_sheet_choose(subject_type="commune", year=YEAR)
    points = {c.code: c.max_points for c in sheet.criteria}
    assessment_services.rating_record(user=officer, unit=own, year=YEAR, points=points)
    return w


def _user(username: str, unit, role) -> User:
    user = User.objects.create(username=username, full_name=username)
    membership_grant(actor=None, user=user, unit=unit, role=role)
    return user


# What is sent ----------------------------------------------------------------------------------------------------

# Values that broke, or could break, a parser somewhere.
NASTY = [
    "²", "٣", "１２", "0", "-1", "-5", str(10**30), str(2**63), "1e3", "0x1F", "1.5", "1.500", " 7 ", "+3",
    "\x00", "a\x00b", "\u202e", "\ufeff", "\t", "x" * 5000, "9" * 5000, "", " ",
    "2026-02-30", "31/02/2026", "2026-13-01", "0001-01-01", "9999-12-31", "10000-01-01", "١٢/٠١/٢٠٢٦", "2026-1-5",
    "true", "on", "có", "null", "None", "[]", "{}", "' OR 1=1 --", "%", "_", "\\", "<b>x</b>", "ý", "Hàm Thuận",
]  # fmt: skip
nasty = st.sampled_from(NASTY)
anything = st.text(max_size=40)


def _dates():
    day = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
    return day.map(date.isoformat) | day.map(lambda d: d.strftime("%d/%m/%Y"))


def _values(reading, w: World):
    """What a parameter is sent: mostly what it takes, often what breaks parsers."""
    if isinstance(reading, Choice):
        valid = st.sampled_from(reading.codes)
    elif isinstance(reading, Day):
        valid = _dates()
    elif isinstance(reading, Year):
        valid = st.integers(1900, 2200).map(str)
    elif isinstance(reading, Flag):
        valid = st.sampled_from(["1", "0", "on", "true", "false", "có", "không", "yes"])
    elif isinstance(reading, Text):
        valid = st.sampled_from(["trộm", "Hàm", "a" * reading.max_length, "a" * (reading.max_length + 1)]) | anything
    elif isinstance(reading, VisibleUnit):
        valid = st.sampled_from([str(u.pk) for u in w.units.values()]) | st.integers(-(2**64), 2**64).map(str)
    elif isinstance(reading, Id):
        valid = st.integers(-(2**64), 2**64).map(str)
    else:
        valid = anything
    return st.one_of(valid, valid, nasty, anything)


# What the parsers this path replaced failed on, each sent to every parameter of every list at once (the parser reads
# each parameter apart, so one request judges them all): explicit examples, always run, besides the drawn ones.
KILLERS = ["²", "٣", str(10**30), "-5", "2026-02-30", "9999-12-31", "a\x00b", "x" * 5000]


def _every_parameter_gets_each_of(values, listing: Listing):
    actor = listing.actors[0]

    def add(test):
        for value in values:
            test = example(params={"page": value, **dict.fromkeys(listing.params, value)}, actor=actor)(test)
        if {"date_from", "date_to"} <= set(listing.params):
            test = example(params={"date_from": "2026-03-01", "date_to": "2026-02-01"}, actor=actor)(test)
        return test

    return add


UNDECLARED = st.sampled_from(["page", "limit", "offset", "sort", "utm_source", "unit_id", "format", "x\x00"])


def _params(listing: Listing, w: World):
    declared = st.fixed_dictionaries({}, optional={name: _values(r, w) for name, r in listing.params.items()})
    undeclared = st.dictionaries(UNDECLARED | st.text(min_size=1, max_size=8), nasty | anything, max_size=2)
    return st.tuples(undeclared, declared).map(lambda both: {**both[0], **both[1]})


# The check -------------------------------------------------------------------------------------------------------

_PAGE_ERROR = re.compile(r'<li data-field="([^"]*)"><code>[^<]*</code>: (.*?)</li>', re.S)


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


def _ask(listing: Listing, w: World, actor: str, params: dict) -> Answer:
    """The answer, read whole (an export streams its rows: a failure there would come after its status)."""
    path = listing.path.format(own=w.units["own"].pk)
    headers = {"Authorization": f"Bearer {w.keys[actor]}"} if listing.kind == "api" else {}
    client = Client() if listing.kind == "api" else w.clients[actor]
    with transaction.atomic():  # a refused statement must not spoil the next example's (PostgreSQL)
        response = client.get(path, params, headers=headers)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return Answer(response.status_code, content.decode("utf-8-sig"))


def _named(listing: Listing, answer: Answer) -> dict[str, tuple[str, str]]:
    """The refused parameters an answer names, each with its (Vietnamese, English) message."""
    if listing.kind == "api":
        return {name: (m.get("vi", ""), m.get("en", "")) for name, m in json.loads(answer.text)["errors"].items()}
    if listing.kind == "export":
        lines = [line.partition(": ") for line in answer.text.splitlines()]
        return {name: tuple(message.partition(" / ")[::2]) for name, _, message in lines}
    found = _PAGE_ERROR.findall(answer.text)
    return {html.unescape(name): tuple(html.unescape(message).partition(" / ")[::2]) for name, message in found}


@pytest.mark.parametrize("listing", LISTINGS, ids=str)
def test_no_filter_value_gets_a_server_error_and_every_refusal_names_its_parameter(world, listing):
    refusal = 422 if listing.kind == "api" else 400

    for actor in listing.actors:
        plain = _ask(listing, world, actor, {})
        assert plain.status == 200, (actor, str(listing), plain.status, plain.text[:1000])

    @FUZZ
    @given(params=_params(listing, world), actor=st.sampled_from(listing.actors))
    @_every_parameter_gets_each_of(KILLERS, listing)
    def check(params, actor):
        answer = _ask(listing, world, actor, params)
        where = (actor, str(listing), params, answer.status, answer.text[:1000])
        assert answer.status in (200, refusal), where
        if answer.status == refusal:
            named = _named(listing, answer)
            assert named, where
            for name, (vi, en) in named.items():
                assert name in params, (where, name)
                assert vi.strip() and en.strip(), (where, name, vi, en)

    check()
