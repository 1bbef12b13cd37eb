"""Historical figures (docs/history.md): reads for a user, scoped to the units they may see. Their use as values is
history.py; the writes are figure_services."""

from django.db.models import QuerySet

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import DomainError, NotFound
from antoan.indicators.catalogue import indicators
from antoan.indicators.figure_services import CONFIRMING_ROLES, ENTERING_ROLES
from antoan.indicators.models import FigureState, HistoricalFigure
from antoan.units.models import Unit
from antoan.units.scope import scope_require, user_scope


def figure_list(*, user: User, unit: Unit | None = None, period: str | None = None, state: str | None = None,
                indicator: str | None = None) -> QuerySet:  # fmt: skip
    """The live figures of the units in `user`'s scope (of `unit` itself when given), by unit, period (oldest
    first), the catalogue's indicator code and state; ties by id."""
    figures = HistoricalFigure.objects.select_related("unit", "entered_by", "confirmed_by").filter(
        user_scope(user=user).q("unit")
    )
    if unit is not None:
        figures = figures.filter(unit=unit)
    if period:
        figures = figures.filter(period=period)
    if state:
        if state not in FigureState.values:
            raise DomainError.single(
                "state", f"Trạng thái '{state}' không hợp lệ (draft, confirmed)", f"'{state}' is not draft or confirmed"
            )
        figures = figures.filter(state=state)
    if indicator:
        figures = figures.filter(indicator=indicator)
    return figures.order_by("unit__hierarchy", "unit__path", "period", "indicator", "state", "pk")


def figure_get(*, user: User, pk, deleted_too: bool = False) -> HistoricalFigure:
    rows = HistoricalFigure.all_objects if deleted_too and user_is_admin(user=user) else HistoricalFigure.objects
    found = None
    if str(pk).isdigit():
        found = (
            rows.filter(user_scope(user=user).q("unit"), pk=int(pk))
            .select_related("unit", "entered_by", "confirmed_by", "deleted_by")
            .first()
        )
    if found is None:
        raise NotFound.single("figure", "Không tìm thấy số liệu", "Figure not found")
    return found


def figure_conflicts(figures) -> set[int]:
    """Ids of the figures another live figure of the same unit, period and indicator contradicts (a draft from
    another sentence or document with a different value): shown flagged for review."""
    values: dict[tuple, set] = {}
    for figure in figures:
        values.setdefault((figure.unit_id, figure.period, figure.indicator), set()).add(figure.value)
    keys = {key for key, found in values.items() if len(found) > 1}
    if not keys:
        return set()
    return {f.pk for f in figures if (f.unit_id, f.period, f.indicator) in keys}


def figure_can(*, user: User, unit: Unit, confirm: bool = False) -> bool:
    """Whether `user` may enter figures for `unit` (or, `confirm`, confirm and correct them)."""
    try:
        scope_require(user=user, unit=unit, roles=CONFIRMING_ROLES if confirm else ENTERING_ROLES)
    except DomainError:
        return False
    return True


def figure_history(*, user: User, figure: HistoricalFigure) -> list[AuditEntry]:
    figure = figure_get(user=user, pk=figure.pk, deleted_too=True)
    return audit_entries(HistoricalFigure.history.filter(id=figure.pk), excluded=("updated_at",))


def figure_name(code: str) -> str:
    """The indicator's name in the chosen language (a code no longer in the catalogue as itself)."""
    found = indicators().get(code)
    return found.name if found else code
