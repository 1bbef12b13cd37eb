"""Tables in and out: reading CSV/XLSX files as a stream of rows, checking their header, reporting row by
row what an import did, and writing CSV/XLSX that spreadsheets open safely. Each app's import/export
(`incidents.transfer`, …) supplies its columns and what a row means; the mechanics live here.
"""

import codecs
import csv
import functools
import io
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.utils import timezone, translation

from antoan.core.errors import DomainError, Message
from antoan.core.values import is_empty, shown
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


def _vi(n: int) -> str:
    """A number as Vietnamese writes it: 131.072."""
    return f"{n:_}".replace("_", ".")


def _too_long_cell(row: int | None, limit: int) -> ImportFileError:
    where_vi, where_en = (f"Dòng {row}: c", f"Row {row}: a") if row else ("C", "A")
    return file_error(
        f"{where_vi}ó ô dài quá {_vi(limit)} ký tự, không đọc được tệp",
        f"{where_en} cell is longer than {limit:,} characters; the file cannot be read",
    )


def _too_many_columns(row: int, columns: int, limit: int) -> ImportFileError:
    return file_error(
        f"Dòng {row} có {_vi(columns)} cột, vượt giới hạn {_vi(limit)} cột: hãy bỏ các cột thừa",
        f"Row {row} has {columns:,} columns, over the limit of {limit:,}: remove the extra columns",
    )


def _too_many_rows(limit: int) -> ImportFileError:
    return file_error(
        f"Tệp có hơn {_vi(limit)} dòng, vượt giới hạn: hãy chia tệp",
        f"The file has more than {limit:,} rows, over the limit: split it",
    )


def _unreadable(kind: str, row: int, exc: Exception) -> ImportFileError:
    """The file cannot be read on from `row` (a damaged workbook, an over-long CSV cell)."""
    if isinstance(exc, csv.Error) and "field limit" in str(exc):
        return _too_long_cell(row, csv.field_size_limit())
    reason = shown(f"{exc.__class__.__name__}: {exc}", 120)
    return file_error(
        f"Không đọc được tệp {kind} từ dòng {row} ({reason})",
        f"The {kind} file cannot be read from row {row} ({reason})",
    )


def _width(cells: list) -> int:
    """Cells up to the last one that holds something."""
    width = len(cells)
    while width and (cells[width - 1] is None or cells[width - 1] == ""):
        width -= 1
    return width


def _checked_row(cells: list, row: int) -> list:
    """A row refused when it has more columns than ANTOAN_IMPORT_MAX_COLUMNS (empty cells at its end do not count)
    or more than ANTOAN_IMPORT_MAX_ROWS rows came before it; XLSX rows lose their empty cells at the end."""
    if row > settings.ANTOAN_IMPORT_MAX_ROWS + 1:  # the header is not a data row
        raise _too_many_rows(settings.ANTOAN_IMPORT_MAX_ROWS)
    limit = settings.ANTOAN_IMPORT_MAX_COLUMNS
    if len(cells) > limit and _width(cells) > limit:
        raise _too_many_columns(row, _width(cells), limit)
    return cells


class _CsvLines:
    """The physical lines of a CSV text for csv.reader, read at most ANTOAN_IMPORT_MAX_ROW_CHARS at a time: one
    row (which may span lines inside quotes) longer than that is refused before the csv module splits it into a
    list of cells (a line of a million commas would be a list of a million)."""

    def __init__(self, text: io.TextIOBase):
        self.text = text
        self.limit = settings.ANTOAN_IMPORT_MAX_ROW_CHARS
        self.row_chars = 0  # of the row being read; the reader's loop sets it back to 0 after each row
        self.row = 1

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.row_chars += len(line)
        if self.row_chars > self.limit:
            raise file_error(
                f"Dòng {self.row} dài quá {_vi(self.limit)} ký tự, không đọc được tệp",
                f"Row {self.row} is longer than {self.limit:,} characters; the file cannot be read",
            )
        return line


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
        lines = _CsvLines(text)
        reader = csv.reader(lines, dialect)
        longest = settings.ANTOAN_IMPORT_MAX_CELL_CHARS  # the csv module's own limit (131.072) applies too
        row = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeError) as exc:
                raise _unreadable("CSV", row, exc) from None
            if cells and max(map(len, cells)) > longest:
                raise _too_long_cell(row, longest)
            yield _checked_row(cells, row)
            row += 1
            lines.row, lines.row_chars = row, 0


