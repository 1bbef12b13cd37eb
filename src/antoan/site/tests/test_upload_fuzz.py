"""Every path a file comes in by, fuzzed with hypothesis: the incident import (page and `antoan import incidents`),
the movement records' imports (pages and `antoan import <type>`), the assessment and rating imports (pages and
`antoan assessment import`), and the photos of the public tip form.

The files are random bytes; CSV with random or valid headers, cells of any Unicode, very long cells, formulas,
blank rows, in several encodings and delimiters, with or without a BOM; XLSX written by openpyxl with cells of
every type; and broken workbooks (a part missing, cut short or replaced, a sheet that decompresses to megabytes of
nothing, a ZIP that is no workbook, a CSV named .xlsx). Photos are real pictures of every mode, cut short, with
bytes flipped, with a header claiming huge dimensions, in formats that are refused, and under wrong names.

Whatever comes in, the answer is never a server error nor an exception: it is a success, or a bilingual message
naming the file, the photo or the row and column; a file refused as a whole writes nothing, and an
all-or-nothing import with a rejected row writes nothing either.

Each test is bounded (few examples, no deadline, no example database: nothing is written in the repository).

What fuzzing found, each kept as an explicit @example: a CSV cell longer than the csv module's limit, a workbook
whose sheet is cut short or missing (500s, from core/tabular.py); a PNG with a damaged chunk (Pillow's SyntaxError,
a 500 on the public form); on PostgreSQL, a NUL character in an external id (the lookup query refused) or quoted in
a row's message (the import job could not be saved); Django's own "empty file" message, Vietnamese only.
"""

import csv
import html
import io
import struct
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from PIL import Image

from antoan.accounts.models import Role
from antoan.assessment.criteria import criteria_set_choose
from antoan.assessment.models import Assessment, Rating
from antoan.assessment.ratings import rating_sheet_choose
from antoan.assessment.transfer import ASSESSMENT_COLUMNS, ASSESSMENT_REQUIRED, RATING_COLUMNS, RATING_REQUIRED
from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.tabular import ImportFileError, read_header, read_rows
from antoan.incidents.models import ImportJob, Incident
from antoan.incidents.transfer import COLUMNS as INCIDENT_COLUMNS
from antoan.incidents.transfer import REQUIRED_COLUMNS as INCIDENT_REQUIRED
from antoan.movement import record_types
from antoan.movement.records.transfer import columns as record_columns
from antoan.portal.forms import stamp_new
from antoan.portal.models import Tip, TipPhoto
from antoan.portal.photos import photo_clean

pytestmark = pytest.mark.django_db

# Hypothesis keeps caches (and, unless told otherwise, the examples it found) in .hypothesis/ of the working folder:
# in the temporary folder instead, so that a run writes nothing in the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "antoan-hypothesis")

HAM_THUAN = "23059"  # Xã Hàm Thuận (Thị trấn Ma Lâm before 1/7/2025): the officer's commune
FUZZ = {
    "deadline": None,
    "database": None,  # no .hypothesis/ folder in the repository
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,  # each example runs in its own savepoint, rolled back
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}


def fuzz(max_examples: int):
    return settings(max_examples=max_examples, **FUZZ)


