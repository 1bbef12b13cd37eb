"""Tables in and out: reading CSV/XLSX files as a stream of rows, checking their header, reporting row by
row what an import did, and writing CSV/XLSX that spreadsheets open safely. Each app's import/export
(`incidents.transfer`, …) supplies its columns and what a row means; the mechanics live here.
"""

import codecs
import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from antoan.core.errors import DomainError, Message
from antoan.core.values import shown
from antoan.legacy.text import clean_text

# A spreadsheet runs a cell that starts with one of these as a formula ("=cmd|' /C calc'!A0"); exports
# prefix such text with an apostrophe, and imports take the apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHOWN_NAMES = 10  # unknown columns a header message names


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


    def print_to(self, write, *, file: Path, errors: Path | None = None, most: int = 20) -> None:
        """What an import command prints: the summary, the first problems and where all of them are written
        (`errors`, else FILE.errors.csv); exits with status 1 when a row was rejected."""
        write(str(self.summary()))
        if self.rejected or self.converted:
            problems_path = errors or file.with_name(file.name + ".errors.csv")
            self.write_problems_csv(problems_path)
            for problem in self.rejected[:most]:
                write(f"  dòng/row {problem.row}, cột/column {problem.column or '—'}: {problem.message}")
            if len(self.rejected) > most:
                write(f"  … {len(self.rejected) - most} lỗi nữa / more")
            rows = sorted({row for row, _, _ in self.converted})
            if rows:
                listed = ", ".join(map(str, rows[:most])) + (" …" if len(rows) > most else "")
                write(f"  Chuyển mã chữ cũ (TCVN3/VNI) ở dòng / legacy text converted in rows: {listed}")
            write(f"Chi tiết / details: {problems_path}")
        if self.rejected:
            raise SystemExit(1)


ACCEPTED_SUFFIXES = (".csv", ".xlsx")


