"""Import and export of targets (chỉ tiêu) as CSV or XLSX, in one set of columns so export → import round-trips.

A file has one row per target: unit_code, unit_name, year, indicator, indicator_name, kind, value, document, note
(unit_name and indicator_name are written for the reader and ignored on import). Rows are grouped by (unit_code,
year) and each group is saved with `target_services.targets_save`, exactly as the grid of a unit's year would be:
a group with any bad row is rejected as a whole, and the report names the bad rows and the rows rejected with them.

A row creates the unit's (indicator, kind) target of the year or changes the live one (matched by indicator and
kind); the targets of the year that no row names are left alone — deleting is done on the grid or the target's page.
A row with an indicator and nothing else (no kind, value, document nor note: the template's empty rows) is skipped
like a blank row. The unit is the one that carries the code on 31/12 of the year (`units.selectors.unit_for_code`).
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import translation

from antoan.accounts.models import User
from antoan.core.errors import DomainError, Message
from antoan.core.memo import memoized
from antoan.core.tabular import (
    ImportReport,
    RowGroup,
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
from antoan.core.values import is_empty, shown, to_year
from antoan.indicators import target_services, targets
from antoan.indicators.catalogue import indicators, sections
from antoan.indicators.history import plain_number
from antoan.indicators.models import Target, TargetKind
from antoan.units.models import Unit
from antoan.units.scope import user_scope
from antoan.units.selectors import unit_for_code

COLUMNS = ("unit_code", "unit_name", "year", "indicator", "indicator_name", "kind", "value", "document", "note")
REQUIRED = ("unit_code", "year", "indicator", "kind")
TARGET_FIELDS = ("kind", "value", "document", "note")  # a row with none of them sets no target
SHEET = "chi_tieu"
_REQUIRED = Message("Bắt buộc nhập", "Required")


# Kinds: the code or the label the grid shows ---------------------------------------------------------------


def kind_code(value) -> str | None:
    """The code of a kind written as its code or its label (any case, any spacing); "" when empty, None unknown."""
    return choice_code(TargetKind, value)


def _kind_labels_vi() -> list[str]:
    with translation.override("vi"):
        return [str(k.label) for k in TargetKind]


def _unknown_kind(value) -> Message:
    codes = ", ".join(TargetKind.values)
    labels = "; ".join(_kind_labels_vi())
    return Message(
        f"Loại chỉ tiêu '{shown(value)}' không hợp lệ: ghi mã ({codes}) hoặc tên loại như trên trang ({labels})",
        f"'{shown(value)}' is not a kind of target: write its code ({codes}) or its name as the page shows it",
    )


# Reading ----------------------------------------------------------------------------------------------------


def _read_groups(path: Path, report: ImportReport) -> tuple[list[str], list[RowGroup]]:
    rows = read_rows(Path(path))
    try:
        names = read_header(next(rows), columns=COLUMNS, required=REQUIRED)
    except StopIteration:
        raise file_error("Tệp rỗng", "The file is empty") from None
    groups: dict[tuple[str, str], RowGroup] = {}
    for number, cells in enumerate(rows, start=2):
        if all(is_empty(c) for c in cells):
            report.blank += 1
            continue
        values = {
            name: cell_text(cells[i] if i < len(cells) else None, row=number, column=name, report=report)
            for i, name in enumerate(names)
        }
        extra = any(not is_empty(c) for c in cells[len(names) :])
        if not extra and all(is_empty(values.get(name)) for name in TARGET_FIELDS):
            report.blank += 1  # an indicator with no target (the template's empty rows)
            continue
        report.rows += 1
        key = (code_text(values.get("unit_code")), code_text(values.get("year")))
        group = groups.setdefault(key, RowGroup(*key))
        group.rows.append((number, values))
        if extra:  # the row is bad, and so its group: nothing of it is written
            group.problems.append(
                RowProblem(
                    number,
                    "",
                    Message(
                        f"Dòng có nhiều giá trị hơn số cột ({len(names)} cột: {', '.join(names)})",
                        f"More values than columns ({len(names)} columns: {', '.join(names)})",
                    ),
                )
            )
    return names, list(groups.values())


@memoized
def _unit(code: str, year: int) -> Unit:
    """The unit carrying `code` on 31/12 of `year` (a DomainError under unit_code when there is none)."""
    try:
        return unit_for_code(code=code, day=date(year, 12, 31))
    except DomainError as exc:
        raise DomainError({"unit_code": next(iter(exc.errors.values()))}) from None


def _group_unit(group: RowGroup, user: User) -> tuple[Unit, int]:
    """The group's unit and year, or a DomainError naming the column."""
    errors: dict[str, Message] = {}
    year = None
    try:
        year = to_year(group.year_text, field="year")
    except DomainError as exc:
        errors.update(exc.errors)
    else:
        if year is None:
            errors["year"] = _REQUIRED
    if not group.unit_code:
        errors["unit_code"] = _REQUIRED
    if errors:
        raise DomainError(errors)
    unit = _unit(group.unit_code, year)
    if not user_scope(user=user).covers(unit):  # another commune's: not found, as everywhere else
        raise DomainError.single(
            "unit_code",
            f"Không tìm thấy đơn vị mã '{shown(group.unit_code)}' trong các đơn vị bạn được xem",
            f"No unit with code '{shown(group.unit_code)}' among the units you may see",
        )
    return unit, year


