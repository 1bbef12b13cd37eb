"""Import and export of historical figures (số liệu cũ) as CSV or XLSX, in one set of columns so export → import
round-trips.

A file has one row per figure: unit_code, unit_name, period, indicator, indicator_name, value, document, location,
quote, state (unit_name and indicator_name are written for the reader and ignored on import). The period is a period
code: 2018, st2018, 2018-H1, 2018-Q3, 2018-05. The unit is the one that carries the code on the period's last day
(`units.selectors.unit_for_code`); a unit outside the importing user's scope is "not found".

Each row is written on its own with `figure_services.figure_create`, as a draft: a bad row is reported with its row
number and column, in Vietnamese and English, and the other rows are kept (`FigureImportReport.kept` lists them) —
unless all_or_nothing is asked for, when nothing is written if any row is bad.

A row with no value, document, location nor quote (the template's empty rows) is skipped like a blank row. A row that
repeats a live figure of its unit, period and indicator — same value, same document — changes nothing and is counted
unchanged (its location and quote are not compared), so that a file exported and imported again is not doubled
(without `confirm`, a confirmed figure is such a figure too: a draft that repeats it adds nothing).

The state column: ignored unless the import is run with `confirm` (leaders and administrators only; an officer's rows
are refused, each with the service's message under unit_code). With `confirm`, a row whose state is "draft" (the
code, or the label "Nháp" / "Draft") is imported as a draft, any other row — state "confirmed" or left empty — as a
confirmed figure; a draft with the same value and document is confirmed (counted updated) rather than repeated.
"""

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from antoan.accounts.models import User
from antoan.core.errors import DomainError, Message
from antoan.core.memo import memoized
from antoan.core.tabular import (
    ImportReport,
    RowProblem,
    cell_text,
    choice_code,
    code_text,
    csv_lines,
    export_cell,
    file_error,
    read_header,
    read_rows,
    write_xlsx,
)
from antoan.core.values import is_empty, shown, to_text
from antoan.indicators import figure_services
from antoan.indicators.catalogue import indicators, sections
from antoan.indicators.figure_selectors import figure_list
from antoan.indicators.history import plain_number
from antoan.indicators.models import FigureState, HistoricalFigure
from antoan.indicators.periods import Period, period_parse
from antoan.indicators.target_services import to_amount
from antoan.units.models import Unit
from antoan.units.scope import scope_require
from antoan.units.selectors import unit_for_code

COLUMNS = ("unit_code", "unit_name", "period", "indicator", "indicator_name", "value", "document", "location", "quote",
           "state")  # fmt: skip
REQUIRED = ("unit_code", "period", "indicator", "value")
FIGURE_FIELDS = ("value", "document", "location", "quote")  # a row with none of them sets no figure
SHEET = "so_lieu_cu"
_REQUIRED = Message("Bắt buộc nhập", "Required")
# Where the services' field names go in the file: the unit's errors (not found, not a province/district/commune, not
# existing in the period, the leaders-only refusal) under unit_code.
_COLUMN_OF = {"unit": "unit_code", "code": "unit_code", "__all__": "unit_code"}


@dataclass
class FigureImportReport(ImportReport):
    """An ImportReport that also names the rows kept (written or unchanged): every row of the file is either kept,
    rejected (`rejected`) or blank."""

    kept: list[int] = field(default_factory=list)

    def summary(self) -> Message:
        told = super().summary()
        if self.rolled_back or not self.kept:
            return told
        rows = row_ranges(self.kept)
        return Message(f"{told.vi}; các dòng đã ghi hoặc không đổi: {rows}", f"{told.en}; rows kept: {rows}")


def row_ranges(numbers: Iterable[int]) -> str:
    """2, 3, 4, 7 → "2–4, 7"."""
    ranges: list[list[int]] = []
    for n in sorted(set(numbers)):
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1][1] = n
        else:
            ranges.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


# States: the code or the label ----------------------------------------------------------------------------


def state_code(value) -> str | None:
    """The code of a state written as its code or its label; "" when empty, None when unknown."""
    return choice_code(FigureState, value)


# Reading ----------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict


