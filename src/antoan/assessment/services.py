"""Writes of assessments and movement ratings. The form, the API and the import all end here.

`assessment_record` and `rating_record` create the unit's record for the year, or update it when there is one
(one per unit and year: recording again replaces the results, and recording the same results again changes
nothing), so that importing a file twice is harmless. Neither takes a result: whether a unit is recognised,
and a rating's total and grade, are computed from the criteria.
"""

from datetime import date

from django.db import IntegrityError, transaction

from antoan.accounts.models import User
from antoan.assessment.criteria import CriteriaSet, Subject, SubjectType, criteria_set_choose, subject_type_of
from antoan.assessment.models import Assessment, AssessmentCriterion, Rating
from antoan.assessment.ratings import RatingScale, RatingSheet, rating_sheet_choose
from antoan.core import clock
from antoan.core.errors import DomainError, Message
from antoan.core.softdelete import REASON_MAX, deleted_get, mark_deleted, mark_restored
from antoan.core.values import YEAR_MIN, to_bool, to_int, to_text
from antoan.units.locks import period_lock_check
from antoan.units.models import Kind, Unit
from antoan.units.scope import restore_require, scope_require

EVIDENCE_MAX = 2000
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_REQUIRED = Message("Bắt buộc nhập", "Required")


def evidence_field(code: str) -> str:
    """The name an evidence error is filed under (a pass/fail error is filed under the code itself)."""
    return f"evidence:{code}"


def clean_year(value) -> int:
    year = to_int(value, field="year", maximum=9999)
    if year is None:
        raise DomainError({"year": _REQUIRED})
    this_year = clock.today().year
    if not YEAR_MIN <= year <= this_year:
        raise DomainError.single(
            "year",
            f"Năm {year} không hợp lệ (từ {YEAR_MIN} đến {this_year})",
            f"Year {year} is out of range ({YEAR_MIN}–{this_year})",
        )
    return year


def subject_type_for(unit: Unit | None, year: int) -> str:
    """The unit's subject type; administrative units must exist in the year (an establishment's dates are
    those of its record, not of the organisation, so they are not checked)."""
    if unit is None:
        raise DomainError({"unit": _REQUIRED})
    subject_type = subject_type_of(unit)
    if subject_type is None:
        kind = unit.get_kind_display().lower()
        raise DomainError.single(
            "unit",
            f"{unit.name} là cấp {kind}: chỉ đánh giá khu dân cư, xã, phường, thị trấn, đặc khu, cơ quan, "
            "doanh nghiệp, cơ sở giáo dục",
            f"{unit.name} is a {kind}: only residential areas, communes, agencies, enterprises and schools "
            "are assessed",
        )
    if unit.kind != Kind.ESTABLISHMENT:
        if (unit.valid_from and unit.valid_from > date(year, 12, 31)) or (
            unit.valid_to and unit.valid_to < date(year, 1, 1)
        ):
            since = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…"
            until = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "…"
            raise DomainError.single(
                "unit",
                f"Năm {year} {unit.name} không tồn tại ({since} – {until}); dùng đơn vị hành chính có hiệu lực năm đó",
                f"{unit.name} did not exist in {year} ({since} – {until}); use the unit in force that year",
            )
    return subject_type


# Assessments ---------------------------------------------------------------------------------------------


def _clean_results(results, subject: Subject, criteria_set: CriteriaSet) -> dict[str, tuple[bool, str]]:
    """code → (passed, evidence) for every criterion of the subject; every problem at once."""
    if not isinstance(results, dict):
        raise DomainError.single(
            "results", "Cần kết quả theo từng tiêu chí", "Results are needed criterion by criterion"
        )
    errors: dict[str, Message] = {}
    clean: dict[str, tuple[bool, str]] = {}
    vi_subject, en_subject = SubjectType.names[subject.subject_type]
    for raw_code, value in results.items():
        code = str(raw_code).strip()
        if subject.criterion(code) is None:
            known = ", ".join(subject.codes)
            errors[code or "results"] = Message(
                f"Không có tiêu chí '{code}' trong bộ tiêu chí {criteria_set.code} cho {vi_subject} (các mã: {known})",
                f"There is no criterion '{code}' in set {criteria_set.code} for a {en_subject} (codes: {known})",
            )
            continue
        if code in clean or code in errors:
            errors[code] = Message(f"Tiêu chí {code} bị lặp", f"Criterion {code} is given twice")
            continue
        if not isinstance(value, dict):
            value = {"passed": value}
        extra = sorted(set(value) - {"passed", "evidence"})
        if extra:
            errors[code] = Message(
                f"Chỉ nhận 'passed' (đạt) và 'evidence' (minh chứng), không nhận: {', '.join(extra)}",
                f"Only 'passed' and 'evidence' are accepted, not: {', '.join(extra)}",
            )
            continue
        try:
            passed = to_bool(value.get("passed"), field=code)
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        if passed is None:
            errors[code] = Message(
                f"Chọn đạt hoặc không đạt cho tiêu chí {code}", f"Choose passed or failed for criterion {code}"
            )
            continue
        try:
            evidence = to_text(
                value.get("evidence"), field=evidence_field(code), max_length=EVIDENCE_MAX, multiline=True
            )
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        clean[code] = (passed, evidence)
    for criterion in subject.criteria:
        if criterion.code not in clean and criterion.code not in errors:
            errors[criterion.code] = Message(
                f"Thiếu kết quả tiêu chí {criterion.code} ({criterion.vi[:60]}…)",
                f"The result of criterion {criterion.code} is missing ({criterion.en[:60]}…)",
            )
    if errors:
        raise DomainError(errors)
    return clean