@contextmanager
def rolled_back():
    """One example's writes, undone afterwards: the next example starts from the same records."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# What a cell may hold ------------------------------------------------------------------------------------------

ODD_CELLS = (
    "",
    " ",
    "\t",
    "=CMD()",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2",
    "@SUM(A1:A2)",
    "'=1+1",
    "'",
    '"',
    '""',
    "\x00",
    "a\x00b",
    "\ufeff",
    "\u202egpj.exe",
    "\r\n",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "1.500.000",
    "1,5",
    "9" * 30,
    "0",
    "1",
    "có",
    "không",
    "0001-01-01 00:00",
    "9999-12-31 23:59",
    "31/12/9999",
    "01/01/0001",
    "29/02/2025",
    "2026-13-01",
    "Th«n 2 x· Hµm ThuËn",  # TCVN3 typed with an old font
    "ThÃ´n 2",  # UTF-8 read as Windows-1252
    "Tho\u0302n 2",  # NFD
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚓",
)
LONG_CELLS = st.builds(lambda ch, n: ch * n, st.sampled_from('aĐ="\n,'), st.sampled_from([300, 5001, 140_000]))
TEXT = st.text(max_size=24)
CELL = st.one_of(TEXT, st.sampled_from(ODD_CELLS), LONG_CELLS)

DATES = ("2026-03-01", "2025-06-30", "15/08/2024", "2019-12-31", "2026-03-01 08:30", "01/07/2025 23:59", "2020-05-04")
UNIT_CODES = (HAM_THUAN, "23086", "597", "68", "00004", "23059.0", "99999", " 23059 ")


def _plausible(column: str):
    """Values a real file has in that column (right or wrong), so that rows get as far as the services."""
    if column.endswith("unit_code"):
        return st.sampled_from(UNIT_CODES)
    if column in ("occurred_at", "ended_at", "solved_on") or column.endswith(("_on", "_date")):
        return st.sampled_from(DATES)
    if column == "kind":
        return st.sampled_from(("traffic", "crime", "social_evil", "disaster", "individual", "collective", "bogus"))
    if column == "category":
        return st.sampled_from(("drugs", "gambling", "social_order", "storm", "theft", ""))
    if column in ("year",):
        return st.sampled_from(("2025", "2026", "2020", 2026, "1899", "10000"))
    if column in ("dead", "injured", "missing", "points", "officers", "sessions", "attendees", "hours"):
        return st.one_of(st.integers(-3, 50).map(str), st.sampled_from(("1.000", "2,5", "x")))
    if column in ("latitude", "longitude"):
        return st.sampled_from(("11.05", "108.05", "91", "-181", "nan", "1e400"))
    if column in ("passed", "solved"):
        return st.sampled_from(("1", "0", "có", "không", "x", "maybe"))
    return TEXT


def _mostly(plausible, other=CELL):
    return st.integers(0, 9).flatmap(lambda k: plausible if k < 8 else other)


@st.composite
def _header(draw, columns, required):
    if draw(st.integers(0, 9)) < 7:  # mostly a header the import accepts, so that rows get read
        optional = [c for c in columns if c not in required]
        chosen = list(required) + draw(st.lists(st.sampled_from(optional), unique=True, max_size=6)) if optional else []
        chosen = chosen or list(required)
        return draw(st.permutations(chosen))
    names = st.one_of(st.sampled_from(columns), TEXT, st.sampled_from((" KIND ", "\ufeffkind", "", "kind\x00")))
    return draw(st.lists(names, max_size=8))


@st.composite
def _random_table(draw, columns, required):
    header = draw(_header(columns, required))
    width = len(header)
    row = st.tuples(*[_mostly(_plausible(str(name))) for name in header]).map(list) if header else st.just([])
    rows = draw(st.lists(st.one_of(row, row, st.just([]), st.lists(CELL, max_size=width + 2)), max_size=6))
    return [header, *rows]


@st.composite
def _real_table(draw, good_rows):
    """A file as an office keeps it: good rows (the columns in any order), a few cells spoiled, blank rows."""
    header = draw(st.permutations(list(good_rows[0])))
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.integers(0, 9)) == 0:
            rows.append([])
            continue
        good = draw(st.sampled_from(good_rows))
        row = [good[column] for column in header]
        for _ in range(draw(st.integers(0, 2))):
            spoiled = draw(st.integers(0, len(row) - 1))
            row[spoiled] = draw(st.one_of(CELL, _plausible(header[spoiled])))
        rows.append(row)
    return [header, *rows]


def tables(columns, required, good_rows=()):
    if not good_rows:
        return _random_table(columns, required)
    return st.integers(0, 9).flatmap(lambda k: _real_table(good_rows) if k < 6 else _random_table(columns, required))


def _csv_bytes(draw, table) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    out = io.StringIO()
    if draw(st.integers(0, 3)):
        csv.writer(out, delimiter=delimiter, lineterminator=ending).writerows(table)
    else:  # as a person types it: no quoting at all
        out.write(ending.join(delimiter.join(str(c) for c in row) for row in table))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "cp1258"]))
    data = out.getvalue().encode(encoding, errors="replace")
    damage = draw(st.sampled_from(["none", "none", "cut", "noise"]))
    if damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "noise":
        data += draw(st.binary(max_size=40))
    return data


def _xlsx_value(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


XLSX_CELLS = st.one_of(
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.dates(min_value=date(1900, 3, 1)),
    st.times(),
    st.sampled_from(("=1/0", "=A1", "=CMD()", '=HYPERLINK("http://x","y")')),
    st.none(),
)


def _xlsx_bytes(draw, table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if draw(st.integers(0, 9)) == 0:  # the data on a second sheet, the first one empty
        sheet = workbook.create_sheet("du_lieu")
    for number, row in enumerate(table):
        if number:  # the header as it is; a data cell may become a number, a date, a formula, …
            row = [draw(_mostly(st.just(c), XLSX_CELLS)) for c in row]
        sheet.append([_xlsx_value(c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _broken_zip(draw, workbook: bytes) -> bytes:
    """A workbook with one part missing, cut short, replaced by noise or by megabytes of nothing."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    names = source.namelist()
    victim = draw(st.sampled_from(names))
    how = draw(st.sampled_from(["drop", "cut", "noise", "bomb", "bomb-spaces"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            data = source.read(name)
            if name == victim:
                if how == "drop":
                    continue
                if how == "cut":
                    data = data[: draw(st.integers(0, max(len(data) - 1, 0)))]
                elif how == "noise":
                    data = draw(st.binary(max_size=200))
                else:  # 12 MB that deflate to ~12 kB
                    data = (b"\x00" if how == "bomb" else b" ") * (12 * 1024 * 1024)
            archive.writestr(name, data)
    return out.getvalue()


def _other_zip(draw) -> bytes:
    out = io.BytesIO()
    names = st.sampled_from(["a.txt", "[Content_Types].xml", "xl/workbook.xml", "x"])
    with zipfile.ZipFile(out, "w") as archive:
        for name in draw(st.lists(names, max_size=3)):
            archive.writestr(name, draw(st.binary(max_size=50)))
    return out.getvalue()


@st.composite
def uploads(draw, columns, required, good_rows=()):
    """(file name, content): CSV, XLSX, broken workbooks, other ZIPs and plain noise, sometimes misnamed."""
    table = draw(tables(columns, required, good_rows))
    kind = draw(st.sampled_from(["csv"] * 5 + ["xlsx"] * 3 + ["broken", "zip", "noise"]))
    if kind == "csv":
        data, suffix = _csv_bytes(draw, table), ".csv"
    elif kind == "xlsx":
        data, suffix = _xlsx_bytes(draw, table), ".xlsx"
    elif kind == "broken":
        data, suffix = _broken_zip(draw, _xlsx_bytes(draw, table)), ".xlsx"
    elif kind == "zip":
        data, suffix = _other_zip(draw), ".xlsx"
    else:
        data, suffix = draw(st.binary(max_size=300)), draw(st.sampled_from([".csv", ".xlsx"]))
    if draw(st.integers(0, 19)) == 0:  # the wrong name: an XLSX named .csv, a CSV named .xlsx, no extension, …
        suffix = draw(st.sampled_from([".csv", ".xlsx", ".CSV", ".XLSX", ".xls", ".txt", "", ".csv.exe"]))
    return f"tep-nhap{suffix}", data


def _rows_of(*rows: dict) -> tuple[dict, ...]:
    """Rows with the same columns (a column one row lacks is empty in it)."""
    columns = list(dict.fromkeys(column for row in rows for column in row))
    return tuple({column: row.get(column, "") for column in columns} for row in rows)


INCIDENT_ROWS = _rows_of(
    {"kind": "traffic", "unit_code": HAM_THUAN, "occurred_at": "2026-03-01 08:30", "summary": "Xe máy va chạm ô tô tải",
     "dead": "0", "injured": "1", "latitude": "11.05", "longitude": "108.05", "category": "road"},
    {"kind": "crime", "category": "social_order", "unit_code": HAM_THUAN, "occurred_at": "15/08/2025 21:00",
     "summary": "Trộm cắp xe máy", "solved": "0", "external_id": "HT-1"},
    {"kind": "social_evil", "category": "Cờ bạc", "unit_code": HAM_THUAN, "occurred_at": "2020-05-04",
     "summary": "Đánh bạc ăn tiền", "solved": "có"},
    {"kind": "disaster", "category": "flood", "unit_code": HAM_THUAN, "occurred_at": "2025-10-20", "summary": "Lũ",
     "dead": "0", "houses_damaged": "3", "economic_loss_million_vnd": "1.500"},
)  # fmt: skip


def incident_uploads():
    return uploads(INCIDENT_COLUMNS, INCIDENT_REQUIRED, INCIDENT_ROWS)


def _good_value(spec) -> str:
    """A value a form would take for the field (the record type's own rules may still refuse the row)."""
    if spec.kind == "unit":
        return HAM_THUAN
    if spec.kind == "choice":
        return spec.choices[0][0]
    if spec.name.endswith("year"):
        return "2025"
    return {
        "date": "2025-09-15",
        "datetime": "2025-09-15 08:00",
        "int": "3",
        "float": "1.5",
        "bool": "1",
        "ref": "1",
    }.get(spec.kind, "Thôn 1 xã Hàm Thuận")


def record_rows(rt) -> tuple[dict, ...]:
    row = {spec.column: _good_value(spec) for spec in rt.specs}
    if "external_id" in row:
        return (row, dict(row, external_id="HT-2"), dict(row, external_id=""))
    return (row,)


def _record_required(rt):
    return tuple(spec.column for spec in rt.specs if spec.required)


# Known crashes, kept as examples (each was an unhandled exception before the fix) -----------------------------

_HEADER = "kind,unit_code,occurred_at,summary"
LONG_CSV_CELL = ("tep.csv", f"{_HEADER}\ntraffic,{HAM_THUAN},2026-03-01,{'x' * 140_000}\n".encode())


def long_cell(columns) -> tuple[str, bytes]:
    """A file with an accepted header and, in its first row, a cell longer than the csv module reads."""
    return "tep.csv", (",".join(columns) + "\n" + ",".join(["x" * 140_000] * len(columns)) + "\n").encode()


def _workbook(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rezip(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                archive.writestr(name, content)
    return out.getvalue()


_GOOD_BOOK = _workbook([_HEADER.split(","), ["traffic", HAM_THUAN, "2026-03-01", "Va chạm"]])
SHEET = "xl/worksheets/sheet1.xml"
SHEET_CUT_SHORT = ("tep.xlsx", _rezip(_GOOD_BOOK, lambda n, d: d[: len(d) // 2] if n == SHEET else d))
SHEET_MISSING = ("tep.xlsx", _rezip(_GOOD_BOOK, lambda n, d: None if n == SHEET else d))
NUL_IN_HEADER = ("tep.csv", b"kind\x00,unit_code,occurred_at,summary\n")
# Messages quoting a cell with NUL in it: PostgreSQL refused to store them in the job (a server error there).
NUL_IN_CELLS = (
    "tep.csv",
    f"{_HEADER},dead,external_id\ntraffic,2305\x009,2026-03-01,x,0,\ntraffic,{HAM_THUAN},2026\x00,x,\x00,\n"
    f"traffic,{HAM_THUAN},2026-03-01,x,0,A\x00\ntraffic,{HAM_THUAN},2026-03-01,x,0,A\x00\n".encode(),
)


# The incident import -----------------------------------------------------------------------------------------


@pytest.fixture
def inline_imports(settings, tmp_path):
    settings.ANTOAN_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.OFFICER, unit(HAM_THUAN), username="canbo.fuzz")


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer)
    return client


def assert_bilingual(vi: str, en: str) -> None:
    assert vi.strip() and en.strip(), (vi, en)
    assert "\x00" not in vi + en


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def assert_form_refused(response, field: str = "file") -> None:
    """A refusal shown on the form: the field's message, Vietnamese / English."""
    errors = response.context["form"].errors
    assert field in errors, errors
    for message in errors[field]:
        vi, _, en = message.partition(" / ")
        assert_bilingual(vi, en)


@fuzz(40)
@given(upload=incident_uploads(), all_or_nothing=st.booleans())
@example(upload=LONG_CSV_CELL, all_or_nothing=False)
@example(upload=SHEET_CUT_SHORT, all_or_nothing=False)
@example(upload=SHEET_MISSING, all_or_nothing=True)
@example(upload=NUL_IN_HEADER, all_or_nothing=False)
@example(upload=NUL_IN_CELLS, all_or_nothing=False)
@example(upload=("tep.csv", b""), all_or_nothing=False)
def test_incident_import_page_answers_every_file(inline_imports, officer_client, upload, all_or_nothing):
    name, data = upload
    with rolled_back():
        before, jobs_before = Incident.objects.count(), ImportJob.objects.count()
        form = {"file": SimpleUploadedFile(name, data)} | ({"all_or_nothing": "on"} if all_or_nothing else {})
        response = officer_client.post(reverse("incident-import"), form)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:  # refused before any row is read (type, size, empty)
            assert_form_refused(response)
            assert (Incident.objects.count(), ImportJob.objects.count()) == (before, jobs_before)
            return
        job = ImportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
        assert job.finished and job.state in (ImportJob.State.DONE, ImportJob.State.FAILED)
        assert_bilingual(job.message_vi, job.message_en)
        added = Incident.objects.count() - before
        event(f"job {job.state} created>0={job.created > 0} rejected>0={job.rejected_rows > 0}")
        if job.state == ImportJob.State.FAILED:  # the file as a whole: nothing written
            assert added == 0
        elif job.rolled_back:
            assert added == 0 and all_or_nothing and job.rejected_rows > 0
        else:
            assert added == job.created
            assert not (all_or_nothing and job.rejected_rows)
        for problem in job.problems:
            assert problem["row"] >= 2
            assert_bilingual(problem["vi"], problem["en"])
        page = officer_client.get(response.url)
        assert page.status_code == 200 and job.message_vi in page_text(page)


@fuzz(20)
@given(upload=incident_uploads(), all_or_nothing=st.booleans())
@example(upload=LONG_CSV_CELL, all_or_nothing=True)
@example(upload=SHEET_CUT_SHORT, all_or_nothing=False)
@example(upload=SHEET_MISSING, all_or_nothing=False)
def test_import_incidents_command_answers_every_file(officer, tmp_path, upload, all_or_nothing):
    name, data = upload
    path = tmp_path / name
    path.write_bytes(data)
    args = ["import", "incidents", str(path), "--user", officer.username, "--errors", str(tmp_path / "loi.csv")]
    with rolled_back():
        before = Incident.objects.count()
        _run_command(args + (["--all-or-nothing"] if all_or_nothing else []), before, Incident)


def _run_command(args, before, model):
    """`antoan …`: a report (exit 1 when rows were rejected), or a bilingual CommandError that writes nothing."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as exc:
        vi, _, en = str(exc).partition(" / ")
        assert_bilingual(vi, en)
        assert model.objects.count() == before
    except SystemExit as exit_:
        assert exit_.code == 1
        assert "dòng/row" in out.getvalue()
        if "--all-or-nothing" in args:
            assert model.objects.count() == before
    else:
        assert "rows:" in out.getvalue() or "dòng:" in out.getvalue()


# The movement's records ------------------------------------------------------------------------------------------


@st.composite
def record_uploads(draw):
    rt = draw(st.sampled_from(record_types.ALL))
    return rt, draw(uploads(record_columns(rt), _record_required(rt), record_rows(rt)))


def _csv_of(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


# An external id with NUL in it: looking it up made PostgreSQL refuse the query (a server error there).
NUL_EXTERNAL_ID = ("tep.csv", _csv_of([dict(record_rows(record_types.MODELS)[0], external_id="A\x00")]))


@fuzz(50)
@given(case=record_uploads(), all_or_nothing=st.booleans())
@example(case=(record_types.MODELS, NUL_EXTERNAL_ID), all_or_nothing=False)
@example(case=(record_types.MODELS, long_cell(_record_required(record_types.MODELS))), all_or_nothing=False)
@example(case=(record_types.PATROLS, SHEET_CUT_SHORT), all_or_nothing=False)
@example(case=(record_types.PLANS, SHEET_MISSING), all_or_nothing=False)
@example(case=(record_types.EXEMPLARS, ("tep.csv", b"")), all_or_nothing=False)
def test_record_import_pages_answer_every_file(officer_client, case, all_or_nothing):
    rt, (name, data) = case
    with rolled_back():
        before = rt.model.objects.count()
        form = {"file": SimpleUploadedFile(name, data)} | ({"all_or_nothing": "on"} if all_or_nothing else {})
        response = officer_client.post(reverse(f"{rt.key}-import"), form)
        assert response.status_code == 200
        _check_report(response, rt.model.objects.count() - before, all_or_nothing, exact=True)


def _check_report(response, added: int, all_or_nothing: bool, *, exact: bool) -> None:
    report = response.context["report"]
    event("refused" if report is None else f"created>0={report.created > 0} rejected>0={bool(report.rejected)}")
    if report is None:  # the file as a whole was refused
        assert_form_refused(response)
        assert added == 0
        return
    if report.rolled_back:
        assert added == 0 and all_or_nothing and report.rejected
    elif exact:
        assert added == report.created
    else:
        assert (added > 0) == (report.created > 0) or added == 0
    for problem in report.rejected:
        assert problem.row >= 2
        assert_bilingual(problem.message.vi, problem.message.en)
    assert report.summary().vi in page_text(response)


@fuzz(20)
@given(case=record_uploads(), all_or_nothing=st.booleans())
def test_import_records_command_answers_every_file(officer, tmp_path, case, all_or_nothing):
    rt, (name, data) = case
    path = tmp_path / name
    path.write_bytes(data)
    args = ["import", rt.key, str(path), "--user", officer.username, "--errors", str(tmp_path / "loi.csv")]
    with rolled_back():
        before = rt.model.objects.count()
        _run_command(args + (["--all-or-nothing"] if all_or_nothing else []), before, rt.model)


# Assessments and ratings -------------------------------------------------------------------------------------

_CRITERIA = {
    "assessments": sorted(criteria_set_choose(subject_type="commune", year=2026)[1].codes),
    "ratings": sorted(c.code for c in rating_sheet_choose(subject_type="commune", year=2026)[1].criteria),
}
KINDS = {
    "assessments": (ASSESSMENT_COLUMNS, ASSESSMENT_REQUIRED, Assessment, "assessment-import"),
    "ratings": (RATING_COLUMNS, RATING_REQUIRED, Rating, "rating-import"),
}


@st.composite
def assessment_uploads(draw):
    kind = draw(st.sampled_from(sorted(KINDS)))
    columns, required, _, _ = KINDS[kind]
    if draw(st.booleans()):  # a whole commune's sheet, with a few cells spoiled
        header = list(required)
        values = st.sampled_from(("1", "0", "có", "không") if kind == "assessments" else ("0", "1"))
        rows = [[HAM_THUAN, "2026", code, draw(values)] for code in _CRITERIA[kind]]
        for row in draw(st.lists(st.sampled_from(rows), max_size=2)):
            row[draw(st.integers(0, 3))] = draw(st.one_of(CELL, st.sampled_from(("5", "x", "", "2025", "23086"))))
        name, data = "tep.csv", _csv_bytes(draw, [header, *rows])
        if draw(st.booleans()):
            name, data = "tep.xlsx", _xlsx_bytes(draw, [header, *rows])
        return kind, (name, data)
    return kind, draw(uploads(columns, required))


@fuzz(40)
@given(case=assessment_uploads(), all_or_nothing=st.booleans())
@example(case=("ratings", long_cell(RATING_REQUIRED)), all_or_nothing=False)
@example(case=("ratings", SHEET_CUT_SHORT), all_or_nothing=False)
@example(case=("assessments", SHEET_MISSING), all_or_nothing=True)
def test_assessment_import_pages_answer_every_file(officer_client, case, all_or_nothing):
    kind, (name, data) = case
    _, _, model, url = KINDS[kind]
    with rolled_back():
        before = model.objects.count()
        form = {"file": SimpleUploadedFile(name, data)} | ({"all_or_nothing": "on"} if all_or_nothing else {})
        response = officer_client.post(reverse(url), form)
        assert response.status_code == 200
        _check_report(response, model.objects.count() - before, all_or_nothing, exact=False)


@fuzz(15)
@given(case=assessment_uploads(), all_or_nothing=st.booleans())
def test_assessment_import_command_answers_every_file(officer, tmp_path, case, all_or_nothing):
    kind, (name, data) = case
    path = tmp_path / name
    path.write_bytes(data)
    args = ["assessment", "import", str(path), "--user", officer.username, "--errors", str(tmp_path / "loi.csv")]
    args += ["--ratings"] if kind == "ratings" else []
    with rolled_back():
        model = KINDS[kind][2]
        before = model.objects.count()
        _run_command(args + (["--all-or-nothing"] if all_or_nothing else []), before, model)


# Photos of the public tip form -----------------------------------------------------------------------------------

IMAGE_MODES = {
    "JPEG": ("RGB", "L", "CMYK"),
    "PNG": ("RGB", "RGBA", "P", "L", "LA", "1", "I;16"),
    "WEBP": ("RGB", "RGBA"),
    "GIF": ("P", "L"),
    "BMP": ("RGB",),
    "TIFF": ("RGB",),
}


@st.composite
def pictures(draw) -> bytes:
    image_format = draw(st.sampled_from(sorted(IMAGE_MODES)))
    mode = draw(st.sampled_from(IMAGE_MODES[image_format]))
    size = (draw(st.integers(1, 40)), draw(st.integers(1, 40)))
    image = Image.new(mode, size)
    options = {}
    if image_format in ("JPEG", "WEBP", "PNG") and draw(st.booleans()):
        exif = Image.Exif()
        exif[0x0112] = draw(st.integers(0, 10))  # orientation, valid or not
        exif[0x010F] = draw(st.text(max_size=8))  # camera make
        if draw(st.booleans()):
            exif[0x8825] = {1: "N", 2: (11.0, 3.0, 0.0), 3: "E", 4: (108.0, 2.0, 0.0)}
        options["exif"] = exif
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A real PNG whose header (with a correct checksum) claims other dimensions than its data holds."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    data = out.getvalue()
    chunk = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return data[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]


def _jpeg_claiming(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@st.composite
def photo_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["picture", "picture", "cut", "flipped", "huge", "noise"]))
    if kind == "noise":
        return draw(st.binary(max_size=400))
    if kind == "huge":
        width, height = draw(st.integers(1, 2**31 - 1)), draw(st.integers(1, 2**31 - 1))
        return draw(st.sampled_from([_png_claiming(width, height), _jpeg_claiming(width % 65536, height % 65536)]))
    data = draw(pictures())
    if kind == "cut":
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "flipped":  # mostly in the headers and chunk lengths, where a parser trips
        flipped = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            where = draw(
                st.integers(0, min(len(data), 96) - 1) if draw(st.booleans()) else st.integers(0, len(data) - 1)
            )
            flipped[where] = draw(st.integers(0, 255))
        return bytes(flipped)
    return data


PHOTO_NAMES = st.sampled_from(["anh.jpg", "anh.png", "anh.webp", "anh.JPG", "anh.exe", "anh", "anh.jpg.php", "ảnh.gif"])


def _broken_png_chunk() -> bytes:
    """A palette PNG whose image data chunk says it is 2 bytes long: Pillow raised SyntaxError ("broken PNG
    file"), which the photo check let through as a server error."""
    out = io.BytesIO()
    Image.new("P", (20, 10), 1).save(out, format="PNG")
    data = out.getvalue()
    idat = data.index(b"IDAT")
    return data[: idat - 4] + struct.pack(">I", 2) + data[idat:]


BROKEN_PNG_CHUNK = _broken_png_chunk()


@fuzz(150)
@given(data=photo_bytes(), keep_location=st.booleans())
@example(data=BROKEN_PNG_CHUNK, keep_location=False)
@example(data=_png_claiming(100_000, 100_000), keep_location=False)
@example(data=_jpeg_claiming(65535, 65535), keep_location=True)
def test_a_photo_is_re_encoded_or_refused_with_its_number(data, keep_location):
    try:
        photo = photo_clean(SimpleUploadedFile("anh.jpg", data), number=2, keep_location=keep_location)
    except DomainError as exc:
        assert set(exc.errors) == {"photos"}
        message = exc.errors["photos"]
        assert message.vi.startswith("Ảnh thứ 2: ") and message.en.startswith("Photo 2: ")
        return
    stored = Image.open(io.BytesIO(photo.data))
    stored.load()
    assert (stored.width, stored.height) == (photo.width, photo.height)
    assert stored.format in ("JPEG", "PNG", "WEBP")


@pytest.mark.parametrize("data", [_png_claiming(100_000, 100_000), _jpeg_claiming(65535, 65535)])
def test_a_header_claiming_huge_dimensions_is_refused_for_its_pixels(data):
    with pytest.raises(DomainError) as refused:
        photo_clean(SimpleUploadedFile("anh.png", data), number=1, keep_location=False)
    assert refused.value.errors["photos"].vi == "Ảnh thứ 1: ảnh quá nhiều điểm ảnh"
    assert refused.value.errors["photos"].en == "Photo 1: the picture has too many pixels"


@pytest.fixture
def public_form(settings, tmp_path):
    settings.ANTOAN_TIP_MIN_FILL_SECONDS = 0
    settings.ANTOAN_TIPS_PER_HOUR = 10**6
    settings.ANTOAN_TIP_PHOTO_DIR = tmp_path / "tip-photos"
    cache.clear()
    yield tmp_path / "tip-photos"
    cache.clear()


def _stored_files(folder) -> set:
    return set(folder.iterdir()) if folder.exists() else set()


@fuzz(25)
@given(photos=st.lists(st.tuples(PHOTO_NAMES, photo_bytes()), min_size=1, max_size=4))
@example(photos=[("anh.png", BROKEN_PNG_CHUNK)])
@example(photos=[("anh.png", _png_claiming(100_000, 100_000))])
def test_the_tip_form_takes_or_refuses_any_photos(public_form, unit, photos):
    commune = unit(HAM_THUAN)
    data = {
        "category": "drugs",
        "province": commune.parent_id,
        "unit": commune.pk,
        "occurred_at": clock.local_now().replace(hour=0, minute=0).strftime("%Y-%m-%dT%H:%M"),
        "description": "Có người lạ tụ tập ở bãi đất trống cuối thôn",
        "started": stamp_new(),
        "photos": [SimpleUploadedFile(name, content) for name, content in photos],
    }
    with rolled_back():
        tips, files = Tip.objects.count(), _stored_files(public_form)
        response = Client().post(reverse("tip-submit"), data)
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert_form_refused(response, "photos")
            assert Tip.objects.count() == tips and _stored_files(public_form) == files
            return
        tip = Tip.objects.latest("pk")
        assert Tip.objects.count() == tips + 1 and tip.photos.count() == len(photos)
        for photo in TipPhoto.objects.filter(tip=tip):
            Image.open(public_form / photo.stored_name).verify()


# What the fixes above answer, said plainly ------------------------------------------------------------------------


def test_a_file_that_cannot_be_read_is_refused_naming_the_row(tmp_path):
    for (name, data), vi, en in (
        (LONG_CSV_CELL, "Dòng 2: có ô dài quá 131.072 ký tự", "Row 2: a cell is longer than 131,072 characters"),
        (SHEET_CUT_SHORT, "Không đọc được tệp Excel từ dòng 1 (ParseError", "The Excel file cannot be read from row 1"),
        (SHEET_MISSING, "Tệp Excel không có trang tính nào", "The XLSX file has no worksheet"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ImportFileError) as refused:
            list(read_rows(path))
        message = refused.value.errors["file"]
        assert message.vi.startswith(vi) and message.en.startswith(en), message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_from_excel_is_read(tmp_path, encoding):
    """Excel's "Unicode Text" is UTF-16 (with a BOM, or without one once another program saved it), tab-separated:
    it was read as Windows-1252 noise, every header name refused."""
    path = tmp_path / "tep.csv"
    text = f"{_HEADER}\r\ntraffic,{HAM_THUAN},2026-03-01,Xe máy va chạm ô tô tải trên đường ĐT 711\r\n"
    path.write_bytes(text.replace(",", "\t").encode(encoding))
    assert list(read_rows(path))[1] == ["traffic", HAM_THUAN, "2026-03-01", "Xe máy va chạm ô tô tải trên đường ĐT 711"]


def test_a_header_message_quotes_no_control_characters(tmp_path):
    path = tmp_path / "tep.csv"
    path.write_bytes(NUL_IN_HEADER[1].replace(b"kind\x00", b"ki\x00nd-" + b"x" * 500))
    rows = read_rows(path)
    with pytest.raises(ImportFileError) as refused:
        read_header(next(rows), columns=INCIDENT_COLUMNS, required=INCIDENT_REQUIRED)
    message = refused.value.errors["file"]
    assert "\x00" not in message.vi + message.en and "kind-xxxx" in message.vi and len(message.vi) < 1000
