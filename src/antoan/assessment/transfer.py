"""Import and export of assessments and ratings as CSV or XLSX, in one set of columns so export → import
round-trips.

An assessment file has one row per criterion: unit_code, year, criterion_code, passed, evidence (and optionally
criteria_set; unit_name is written for the reader and ignored on import). Rows are grouped by (unit_code, year)
and each group is recorded with `assessment_record`, exactly as a form would be: a group with any bad row is
rejected as a whole, and the report names the bad rows and the rows rejected with them. A ratings file has one
row per criterion: unit_code, year, criterion_code, points. Neither has a column for a result ("recognised", a
total, a grade): the header check refuses one, because results are computed.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from django.db import transaction

from antoan.accounts.models import User
from antoan.assessment.criteria import criteria_set_choose, subject_type_of
from antoan.assessment.ratings import rating_sheet_choose
from antoan.assessment.selectors import assessment_lines, rating_lines, unit_of_year
from antoan.assessment.services import CREATED, UPDATED, assessment_record, rating_record
from antoan.core.errors import DomainError, Message
from antoan.core.memo import memoized
from antoan.core.tabular import (
    ImportReport,
    RowGroup,
    RowProblem,
    cell_text,
    csv_lines,
    export_cell,
    file_error,
    read_header,
    read_rows,
    write_xlsx,
)
from antoan.core.values import is_empty, to_year
from antoan.units.models import Unit

ASSESSMENT_COLUMNS = ("unit_code", "unit_name", "year", "criteria_set", "criterion_code", "passed", "evidence")
ASSESSMENT_REQUIRED = ("unit_code", "year", "criterion_code", "passed")
RATING_COLUMNS = ("unit_code", "unit_name", "year", "criterion_code", "points")
RATING_REQUIRED = ("unit_code", "year", "criterion_code", "points")


@memoized
def _unit(code: str, year: int) -> Unit:
    return unit_of_year(code=code, year=year)


def _code_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def _read_groups(path: Path, *, columns, required, report: ImportReport) -> list[RowGroup]:
    rows = read_rows(Path(path))
    try:
        names = read_header(next(rows), columns=columns, required=required)
    except StopIteration:
        raise file_error("Tệp rỗng", "The file is empty") from None
    groups: dict[tuple[str, str], RowGroup] = {}
    for number, cells in enumerate(rows, start=2):
        if all(is_empty(c) for c in cells):
            report.blank += 1
            continue
        report.rows += 1
        if any(not is_empty(c) for c in cells[len(names) :]):
            report.rejected.append(
                RowProblem(number, "", Message("Dòng có nhiều giá trị hơn số cột", "More values than columns"))
            )
            continue
        values = {
            name: cell_text(cells[i] if i < len(cells) else None, row=number, column=name, report=report)
            for i, name in enumerate(names)
        }
        key = (_code_text(values.get("unit_code")), _code_text(values.get("year")))
        groups.setdefault(key, RowGroup(*key)).rows.append((number, values))
    return list(groups.values())


def _group_unit(group: RowGroup) -> tuple[Unit, int]:
    """The group's unit and year, or a DomainError naming the column."""
    if not group.unit_code:
        raise DomainError({"unit_code": Message("Bắt buộc nhập", "Required")})
    year = to_year(group.year_text, field="year")
    if year is None:
        raise DomainError({"year": Message("Bắt buộc nhập", "Required")})
    return _unit(group.unit_code, year), year


def _by_code(group: RowGroup, report_duplicates: list[RowProblem]) -> dict[str, tuple[int, dict]]:
    found: dict[str, tuple[int, dict]] = {}
    for number, values in group.rows:
        code = _code_text(values.get("criterion_code"))
        if not code:
            report_duplicates.append(RowProblem(number, "criterion_code", Message("Bắt buộc nhập", "Required")))
        elif code in found:
            first = found[code][0]
            report_duplicates.append(
                RowProblem(
                    number,
                    "criterion_code",
                    Message(
                        f"Tiêu chí {code} lặp lại trong nhóm (đã có ở dòng {first})",
                        f"Criterion {code} appears twice for this unit and year (first at row {first})",
                    ),
                )
            )
        else:
            found[code] = (number, values)
    return found


def _problems_from(
    error: DomainError, group: RowGroup, by_code: dict, *, value_column: str, known: frozenset[str] = frozenset()
) -> list[RowProblem]:
    """A service's errors placed on the rows they concern: a criterion's on its row (under criterion_code when
    the code is not one of the `known` ones, else under the value's column), the rest on the first row."""
    first = group.rows[0][0]
    problems = []
    for key, message in error.errors.items():
        if key in by_code:
            column = value_column if key in known else "criterion_code"
            problems.append(RowProblem(by_code[key][0], column, message))
        elif key.startswith("evidence:") and key[len("evidence:") :] in by_code:
            problems.append(RowProblem(by_code[key[len("evidence:") :]][0], "evidence", message))
        elif key == "__all__":
            problems.append(RowProblem(first, "", message))
        elif key in ("unit", "code"):
            problems.append(RowProblem(first, "unit_code", message))
        elif key in ("year", "criteria_set", "unit_code"):
            problems.append(RowProblem(first, key, message))
        else:  # a criterion with no row: missing from the file
            problems.append(RowProblem(first, "criterion_code", message))
    return problems


