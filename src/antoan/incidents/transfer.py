"""Import and export of the registry as CSV or XLSX, in one set of columns, so export → import round-trips.

An import streams its file (a 100,000-row file never sits in memory), judges each row by the same
services as a form, and reports rows created, updated, unchanged and rejected (row, column, reason in
Vietnamese and English), and which rows had legacy-encoded text converted.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from antoan.accounts.models import User
from antoan.core.errors import DomainError, Message
from antoan.core.memo import memoized
from antoan.core.values import is_empty, to_datetime
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create_many, incident_update
from antoan.legacy.text import clean_text
from antoan.units.models import Unit
from antoan.units.selectors import unit_resolve

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
    "persons_involved",
    "injury_rate_total_pct",
    "vehicles",
    "road_name",
    "cause",
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
# A spreadsheet runs a cell that starts with one of these as a formula ("=cmd|' /C calc'!A0"); exports
# prefix such text with an apostrophe, and imports take the apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH_SIZE = 500


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: Message


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    blank: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    converted: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, what was repaired
    all_or_nothing: bool = False
    rolled_back: bool = False

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.rejected})

    def summary(self) -> Message:
        if self.rolled_back:
            return Message(
                f"Không ghi gì: {self.rejected_rows} dòng bị từ chối và đã chọn 'tất cả hoặc không'",
                f"Nothing written: {self.rejected_rows} rows were rejected and all-or-nothing was asked for",
            )
        return Message(
            f"{self.rows} dòng: thêm mới {self.created}, cập nhật {self.updated}, không đổi {self.unchanged}, "
            f"bị từ chối {self.rejected_rows}; chuyển mã chữ cũ ở {len({r for r, _, _ in self.converted})} dòng",
            f"{self.rows} rows: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.rejected_rows} rejected; legacy text converted in {len({r for r, _, _ in self.converted})} rows",
        )

    def write_problems_csv(self, path: Path) -> None:
        """The rejected and converted rows, one line per problem, for the person who fixes the file."""
        with open(path, "w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "column", "result", "message_vi", "message_en"])
            for p in self.rejected:
                writer.writerow([p.row, p.column, "rejected", p.message.vi, p.message.en])
            for row, column, what in self.converted:
                writer.writerow(
                    [row, column, "converted", f"Đã chuyển từ {what} sang Unicode", f"Converted from {what} to Unicode"]
                )


class ImportFileError(DomainError):
    """The file as a whole cannot be read (wrong type, bad header): no row is looked at."""


# Reading ---------------------------------------------------------------------------------------------


def _file_error(vi: str, en: str) -> ImportFileError:
    return ImportFileError({"file": Message(vi, en)})


def _csv_text(path: Path) -> io.TextIOBase:
    """UTF-8 (with or without BOM); a file that is not UTF-8 is read as Windows-1252, which is how text
    typed with the old TCVN3/VNI fonts arrives, and the cells are then repaired one by one."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as raw:
            while chunk := raw.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return open(path, encoding=encoding, errors="replace" if encoding == "cp1252" else "strict", newline="")


def _csv_rows(path: Path) -> Iterator[list]:
    with _csv_text(path) as text:
        sample = text.read(4096)
        text.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        yield from csv.reader(text, dialect)


def _xlsx_rows(path: Path) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise _file_error(
            f"Không đọc được tệp Excel: {exc.__class__.__name__}", f"Not a readable XLSX file: {exc}"
        ) from None
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def read_rows(path: Path) -> Iterator[list]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    raise _file_error(
        f"Chỉ nhận tệp .csv hoặc .xlsx (tệp này là '{suffix or 'không có đuôi'}')",
        f"Only .csv and .xlsx files are accepted (this is '{suffix or 'no extension'}')",
    )


def count_rows(path: Path) -> int:
    """Data rows, for a progress bar (a quick first pass)."""
    return max(sum(1 for _ in read_rows(path)) - 1, 0)


