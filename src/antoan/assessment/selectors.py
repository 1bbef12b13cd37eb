"""Reads of assessments and ratings, always scoped to what the user may see.

Recognition is computed here, in SQL, every time: an assessment is recognised when every criterion passed and,
for a commune, when the share of its residential areas recognised the same year reaches the threshold of its
criteria set. A residential area assessed later therefore changes its commune's result at once.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import BooleanField, Case, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.assessment.criteria import SubjectType, criteria_set_get
from antoan.assessment.models import Assessment, AssessmentCriterion, Rating
from antoan.assessment.ratings import grade_choices, rating_scale_get
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import DomainError, Message, NotFound
from antoan.core.filters import Choice, Filters, Flag, Year, param
from antoan.core.values import as_id, year_check
from antoan.units.models import EstablishmentType, Kind, Unit
from antoan.units.scope import Scope, counted_for, user_scope
from antoan.units.selectors import VisibleUnit, unit_for_code, unit_get

RESIDENTIAL_AREA = EstablishmentType.RESIDENTIAL_AREA


# Recognition -----------------------------------------------------------------------------------------------


def with_recognition(assessments: QuerySet) -> QuerySet:
    """Annotate `area_total` (the commune's residential areas), `area_recognised` (those whose assessment of the
    same year passed every criterion) and `recognised` (the result)."""
    areas = (
        Unit.objects.filter(parent=OuterRef("unit"), kind=Kind.ESTABLISHMENT, establishment_type=RESIDENTIAL_AREA)
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    passed_areas = (
        Assessment.objects.filter(
            unit__parent=OuterRef("unit"),
            unit__kind=Kind.ESTABLISHMENT,
            unit__establishment_type=RESIDENTIAL_AREA,
            year=OuterRef("year"),
            criteria_passed=True,
        )
        .order_by()
        .values("unit__parent")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return assessments.annotate(
        area_total=Coalesce(Subquery(areas, output_field=IntegerField()), 0),
        area_recognised=Coalesce(Subquery(passed_areas, output_field=IntegerField()), 0),
    ).annotate(
        recognised=Case(
            When(criteria_passed=False, then=Value(False)),
            When(share_min_bp__isnull=True, then=Value(True)),
            When(area_total=0, then=Value(False)),
            When(
                GreaterThanOrEqual(F("area_recognised") * 10_000, F("share_min_bp") * F("area_total")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def percent(part: int, whole: int, *, vi: bool) -> str:
    """2/3 → "66,7%" (Vietnamese) or "66.7%"; whole numbers without decimals. Never rounded up to a threshold."""
    if not whole:
        return "—"
    value = part * 100 / whole
    text = f"{value:.0f}" if value == int(value) else f"{int(value * 10) / 10:.1f}"
    return (text.replace(".", ",") if vi else text) + "%"


@dataclass(frozen=True)
class AssessmentResult:
    recognised: bool
    criteria_passed: bool
    passed_count: int
    criteria_count: int
    failed_codes: tuple[str, ...]
    share_applies: bool
    area_total: int
    area_recognised: int
    share_min_bp: int | None
    lines: tuple[Message, ...]  # the explanation, one sentence each

    @property
    def share_text(self) -> str:
        return f"{self.area_recognised}/{self.area_total}"


def assessment_result(assessment: Assessment) -> AssessmentResult:
    """The computed result and why, from an assessment read through `with_recognition`."""
    rows = list(assessment.criteria.all())
    failed = tuple(r.code for r in rows if not r.passed)
    lines = []
    if failed:
        lines.append(
            Message(
                f"Không đạt {len(failed)}/{len(rows)} tiêu chí: {', '.join(failed)}",
                f"Failed {len(failed)} of {len(rows)} criteria: {', '.join(failed)}",
            )
        )
    else:
        lines.append(Message(f"Đạt đủ {len(rows)}/{len(rows)} tiêu chí", f"Passed all {len(rows)} criteria"))
    share_applies = assessment.share_min_bp is not None
    area_total = getattr(assessment, "area_total", 0)
    area_recognised = getattr(assessment, "area_recognised", 0)
    if share_applies:
        need_vi = percent(assessment.share_min_bp, 10_000, vi=True)
        need_en = percent(assessment.share_min_bp, 10_000, vi=False)
        year = assessment.year
        if area_total == 0:
            lines.append(
                Message(
                    f"{assessment.unit.name} chưa có khu dân cư nào trong hệ thống nên không tính được tỷ lệ "
                    f"khu dân cư đạt tiêu chuẩn (cần từ {need_vi} trở lên): chưa đủ điều kiện công nhận. Thêm các "
                    'thôn, khu phố là cơ sở loại "Khu dân cư" của xã và đánh giá từng nơi',
                    f"{assessment.unit.name} has no residential areas recorded, so the share recognised cannot be "
                    f"computed (at least {need_en} is needed): not recognised. Add its villages and quarters as "
                    'establishments of type "Residential area" and assess each',
                )
            )
        else:
            enough = area_recognised * 10_000 >= assessment.share_min_bp * area_total
            have_vi = percent(area_recognised, area_total, vi=True)
            have_en = percent(area_recognised, area_total, vi=False)
            lines.append(
                Message(
                    f"{area_recognised}/{area_total} khu dân cư ({have_vi}) đạt tiêu chuẩn năm {year}, "
                    + (f"đạt mức tối thiểu {need_vi}" if enough else f"dưới mức tối thiểu {need_vi}"),
                    f"{area_recognised} of {area_total} residential areas ({have_en}) recognised in {year}, "
                    + (f"meeting the {need_en} minimum" if enough else f"below the {need_en} minimum"),
                )
            )
    recognised = bool(getattr(assessment, "recognised", False))
    lines.append(
        Message(
            'Kết quả: đạt tiêu chuẩn "An toàn về an ninh, trật tự"'
            if recognised
            else 'Kết quả: chưa đạt tiêu chuẩn "An toàn về an ninh, trật tự"',
            'Result: recognised as "safe in security and order"'
            if recognised
            else 'Result: not recognised as "safe in security and order"',
        )
    )
    return AssessmentResult(
        recognised=recognised,
        criteria_passed=assessment.criteria_passed,
        passed_count=len(rows) - len(failed),
        criteria_count=len(rows),
        failed_codes=failed,
        share_applies=share_applies,
        area_total=area_total,
        area_recognised=area_recognised,
        share_min_bp=assessment.share_min_bp,
        lines=tuple(lines),
    )


@dataclass(frozen=True)
class CriterionLine:
    code: str
    text: str
    clause: str
    passed: bool | None
    evidence: str


def assessment_lines(assessment: Assessment) -> list[CriterionLine]:
    """The criteria of the assessment's set in their order, each with its recorded result."""
    rows = {r.code: r for r in assessment.criteria.all()}
    try:
        subject = criteria_set_get(assessment.criteria_set).subjects.get(assessment.subject_type)
    except DomainError:  # a set whose file was removed: show what was recorded
        subject = None
    lines = []
    for criterion in subject.criteria if subject else ():
        row = rows.pop(criterion.code, None)
        lines.append(
            CriterionLine(
                criterion.code,
                criterion.text,
                criterion.clause,
                row.passed if row else None,
                row.evidence if row else "",
            )
        )
    for code, row in sorted(rows.items()):
        lines.append(CriterionLine(code, code, "", row.passed, row.evidence))
    return lines