# XLSX --------------------------------------------------------------------------------------------------------------
# openpyxl, even "read-only", keeps every shared string in a list, every part other than the worksheets as a tree,
# and each <row> of a worksheet as a tree until the row ends. Before it opens a workbook, every XML part is streamed
# once through expat (C, nothing kept) and the workbook is refused when it holds more than the ANTOAN_IMPORT_MAX_*
# settings allow, or more than these bounds, which no spreadsheet program comes near (so they are not settings).
MAX_ZIP_ENTRIES = 10_000  # parts in the zip (a workbook has tens; ZipFile keeps an object for each)
MAX_OTHER_PART_BYTES = 16 * 2**20  # unpacked, a part other than a worksheet or the shared strings (styles, theme …)
MAX_OTHER_PART_ELEMENTS = 500_000  # … which openpyxl reads whole into a tree
MAX_TAG_BYTES = 64 * 1024  # one tag with its attributes, comment or instruction (expat holds it whole)
MAX_ATTRIBUTES = 64  # of one element
MAX_ROW_ELEMENTS = 65_536  # XML elements in one <row> (Excel's widest row has 16.384 cells)
MAX_SHEET_OTHER_ELEMENTS = 100_000  # of a worksheet outside its rows (merged cells, links, formatting rules), and
#                                     of the shared strings outside their strings
MAX_ROW_ATTRIBUTES = 2_000_000  # of all the rows of a worksheet (openpyxl keeps a row's height, style … per row)
MAX_STRING_ELEMENTS = 65_536  # XML elements in one shared string (runs of rich text)
EXCEL_COLUMNS, EXCEL_ROWS = 16_384, 1_048_576  # XFD1048576, Excel's last cell
CHUNK = 64 * 1024
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WORKSHEET, _SST, _ROW, _CELL, _SI = (f"{MAIN_NS} {t}" for t in ("worksheet", "sst", "row", "c", "si"))
_VALUE_TAGS = frozenset(f"{MAIN_NS} {t}" for t in ("v", "t"))


def _column_number(reference: str) -> int | None:
    """The column of a cell reference ("AB12" → 28); None when it is not one (openpyxl then says so)."""
    number = 0
    for char in reference.lstrip("$"):
        if "A" <= char <= "Z" or "a" <= char <= "z":
            number = number * 26 + (ord(char.upper()) - 64)
        else:
            break
    return number or None