def _header(cells: list) -> list[str]:
    names = [str(c or "").strip().lstrip("\ufeff").lower() for c in cells]
    while names and not names[-1]:
        names.pop()
    unknown = [n or "(trống)" for n in names if n not in COLUMNS]
    if unknown:
        raise _file_error(
            f"Cột không có trong mẫu: {', '.join(unknown)}. Các cột được nhận: {', '.join(COLUMNS)}",
            f"Columns not in the template: {', '.join(unknown)}. Accepted columns: {', '.join(COLUMNS)}",
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise _file_error(f"Cột bị lặp: {', '.join(repeated)}", f"Repeated columns: {', '.join(repeated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise _file_error(
            f"Thiếu cột bắt buộc: {', '.join(missing)}", f"Required columns missing: {', '.join(missing)}"
        )
    return names


# Importing -------------------------------------------------------------------------------------------

# Services name the unit "unit"; a file names it "unit_code".
_SERVICE_TO_COLUMN = {"unit": "unit_code", "code": "unit_code"}
LEGACY_DAY = date(2025, 6, 30)


class _RowRejected(Exception):
    def __init__(self, errors: dict[str, Message]):
        self.errors = errors


def _cell_text(value, *, row: int, column: str, report: ImportReport):
    if not isinstance(value, str):
        return value
    if value.startswith("'") and value[1:2] in FORMULA_STARTS and value[1:2]:
        value = value[1:]
    cleaned = clean_text(value)
    if cleaned.conversion and cleaned.conversion != "nfd":  # NFC alone is not worth a line in the report
        report.converted.append((row, column, cleaned.conversion.upper()))
    return cleaned.text


@memoized
def _unit_for(code: str, legacy: bool) -> Unit:
    return unit_resolve(code=code, on=LEGACY_DAY if legacy else max(timezone.localdate(), date(2025, 7, 1)))


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
    day = timezone.localtime(when).date()
    try:
        unit = _unit_for(code, day <= LEGACY_DAY)
        if not (
            (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or day <= unit.valid_to)
        ):
            unit = unit_resolve(code=code, on=day)
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
        name: _cell_text(cells[i] if i < len(cells) else None, row=number, column=name, report=report)
        for i, name in enumerate(names)
    }
    try:
        values["unit"] = _resolve_unit(values.pop("unit_code", ""), values.get("occurred_at"))
    except _RowRejected as rejected:
        report.rejected.extend(_problems(number, rejected.errors))
        return None
    external_id = str(values.get("external_id") or "").strip()
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


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


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
        names = _header(next(rows))
    except StopIteration:
        raise _file_error("Tệp rỗng", "The file is empty") from None
    seen: dict = {}
    with memoized.scope(), transaction.atomic() if all_or_nothing else nullcontext():
        for batch in _batches(enumerate(rows, start=2), BATCH_SIZE):
            with transaction.atomic():
                _import_batch(user, names, batch, seen, report)
            if on_progress:
                on_progress(report.rows + report.blank)
        if all_or_nothing and report.rejected:
            report.created = report.updated = report.unchanged = 0
            report.rolled_back = True
            transaction.set_rollback(True)
    return report


# Exporting -------------------------------------------------------------------------------------------


def _export_value(incident: Incident, column: str):
    if column == "unit_code":
        return incident.unit.code
    value = getattr(incident, column)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(incidents: Iterable[Incident]) -> Iterator[list]:
    yield list(COLUMNS)
    for incident in incidents:
        yield [_export_value(incident, c) for c in COLUMNS]


def export_csv(incidents: Iterable[Incident]) -> Iterator[str]:
    """CSV lines (UTF-8 with BOM, so Excel shows Vietnamese correctly), for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in export_rows(incidents):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def export_xlsx(incidents: Iterable[Incident], out) -> None:
    """An XLSX workbook with one sheet in the import's columns; every text cell is stored as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("su_viec")
    for row in export_rows(incidents):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    workbook.save(out)