# Units named by code (imports, API) -------------------------------------------------------------------------


def unit_of_year(*, code, year: int) -> Unit:
    """The unit a code names for a year's assessment or rating ("23059" is Thị trấn Ma Lâm for 2020 and Xã Hàm
    Thuận for 2026): the one at the end of the year — the 2025 results are decided in November 2025 by the communes
    formed on 1/7/2025."""
    try:
        return unit_for_code(code=code, day=date(year_check(year, field="year"), 12, 31))
    except DomainError as exc:
        raise DomainError({"unit_code": next(iter(exc.errors.values()))}) from None


def residential_areas_of(assessment: Assessment) -> list[tuple[Unit, Assessment | None]]:
    """For a commune's assessment: its residential areas, each with its assessment of the same year (or None).
    A residential area is recognised when it passed every criterion (it has no share rule of its own)."""
    if assessment.share_min_bp is None:
        return []
    areas = list(
        Unit.objects.filter(
            parent=assessment.unit, kind=Kind.ESTABLISHMENT, establishment_type=RESIDENTIAL_AREA
        ).order_by("name")
    )
    found = {a.unit_id: a for a in Assessment.objects.filter(unit__in=areas, year=assessment.year)}
    return [(area, found.get(area.pk)) for area in areas]


# Lists ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentFilters(Filters):
    """What the assessments' list, export and API are narrowed to (core.filters)."""

    year: int | None = param(Year())
    subject_type: str = param(Choice(SubjectType.values), default="")
    recognised: bool | None = param(Flag())
    unit: Unit | None = param(VisibleUnit())  # its subtree, and across the 2025 reorganisation the other side of it