def _row_number(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except (ValueError, OverflowError):
        return None


def _bytes(n: int, *, up: bool = False) -> tuple[str, str]:
    """A size in Vietnamese and in English: MiB, KiB below 10 MiB, bytes below 10 KiB; rounded `up` for a size
    over a limit (rounded down), so that the two never read the same."""
    for unit, size in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= 10 * size:
            n = -(-n // size) if up else n // size
            return f"{_vi(n)} {unit}", f"{n:,} {unit}"
    return f"{_vi(n)} byte", f"{n:,} bytes"


def _over(vi: str, en: str) -> ImportFileError:
    return file_error(f"{vi}: hãy chia tệp hoặc lưu thành CSV", f"{en}: split it or save it as CSV")


def _malformed(name: str, why_vi: str, why_en: str) -> ImportFileError:
    name = shown(name, 80)
    return file_error(f"Tệp Excel không hợp lệ ({name}: {why_vi})", f"Not a valid XLSX file ({name}: {why_en})")


@dataclass
class _SheetFacts:
    """What the scan of a worksheet found, for the sheet openpyxl will read."""

    last_row: int = 0  # the highest row number, or the number of <row> elements if higher
    widest: int = 0  # the last column that holds a value
    widest_row: int = 0


class _PartScan:
    """Stream one XML part through expat, refusing it as soon as it holds more than the bounds allow."""

    def __init__(self, name: str, size: int):
        self.name, self.size = name, size
        self.kind = None  # "sheet", "strings" or "other", from the root element
        self.depth = 0
        self.elements = 0  # outside rows and strings, for a sheet and the shared strings; all, for the others
        self.run = 0  # characters of the text run going on
        self.facts = _SheetFacts()
        self.row = self.rows = 0
        self.in_row = self.in_cell = self.in_value = False
        self.row_elements = self.row_attributes = 0
        self.column = 0
        self.cell_chars = 0
        self.strings = self.string_chars = 0
        self.in_string = False
        self.string_elements = self.string_length = 0
        self.cell_limit = settings.ANTOAN_IMPORT_MAX_CELL_CHARS

    def run_file(self, stream) -> None:
        """Scan the part up to its end. A worksheet or the shared strings whose XML or zip data is damaged is scanned
        up to the damage: openpyxl reads them with the same expat and stops there too (saying at which row). Any
        other damaged part is refused here: openpyxl reads those with lxml, which may read on."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.chars
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        fed = 0
        try:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - parser.CurrentByteIndex > MAX_TAG_BYTES:
                    raise _malformed(self.name, "thẻ XML quá lớn", "an XML tag is too large")
            parser.Parse(b"", True)
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
            if self.kind in ("sheet", "strings"):
                return
            raise _malformed(self.name, f"phần bị hỏng: {shown(exc, 80)}", f"damaged part: {shown(exc, 80)}") from None

    def doctype(self, *args) -> None:  # real workbooks never declare one; entities are how XML bombs are made
        raise _malformed(self.name, "có khai báo DOCTYPE", "it declares a DOCTYPE")

    def start(self, tag: str, attrs: dict) -> None:
        self.run = 0
        if len(attrs) > MAX_ATTRIBUTES:
            raise _malformed(self.name, "thẻ có quá nhiều thuộc tính", "an element has too many attributes")
        self.depth += 1
        if self.kind is None:
            self._root(tag)
        if self.in_row:
            self._in_row(tag, attrs)
        elif self.in_string:
            self.string_elements += 1
            if self.string_elements > MAX_STRING_ELEMENTS:
                raise _malformed(self.name, "một chuỗi có quá nhiều phần tử", "a string has too many elements")
        elif tag == _ROW and self.kind == "sheet":
            self._row_start(attrs)
        elif tag == _SI and self.kind == "strings" and self.depth == 2:
            self._string_start()
        else:
            self.elements += 1
            if self.kind == "other" and self.elements > MAX_OTHER_PART_ELEMENTS:
                raise _malformed(self.name, "quá nhiều phần tử XML", "too many XML elements")
            if self.kind != "other" and self.elements > MAX_SHEET_OTHER_ELEMENTS:
                raise _malformed(self.name, "quá nhiều phần tử XML ngoài các dòng", "too many elements outside rows")

    def _root(self, tag: str) -> None:
        if tag == _WORKSHEET:
            self.kind, limit, setting = "sheet", settings.ANTOAN_IMPORT_MAX_SHEET_BYTES, ("trang tính", "a worksheet")
        elif tag == _SST:
            self.kind, limit = "strings", settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS_BYTES
            setting = ("bảng chuỗi dùng chung", "the shared strings")
        else:
            self.kind, limit, setting = "other", MAX_OTHER_PART_BYTES, ("phần", "a part")
        if self.size > limit:
            (vi, en), name = setting, shown(self.name, 80)
            (size_vi, size_en), (limit_vi, limit_en) = _bytes(self.size, up=True), _bytes(limit)
            raise _over(
                f"Tệp Excel có {vi} {name} giải nén ra {size_vi}, vượt giới hạn {limit_vi}",
                f"The XLSX file has {en} ({name}) unpacking to {size_en}, over the limit of {limit_en}",
            )

    def _row_start(self, attrs: dict) -> None:
        self.in_row, self.row_elements, self.column, self.row_depth = True, 0, 0, self.depth
        self.row = _row_number(attrs.get("r")) or self.row + 1
        self.rows += 1  # openpyxl keeps every <row> (emptied) until the sheet ends, whatever its number says
        self.facts.last_row = max(self.facts.last_row, self.row, self.rows)
        if self.facts.last_row > EXCEL_ROWS:
            raise _too_many_rows(EXCEL_ROWS)
        self.row_attributes += len(attrs)
        if self.row_attributes > MAX_ROW_ATTRIBUTES:
            raise _malformed(self.name, "các dòng có quá nhiều thuộc tính", "the rows have too many attributes")

    def _in_row(self, tag: str, attrs: dict) -> None:
        self.row_elements += 1
        if self.row_elements > MAX_ROW_ELEMENTS:
            raise _too_many_columns(self.row, self.row_elements, settings.ANTOAN_IMPORT_MAX_COLUMNS)
        if tag == _CELL and not self.in_cell:
            reference = attrs.get("r")
            self.column = (_column_number(reference) if reference else None) or self.column + 1
            if self.column > EXCEL_COLUMNS:
                raise _too_many_columns(self.row, self.column, settings.ANTOAN_IMPORT_MAX_COLUMNS)
            self.in_cell, self.cell_chars, self.cell_depth = True, 0, self.depth
        elif self.in_cell:
            self.in_value = tag in _VALUE_TAGS

    def _string_start(self) -> None:
        self.in_string, self.string_elements, self.string_length, self.string_depth = True, 0, 0, self.depth
        self.strings += 1
        limit = settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS
        if self.strings > limit:
            raise _over(f"Tệp Excel có hơn {_vi(limit)} chuỗi dùng chung (sharedStrings), vượt giới hạn",
                        f"The XLSX file has more than {limit:,} shared strings, over the limit")  # fmt: skip

    def end(self, tag: str) -> None:
        self.run = 0
        if self.in_cell:
            self.in_value = False
            if self.depth == self.cell_depth:
                self.in_cell = False
                if self.cell_chars and self.column > self.facts.widest:
                    self.facts.widest, self.facts.widest_row = self.column, self.row
        elif self.in_string and self.depth == self.string_depth:
            self.in_string = False
        if self.in_row and self.depth == self.row_depth:
            self.in_row = False
        self.depth -= 1

    def chars(self, data: str) -> None:
        self.run += len(data)
        if self.kind == "other":
            return
        if self.run > self.cell_limit:
            raise _too_long_cell(self.row if self.in_row else None, self.cell_limit)
        if self.in_value:
            self.cell_chars += len(data)
        elif self.in_string:
            self.string_length += len(data)
            self.string_chars += len(data)
            if self.string_length > self.cell_limit:
                raise _too_long_cell(None, self.cell_limit)
            limit = settings.ANTOAN_IMPORT_MAX_SHARED_STRINGS_CHARS
            if self.string_chars > limit:
                raise _over(f"Các chuỗi dùng chung của tệp Excel dài hơn {_vi(limit)} ký tự cộng lại, vượt giới hạn",
                            f"The XLSX file's shared strings are longer than {limit:,} characters together, "
                            "over the limit")  # fmt: skip


def _zip_entries(path: Path) -> int | None:
    """The number of parts the zip's end record declares, read before ZipFile makes an object for each; None when
    there is no end record (ZipFile then says what is wrong)."""
    with open(path, "rb") as raw:
        raw.seek(0, os.SEEK_END)
        size = raw.tell()
        raw.seek(max(size - 22 - 0xFFFF, 0))
        tail = raw.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    return EXCEL_ROWS if entries == 0xFFFF else entries  # 0xFFFF: ZIP64, never needed by a workbook


def _check_unpacked_size(path: Path) -> dict[str, _SheetFacts] | None:
    """Refuse a workbook that holds more than the limits allow (module docstring above, docs/security.md), before
    openpyxl reads it: the parts' sizes unpacked (as the zip declares them; Python's zipfile never unpacks a part
    beyond its declared size), then each XML part streamed. The facts of each worksheet, by part name; None when
    the file is not a zip at all (openpyxl says so in its own words)."""
    entries = _zip_entries(path)
    if entries is not None and entries > MAX_ZIP_ENTRIES:
        raise _over(f"Tệp Excel có hơn {_vi(MAX_ZIP_ENTRIES)} phần, vượt giới hạn",
                    f"The XLSX file has more than {MAX_ZIP_ENTRIES:,} parts, over the limit")  # fmt: skip
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with archive:
        parts = archive.infolist()
        unpacked = sum(info.file_size for info in parts)
        limit = settings.ANTOAN_IMPORT_MAX_UNPACKED_BYTES
        if unpacked > limit:
            mib, limit_mib = unpacked // 2**20, limit // 2**20
            raise file_error(
                f"Tệp Excel giải nén ra {mib} MiB, vượt giới hạn {limit_mib} MiB: hãy chia tệp hoặc lưu thành CSV",
                f"The XLSX file unpacks to {mib} MiB, over the {limit_mib} MiB limit: split it or save it as CSV",
            )
        # The small parts first: a workbook's bomb is in its large ones, and is found with the least work.
        facts = {}
        for info in sorted(parts, key=lambda i: i.file_size):
            if info.is_dir() or info.file_size == 0:
                continue
            try:
                with archive.open(info) as stream:
                    head = stream.read(64)
                    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and head[:2] not in UTF16_BOMS:
                        continue  # not XML (a picture): openpyxl cannot read it as a tree either
                    scan = _PartScan(info.filename, info.file_size)
                    scan.run_file(_Rejoined(head, stream))
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
                continue  # a part that cannot be unpacked at all (encrypted, unknown compression): openpyxl says so
            if scan.kind == "sheet":
                facts[info.filename] = scan.facts
        return facts


class _Rejoined:
    """A stream whose first bytes were already read."""

    def __init__(self, head: bytes, stream):
        self.head, self.stream = head, stream

    def read(self, size: int) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            return head
        return self.stream.read(size)


_LIMITS = ("ANTOAN_IMPORT_MAX_UNPACKED_BYTES", "ANTOAN_IMPORT_MAX_ROWS", "ANTOAN_IMPORT_MAX_COLUMNS",
           "ANTOAN_IMPORT_MAX_CELL_CHARS", "ANTOAN_IMPORT_MAX_SHEET_BYTES", "ANTOAN_IMPORT_MAX_SHARED_STRINGS_BYTES",
           "ANTOAN_IMPORT_MAX_SHARED_STRINGS", "ANTOAN_IMPORT_MAX_SHARED_STRINGS_CHARS")  # fmt: skip
_checked: dict[tuple, dict[str, _SheetFacts] | None] = {}  # a file's checks, for the second read (count, then import)


def _checked_workbook(path: Path) -> dict[str, _SheetFacts] | None:
    status = path.stat()
    key = (str(path.resolve()), status.st_size, status.st_mtime_ns, *(getattr(settings, n) for n in _LIMITS))
    if key not in _checked:
        facts = _check_unpacked_size(path)
        if len(_checked) >= 16:
            _checked.clear()
        _checked[key] = facts
    return _checked[key]


def _check_sheet(facts: _SheetFacts | None) -> None:
    """The limits that concern the one sheet that is imported (others in the workbook may be as wide as they like)."""
    if facts is None:
        return
    if facts.widest > settings.ANTOAN_IMPORT_MAX_COLUMNS:
        raise _too_many_columns(facts.widest_row, facts.widest, settings.ANTOAN_IMPORT_MAX_COLUMNS)
    if facts.last_row > settings.ANTOAN_IMPORT_MAX_ROWS + 1:
        raise _too_many_rows(settings.ANTOAN_IMPORT_MAX_ROWS)


def _xlsx_rows(path: Path) -> Iterator[list]:
    from openpyxl import load_workbook

    facts = _checked_workbook(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise file_error(
            f"Không đọc được tệp Excel: {exc.__class__.__name__}", f"Not a readable XLSX file: {shown(exc, 200)}"
        ) from None
    try:
        if not workbook.worksheets:
            raise file_error("Tệp Excel không có trang tính nào", "The XLSX file has no worksheet")
        sheet = workbook.worksheets[0]
        if facts is not None:
            _check_sheet(facts.get(getattr(sheet, "_worksheet_path", ""), _SheetFacts()))
        # The sheet's own idea of its size (<dimension ref="A1:XFD1048576"/>) is not trusted: rows are as wide as
        # their cells, at most ANTOAN_IMPORT_MAX_COLUMNS (the scan refused any value beyond).
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True, max_col=settings.ANTOAN_IMPORT_MAX_COLUMNS)
        row = 1
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged part (cut short, bad XML, bad checksum, a missing sheet)
                raise _unreadable("Excel", row, exc) from None
            cells = list(cells)
            del cells[_width(cells) :]
            yield _checked_row(cells, row)
            row += 1
    finally:
        workbook.close()


def read_rows(path: Path) -> Iterator[list]:
    """The rows of a CSV or XLSX file, as lists of cells, once the file is within the ANTOAN_IMPORT_MAX_* limits
    (an XLSX file is checked as a whole before its first row; a CSV file row by row as it is read)."""
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
    """Data rows, for a progress bar (a quick first pass). A file over the limits is refused here, before a row
    is imported; the import's own read does not check an XLSX file a second time."""
    return max(sum(1 for _ in read_rows(path)) - 1, 0)


def read_header(cells: list, *, columns: tuple[str, ...], required: tuple[str, ...]) -> list[str]:
    """The column names of a header row, refused when a column is unknown, repeated or missing."""
    limit = settings.ANTOAN_IMPORT_MAX_COLUMNS
    if _width(cells) > limit:
        raise _too_many_columns(1, _width(cells), limit)
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
    repeated = sorted(n for n, times in Counter(names).items() if times > 1)
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


# Cells people type ---------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def folded(text) -> str:
    """A cell compared as people mean it: any case, any spacing."""
    return _SPACES.sub("", str(text)).casefold()


def code_text(value) -> str:
    """An official code from a cell: XLSX gives 597 as the number 597.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def choice_code(choices, value) -> str | None:
    """The code of a choice (a TextChoices) written as its code or as its label in Vietnamese or English, in any case
    and spacing: "at_most", "Không quá N", "At most N"; "" when empty, None when it is none of them."""
    if is_empty(value):
        return ""
    return _choice_names(choices).get(folded(value))


@functools.cache
def _choice_names(choices) -> dict[str, str]:
    names = {}
    for choice in choices:
        names[folded(choice.value)] = choice.value
        for language in ("vi", "en"):
            with translation.override(language):
                names[folded(str(choice.label))] = choice.value
    return names
