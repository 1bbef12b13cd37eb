"""Import and export of the registry as CSV or XLSX, in one set of columns, so export → import round-trips.

An import streams its file (a 100,000-row file never sits in memory), judges each row by the same
services as a form, and reports rows created, updated, unchanged and rejected (row, column, reason in
Vietnamese and English), and which rows had legacy-encoded text converted.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from antoan.accounts.models import User
from antoan.core.errors import DomainError, Message
from antoan.core.memo import memoized
from antoan.core.tabular import (
    ImportReport,
    RowProblem,
    batches,
    cell_text,
    csv_lines,
    export_cell,
    file_error,
    read_header,
    read_rows,
    write_xlsx,
)
from antoan.core.values import is_empty, to_datetime, to_text
from antoan.incidents.models import Incident
from antoan.incidents.services import TEXT_LIMITS, incident_create_many, incident_update
from antoan.units.models import Unit
from antoan.units.selectors import unit_for_code

# The columns first, then the rest of a record's fields (all optional in a file).
COLUMNS = (
    "external_id",
    "kind",
    "category",
    "unit_code",
    "occurred_at",
    "latitude",
    "longitude",
    "address",
    "summary",
    "solved",
    "dead",
    "injured",
    "property_damage_vnd",
    "missing",
    "houses_damaged",
    "economic_loss_million_vnd",
    "status",
    "solved_on",
    "suspects",
    "gravity",
    "persons_involved",
    "injury_rate_total_pct",
    "vehicles",
    "road_name",
    "cause",
    "road_cause",
    "accident_cause",
    "offence",
    "prosecuted",
    "drug_substance",
    "drug_grams",
    "drug_tablets",
    "rehabilitation",
    "fire_cause",
    "rescued",
    "ended_at",
    "houses_destroyed",
    "agriculture_ha",
    "transport_m",
    "transport_m3",
    "other_damage",
    "recovery_support_vnd",
    "recovery_support_description",
)
REQUIRED_COLUMNS = ("kind", "unit_code", "occurred_at", "summary")
BATCH_SIZE = 500


# Importing -------------------------------------------------------------------------------------------

# Services name the unit "unit"; a file names it "unit_code".
_SERVICE_TO_COLUMN = {"unit": "unit_code", "code": "unit_code"}


class _RowRejected(Exception):
    def __init__(self, errors: dict[str, Message]):
        self.errors = errors


def _resolve_unit(code, occurred_at) -> Unit:
    code = str(code if not isinstance(code, float) else int(code)).strip()
    if not code:
        raise _RowRejected({"unit_code": Message("Bắt buộc nhập", "Required")})
    try:
        when = to_datetime(occurred_at, field="occurred_at")
    except DomainError as exc:
        raise _RowRejected(exc.errors) from None
    if when is None:
        raise _RowRejected({"occurred_at": Message("Bắt buộc nhập", "Required")})
    try:
        unit = unit_for_code(code=code, day=timezone.localtime(when).date())
    except DomainError as exc:
        raise _RowRejected({"unit_code": next(iter(exc.errors.values()))}) from None
    return unit


def _problems(number: int, errors: dict[str, Message]) -> list[RowProblem]:
    return [RowProblem(number, _SERVICE_TO_COLUMN.get(f, f), m) for f, m in errors.items()]


def _row_values(names: list[str], cells: list, number: int, seen: dict, report: ImportReport) -> dict | None:
    """The row as service keywords with its unit resolved, or None (blank, or rejected and reported)."""
    if all(is_empty(c) for c in cells):
        report.blank += 1
        return None
    report.rows += 1
    if any(not is_empty(c) for c in cells[len(names) :]):
        report.rejected.append(
            RowProblem(number, "", Message("Dòng có nhiều giá trị hơn số cột", "More values than columns"))
        )
        return None
    values = {
        name: cell_text(cells[i] if i < len(cells) else None, row=number, column=name, report=report)
        for i, name in enumerate(names)
    }
    try:
        values["unit"] = _resolve_unit(values.pop("unit_code", ""), values.get("occurred_at"))
    except _RowRejected as rejected:
        report.rejected.extend(_problems(number, rejected.errors))
        return None
    try:  # as the service keeps it (no control characters: PostgreSQL refuses NUL even in a query)
        external_id = to_text(values.get("external_id"), field="external_id", max_length=TEXT_LIMITS["external_id"])
    except DomainError as exc:
        report.rejected.extend(_problems(number, exc.errors))
        return None
    if "external_id" in values:
        values["external_id"] = external_id
    if external_id:
        key = (values["unit"].pk, external_id)
        if key in seen:
            message = Message(
                f"Mã '{external_id}' lặp lại trong tệp (đã có ở dòng {seen[key]})",
                f"'{external_id}' appears twice in the file (first at row {seen[key]})",
            )
            report.rejected.append(RowProblem(number, "external_id", message))
            return None
        seen[key] = number
    return values


def _import_batch(user: User, names: list[str], batch: list, seen: dict, report: ImportReport) -> None:
    """Rows whose (unit, external id) exists update that record; the others are created together."""
    rows = [(number, _row_values(names, cells, number, seen, report)) for number, cells in batch]
    rows = [(number, values) for number, values in rows if values is not None]
    ids = {str(v.get("external_id") or "").strip() for _, v in rows} - {""}
    existing = {}
    if ids:
        found = Incident.objects.filter(unit_id__in={v["unit"].pk for _, v in rows}, external_id__in=ids)
        existing = {(i.unit_id, i.external_id): i for i in found}
    to_create = []
    for number, values in rows:
        record = existing.get((values["unit"].pk, str(values.get("external_id") or "").strip()))
        if record is None:
            to_create.append((number, values))
            continue
        try:
            _, changed = incident_update(user=user, incident=record, **values)
        except DomainError as exc:
            report.rejected.extend(_problems(number, exc.errors))
        else:
            report.updated += changed
            report.unchanged += not changed
    results = incident_create_many(user=user, items=[values for _, values in to_create])
    for (number, _), result in zip(to_create, results, strict=True):
        if isinstance(result, DomainError):
            report.rejected.extend(_problems(number, result.errors))
        else:
            report.created += 1


RACE_RETRIES = 3


def _write_batch(user: User, names: list[str], batch: list, seen: dict, report: ImportReport, on_progress) -> None:
    """One batch in its own transaction (a savepoint in an all-or-nothing import). Another import running at the same
    time may write a record with one of the batch's (unit, external id) between the batch's look-up and its insert:
    the database refuses the insert (the unique constraint), the batch is rolled back and judged again — that row now
    updates the other import's record, as a re-import does — instead of failing the import with a system error."""
    counts = (report.rows, report.created, report.updated, report.unchanged, report.blank)
    rejected, converted, keys = len(report.rejected), len(report.converted), len(seen)
    for attempt in range(1, RACE_RETRIES + 1):
        try:
            with transaction.atomic():
                _import_batch(user, names, batch, seen, report)
                if on_progress:  # in the batch's transaction: a progress written to the database commits with it
                    on_progress(report.rows + report.blank)
            return
        except IntegrityError:
            if attempt == RACE_RETRIES:
                raise
            report.rows, report.created, report.updated, report.unchanged, report.blank = counts
            del report.rejected[rejected:], report.converted[converted:]
            for key in list(seen)[keys:]:  # the batch's own keys: judged again, they are not repeats of themselves
                del seen[key]