def assessment_list(*, user: User, filters: AssessmentFilters | None = None) -> QuerySet:
    filters = filters or AssessmentFilters()
    assessments = Assessment.objects.filter(user_scope(user=user).q("unit"))
    if filters.unit is not None:
        assessments = assessments.filter(Scope.of_units([filters.unit]).q("unit"))
    if filters.year is not None:
        assessments = assessments.filter(year=filters.year)
    if filters.subject_type:
        assessments = assessments.filter(subject_type=filters.subject_type)
    assessments = with_recognition(assessments)
    if filters.recognised is not None:
        assessments = assessments.filter(recognised=filters.recognised)
    return assessments.select_related("unit", "unit__parent").order_by("-year", "unit__path")


def assessment_get(*, user: User, pk, deleted_too: bool = False) -> Assessment:
    """An assessment the user may see; with `deleted_too`, an administrator also gets a deleted one."""
    pk = as_id(pk)  # any value: a wrong one is "not found"
    rows = Assessment.all_objects if deleted_too and user_is_admin(user=user) else Assessment.objects
    assessment = (
        with_recognition(rows.filter(user_scope(user=user).q("unit"), pk=pk))
        .select_related("unit", "unit__parent", "created_by", "updated_by")
        .prefetch_related("criteria")
        .first()
        if pk
        else None
    )
    if assessment is None:
        raise NotFound.single("assessment", "Không tìm thấy kết quả đánh giá", "Assessment not found")
    return assessment


def assessment_can_write(*, user: User, assessment: Assessment) -> bool:
    return not assessment.is_deleted and user_scope(user=user, write=True).covers(assessment.unit)


def assessment_find(*, user: User, unit: Unit, year: int) -> Assessment | None:
    """The unit's assessment of `year`, if there is one the user may see."""
    found = assessment_list(user=user).filter(unit=unit, year=year).first()
    return assessment_get(user=user, pk=found.pk) if found else None


def assessment_history(*, user: User, assessment: Assessment) -> list[AuditEntry]:
    """The assessment's changes and its criteria's, newest first."""
    assessment = assessment_get(user=user, pk=assessment.pk, deleted_too=True)
    entries = audit_entries(Assessment.history.filter(id=assessment.pk), excluded=("updated_at", "updated_by"))
    for code in sorted(
        set(AssessmentCriterion.history.filter(assessment_id=assessment.pk).values_list("code", flat=True))
    ):
        rows = AssessmentCriterion.history.filter(assessment_id=assessment.pk, code=code)
        for row_id in sorted(set(rows.values_list("id", flat=True))):
            for entry in audit_entries(rows.filter(id=row_id), excluded=("id", "assessment")):
                reason = f"{code}" + (f" — {entry.reason}" if entry.reason else "")
                entries.append(replace(entry, reason=reason))
    return sorted(entries, key=lambda e: e.when, reverse=True)


