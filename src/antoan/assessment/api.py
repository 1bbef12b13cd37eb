"""/api/v1/assessments: "An toàn về ANTT" assessments (list, read, record, delete, shares under a unit) and
/api/v1/assessments/ratings: movement ratings (list, read, record, delete).

Handlers only translate between JSON and the services. A body may not carry a result: "recognised", a total
or a grade is an unknown field (422), since those are computed.
"""

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from antoan.assessment import selectors, services
from antoan.assessment.criteria import SubjectType, criteria_set_get
from antoan.assessment.models import Assessment, Rating
from antoan.assessment.ratings import rating_scale_get
from antoan.assessment.shares import recognition_shares
from antoan.core.errors import DomainError
from antoan.core.filters import query_schema
from antoan.core.pagination import Mapped, Pagination
from antoan.units.selectors import unit_get

router = Router(tags=["assessment"])


class BilingualOut(Schema):
    vi: str
    en: str


# Assessments -------------------------------------------------------------------------------------------------


class CriterionResultIn(Schema):
    model_config = ConfigDict(extra="forbid")

    passed: bool | str | None = None
    evidence: str | None = None


class AssessmentIn(Schema):
    """One unit's assessment for a year: every criterion of the set that covers the unit."""

    model_config = ConfigDict(extra="forbid")

    unit_id: int | None = None
    unit_code: str | None = None
    year: int | str
    criteria_set: str | None = None
    results: dict[str, CriterionResultIn]


class CriterionOut(Schema):
    code: str
    text_vi: str
    text_en: str
    clause: str
    passed: bool | None
    evidence: str


class AreaShareOut(Schema):
    residential_areas: int
    recognised: int
    share_min: float


class AssessmentOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    subject_type: str
    criteria_set: str
    criteria_source: str
    criteria_passed: bool
    recognised: bool
    residential_area_share: AreaShareOut | None
    explanation: list[BilingualOut]
    criteria: list[CriterionOut]


AssessmentQuery = query_schema(selectors.AssessmentFilters, "AssessmentQuery")


def _assessment_out(assessment) -> dict:
    result = selectors.assessment_result(assessment)
    texts = {}
    try:
        subject = criteria_set_get(assessment.criteria_set).subjects.get(assessment.subject_type)
        texts = {c.code: c for c in subject.criteria} if subject else {}
    except DomainError:
        pass
    criteria = []
    for line in selectors.assessment_lines(assessment):
        known = texts.get(line.code)
        criteria.append(
            {
                "code": line.code,
                "text_vi": known.vi if known else line.code,
                "text_en": known.en if known else line.code,
                "clause": line.clause,
                "passed": line.passed,
                "evidence": line.evidence,
            }
        )
    share = None
    if result.share_applies:
        share = {
            "residential_areas": result.area_total,
            "recognised": result.area_recognised,
            "share_min": result.share_min_bp / 10_000,
        }
    return {
        "id": assessment.pk,
        "unit_id": assessment.unit_id,
        "unit_code": assessment.unit.code,
        "unit_name": assessment.unit.name,
        "year": assessment.year,
        "subject_type": assessment.subject_type,
        "criteria_set": assessment.criteria_set,
        "criteria_source": assessment.criteria_source,
        "criteria_passed": assessment.criteria_passed,
        "recognised": result.recognised,
        "residential_area_share": share,
        "explanation": [m.as_dict() for m in result.lines],
        "criteria": criteria,
    }




def _unit_of(request, unit_id, unit_code, year):
    if unit_id is not None:
        return unit_get(user=request.user, pk=unit_id)
    if unit_code:
        return selectors.unit_of_year(code=unit_code, year=services.clean_year(year))
    return None


@router.get("", response=list[AssessmentOut], summary="Assessments the user may see, filtered")
@paginate(Pagination)
def list_assessments(request, query: Query[AssessmentQuery]):
    filters = selectors.AssessmentFilters.from_params(query.dict(exclude_none=True), user=request.user)
    assessments = selectors.assessment_list(user=request.user, filters=filters).prefetch_related("criteria")
    return Mapped(assessments, _assessment_out)


class ShareRowOut(Schema):
    subject_type: str
    label: BilingualOut
    total: int
    assessed: int
    recognised: int
    share: float | None


class SharesOut(Schema):
    unit_id: int
    unit_name: str
    year: int
    rows: list[ShareRowOut]
    summary: BilingualOut


@router.get("/shares", response=SharesOut, summary="Units under a unit assessed and recognised in a year")
def assessment_shares(request, unit: int, year: int):
    shares = recognition_shares(user=request.user, unit=unit, year=year)
    rows = [
        {
            "subject_type": r.subject_type,
            "label": dict(zip(("vi", "en"), SubjectType.plural[r.subject_type], strict=True)),
            "total": r.total,
            "assessed": r.assessed,
            "recognised": r.recognised,
            "share": round(r.recognised / r.total, 4) if r.total else None,
        }
        for r in shares.rows
    ]
    return {
        "unit_id": shares.unit.pk,
        "unit_name": shares.unit.name,
        "year": shares.year,
        "rows": rows,
        "summary": shares.summary.as_dict(),
    }


