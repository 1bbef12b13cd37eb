"""Import and export of any record type, in the type's own columns (a unit as `<field>_code`, a
referenced record as `<field>_id`), so export → import round-trips. Rows with the unit and external id
of an existing record update it; the others are created. Uploads are small: no background job."""

import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from django.db import IntegrityError, transaction

from antoan.accounts.models import User
from antoan.core.errors import DomainError
from antoan.core.tabular import (
    ImportReport,
    RowProblem,
    cell_text,
    csv_lines,
    export_cell,
    file_error,
    read_header,
    read_rows,
    write_xlsx,
)
from antoan.core.values import is_empty, to_date, to_text, to_year
from antoan.movement.records import FieldSpec, RecordType
from antoan.movement.records.services import record_create, record_update
from antoan.units.selectors import unit_for_code


def columns(rt: RecordType) -> tuple[str, ...]:
    return tuple(spec.column for spec in rt.specs)


def _required_columns(rt: RecordType) -> tuple[str, ...]:
    return tuple(spec.column for spec in rt.specs if spec.required)


def _export_value(spec: FieldSpec, record):
    value = getattr(record, spec.name)
    if spec.kind == "unit":
        return value.code if value is not None else ""
    if spec.kind == "ref":
        return value.pk if value is not None else ""
    return export_cell(value)


def export_rows(rt: RecordType, listed: Iterable) -> Iterator[list]:
    yield list(columns(rt))
    for record in listed:
        yield [_export_value(spec, record) for spec in rt.specs]


def export_csv(rt: RecordType, listed: Iterable) -> Iterator[str]:
    return csv_lines(export_rows(rt, listed))


def export_xlsx(rt: RecordType, listed: Iterable, out) -> None:
    write_xlsx(export_rows(rt, listed), out, sheet=rt.slug[:31])


def _day_of(rt: RecordType, values: dict) -> date | None:
    """The day a row's unit code is read on: its date, or the last day of its year."""
    if rt.date_field and not is_empty(values.get(rt.date_field)):
        return to_date(values[rt.date_field], field=rt.date_field)
    if rt.year_field and not is_empty(values.get(rt.year_field)):
        return date(to_year(values[rt.year_field], field=rt.year_field), 12, 31)
    return None


def _row_values(rt: RecordType, names: list[str], cells: list, number: int, report: ImportReport) -> dict:
    values = {}
    by_column = {spec.column: spec for spec in rt.specs}
    raw = {name: cell_text(cells[i] if i < len(cells) else None, row=number, column=name, report=report)
           for i, name in enumerate(names)}  # fmt: skip
    for column, value in raw.items():
        spec = by_column[column]
        values[spec.name] = value
    for spec in rt.specs:
        if spec.kind == "unit" and spec.name in values:
            code = values[spec.name]
            if is_empty(code):
                values[spec.name] = None
                continue
            code = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code).strip()
            day = _day_of(rt, values)  # a wrong date is the date column's error, not the unit's
            try:
                values[spec.name] = unit_for_code(code=code, day=day)
            except DomainError as exc:
                raise DomainError({spec.column: next(iter(exc.errors.values()))}) from None
    return values


def _import_row(rt: RecordType, user: User, values: dict) -> str:
    unit = values.get(rt.unit_field)
    existing = None
    if rt.has_external_id and not is_empty(values.get("external_id")) and unit is not None:
        # As the service keeps it (no control characters: PostgreSQL refuses NUL even in a query).
        spec = rt.spec("external_id")
        external_id = to_text(values["external_id"], field="external_id", max_length=spec.max_length or 300)
        if external_id:
            existing = rt.model.objects.filter(**{rt.unit_field: unit, "external_id": external_id}).first()
    if existing is None:
        record_create(rt, user=user, **values)
        return "created"
    _, changed = record_update(rt, user=user, instance=existing, **values)
    return "updated" if changed else "unchanged"


def _write_row(rt: RecordType, user: User, values: dict) -> str:
    """A row in its own savepoint. Another import running at the same time may write the record with this row's
    (unit, external id) between the look-up and the insert: the database refuses the insert (the unique
    constraint), and the row is written again — now as an update of that record, as a re-import does."""
    try:
        with transaction.atomic():
            return _import_row(rt, user, values)
    except IntegrityError:
        with transaction.atomic():
            return _import_row(rt, user, values)


def import_records(rt: RecordType, *, user: User, uploaded=None, path: Path | None = None, all_or_nothing=False):
    """Import an uploaded file (or a file on disk) of `rt` records as `user`."""
    if uploaded is not None:
        suffix = Path(uploaded.name or "").suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as stored:
            for chunk in uploaded.chunks():
                stored.write(chunk)
            stored.flush()
            return import_records(rt, user=user, path=Path(stored.name), all_or_nothing=all_or_nothing)
    report = ImportReport(all_or_nothing=all_or_nothing)
    rows = read_rows(Path(path))
    try:
        names = read_header(next(rows), columns=columns(rt), required=_required_columns(rt))
    except StopIteration:
        raise file_error("Tệp rỗng", "The file is empty") from None
    services_to_columns = {spec.name: spec.column for spec in rt.specs}
    with transaction.atomic():
        for number, cells in enumerate(rows, start=2):
            if all(is_empty(c) for c in cells):
                report.blank += 1
                continue
            report.rows += 1
            try:
                outcome = _write_row(rt, user, _row_values(rt, names, cells, number, report))
            except DomainError as exc:
                report.rejected.extend(
                    RowProblem(number, services_to_columns.get(f, f), m) for f, m in exc.errors.items()
                )
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
        if all_or_nothing and report.rejected:
            report.created = report.updated = report.unchanged = 0
            report.rolled_back = True
            transaction.set_rollback(True)
    return report