def assessment_history_of_unit(*, user: User, unit: Unit) -> QuerySet:
    """The unit's assessments over the years, newest first, each with its computed result."""
    unit = unit_get(user=user, pk=unit.pk)
    return assessment_list(user=user).filter(unit=unit).prefetch_related("criteria")


# Ratings ----------------------------------------------------------------------------------------------------


def _grade_codes() -> list[str]:
    return [code for code, _label in grade_choices()]


@dataclass(frozen=True)
class RatingFilters(Filters):
    """What the ratings' list, export and API are narrowed to (core.filters)."""

    year: int | None = param(Year())
    subject_type: str = param(Choice(SubjectType.values), default="")
    grade: str = param(Choice(_grade_codes), default="")
    unit: Unit | None = param(VisibleUnit())


def rating_list(*, user: User, filters: RatingFilters | None = None) -> QuerySet:
    filters = filters or RatingFilters()
    ratings = Rating.objects.filter(user_scope(user=user).q("unit"))
    if filters.unit is not None:
        ratings = ratings.filter(Scope.of_units([filters.unit]).q("unit"))
    if filters.year is not None:
        ratings = ratings.filter(year=filters.year)
    if filters.subject_type:
        ratings = ratings.filter(subject_type=filters.subject_type)
    if filters.grade:
        ratings = ratings.filter(grade=filters.grade)
    return ratings.select_related("unit", "unit__parent").order_by("-year", "unit__path")


def rating_get(*, user: User, pk, deleted_too: bool = False) -> Rating:
    pk = as_id(pk)
    rows = Rating.all_objects if deleted_too and user_is_admin(user=user) else Rating.objects
    rating = (
        rows.filter(user_scope(user=user).q("unit"), pk=pk)
        .select_related("unit", "unit__parent", "created_by", "updated_by")
        .first()
        if pk
        else None
    )
    if rating is None:
        raise NotFound.single("rating", "Không tìm thấy kết quả xếp loại", "Rating not found")
    return rating


def rating_can_write(*, user: User, rating: Rating) -> bool:
    return not rating.is_deleted and user_scope(user=user, write=True).covers(rating.unit)


def rating_find(*, user: User, unit: Unit, year: int) -> Rating | None:
    return rating_list(user=user).filter(unit=unit, year=year).first()


def rating_history(*, user: User, rating: Rating) -> list[AuditEntry]:
    rating = rating_get(user=user, pk=rating.pk, deleted_too=True)
    return audit_entries(Rating.history.filter(id=rating.pk), excluded=("updated_at", "updated_by"))


def ratings_of_unit(*, user: User, unit: Unit) -> QuerySet:
    unit = unit_get(user=user, pk=unit.pk)
    return rating_list(user=user).filter(unit=unit)


@dataclass(frozen=True)
class RatingLine:
    group: str
    code: str
    text: str
    max_points: int
    points: int | None


def rating_lines(rating: Rating) -> list[RatingLine]:
    """The scale's criteria in order with the points recorded."""
    scale = rating_scale_get(rating.scale)
    sheet = scale.sheet_for(rating.subject_type) if scale else None
    points = dict(rating.points or {})
    lines = []
    for group in sheet.groups if sheet else ():
        for criterion in group.criteria:
            lines.append(
                RatingLine(
                    group.text, criterion.code, criterion.text, criterion.max_points, points.pop(criterion.code, None)
                )
            )
    for code, value in sorted(points.items()):
        lines.append(RatingLine("", code, code, 0, value))
    return lines


def units_not_recognised(*, user: User, unit: Unit, year: int) -> list[str]:
    """Names of the units counted toward `unit` (not `unit` itself) assessed in `year` and not recognised."""
    assessments = Assessment.objects.filter(counted_for(user, unit), year=year).exclude(unit=unit)
    rows = with_recognition(assessments).values_list("unit__name", "recognised").order_by("unit__name")
    return [name for name, recognised in rows if not recognised]