# Ratings -----------------------------------------------------------------------------------------------------


class RatingIn(Schema):
    """A unit's movement rating for a year: the points of every criterion of the scoring sheet."""

    model_config = ConfigDict(extra="forbid")

    unit_id: int | None = None
    unit_code: str | None = None
    year: int | str
    points: dict[str, int | str]


class RatingOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    subject_type: str
    scale: str
    scale_source: str
    points: dict[str, int]
    total: int
    max_total: int
    grade: str
    grade_label: BilingualOut


RatingQuery = query_schema(selectors.RatingFilters, "RatingQuery")


def _rating_out(rating) -> dict:
    scale = rating_scale_get(rating.scale)
    grade = next((g for g in scale.grades if g.code == rating.grade), None) if scale else None
    return {
        "id": rating.pk,
        "unit_id": rating.unit_id,
        "unit_code": rating.unit.code,
        "unit_name": rating.unit.name,
        "year": rating.year,
        "subject_type": rating.subject_type,
        "scale": rating.scale,
        "scale_source": rating.scale_source,
        "points": rating.points,
        "total": rating.total,
        "max_total": rating.max_total,
        "grade": rating.grade,
        "grade_label": {"vi": grade.vi if grade else rating.grade, "en": grade.en if grade else rating.grade},
    }


@router.get("/ratings", response=list[RatingOut], summary="Movement ratings the user may see, filtered")
@paginate(Pagination)
def list_ratings(request, query: Query[RatingQuery]):
    filters = selectors.RatingFilters.from_params(query.dict(exclude_none=True), user=request.user)
    return Mapped(selectors.rating_list(user=request.user, filters=filters), _rating_out)


@router.post("/ratings", response={200: RatingOut, 201: RatingOut}, summary="Record (or replace) a unit's rating")
def record_rating(request, payload: RatingIn):
    unit = _unit_of(request, payload.unit_id, payload.unit_code, payload.year)
    rating, outcome = services.rating_record(user=request.user, unit=unit, year=payload.year, points=payload.points)
    body = _rating_out(selectors.rating_get(user=request.user, pk=rating.pk))
    return Status(201 if outcome == services.CREATED else 200, body)


@router.get("/ratings/{rating_id}", response=RatingOut)
def get_rating(request, rating_id: int):
    return _rating_out(selectors.rating_get(user=request.user, pk=rating_id))


@router.delete("/ratings/{rating_id}", response={204: None})
def delete_rating(request, rating_id: int):
    rating = selectors.rating_get(user=request.user, pk=rating_id)
    services.rating_delete(user=request.user, rating=rating)
    return Status(204, None)


# One assessment (after the fixed paths above) ---------------------------------------------------------------


@router.post(
    "", response={200: AssessmentOut, 201: AssessmentOut}, summary="Record (or replace) a unit's assessment for a year"
)
def record_assessment(request, payload: AssessmentIn):
    unit = _unit_of(request, payload.unit_id, payload.unit_code, payload.year)
    results = {code: value.dict(exclude_unset=True) for code, value in payload.results.items()}
    assessment, outcome = services.assessment_record(
        user=request.user, unit=unit, year=payload.year, results=results, criteria_set=payload.criteria_set
    )
    body = _assessment_out(selectors.assessment_get(user=request.user, pk=assessment.pk))
    return Status(201 if outcome == services.CREATED else 200, body)


@router.post("/ratings/{rating_id}/restore", response=RatingOut, summary="Restore a deleted rating (administrators)")
def restore_rating(request, rating_id: int):
    restored = services.rating_restore(user=request.user, instance=Rating(pk=rating_id))
    return _rating_out(selectors.rating_get(user=request.user, pk=restored.pk))


@router.get("/{assessment_id}", response=AssessmentOut)
def get_assessment(request, assessment_id: int):
    return _assessment_out(selectors.assessment_get(user=request.user, pk=assessment_id))


@router.delete("/{assessment_id}", response={204: None})
def delete_assessment(request, assessment_id: int):
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    services.assessment_delete(user=request.user, assessment=assessment)
    return Status(204, None)


@router.post("/{assessment_id}/restore", response=AssessmentOut, summary="Restore an assessment (administrators)")
def restore_assessment(request, assessment_id: int):
    restored = services.assessment_restore(user=request.user, instance=Assessment(pk=assessment_id))
    return _assessment_out(selectors.assessment_get(user=request.user, pk=restored.pk))
