"""Recognition shares: how many units under a unit there are, how many were assessed in a year and how many were
recognised "An toàn về ANTT" ("100% cơ quan, đơn vị … và 17 xã, thị trấn"), per subject type — for the unit's page,
the API, the indicators and the report. Recognition itself is computed by selectors.with_recognition.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from antoan.accounts.models import User
from antoan.assessment.criteria import SubjectType, _english
from antoan.assessment.models import Assessment
from antoan.assessment.selectors import percent, with_recognition
from antoan.assessment.services import clean_year
from antoan.core.errors import Message
from antoan.units.models import Kind, Unit
from antoan.units.selectors import unit_get


@dataclass(frozen=True)
class ShareRow:
    subject_type: str
    total: int
    assessed: int
    recognised: int

    @property
    def label(self) -> str:
        vi, en = SubjectType.plural[self.subject_type]
        return en.capitalize() if _english() else vi.capitalize()

    def share(self, *, vi: bool = True) -> str:
        return percent(self.recognised, self.total, vi=vi)

    @property
    def share_vi(self) -> str:
        return self.share(vi=True)

    @property
    def share_en(self) -> str:
        return self.share(vi=False)


@dataclass(frozen=True)
class Shares:
    unit: Unit
    year: int
    rows: tuple[ShareRow, ...]

    @property
    def any(self) -> bool:
        return any(r.total or r.assessed for r in self.rows)

    def row(self, subject_type: str) -> ShareRow:
        return next(r for r in self.rows if r.subject_type == subject_type)

    @property
    def summary(self) -> Message:
        """ "Năm 2020: 17/17 xã, phường, thị trấn (100%); 4/5 cơ quan, đơn vị (80%) đạt tiêu chuẩn …" """
        shown = [r for r in self.rows if r.total or r.assessed]
        if not shown:
            return Message(
                f"Năm {self.year}: chưa có đơn vị nào thuộc {self.unit.name} được đánh giá",
                f"{self.year}: no unit under {self.unit.name} has been assessed",
            )
        vi = "; ".join(
            f"{r.recognised}/{r.total} {SubjectType.plural[r.subject_type][0]} ({r.share(vi=True)})" for r in shown
        )
        en = "; ".join(
            f"{r.recognised}/{r.total} {SubjectType.plural[r.subject_type][1]} ({r.share(vi=False)})" for r in shown
        )
        return Message(
            f'Năm {self.year}, {self.unit.name}: {vi} đạt tiêu chuẩn "An toàn về an ninh, trật tự"',
            f'{self.year}, {self.unit.name}: {en} recognised as "safe in security and order"',
        )


def _subtree(unit: Unit):
    def within(field: str) -> Q:
        return Q(**{f"{field}__path__startswith" if field else "path__startswith": unit.path})

    return within


def _communes_in(unit: Unit, within) -> QuerySet:
    return (
        Unit.objects.filter(within(""))
        .exclude(pk=unit.pk)
        .filter(Q(kind=Kind.COMMUNE) | Q(kind=Kind.DISTRICT, commune_id=F("pk")))
    )


def _in_force(year: int) -> Q:
    """Units in force at some time in `year`."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=date(year, 12, 31))) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1))
    )


def recognition_shares(*, user: User, unit: Unit, year) -> Shares:
    """How many communes, residential areas, agencies, enterprises and schools under `unit` there are, how many
    were assessed in `year` and how many were recognised (the unit itself is not counted)."""
    unit = unit_get(user=user, pk=getattr(unit, "pk", unit))
    year = clean_year(year)
    return Shares(unit=unit, year=year, rows=share_rows(unit=unit, year=year))


def share_rows(*, unit: Unit, year: int, within=None) -> tuple[ShareRow, ...]:
    """The rows of `recognition_shares`, for a unit the caller has already checked the user may see. `within`
    (field → Q) says which units count as under `unit`: by default its subtree; the indicators pass their
    rule across the 2025 reorganisation."""
    return share_rows_by_year(unit=unit, years=[year], within=within)[year]


def share_rows_by_year(*, unit: Unit, years, within=None) -> dict[int, tuple[ShareRow, ...]]:
    """`share_rows` for several years in three queries (a year and the year before, for the indicators)."""
    within = within or _subtree(unit)
    years = sorted(set(years))
    communes = _communes_in(unit, within).aggregate(
        **{f"y{year}": Count("pk", filter=_in_force(year)) for year in years}
    )
    establishments = (
        Unit.objects.filter(within(""), kind=Kind.ESTABLISHMENT)
        .exclude(pk=unit.pk)
        .values_list("establishment_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    establishment_totals = dict(establishments)
    counted: dict[tuple[int, str], tuple[int, int]] = {}
    assessments = with_recognition(
        Assessment.objects.filter(within("unit"), year__in=years).exclude(unit=unit)
    ).values_list("year", "subject_type", "recognised")
    for year, subject_type, recognised in assessments:
        assessed, passed = counted.get((year, subject_type), (0, 0))
        counted[(year, subject_type)] = (assessed + 1, passed + bool(recognised))
    order = (
        SubjectType.COMMUNE,
        SubjectType.RESIDENTIAL_AREA,
        SubjectType.AGENCY,
        SubjectType.ENTERPRISE,
        SubjectType.SCHOOL,
    )
    shares = {}
    for year in years:
        totals = {**establishment_totals, SubjectType.COMMUNE: communes[f"y{year}"]}
        shares[year] = tuple(
            ShareRow(s, max(totals.get(s, 0), counted.get((year, s), (0, 0))[0]), *counted.get((year, s), (0, 0)))
            for s in order
        )
    return shares


def recognition_share_years(*, user: User, unit: Unit) -> list[Shares]:
    """The shares under `unit` for every year in which something under it was assessed, newest first."""
    unit = unit_get(user=user, pk=unit.pk)
    years = (
        Assessment.objects.filter(unit__path__startswith=unit.path)
        .exclude(unit=unit)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return [recognition_shares(user=user, unit=unit, year=y) for y in years]