def upload_suffix(uploaded) -> str:
    """The suffix of an uploaded import file, once its type and size are acceptable (a DomainError on `file` if not)."""
    name = Path(uploaded.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise DomainError.single(
            "file", "Chỉ nhận tệp .csv hoặc .xlsx", f"Only .csv and .xlsx files are accepted, not '{suffix or name}'"
        )
    if uploaded.size > settings.ANTOAN_IMPORT_MAX_BYTES:
        limit = settings.ANTOAN_IMPORT_MAX_BYTES // (1024 * 1024)
        raise DomainError.single("file", f"Tệp lớn hơn {limit} MB", f"The file is larger than {limit} MB")
    return suffix


def save_upload(uploaded, path: Path) -> None:
    with open(path, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)


def import_upload(uploaded, run, **options) -> "ImportReport":
    """Check an uploaded file, keep it in a temporary folder for as long as `run(path=…, **options)` reads it."""
    suffix = upload_suffix(uploaded)
    with tempfile.TemporaryDirectory(prefix="antoan-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        save_upload(uploaded, path)
        return run(path=path, **options)


@dataclass
class RowGroup:
    """The rows of one unit's year in a file whose groups are written together or not at all (assessments, targets)."""

    unit_code: str
    year_text: str
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, values)
    problems: list[RowProblem] = field(default_factory=list)  # found while reading

    def reject(self, report: ImportReport, problems: list[RowProblem]) -> None:
        """Report the bad rows, and each other row of the group as not written because of them."""
        report.rejected.extend(problems)
        bad = sorted({p.row for p in problems})
        listed = ", ".join(str(r) for r in bad)
        for number, _ in self.rows:
            if number not in bad:
                report.rejected.append(RowProblem(number, "", Message(
                    f"Không ghi: {self.unit_code} năm {self.year_text} có dòng lỗi ({listed}); cả nhóm bị từ chối",
                    f"Not recorded: {self.unit_code} {self.year_text} has bad rows ({listed}); the whole group is "
                    "rejected",
                )))  # fmt: skip


class ImportFileError(DomainError):
    """The file as a whole cannot be read (wrong type, bad header): no row is looked at."""


def file_error(vi: str, en: str) -> ImportFileError:
    return ImportFileError({"file": Message(vi, en)})


def _csv_text(path: Path) -> io.TextIOBase:
    """UTF-8 (with or without BOM); UTF-16 with its BOM (Excel's "Unicode Text"); a file that is neither is read
    as Windows-1252, which is how text typed with the old TCVN3/VNI fonts arrives, and the cells are then
    repaired one by one."""
    with open(path, "rb") as raw:
        head = raw.read(4096)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return open(path, encoding="utf-16", errors="replace", newline="")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return open(path, encoding=utf16, errors="replace", newline="")
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


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 that lost its BOM: every ASCII character (the header, digits, dates) leaves a NUL byte in every other
    place, on the odd places for little-endian, the even ones for big-endian."""
    half = len(head) // 2
    if half < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= half // 2 and even <= odd // 8:
        return "utf-16-le"
    if even >= half // 2 and odd <= even // 8:
        return "utf-16-be"
    return None


def _unreadable(kind: str, row: int, exc: Exception) -> ImportFileError:
    """The file cannot be read on from `row` (a damaged workbook, an over-long CSV cell)."""
    if isinstance(exc, csv.Error) and "field limit" in str(exc):
        limit = csv.field_size_limit()
        grouped = f"{limit:_}".replace("_", ".")  # 131.072, as Vietnamese writes it
        return file_error(
            f"Dòng {row}: có ô dài quá {grouped} ký tự, không đọc được tệp",
            f"Row {row}: a cell is longer than {limit:,} characters; the file cannot be read",
        )
    reason = shown(f"{exc.__class__.__name__}: {exc}", 120)
    return file_error(
        f"Không đọc được tệp {kind} từ dòng {row} ({reason})",
        f"The {kind} file cannot be read from row {row} ({reason})",
    )


def _csv_rows(path: Path) -> Iterator[list]:
    with _csv_text(path) as text:
        sample = text.read(4096)
        text.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        # The sniffer only looks at the header line and may turn off "" inside quoted cells; files written
        # by Excel and by antoan's export always use it.
        dialect.doublequote = True
        reader = csv.reader(text, dialect)
        row = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeError) as exc:
                raise _unreadable("CSV", row, exc) from None
            yield cells
            row += 1


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than ANTOAN_IMPORT_MAX_UNPACKED_BYTES. The sizes are the
    ones the zip declares; Python's zipfile never unpacks a part beyond its declared size."""
    limit = settings.ANTOAN_IMPORT_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: openpyxl says so in its own words below
    if unpacked > limit:
        mib, limit_mib = unpacked // 2**20, limit // 2**20
        raise file_error(
            f"Tệp Excel giải nén ra {mib} MiB, vượt giới hạn {limit_mib} MiB: hãy chia tệp hoặc lưu thành CSV",
            f"The XLSX file unpacks to {mib} MiB, over the {limit_mib} MiB limit: split it or save it as CSV",
        )


def _xlsx_rows(path: Path) -> Iterator[list]:
    from openpyxl import load_workbook

    _check_unpacked_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise file_error(
            f"Không đọc được tệp Excel: {exc.__class__.__name__}", f"Not a readable XLSX file: {shown(exc, 200)}"
        ) from None
    try:
        if not workbook.worksheets:
            raise file_error("Tệp Excel không có trang tính nào", "The XLSX file has no worksheet")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        row = 1
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged part (cut short, bad XML, bad checksum, a missing sheet)
                raise _unreadable("Excel", row, exc) from None
            yield list(cells)
            row += 1
    finally:
        workbook.close()


def read_rows(path: Path) -> Iterator[list]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    raise file_error(
        f"Chỉ nhận tệp .csv hoặc .xlsx (tệp này là '{suffix or 'không có đuôi'}')",
        f"Only .csv and .xlsx files are accepted (this is '{suffix or 'no extension'}')",
    )


def count_rows(path: Path) -> int:
    """Data rows, for a progress bar (a quick first pass)."""
    return max(sum(1 for _ in read_rows(path)) - 1, 0)


def read_header(cells: list, *, columns: tuple[str, ...], required: tuple[str, ...]) -> list[str]:
    """The column names of a header row, refused when a column is unknown, repeated or missing."""
    names = [str(c or "").strip().lstrip("\ufeff").lower() for c in cells]
    while names and not names[-1]:
        names.pop()
    unknown = [shown(n) or "(trống)" for n in names if n not in columns]
    if unknown:
        listed = ", ".join(unknown[:SHOWN_NAMES]) + (" …" if len(unknown) > SHOWN_NAMES else "")
        raise file_error(
            f"Cột không có trong mẫu: {listed}. Các cột được nhận: {', '.join(columns)}",
            f"Columns not in the template: {listed}. Accepted columns: {', '.join(columns)}",
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise file_error(f"Cột bị lặp: {', '.join(repeated)}", f"Repeated columns: {', '.join(repeated)}")
    missing = [c for c in required if c not in names]
    if missing:
        raise file_error(f"Thiếu cột bắt buộc: {', '.join(missing)}", f"Required columns missing: {', '.join(missing)}")
    return names


def cell_text(value, *, row: int, column: str, report: ImportReport):
    """A cell as text the domain keeps: the export's anti-formula apostrophe taken off, NFC, legacy
    encodings converted (and reported)."""
    if not isinstance(value, str):
        return value
    if value.startswith("'") and value[1:2] in FORMULA_STARTS and value[1:2]:
        value = value[1:]
    cleaned = clean_text(value)
    if cleaned.conversion and cleaned.conversion != "nfd":  # NFC alone is not worth a line in the report
        report.converted.append((row, column, cleaned.conversion.upper()))
    return cleaned.text


def batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def export_cell(value):
    """A value as an export writes it: local time "YYYY-MM-DD HH:MM", ISO dates, 1/0, and text that a
    spreadsheet would run as a formula prefixed with an apostrophe."""
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


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """CSV lines (UTF-8 with BOM, so Excel shows Vietnamese correctly), for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def write_xlsx(rows: Iterable[list], out, *, sheet: str) -> None:
    """An XLSX workbook with one sheet; every text cell is stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(worksheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        worksheet.append(cells)
    workbook.save(out)