def _row_checks(group: RowGroup) -> tuple[list[tuple[int, dict, str, str]], list[RowProblem]]:
    """Each row's indicator and kind code, and the problems the service cannot place on the file: a kind written
    neither as a code nor as a label, the same (indicator, kind) twice in the group."""
    checked, problems, seen = [], [], {}
    for number, values in group.rows:
        indicator = code_text(values.get("indicator"))
        raw_kind = values.get("kind")
        kind = kind_code(raw_kind)
        if not indicator:
            problems.append(RowProblem(number, "indicator", _REQUIRED))
        if kind == "":
            problems.append(RowProblem(number, "kind", _REQUIRED))
        elif kind is None:
            problems.append(RowProblem(number, "kind", _unknown_kind(raw_kind)))
        if not indicator or not kind:
            continue
        key = (indicator, kind)
        if key in seen:
            problems.append(
                RowProblem(
                    number,
                    "kind",
                    Message(
                        f"Chỉ tiêu {indicator} ({kind}) lặp lại cho đơn vị và năm này (đã có ở dòng {seen[key]})",
                        f"Target {indicator} ({kind}) appears twice for this unit and year (first at row {seen[key]})",
                    ),
                )
            )
            continue
        seen[key] = number
        checked.append((number, values, indicator, kind))
    return checked, problems


_ROW_KEY = re.compile(r"^rows\[(\d+)\]\.(\w+)$")


def _problems_from(error: DomainError, group: RowGroup, numbers: list[int]) -> list[RowProblem]:
    """targets_save's errors placed on the file: "rows[i].field" on row i's number under that column, the unit's
    (and the leaders-only refusal) under unit_code, the year's under year, anything else on the group's first row."""
    first = group.rows[0][0]
    problems = []
    for key, message in error.errors.items():
        found = _ROW_KEY.match(key)
        if found and int(found.group(1)) < len(numbers):
            column = found.group(2)
            problems.append(RowProblem(numbers[int(found.group(1))], column if column in COLUMNS else "", message))
        elif key in ("unit", "unit_code", "__all__"):
            problems.append(RowProblem(first, "unit_code", message))
        elif key in COLUMNS:
            problems.append(RowProblem(first, key, message))
        else:
            problems.append(RowProblem(first, "", message))
    return problems


def _service_rows(unit: Unit, year: int, checked, names: list[str]) -> list[dict]:
    """The rows as the grid sends them: the live target of the same indicator and kind is changed (its id), the
    others are created. A column left out of the file keeps what the target has (the document, the note)."""
    existing = {(t.indicator, t.kind): t for t in Target.objects.filter(unit=unit, year=year)}
    rows = []
    for _, values, indicator, kind in checked:
        target = existing.get((indicator, kind))
        row = {"indicator": indicator, "kind": kind, "value": values.get("value")}
        if target is not None:
            row["id"] = target.pk
        if "document" in names:
            row["document"] = values.get("document")
        else:
            row["document"] = target.document if target is not None else ""
        if "note" in names:
            row["note"] = values.get("note")
        rows.append(row)
    return rows


