"""Reads of the movement beyond the generic lists: what is overdue, and the totals the report quotes."""

from django.db.models import QuerySet, Sum
from django.utils import timezone

from antoan.accounts.models import User
from antoan.accounts.selectors import Scope, user_scope
from antoan.movement.models import ForceDeployment, ModelStatus, MovementModel, ResponsePlan
from antoan.units.models import Unit


def _scoped(queryset: QuerySet, user: User, unit: Unit | None) -> QuerySet:
    queryset = queryset.filter(user_scope(user=user).q("unit"))
    return queryset.filter(Scope.of_units([unit]).q("unit")) if unit is not None else queryset


def models_overdue(*, user: User, unit: Unit | None = None) -> QuerySet:
    """Active models whose next inspection date has passed (the seeds name irregular inspection of the
    models' quality as a weakness: this list makes it visible)."""
    today = timezone.localdate()
    overdue = MovementModel.objects.filter(status=ModelStatus.ACTIVE, next_inspection_due__lt=today)
    overdue = overdue.exclude(unit__valid_to__lt=today)  # a unit that no longer exists inspects nothing
    return _scoped(overdue, user, unit).select_related("unit").order_by("next_inspection_due", "name")


def plans_overdue(*, user: User, unit: Unit | None = None) -> QuerySet:
    """Disaster response plans whose review date has passed."""
    today = timezone.localdate()
    overdue = ResponsePlan.objects.filter(next_review_on__lt=today).exclude(unit__valid_to__lt=today)
    return _scoped(overdue, user, unit).select_related("unit").order_by("next_review_on")


def officers_deployed(*, user: User, unit: Unit | None = None, year: int) -> int:
    """Regular police officers sent to the communes in a year ("tăng cường 75 cán bộ … về các xã")."""
    deployments = _scoped(ForceDeployment.objects.filter(deployed_on__year=year), user, unit)
    return deployments.aggregate(total=Sum("officers"))["total"] or 0