def _read(path: Path, report: ImportReport) -> tuple[list[_Row], list[RowProblem]]:
    rows = read_rows(Path(path))
    try:
        names = read_header(next(rows), columns=COLUMNS, required=REQUIRED)
    except StopIteration:
        raise file_error("Tệp rỗng", "The file is empty") from None
    read, problems = [], []
    for number, cells in enumerate(rows, start=2):
        if all(is_empty(c) for c in cells):
            report.blank += 1
            continue
        values = {
            name: cell_text(cells[i] if i < len(cells) else None, row=number, column=name, report=report)
            for i, name in enumerate(names)
        }
        extra = any(not is_empty(c) for c in cells[len(names) :])
        if not extra and all(is_empty(values.get(name)) for name in FIGURE_FIELDS):
            report.blank += 1  # a unit, period and indicator without a figure (the template's empty rows)
            continue
        report.rows += 1
        if extra:
            problems.append(RowProblem(number, "", Message(
                f"Dòng có nhiều giá trị hơn số cột ({len(names)} cột: {', '.join(names)})",
                f"More values than columns ({len(names)} columns: {', '.join(names)})",
            )))  # fmt: skip
            continue
        read.append(_Row(number, values))
    return read, problems


def _problems(number: int, error: DomainError) -> list[RowProblem]:
    """A service's errors placed on the row, each under its column (or none, for a field not in the file)."""
    problems = []
    for key, message in error.errors.items():
        column = _COLUMN_OF.get(key, key)
        problems.append(RowProblem(number, column if column in COLUMNS else "", message))
    return problems


@memoized
def _unit(code: str, period: Period) -> Unit:
    return unit_for_code(code=code, day=period.end)


@memoized
def _may(user: User, unit: Unit, confirm: bool) -> None:
    """The scope check of figure_create, made before a row is compared with what is there (a unit the user may not
    see is "not found", whatever it holds)."""
    roles = figure_services.CONFIRMING_ROLES if confirm else figure_services.ENTERING_ROLES
    scope_require(user=user, unit=unit, roles=roles, what=figure_services.CONFIRM_NEEDS_LEADER if confirm else None)


def _same(unit: Unit, period: Period, indicator: str, values: dict) -> list[HistoricalFigure]:
    """The live figures of the unit, period and indicator with the row's value and document (none when either cannot
    be read: the service then says why)."""
    try:
        value = to_amount(values.get("value"), field="value")
        document = to_text(values.get("document"), field="document", max_length=figure_services.DOCUMENT_MAX)
    except DomainError:
        return []
    if value is None:
        return []
    found = HistoricalFigure.objects.filter(
        unit=unit, period=period.code, indicator=indicator, value=value, document=document
    )
    return list(found.order_by("-state", "pk"))  # drafts first


def _period_text(value) -> str:
    """A period cell as its code: Excel turns "2018-05" typed in a cell into the date 01/05/2018, read back as May."""
    if isinstance(value, date) and value.day == 1:
        return f"{value.year:04d}-{value.month:02d}"
    return code_text(value)


def _row_checks(row: _Row, *, user: User, confirm: bool) -> tuple[dict, list[RowProblem]]:
    """The row's unit code, period and indicator text and whether it is to be confirmed, or its problems."""
    values, number = row.values, row.number
    checked = {
        "unit_code": code_text(values.get("unit_code")),
        "period": _period_text(values.get("period")),
        "indicator": code_text(values.get("indicator")),
    }
    problems = [RowProblem(number, name, _REQUIRED) for name, text in checked.items() if not text]
    checked["confirm"] = False
    if confirm:
        state = state_code(values.get("state"))
        if state is None:
            problems.append(RowProblem(number, "state", Message(
                f"Trạng thái '{shown(values.get('state'))}' không hợp lệ: ghi draft (nháp) hoặc confirmed (đã xác "
                "nhận), hoặc để trống",
                f"'{shown(values.get('state'))}' is not a state: write draft or confirmed, or leave it empty",
            )))  # fmt: skip
        checked["confirm"] = state != FigureState.DRAFT
    if checked["period"]:
        try:
            checked["period"] = period_parse(checked["period"], user=user)
        except DomainError as exc:
            problems.extend(_problems(number, exc))
    return checked, problems


def _import_row(row: _Row, checked: dict, *, user: User, report: FigureImportReport) -> None:
    """Write one row (a DomainError when the row is refused): unchanged, a draft confirmed, or a new figure."""
    period, confirm = checked["period"], checked["confirm"]
    unit = _unit(checked["unit_code"], period)
    _may(user, unit, confirm)
    same = _same(unit, period, checked["indicator"], row.values)
    if any(f.state == FigureState.CONFIRMED for f in same) or (same and not confirm):
        report.unchanged += 1
        return
    if same:  # a draft of the same value and document, to confirm
        figure_services.figure_confirm(user=user, figure=same[0])
        report.updated += 1
        return
    figure_services.figure_create(
        user=user, unit=unit, period=period.code, indicator=checked["indicator"], value=row.values.get("value"),
        document=row.values.get("document", ""), location=row.values.get("location", ""),
        quote=row.values.get("quote", ""), confirm=confirm,
    )  # fmt: skip
    report.created += 1


