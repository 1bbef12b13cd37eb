"""Reads of the movement beyond the generic lists: what is overdue, and the totals the report quotes.

"Overdue on a day" is defined here once, for the lists (dashboard, the overdue page, the API) and for the
indicators that count the same records (models.on_time, models.overdue, plans.overdue), so that a card and the
list under it cannot disagree:
- a model is *running* on a day when it had started, was not stopped by then, and its unit still existed (a commune
  abolished in 2025 inspects nothing after it); it is *due* on its last inspection up to that day (or its start)
  plus its interval, and *overdue* when that due date is before the day;
- a response plan is overdue when it was approved by the day, its review date is before the day, and its unit still
  existed.
A list is ranked longest overdue first, ties broken by the earlier start (or approval), then the name, then the id.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.filters import Day, Filters, param
from antoan.core.functions import AddMonths
from antoan.movement.models import (
    Authority,
    Award,
    Commendation,
    ForceDeployment,
    Inspection,
    ModelStatus,
    MovementModel,
    RecipientKind,
    ResponsePlan,
)
from antoan.units.models import Unit
from antoan.units.scope import counted_for
from antoan.units.selectors import VisibleUnit


def unit_exists_on(day: date, field: str = "unit") -> Q:
    return Q(**{f"{field}__valid_to__isnull": True}) | Q(**{f"{field}__valid_to__gte": day})


def models_active_on(day: date) -> Q:
    """Models running on `day`: started by then, and still active or stopped only later."""
    return Q(started_on__lte=day) & (Q(status=ModelStatus.ACTIVE) | Q(ended_on__gt=day))


def models_running_on(day: date) -> Q:
    """Models that are expected to be inspected on `day`: active then, in a unit that existed then."""
    return models_active_on(day) & unit_exists_on(day)


def model_due_on(day: date) -> AddMonths:
    """A model's inspection due date as it stood on `day`: its last inspection up to then (or its start) plus its
    interval. The last inspection is a subquery served by the inspections' (model, day) index."""
    last = Inspection.objects.filter(model=OuterRef("pk"), inspected_on__lte=day).order_by("-inspected_on")
    return AddMonths(Coalesce(Subquery(last.values("inspected_on")[:1]), "started_on"), "inspection_interval_months")


def plans_overdue_on(day: date) -> Q:
    return Q(approved_on__lte=day, next_review_on__lt=day) & unit_exists_on(day)


@dataclass(frozen=True)
class OverdueFilters(Filters):
    """What the overdue lists (the page, the API) are narrowed to (core.filters): a unit, and the day they are read
    on (as the dashboard's cards of a past period read them; a day after today is read as today)."""

    unit: Unit | None = param(VisibleUnit())
    day: date | None = param(Day())

    def as_of(self) -> date:
        return min(self.day or clock.today(), clock.today())


def models_overdue(*, user: User, unit: Unit | None = None, day: date | None = None) -> QuerySet:
    """Models overdue for inspection on `day` (default today), each with its `due` date, longest overdue first (the
    seeds name irregular inspection of the models' quality as a weakness: this list makes it visible)."""
    day = day or clock.today()
    overdue = MovementModel.objects.filter(models_running_on(day)).annotate(due=model_due_on(day)).filter(due__lt=day)
    return overdue.filter(counted_for(user, unit)).select_related("unit").order_by("due", "started_on", "name", "pk")


def plans_overdue(*, user: User, unit: Unit | None = None, day: date | None = None) -> QuerySet:
    """Disaster response plans overdue for review on `day` (default today), longest overdue first."""
    overdue = ResponsePlan.objects.filter(plans_overdue_on(day or clock.today()), counted_for(user, unit))
    return overdue.select_related("unit").order_by("next_review_on", "approved_on", "unit__name", "hazard", "pk")


def officers_deployed(*, user: User, unit: Unit | None = None, year: int) -> int:
    """Regular police officers sent to the communes in a year ("tăng cường 75 cán bộ … về các xã")."""
    deployments = ForceDeployment.objects.filter(counted_for(user, unit), deployed_on__year=year)
    return deployments.aggregate(total=Sum("officers"))["total"] or 0


def commendation_counts(*, user: User, unit: Unit | None, start: date, end: date) -> list[tuple[str, str, str, int]]:
    """(award, authority, recipient kind, how many) of the commendations decided from `start` to `end` that count
    toward `unit`, in the order of the award, then the authority (as their choices list them), collectives before
    individuals (as reports name them: "2 tập thể và 5 cá nhân")."""
    groups = (
        Commendation.objects.filter(counted_for(user, unit), decision_date__range=(start, end))
        .values_list("award", "authority", "recipient_kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    award, authority = ({value: i for i, value in enumerate(c.values)} for c in (Award, Authority))
    kind = {RecipientKind.COLLECTIVE: 0, RecipientKind.INDIVIDUAL: 1}
    return sorted(groups, key=lambda g: (award[g[0]], authority[g[1]], kind[g[2]]))
