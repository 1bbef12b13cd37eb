"""Targets (chỉ tiêu) as a user may see them, and judged against the catalogue's figures; target_services.py writes
them, target_rules.py says how a kind is judged and phrased.

Who sees: everyone whose scope covers the target's unit. Who writes: a leader or an administrator of the unit (or of
a unit above it) — `target_can_write`.

`target_results(user, unit, period)` judges the targets of the period's year (the year of its last day: st2020 → 2020,
tet2021 → 2021) against the figure `selectors.indicator_set` computes for the unit and period — the figure the
dashboard and the report show. A whole year (a calendar or a statistical year) judges every target. A part of a year
(a half, a quarter, a month, Tết, a window, a range of days) judges only what it can honestly say:
- "at most / at least N" of a rate (a ratio, a share, a median: the clearance rate, the share recognised) — a
  quarter's rate is the same kind of number as the year's; a count or an amount is not (10 accidents in the first
  quarter say nothing against "at most 40 in the year"), and neither is a stock counted on the period's last day;
- the kinds that compare with the year before (reduce, reduce by N %, not increase, increase…), against the same
  part of the year before (`Period.previous()`, the comparison the figures already carry) — "so với cùng kỳ";
- nothing on an indicator dated by a year only (exemplars, ratings, recognition), which has no figure for a part.
The others are left out of the answer (`targets_for` still lists them).

While the period runs (today is one of its days before the last) the targets are judged on the figures up to today
(`target_rules.judge_so_far`): the kinds that compare, against the same days of the year before ("so với cùng kỳ",
not the whole of it); a cap or a floor on a count or an amount, against the year at the pace so far (the count ×
the period's days ÷ the days gone); a rate, a stock or a yearly figure as it stands. The status is then "on_track" or
"at_risk" unless later days cannot change it (a cap already passed is missed).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from antoan.accounts.models import Role, User
from antoan.accounts.selectors import user_is_admin
from antoan.core import clock
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import DomainError, Message, NotFound
from antoan.indicators.catalogue import SQL_AGGREGATES, Indicator, indicators
from antoan.indicators.models import Target
from antoan.indicators.periods import Period
from antoan.indicators.selectors import IndicatorSet, indicator_set, indicator_unit
from antoan.indicators.target_rules import (
    ABSOLUTE_KINDS,
    AT_RISK,
    KINDS,
    MISSED,
    STATUS_LABELS,
    UNKNOWN,
    Judgement,
    Measure,
    judge,
    judge_so_far,
    statement,
)
from antoan.units.models import Hierarchy, Kind, Unit
from antoan.units.scope import scope_require, user_scope

LEADERS = frozenset({Role.LEADER})  # user_scope adds administrators to any set of roles
WRITE_NEEDS_LEADER = Message(
    "Chỉ lãnh đạo hoặc quản trị viên của đơn vị (hoặc đơn vị cấp trên) được đặt chỉ tiêu của đơn vị",
    "Only a leader or an administrator of the unit (or of a unit above it) may set its targets",
)
FULL_YEAR = ("year", "stat_year")
RATE_AGGREGATES = ("ratio", "share", "tips_median_minutes")


def target_year(period: Period) -> int:
    """The year whose targets judge `period`: the year of its last day (st2020 ends on 14/12/2020)."""
    return period.end.year


def is_rate(indicator: Indicator) -> bool:
    """A figure that is a rate or a typical value rather than an amount counted over the period."""
    return indicator.is_percent or indicator.aggregate in RATE_AGGREGATES


def is_flow(indicator: Indicator) -> bool:
    """A count or an amount that adds up day by day, so a year can be projected from its pace (not a rate, a stock
    read on a day, or a figure dated by a year only)."""
    return indicator.aggregate in SQL_AGGREGATES and not indicator.is_percent and not indicator.is_annual


def running_day(period: Period) -> date | None:
    """Today when the period still runs — today is one of its days before the last — else None. From its last day
    on, a period is judged whole, as the report counts it (reports.facts.counted_period)."""
    today = clock.today()
    return today if period.start <= today < period.end else None


def target_applies(*, kind: str, indicator: Indicator, period: Period) -> bool:
    """Whether a target of `kind` on `indicator` is judged over `period` (the module's docstring says why)."""
    if period.kind in FULL_YEAR:
        return True
    if indicator.is_annual:
        return False
    if kind in ABSOLUTE_KINDS:
        return is_rate(indicator)
    return True


def measure_of(indicator: Indicator | None) -> Measure:
    if indicator is None:
        return Measure("", "")
    return Measure(indicator.measure_vi, indicator.measure_en, indicator.is_percent)


def target_statement(target: Target) -> tuple[str, str]:
    """The target in words after its indicator's name, in Vietnamese and English: "kéo giảm ít nhất 5% so với …"."""
    measure = measure_of(indicators().get(target.indicator))
    return (
        statement(target.kind, target.value, measure),
        statement(target.kind, target.value, measure, english=True),
    )


# Reads ----------------------------------------------------------------------------------------------------


def _ordered(targets) -> list[Target]:
    """In the catalogue's order (then the kinds' order); codes no longer in the catalogue last."""
    position = {code: i for i, code in enumerate(indicators())}
    kinds = list(KINDS)
    return sorted(targets, key=lambda t: (position.get(t.indicator, len(position)), t.indicator, kinds.index(t.kind)))


def target_list(*, user: User, unit: Unit | None = None, year: int | None = None) -> QuerySet:
    """The live targets of the units in `user`'s scope, newest year first; `unit` and `year` narrow them."""
    targets = Target.objects.select_related("unit", "unit__parent").filter(user_scope(user=user).q("unit"))
    if unit is not None:
        targets = targets.filter(unit=unit)
    if year is not None:
        targets = targets.filter(year=year)
    return targets.order_by("-year", "unit__hierarchy", "unit__path", "indicator", "kind")


def targets_for(*, user: User, unit: Unit, year: int) -> list[Target]:
    """The targets of `unit` for `year`, in the catalogue's order (NotFound when the user may not see the unit)."""
    if not user_scope(user=user).covers(unit):
        raise NotFound.single("unit", "Không tìm thấy đơn vị", "Unit not found")
    return _ordered(Target.objects.filter(unit=unit, year=year).select_related("unit"))


def targets_in_force(*, user: User, unit: Unit, year: int) -> list[Target]:
    """The targets that hold for `unit` in `year`: its own, and for each indicator and kind it set nothing on, the
    nearest unit above it that did — a district's "kéo giảm 5 %" holds for each of its communes that set no target of
    its own (#23). A target of a unit above is a plan handed down, not a record: the commune's users see it through
    their unit (`TargetResult.inherited` names where it comes from)."""
    own = targets_for(user=user, unit=unit, year=year)
    held = {(t.indicator, t.kind) for t in own}
    above = [a.pk for a in reversed(unit.ancestors())]  # nearest first
    if not above:
        return own
    rank = {pk: i for i, pk in enumerate(above)}
    handed_down = sorted(Target.objects.filter(unit__in=above, year=year).select_related("unit"),
                         key=lambda t: rank[t.unit_id])  # fmt: skip
    for target in handed_down:
        if (target.indicator, target.kind) not in held:
            held.add((target.indicator, target.kind))
            own.append(target)
    return _ordered(own)


def target_get(*, user: User, pk, deleted_too: bool = False) -> Target:
    """A target the user may see; with `deleted_too`, an administrator also gets a deleted one."""
    rows = Target.all_objects if deleted_too and user_is_admin(user=user) else Target.objects
    found = None
    if str(pk).isdigit():
        found = (
            rows.filter(user_scope(user=user).q("unit"), pk=int(pk))
            .select_related("unit", "unit__parent", "created_by", "updated_by", "deleted_by")
            .first()
        )
    if found is None:
        raise NotFound.single("target", "Không tìm thấy chỉ tiêu", "Target not found")
    return found


def target_write_require(user: User, unit: Unit) -> None:
    """Raise unless `user` may set the targets of `unit`: NotFound out of scope, Forbidden for an officer."""
    scope_require(user=user, unit=unit, roles=LEADERS, what=WRITE_NEEDS_LEADER)


def target_can_write(*, user: User, unit: Unit) -> bool:
    try:
        target_write_require(user, unit)
    except DomainError:
        return False
    return True


def target_can_create(*, user: User) -> bool:
    return user_is_admin(user=user) or not user_scope(user=user, roles=LEADERS).nothing


def target_unit_choices(*, user: User, write: bool = True) -> QuerySet:
    """The units whose targets a user sets (`write`) or reads: those of their memberships and the units under them,
    establishments left out; for an administrator of everything, the current provinces."""
    scope = user_scope(user=user, roles=LEADERS) if write else user_scope(user=user)
    units = Unit.objects.exclude(kind=Kind.ESTABLISHMENT)
    if scope.everything:
        return units.filter(hierarchy=Hierarchy.CURRENT, kind=Kind.PROVINCE).order_by("path")
    return units.filter(scope.q()).order_by("hierarchy", "path")


def target_history(*, user: User, target: Target) -> list[AuditEntry]:
    target = target_get(user=user, pk=target.pk, deleted_too=True)
    return audit_entries(Target.history.filter(id=target.pk), excluded=("updated_at", "updated_by"))


# Judged ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetResult:
    """A target judged over a period: the figure (and the comparison's) it was judged against, the status, and the
    words a report can use ("vượt chỉ tiêu 7%", "không đạt chỉ tiêu (kéo giảm 3%, chỉ tiêu 5%)")."""

    target: Target
    indicator: Indicator | None  # None: the code is no longer in the catalogue
    period: Period
    comparison_period: Period
    value: int | float | None
    comparison: int | float | None
    judgement: Judgement
    statement_vi: str
    statement_en: str
    unit: Unit | None = None  # the unit judged (the target may be a unit above's, handed down)
    as_of: date | None = None  # while the period runs: the day its figures are counted to (today)
    projected: int | float | None = None  # while a year runs: a count's year at the pace so far

    @property
    def running(self) -> bool:
        """Judged while the period runs: the status says where it is heading (on track, at risk) where not final."""
        return self.as_of is not None

    @property
    def inherited(self) -> bool:
        """The target is a unit above's, holding for this unit because it set none of its own."""
        return self.unit is not None and self.target.unit_id != self.unit.pk

    @property
    def status(self) -> str:
        return self.judgement.status

    @property
    def met(self) -> bool | None:
        """True when met, exceeded or on track, False when missed or at risk, None when it cannot be said."""
        return None if self.status == UNKNOWN else self.status not in (MISSED, AT_RISK)

    @property
    def phrase_vi(self) -> str:
        return self.judgement.phrase_vi

    @property
    def phrase_en(self) -> str:
        return self.judgement.phrase_en

    @property
    def detail_vi(self) -> str:
        """What to show beside the status's label ("Vượt chỉ tiêu: kéo giảm 8%, chỉ tiêu 5%"); may be empty."""
        return self.judgement.detail_vi

    @property
    def detail_en(self) -> str:
        return self.judgement.detail_en

    @property
    def status_vi(self) -> str:
        return STATUS_LABELS[self.status][0]

    @property
    def status_en(self) -> str:
        return STATUS_LABELS[self.status][1]

    @property
    def margin(self) -> Decimal | None:
        return self.judgement.margin

    @property
    def change_pct(self) -> Decimal | None:
        return self.judgement.change_pct

    def as_dict(self) -> dict:
        t, i = self.target, self.indicator
        return {
            "target": {"id": t.pk, "unit_id": t.unit_id, "year": t.year, "indicator": t.indicator, "kind": t.kind,
                       "value": _number(t.value), "document": t.document, "note": t.note},
            "indicator_name_vi": i.vi if i else t.indicator, "indicator_name_en": i.en if i else t.indicator,
            "measure_vi": i.measure_vi if i else "", "measure_en": i.measure_en if i else "",
            "period": self.period, "comparison_period": self.comparison_period,
            "value": self.value, "comparison": self.comparison, "status": self.status,
            "status_vi": self.status_vi, "status_en": self.status_en,
            "margin": _number(self.margin), "change_pct": _number(self.change_pct, 2),
            "phrase_vi": self.phrase_vi, "phrase_en": self.phrase_en,
            "detail_vi": self.detail_vi, "detail_en": self.detail_en,
            "statement_vi": self.statement_vi, "statement_en": self.statement_en,
            "inherited_from": self.target.unit.name if self.inherited else None,
            "running": self.running, "as_of": self.as_of, "projected": self.projected,
        }  # fmt: skip


def _number(value: Decimal | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def target_results(
    *, user: User, unit: Unit | None, period: Period, figures: IndicatorSet | None = None
) -> list[TargetResult]:
    """Each target of `unit` for the period's year that the period can judge, against the indicator set's figure
    for `unit` and `period` (and its comparison period) — while the period runs, against its figures up to today
    and the same days of the year before (the module's docstring). `figures`: an indicator set the caller already
    has for the same unit and period (the dashboard's), read instead of computing the figures again."""
    unit = indicator_unit(user=user, unit=unit)
    if unit is None:  # the whole country has no targets of its own
        return []
    if figures is not None and (figures.period != period or getattr(figures.unit, "pk", None) != unit.pk):
        raise ValueError("target_results: the indicator set given is for another unit or period")
    catalogue = indicators()
    judged = []
    for target in targets_in_force(user=user, unit=unit, year=target_year(period)):
        indicator = catalogue.get(target.indicator)
        if indicator is None or target_applies(kind=target.kind, indicator=indicator, period=period):
            judged.append((target, indicator))
    today = running_day(period)
    codes = {i.code for _, i in judged if i is not None}
    # a yearly figure is read for the whole period (a part of a year has none); the rest, while the period runs,
    # up to today against the same days of the year before
    so_far = {code for code in codes if today is not None and not catalogue[code].is_annual}
    whole = _FigureSource(user, unit, period, codes - so_far, figures)
    part = _FigureSource(user, unit, Period.of_range(period.start, today), so_far) if so_far else None

    results = []
    for target, indicator in judged:
        said_vi, said_en = target_statement(target)
        if indicator is None:
            shown = target.indicator
            gone_vi = f"mã số liệu '{shown}' không còn trong danh mục"
            gone_en = f"the indicator code '{shown}' is no longer listed"
            judgement = Judgement(UNKNOWN, None, None, None, gone_vi, gone_en, gone_vi, gone_en)
            results.append(TargetResult(target, None, period, whole.comparison, None, None, judgement, said_vi,
                                        said_en, unit))  # fmt: skip
            continue
        source = part if indicator.code in so_far else whole
        found = source.figure(indicator.code)
        value, before, projected = found.value, found.comparison, None
        if today is None:
            judgement = judge(kind=target.kind, target=target.value, value=value, comparison=before,
                              measure=measure_of(indicator))  # fmt: skip
        else:
            if is_flow(indicator) and target.kind in ABSOLUTE_KINDS and value is not None:
                projected = value * period.days / ((today - period.start).days + 1)
            judgement = judge_so_far(kind=target.kind, target=target.value, value=value, comparison=before,
                                     measure=measure_of(indicator), projected=projected)  # fmt: skip
        results.append(TargetResult(
            target, indicator, period, source.comparison, value, before, judgement, said_vi, said_en, unit,
            as_of=today, projected=None if projected is None else round(projected, 1),
        ))  # fmt: skip
    return results


class _FigureSource:
    """The figures of some codes for a unit and period: those of an indicator set the caller has, the rest read once."""

    def __init__(self, user: User, unit: Unit, period: Period, codes: set[str], given: IndicatorSet | None = None):
        have = {f.indicator.code for f in given.figures} if given is not None and given.period == period else set()
        self.given = given if have else None
        self.have = have
        missing = sorted(codes - have)
        self.read = indicator_set(user=user, unit=unit, period=period, codes=missing) if missing else None
        self.comparison = (self.given or self.read).comparison if (self.given or self.read) else period.previous()

    def figure(self, code: str):
        return (self.given if code in self.have else self.read).figure(code)