def import_figures(*, user: User, path: Path, all_or_nothing: bool = False, confirm: bool = False) -> ImportReport:
    """Import a CSV or XLSX file of historical figures as `user` (their scope and role apply to every row: drafts by
    whoever enters a unit's data, confirmed figures — `confirm` — by leaders and administrators).

    With all_or_nothing the file is one transaction and any rejected row means nothing is written; otherwise each
    row is written or rejected on its own. An ImportFileError means the file as a whole is refused (its type, an
    unknown or missing column)."""
    report = FigureImportReport(all_or_nothing=all_or_nothing)
    rows, problems = _read(path, report)
    report.rejected.extend(problems)
    with memoized.scope(), transaction.atomic() if all_or_nothing else nullcontext():
        for row in rows:
            checked, problems = _row_checks(row, user=user, confirm=confirm)
            if problems:
                report.rejected.extend(problems)
                continue
            try:
                with transaction.atomic():
                    _import_row(row, checked, user=user, report=report)
            except DomainError as exc:
                report.rejected.extend(_problems(row.number, exc))
                continue
            report.kept.append(row.number)
        report.rejected.sort(key=lambda p: p.row)
        if all_or_nothing and report.rejected:
            report.created = report.updated = report.unchanged = 0
            report.kept = []
            report.rolled_back = True
            transaction.set_rollback(True)
    return report


# Exporting -------------------------------------------------------------------------------------------------


def _line(figure: HistoricalFigure | None, *, unit: Unit | None, period: str, code: str) -> list:
    indicator = indicators().get(code)
    values = {
        "unit_code": unit.code if unit is not None else "",
        "unit_name": unit.name if unit is not None else "",
        "period": period,
        "indicator": code,
        "indicator_name": indicator.vi if indicator is not None else "",
        "value": plain_number(figure.value) if figure is not None else None,
        "document": figure.document if figure is not None else "",
        "location": figure.location if figure is not None else "",
        "quote": figure.quote if figure is not None else "",
        "state": figure.state if figure is not None else "",
    }
    return [export_cell(values[c]) for c in COLUMNS]


def export_figures(*, user: User, unit: Unit | None = None, period: str | None = None) -> list[list]:
    """The header, then every live figure in `user`'s scope (of `unit`, of `period`), as figure_list orders them."""
    listed = figure_list(user=user, unit=unit, period=period)
    return [list(COLUMNS)] + [
        _line(f, unit=f.unit, period=f.period, code=f.indicator) for f in listed.iterator(chunk_size=500)
    ]


def template_rows(*, user: User, unit: Unit | None, year: int) -> list[list]:
    """A file to fill in from an old year-end report: one line per main indicator of the catalogue (in the grid's
    order) for each of the years year-1 and year — a report gives both side by side — with the unit's live figures
    of those years filled in (one line per figure). Without a unit, unit_code is left to fill. The lines left
    without a value set nothing when imported."""
    years = (str(year - 1), str(year))
    own: dict[tuple[str, str], list[HistoricalFigure]] = {}
    if unit is not None:
        for figure in figure_list(user=user, unit=unit).filter(period__in=years):
            own.setdefault((figure.indicator, figure.period), []).append(figure)
    codes = {code for code, _ in own}
    order = {s.code: i for i, s in enumerate(sections())}
    main = sorted(
        (i for i in indicators().values() if not i.parent or i.code in codes),
        key=lambda i: order.get(i.section, len(order)),
    )
    rows = [list(COLUMNS)]
    for code in [i.code for i in main] + sorted(codes - {i.code for i in main}):  # then codes no longer listed
        for period in years:
            for figure in own.get((code, period), [None]):
                rows.append(_line(figure, unit=unit, period=period, code=code))
    return rows


def export_csv(rows: Iterable[list]) -> Iterator[str]:
    return csv_lines(rows)


def export_xlsx(rows: Iterable[list], out) -> None:
    write_xlsx(rows, out, sheet=SHEET)
