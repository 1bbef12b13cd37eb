"""Demo assessments: every commune of Huyện Hàm Thuận Bắc recognised "An toàn về ANTT" in 2020, as the
district's 2020 review reports, with three residential areas each (all recognised, so the 70% rule holds).
Made through the services: residential areas with `establishment_create`, results with `assessment_record`."""

from datetime import date

from antoan.accounts.models import User
from antoan.assessment.criteria import criteria_set_choose
from antoan.assessment.services import assessment_record
from antoan.units.models import EstablishmentType, Kind, Unit
from antoan.units.selectors import unit_for_code
from antoan.units.services import establishment_create

YEAR = 2020
AREAS_PER_COMMUNE = 3


def _all_passed(subject_type: str, what: str) -> dict:
    _, subject = criteria_set_choose(subject_type=subject_type, year=YEAR)
    return {
        code: {"passed": True, "evidence": f"{what}: đạt theo biên bản đánh giá năm {YEAR}"} for code in subject.codes
    }


def seed_assessments(*, user: User) -> dict[str, int]:
    district = unit_for_code(code="597", day=date(YEAR, 1, 1))
    counts = {"residential_areas": 0, "assessments": 0}
    for commune in Unit.objects.filter(parent=district, kind=Kind.COMMUNE).order_by("code"):
        word = "Khu phố" if commune.type_name == "Thị trấn" else "Thôn"
        areas = list(commune.children.filter(establishment_type=EstablishmentType.RESIDENTIAL_AREA))
        for number in range(len(areas) + 1, AREAS_PER_COMMUNE + 1):
            areas.append(
                establishment_create(
                    user=user,
                    commune=commune,
                    name=f"{word} {number}, {commune.name}",
                    establishment_type=EstablishmentType.RESIDENTIAL_AREA,
                )
            )
            counts["residential_areas"] += 1
        for area in areas:
            _, outcome = assessment_record(
                user=user, unit=area, year=YEAR, results=_all_passed("residential_area", area.name)
            )
            counts["assessments"] += outcome == "created"
        _, outcome = assessment_record(user=user, unit=commune, year=YEAR, results=_all_passed("commune", commune.name))
        counts["assessments"] += outcome == "created"
    return counts