def import_incidents(
    *,
    user: User,
    path: Path,
    all_or_nothing: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV or XLSX file of incidents as `user` (their scope and role apply to every row).

    Rows are read as a stream and written in batches of BATCH_SIZE. With all_or_nothing the whole file is
    one transaction and any rejected row means nothing is written; otherwise each batch is committed
    and the report says exactly which rows were rejected (the others were kept).
    """
    path = Path(path)
    report = ImportReport(all_or_nothing=all_or_nothing)
    rows = read_rows(path)
    try:
        names = read_header(next(rows), columns=COLUMNS, required=REQUIRED_COLUMNS)
    except StopIteration:
        raise file_error("Tệp rỗng", "The file is empty") from None
    seen: dict = {}
    with memoized.scope(), transaction.atomic() if all_or_nothing else nullcontext():
        for batch in batches(enumerate(rows, start=2), BATCH_SIZE):
            _write_batch(user, names, batch, seen, report, on_progress)
        if all_or_nothing and report.rejected:
            report.created = report.updated = report.unchanged = 0
            report.rolled_back = True
            transaction.set_rollback(True)
    return report


# Exporting -------------------------------------------------------------------------------------------


def _export_value(incident: Incident, column: str):
    return incident.unit.code if column == "unit_code" else export_cell(getattr(incident, column))


def export_rows(incidents: Iterable[Incident]) -> Iterator[list]:
    yield list(COLUMNS)
    for incident in incidents:
        yield [_export_value(incident, c) for c in COLUMNS]


def export_csv(incidents: Iterable[Incident]) -> Iterator[str]:
    return csv_lines(export_rows(incidents))


def export_xlsx(incidents: Iterable[Incident], out) -> None:
    write_xlsx(export_rows(incidents), out, sheet="su_viec")