def _same_results(assessment: Assessment, clean: dict[str, tuple[bool, str]]) -> bool:
    stored = {row.code: (row.passed, row.evidence) for row in assessment.criteria.all()}
    return stored == clean


@transaction.atomic
def assessment_record(
    *, user: User, unit: Unit | None, year, results: dict, criteria_set: str | None = None
) -> tuple[Assessment, str]:
    """Record the year's assessment of `unit` (or replace it): every criterion of the set that covers the unit,
    passed or failed, with its evidence. Returns the assessment and "created", "updated" or "unchanged"."""
    if unit is not None:
        scope_require(user=user, unit=unit)
    year = clean_year(year)
    subject_type = subject_type_for(unit, year)
    code = to_text(criteria_set, field="criteria_set", max_length=60) or None
    chosen, subject = criteria_set_choose(subject_type=subject_type, year=year, code=code)
    clean = _clean_results(results, subject, chosen)
    period_lock_check(unit=unit, day=date(year, 12, 31), field="year")
    share_min = subject.residential_area_share_min
    values = {
        "subject_type": subject_type,
        "criteria_set": chosen.code,
        "criteria_source": subject.source,
        "criteria_passed": all(passed for passed, _ in clean.values()),
        "share_min_bp": round(share_min * 10_000) if share_min is not None else None,
    }
    assessment = Assessment.objects.select_for_update().filter(unit=unit, year=year).first()
    if assessment is not None:
        if all(getattr(assessment, f) == v for f, v in values.items()) and _same_results(assessment, clean):
            return assessment, UNCHANGED
        outcome = UPDATED
        for field, value in values.items():
            setattr(assessment, field, value)
    else:
        outcome = CREATED
        assessment = Assessment(unit=unit, year=year, created_by=user, **values)
    assessment.updated_by = user
    assessment._history_user = user
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:  # recorded by someone else in the same instant
        raise DomainError.single(
            "year",
            f"{unit.name} vừa được đánh giá năm {year}; tải lại trang và sửa kết quả đó",
            f"{unit.name} has just been assessed for {year}; reload and edit that assessment",
        ) from None
    _write_rows(user, assessment, clean)
    return assessment, outcome


def _write_rows(user: User, assessment: Assessment, clean: dict[str, tuple[bool, str]]) -> None:
    rows = {row.code: row for row in assessment.criteria.all()} if assessment.pk else {}
    for code, row in rows.items():
        if code not in clean:  # a criterion of another set, after the set changed
            row._history_user = user
            row.delete()
    for code, (passed, evidence) in clean.items():
        row = rows.get(code)
        if row is not None and (row.passed, row.evidence) == (passed, evidence):
            continue
        row = row or AssessmentCriterion(assessment=assessment, code=code)
        row.passed, row.evidence = passed, evidence
        row._history_user = user
        row.save()


@transaction.atomic
def assessment_delete(*, user: User, assessment: Assessment, reason: str = "") -> None:
    """A soft delete (core.softdelete): the assessment is marked deleted and leaves every list and share; its
    criterion rows stay as they were (they are its content: a restore brings the same results back)."""
    assessment = Assessment.objects.select_for_update().select_related("unit").get(pk=assessment.pk)
    scope_require(user=user, unit=assessment.unit)
    period_lock_check(unit=assessment.unit, day=date(assessment.year, 12, 31), field="year")
    reason = to_text(reason, field="reason", max_length=REASON_MAX)
    assessment.updated_by = user
    mark_deleted(assessment, user=user, reason=reason)


def _restore_checks(user: User, record, model, what: tuple[str, str]) -> None:
    restore_require(user=user, unit=record.unit)
    period_lock_check(unit=record.unit, day=date(record.year, 12, 31), field="year")
    if model.objects.filter(unit=record.unit_id, year=record.year).exists():
        raise DomainError.single(
            "year",
            f"Không khôi phục được: {record.unit.name} đã có {what[0]} năm {record.year} khác; xóa bản đó trước",
            f"Cannot restore: {record.unit.name} has another {what[1]} for {record.year}; delete that one first",
        )