def import_targets(*, user: User, path: Path, all_or_nothing: bool = False) -> ImportReport:
    """Import a CSV or XLSX file of targets as `user` (their scope and role apply to every group: leaders and
    administrators write, an officer's rows are refused).

    With all_or_nothing the file is one transaction and any rejected row means nothing is written; otherwise each
    (unit, year) group is written or rejected on its own. An ImportFileError means the file as a whole is refused
    (its type, an unknown or missing column)."""
    report = ImportReport(all_or_nothing=all_or_nothing)
    names, groups = _read_groups(path, report)
    with memoized.scope(), transaction.atomic() if all_or_nothing else nullcontext():
        for group in groups:
            checked, problems = _row_checks(group)
            problems = group.problems + problems
            try:
                unit, year = _group_unit(group, user)
            except DomainError as exc:
                problems.extend(_problems_from(exc, group, []))
            if problems:
                group.reject(report, problems)
                continue
            numbers = [number for number, *_ in checked]
            try:
                with transaction.atomic():
                    rows = _service_rows(unit, year, checked, names)
                    counts = target_services.targets_save(user=user, unit=unit, year=year, rows=rows)
            except DomainError as exc:
                group.reject(report, _problems_from(exc, group, numbers))
                continue
            report.created += counts[target_services.CREATED]
            report.updated += counts[target_services.UPDATED]
            report.unchanged += len(rows) - counts[target_services.CREATED] - counts[target_services.UPDATED]
        if all_or_nothing and report.rejected:
            report.created = report.updated = report.unchanged = 0
            report.rolled_back = True
            transaction.set_rollback(True)
    return report


# Exporting -------------------------------------------------------------------------------------------------


def _line(target: Target | None, *, unit: Unit | None, year: int | None, code: str) -> list:
    indicator = indicators().get(code)
    values = {
        "unit_code": unit.code if unit is not None else "",
        "unit_name": unit.name if unit is not None else "",
        "year": year,
        "indicator": code,
        "indicator_name": indicator.vi if indicator is not None else "",
        "kind": target.kind if target is not None else "",
        "value": plain_number(target.value) if target is not None else None,
        "document": target.document if target is not None else "",
        "note": target.note if target is not None else "",
    }
    return [export_cell(values[c]) for c in COLUMNS]


def target_rows(listed: Iterable[Target]) -> Iterator[list]:
    """The header, then one line per target (the kind as its code)."""
    yield list(COLUMNS)
    for target in listed:
        yield _line(target, unit=target.unit, year=target.year, code=target.indicator)


def export_targets(*, user: User, unit: Unit | None = None, year: int | None = None) -> Iterator[list]:
    """The live targets in `user`'s scope (of `unit`, of `year`), as the list page shows them."""
    listed = targets.target_list(user=user, unit=unit, year=year)
    return target_rows(listed.iterator(chunk_size=500))


def template_rows(*, user: User, unit: Unit | None, year: int) -> Iterator[list]:
    """A file to fill in: one line per main indicator of the catalogue, in the grid's order, for `unit` and `year`
    (the unit's targets of the year filled in, so the file is its grid; without a unit, unit_code is left to fill).
    The lines left without a kind set nothing when imported."""
    yield list(COLUMNS)
    own: dict[str, list[Target]] = {}
    if unit is not None:
        for target in targets.targets_for(user=user, unit=unit, year=year):
            own.setdefault(target.indicator, []).append(target)
    order = {s.code: i for i, s in enumerate(sections())}
    main = sorted(
        (i for i in indicators().values() if not i.parent or i.code in own),
        key=lambda i: order.get(i.section, len(order)),
    )
    for indicator in main:
        for target in own.pop(indicator.code, [None]):
            yield _line(target, unit=unit, year=year, code=indicator.code)
    for code, rest in own.items():  # codes no longer in the catalogue
        for target in rest:
            yield _line(target, unit=unit, year=year, code=code)


def export_csv(rows: Iterable[list]) -> Iterator[str]:
    return csv_lines(rows)


def export_xlsx(rows: Iterable[list], out) -> None:
    write_xlsx(rows, out, sheet=SHEET)