def _import(
    *,
    user: User,
    path: Path,
    all_or_nothing: bool,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    record: Callable[[RowGroup, Unit, int, dict], str],
    known_codes: Callable[[Unit, int], frozenset[str]],
    value_column: str,
) -> ImportReport:
    report = ImportReport(all_or_nothing=all_or_nothing)
    groups = _read_groups(path, columns=columns, required=required, report=report)
    with memoized.scope(), transaction.atomic() if all_or_nothing else nullcontext():
        for group in groups:
            problems: list[RowProblem] = []
            by_code = _by_code(group, problems)
            try:
                unit, year = _group_unit(group)
            except DomainError as exc:
                problems.extend(_problems_from(exc, group, by_code, value_column=value_column))
            if problems:
                group.reject(report, problems)
                continue
            try:
                with transaction.atomic():
                    outcome = record(group, unit, year, by_code)
            except DomainError as exc:
                known = known_codes(unit, year)
                group.reject(report, _problems_from(exc, group, by_code, value_column=value_column, known=known))
                continue
            counted = len(group.rows)
            if outcome == CREATED:
                report.created += counted
            elif outcome == UPDATED:
                report.updated += counted
            else:
                report.unchanged += counted
        if all_or_nothing and report.rejected:
            report.created = report.updated = report.unchanged = 0
            report.rolled_back = True
            transaction.set_rollback(True)
    return report


def _criteria_codes(unit: Unit, year: int) -> frozenset[str]:
    """The codes of the set that covers the unit in `year` (none when there is no such set)."""
    try:
        return frozenset(criteria_set_choose(subject_type=subject_type_of(unit), year=year)[1].codes)
    except (DomainError, KeyError):
        return frozenset()


def _rating_codes(unit: Unit, year: int) -> frozenset[str]:
    try:
        return frozenset(c.code for c in rating_sheet_choose(subject_type=subject_type_of(unit), year=year)[1].criteria)
    except (DomainError, KeyError):
        return frozenset()


def import_assessments(*, user: User, path: Path, all_or_nothing: bool = False) -> ImportReport:
    """Import a CSV or XLSX file of assessments as `user` (their scope and role apply to every group).

    With all_or_nothing the file is one transaction and any rejected row means nothing is written; otherwise
    each (unit, year) group is written or rejected on its own."""

    def record(group: RowGroup, unit: Unit, year: int, by_code: dict) -> str:
        sets = {_code_text(v.get("criteria_set")) for _, v in group.rows} - {""}
        if len(sets) > 1:
            raise DomainError.single(
                "criteria_set",
                f"Một đơn vị, một năm chỉ dùng một bộ tiêu chí (tệp ghi: {', '.join(sorted(sets))})",
                f"One unit and year take one criteria set (the file names: {', '.join(sorted(sets))})",
            )
        results = {code: {"passed": v.get("passed"), "evidence": v.get("evidence")} for code, (_, v) in by_code.items()}
        _, outcome = assessment_record(
            user=user, unit=unit, year=year, results=results, criteria_set=next(iter(sets), None)
        )
        return outcome

    return _import(
        user=user,
        path=path,
        all_or_nothing=all_or_nothing,
        columns=ASSESSMENT_COLUMNS,
        required=ASSESSMENT_REQUIRED,
        record=record,
        known_codes=_criteria_codes,
        value_column="passed",
    )


def import_ratings(*, user: User, path: Path, all_or_nothing: bool = False) -> ImportReport:
    """Import a CSV or XLSX file of movement ratings (one row per criterion's points)."""

    def record(group: RowGroup, unit: Unit, year: int, by_code: dict) -> str:
        points = {code: v.get("points") for code, (_, v) in by_code.items()}
        _, outcome = rating_record(user=user, unit=unit, year=year, points=points)
        return outcome

    return _import(
        user=user,
        path=path,
        all_or_nothing=all_or_nothing,
        columns=RATING_COLUMNS,
        required=RATING_REQUIRED,
        record=record,
        known_codes=_rating_codes,
        value_column="points",
    )


# Exporting -------------------------------------------------------------------------------------------------


def assessment_rows(assessments: Iterable) -> Iterator[list]:
    yield list(ASSESSMENT_COLUMNS)
    for assessment in assessments:
        for line in assessment_lines(assessment):
            if line.passed is None:
                continue
            values = {
                "unit_code": assessment.unit.code,
                "unit_name": assessment.unit.name,
                "year": assessment.year,
                "criteria_set": assessment.criteria_set,
                "criterion_code": line.code,
                "passed": line.passed,
                "evidence": line.evidence,
            }
            yield [export_cell(values[c]) for c in ASSESSMENT_COLUMNS]


def rating_rows(ratings: Iterable) -> Iterator[list]:
    yield list(RATING_COLUMNS)
    for rating in ratings:
        for line in rating_lines(rating):
            if line.points is None:
                continue
            values = {
                "unit_code": rating.unit.code,
                "unit_name": rating.unit.name,
                "year": rating.year,
                "criterion_code": line.code,
                "points": line.points,
            }
            yield [export_cell(values[c]) for c in RATING_COLUMNS]


def export_csv(rows: Iterator[list]) -> Iterator[str]:
    return csv_lines(rows)


def export_xlsx(rows: Iterator[list], out, *, sheet: str) -> None:
    write_xlsx(rows, out, sheet=sheet)