@transaction.atomic
def assessment_restore(*, user: User, instance: Assessment) -> Assessment:
    """Bring a deleted assessment back with its results: administrators only, not into a locked year, and not
    when the unit has been assessed again for that year meanwhile."""
    assessment = deleted_get(Assessment, instance.pk)
    _restore_checks(user, assessment, Assessment, ("kết quả đánh giá", "assessment"))
    assessment.updated_by = user
    return mark_restored(assessment, user=user)


# Movement ratings ----------------------------------------------------------------------------------------


def _clean_points(points, sheet: RatingSheet, scale: RatingScale) -> dict[str, int]:
    if not isinstance(points, dict):
        raise DomainError.single("points", "Cần điểm theo từng tiêu chí", "Points are needed criterion by criterion")
    errors: dict[str, Message] = {}
    clean: dict[str, int] = {}
    for raw_code, value in points.items():
        code = str(raw_code).strip()
        criterion = sheet.criterion(code)
        if criterion is None:
            known = ", ".join(c.code for c in sheet.criteria)
            errors[code or "points"] = Message(
                f"Không có tiêu chí '{code}' trong thang điểm {scale.code} (các mã: {known}); tổng điểm và xếp loại "
                "được tính tự động",
                f"There is no criterion '{code}' in rating scale {scale.code} (codes: {known}); the total and the "
                "grade are computed",
            )
            continue
        if code in clean or code in errors:
            errors[code] = Message(f"Tiêu chí {code} bị lặp", f"Criterion {code} is given twice")
            continue
        try:
            number = to_int(value, field=code, maximum=10**6)
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        if number is None:
            errors[code] = Message(f"Nhập điểm tiêu chí {code}", f"Enter the points of criterion {code}")
        elif number > criterion.max_points:
            errors[code] = Message(
                f"Điểm tiêu chí {code} phải từ 0 đến {criterion.max_points} (nhận {number})",
                f"Criterion {code} takes 0 to {criterion.max_points} points (got {number})",
            )
        else:
            clean[code] = number
    for criterion in sheet.criteria:
        if criterion.code not in clean and criterion.code not in errors:
            errors[criterion.code] = Message(
                f"Thiếu điểm tiêu chí {criterion.code}", f"The points of criterion {criterion.code} are missing"
            )
    if errors:
        raise DomainError(errors)
    return {c.code: clean[c.code] for c in sheet.criteria}


@transaction.atomic
def rating_record(*, user: User, unit: Unit | None, year, points: dict) -> tuple[Rating, str]:
    """Record (or replace) the year's movement rating of `unit` from its points per criterion; the total and
    the grade are computed from the scale in force. Returns the rating and "created", "updated" or "unchanged"."""
    if unit is not None:
        scope_require(user=user, unit=unit)
    year = clean_year(year)
    subject_type = subject_type_for(unit, year)
    scale, sheet = rating_sheet_choose(subject_type=subject_type, year=year)
    clean = _clean_points(points, sheet, scale)
    period_lock_check(unit=unit, day=date(year, 12, 31), field="year")
    total = sum(clean.values())
    values = {
        "subject_type": subject_type,
        "scale": scale.code,
        "scale_source": sheet.source,
        "points": clean,
        "total": total,
        "max_total": sheet.max_total,
        "grade": scale.grade_for(total).code,
    }
    rating = Rating.objects.select_for_update().filter(unit=unit, year=year).first()
    if rating is not None:
        if all(getattr(rating, f) == v for f, v in values.items()):
            return rating, UNCHANGED
        outcome = UPDATED
        for field, value in values.items():
            setattr(rating, field, value)
    else:
        outcome = CREATED
        rating = Rating(unit=unit, year=year, created_by=user, **values)
    rating.updated_by = user
    rating._history_user = user
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise DomainError.single(
            "year",
            f"{unit.name} vừa được xếp loại năm {year}; tải lại trang và sửa kết quả đó",
            f"{unit.name} has just been rated for {year}; reload and edit that rating",
        ) from None
    return rating, outcome


@transaction.atomic
def rating_delete(*, user: User, rating: Rating, reason: str = "") -> None:
    """A soft delete (core.softdelete), restorable by an administrator."""
    rating = Rating.objects.select_for_update().select_related("unit").get(pk=rating.pk)
    scope_require(user=user, unit=rating.unit)
    period_lock_check(unit=rating.unit, day=date(rating.year, 12, 31), field="year")
    rating.updated_by = user
    mark_deleted(rating, user=user, reason=to_text(reason, field="reason", max_length=REASON_MAX))


@transaction.atomic
def rating_restore(*, user: User, instance: Rating) -> Rating:
    rating = deleted_get(Rating, instance.pk)
    _restore_checks(user, rating, Rating, ("kết quả xếp loại", "rating"))
    rating.updated_by = user
    return mark_restored(rating, user=user)
