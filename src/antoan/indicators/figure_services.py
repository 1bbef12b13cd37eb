"""Historical figures (docs/history.md): writes. The reads are figure_selectors; their use in the indicators is
history.py.

A figure enters as a draft — typed in the grid, imported from a file, or extracted from an old report — by anyone
who writes a unit's data or leads it; a leader (or an administrator) confirms it, and from then on it is the
indicator's value for its unit and period. A confirmed figure changes only by a correction that gives its reason.
Every write is one transaction and is kept in the audit history (who, when, before and after, the reason).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from antoan.accounts.models import WRITING_ROLES, Role, User
from antoan.core import clock
from antoan.core.errors import DomainError, Message
from antoan.core.softdelete import REASON_MAX, deleted_get, mark_deleted, mark_restored
from antoan.core.values import shown, to_text
from antoan.indicators.catalogue import Indicator, indicators
from antoan.indicators.history import FIGURE_KINDS
from antoan.indicators.models import FigureState, HistoricalFigure
from antoan.indicators.periods import Period, period_parse
from antoan.indicators.target_services import catalogue_indicator, to_amount
from antoan.units.models import Kind, Unit
from antoan.units.scope import restore_require, scope_require

if TYPE_CHECKING:
    from antoan.indicators.figure_extract import Extraction

ENTERING_ROLES = WRITING_ROLES | {Role.LEADER}
CONFIRMING_ROLES = frozenset({Role.LEADER})  # scope_require adds administrators to any set of roles
CONFIRM_NEEDS_LEADER = Message(
    "Chỉ lãnh đạo hoặc quản trị viên của đơn vị xác nhận hay sửa số liệu đã xác nhận",
    "Only the unit's leaders or administrators confirm figures or correct confirmed ones",
)
DOCUMENT_MAX, LOCATION_MAX, QUOTE_MAX = 300, 100, 2000
DERIVED = ("", "change", "percent", "sum")  # figure_extract: stated, from a change, a percentage, a sum


# Values ---------------------------------------------------------------------------------------------------


def _period(value) -> Period:
    period = period_parse(str(value or "").strip())
    if period.kind not in FIGURE_KINDS:
        raise DomainError.single(
            "period",
            f"Số liệu cũ được nhập theo năm, năm thống kê, 6 tháng, quý hoặc tháng — không theo '{shown(value)}'",
            f"Historical figures are given for a year, statistical year, half, quarter or month — not '{shown(value)}'",
        )
    if period.end >= clock.today():
        raise DomainError.single(
            "period",
            f"{period.label_vi} chưa kết thúc: số liệu của kỳ đang diễn ra lấy từ sổ ghi chép, không nhập tay",
            f"{period.label_en} has not ended: a running period's figures come from the records, not typed in",
        )
    return period


def _indicator(value) -> Indicator:
    found = catalogue_indicator(value)
    if found is None:
        raise DomainError.single("indicator", "Bắt buộc nhập", "Required")
    return found


def _unit_check(unit: Unit, period: Period) -> None:
    if unit.kind == Kind.ESTABLISHMENT:
        raise DomainError.single(
            "unit",
            "Số liệu cũ nhập cho tỉnh, huyện, xã — không cho cơ quan, doanh nghiệp, trường học",
            "Historical figures are for provinces, districts and communes — not agencies, enterprises or schools",
        )
    if (unit.valid_from and unit.valid_from > period.end) or (unit.valid_to and unit.valid_to < period.start):
        since = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…"
        until = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "…"
        raise DomainError.single(
            "unit",
            f"{unit.name} không tồn tại trong {period.label_vi} ({since} – {until})",
            f"{unit.name} did not exist in {period.label_en} ({since} – {until})",
        )


def _value(indicator: Indicator, raw) -> Decimal:
    value = to_amount(raw, field="value")
    if value is None:
        raise DomainError.single("value", "Bắt buộc nhập", "Required")
    if indicator.is_percent and value > 100:
        raise DomainError.single("value", f"Tỷ lệ không quá 100 % ({value})", f"A rate is at most 100 % ({value})")
    return value


def _clean(*, unit: Unit, period, indicator, value) -> tuple[Period, Indicator, Decimal]:
    period, indicator = _period(period), _indicator(indicator)
    _unit_check(unit, period)
    return period, indicator, _value(indicator, value)


def _confirmed_clash(figure: HistoricalFigure) -> DomainError:
    other = HistoricalFigure.objects.filter(
        unit=figure.unit, period=figure.period, indicator=figure.indicator, state=FigureState.CONFIRMED
    ).exclude(pk=figure.pk).first()
    told = f" ({shown(other.value.normalize())})" if other else ""
    return DomainError.single(
        "state",
        f"Đã có số liệu được xác nhận cho {figure.indicator}, {figure.period}{told}: sửa số liệu đó, kèm lý do",
        f"A confirmed figure for {figure.indicator}, {figure.period} exists{told}: correct it, with a reason",
    )


def _save(figure: HistoricalFigure, user: User, reason: str = "") -> HistoricalFigure:
    figure._history_user = user
    if reason:
        figure._change_reason = reason[:100]
    try:
        with transaction.atomic():
            figure.save()
    except IntegrityError:  # the same figure confirmed by someone else in the same instant
        raise _confirmed_clash(figure) from None
    return figure


# One figure -----------------------------------------------------------------------------------------------


@transaction.atomic
def figure_create(
    *, user: User, unit: Unit, period, indicator, value, document="", location="", quote="", derived="",
    confidence=None, confirm: bool = False,
) -> HistoricalFigure:  # fmt: skip
    """A draft (or, with `confirm`, a confirmed figure: leaders and administrators only)."""
    scope_require(user=user, unit=unit, roles=CONFIRMING_ROLES if confirm else ENTERING_ROLES,
                  what=CONFIRM_NEEDS_LEADER if confirm else None)  # fmt: skip
    period, indicator, value = _clean(unit=unit, period=period, indicator=indicator, value=value)
    if derived not in DERIVED:
        raise DomainError.single("derived", f"'{shown(derived)}' không hợp lệ", f"'{shown(derived)}' is not valid")
    figure = HistoricalFigure(
        unit=unit, period=period.code, indicator=indicator.code, value=value,
        document=to_text(document, field="document", max_length=DOCUMENT_MAX),
        location=to_text(location, field="location", max_length=LOCATION_MAX),
        quote=to_text(quote, field="quote", max_length=QUOTE_MAX), derived=derived, confidence=confidence,
        entered_by=user,
    )  # fmt: skip
    if confirm:
        figure.state, figure.confirmed_by, figure.confirmed_at = FigureState.CONFIRMED, user, clock.now()
    return _save(figure, user)


def _locked(figure: HistoricalFigure) -> HistoricalFigure:
    return HistoricalFigure.objects.select_for_update().select_related("unit").get(pk=figure.pk)


@transaction.atomic
def figure_confirm(*, user: User, figure: HistoricalFigure) -> HistoricalFigure:
    """A draft becomes the value: refused while another figure of the same unit, period and indicator is confirmed."""
    figure = _locked(figure)
    scope_require(user=user, unit=figure.unit, roles=CONFIRMING_ROLES, what=CONFIRM_NEEDS_LEADER)
    if figure.state == FigureState.CONFIRMED:
        return figure
    _period(figure.period)  # a draft saved for a period that was over then is still over; checked all the same
    if HistoricalFigure.objects.filter(
        unit=figure.unit, period=figure.period, indicator=figure.indicator, state=FigureState.CONFIRMED
    ).exists():
        raise _confirmed_clash(figure)
    figure.state, figure.confirmed_by, figure.confirmed_at = FigureState.CONFIRMED, user, clock.now()
    return _save(figure, user, "Xác nhận / confirmed")


@transaction.atomic
def figure_correct(*, user: User, figure: HistoricalFigure, value, reason, quote=None, document=None,
                   location=None) -> HistoricalFigure:  # fmt: skip
    """A confirmed figure changed, with the reason (kept in the figure and in its audit history)."""
    figure = _locked(figure)
    scope_require(user=user, unit=figure.unit, roles=CONFIRMING_ROLES, what=CONFIRM_NEEDS_LEADER)
    reason = to_text(reason, field="reason", max_length=2000)
    if not reason:
        raise DomainError.single(
            "reason", "Ghi lý do sửa số liệu đã xác nhận", "Give the reason for correcting a confirmed figure"
        )
    new = _value(indicators()[figure.indicator], value)
    changes = {"value": new}
    for name, given, limit in (("quote", quote, QUOTE_MAX), ("document", document, DOCUMENT_MAX),
                               ("location", location, LOCATION_MAX)):  # fmt: skip
        if given is not None:
            changes[name] = to_text(given, field=name, max_length=limit)
    if all(getattr(figure, name) == given for name, given in changes.items()):
        return figure
    for name, given in changes.items():
        setattr(figure, name, given)
    figure.reason = reason
    return _save(figure, user, reason)


@transaction.atomic
def figure_delete(*, user: User, figure: HistoricalFigure, reason: str = "") -> None:
    """A soft delete: a draft by whoever enters figures; a confirmed figure by a leader, with a reason."""
    figure = _locked(figure)
    confirmed = figure.state == FigureState.CONFIRMED
    scope_require(user=user, unit=figure.unit, roles=CONFIRMING_ROLES if confirmed else ENTERING_ROLES,
                  what=CONFIRM_NEEDS_LEADER if confirmed else None)  # fmt: skip
    reason = to_text(reason, field="reason", max_length=REASON_MAX)
    if confirmed and not reason:
        raise DomainError.single("reason", "Ghi lý do xóa số liệu đã xác nhận", "Give the reason for the deletion")
    mark_deleted(figure, user=user, reason=reason)


@transaction.atomic
def figure_restore(*, user: User, instance: HistoricalFigure) -> HistoricalFigure:
    """Bring a deleted figure back: administrators only; a confirmed one not while another is confirmed in its place."""
    figure = deleted_get(HistoricalFigure, instance.pk)
    restore_require(user=user, unit=figure.unit)
    if figure.state == FigureState.CONFIRMED and HistoricalFigure.objects.filter(
        unit=figure.unit, period=figure.period, indicator=figure.indicator, state=FigureState.CONFIRMED
    ).exists():
        raise _confirmed_clash(figure)
    return mark_restored(figure, user=user)


# From a report ----------------------------------------------------------------------------------------------


@dataclass
class Saved:
    """What saving an extraction did: the figures written, and those left out with the reason."""

    figures: list[HistoricalFigure] = field(default_factory=list)
    left_out: list[tuple[str, int, Message]] = field(default_factory=list)  # (indicator, year, why)
    flags: list[Message] = field(default_factory=list)


def extraction_flags(extraction: "Extraction", *, unit: Unit, year: int) -> list[Message]:
    """Why a document may not be the unit's report of the year: it reviews another year, or names other places."""
    flags = []
    if extraction.report_years and year not in extraction.report_years:
        years = ", ".join(str(y) for y in extraction.report_years)
        flags.append(Message(
            f"Văn bản tổng kết năm {years}, không phải năm {year}",
            f"The document reviews {years}, not {year}",
        ))  # fmt: skip
    own = _bare(unit.name)
    others = [place for place in extraction.places if _bare(place) not in own and own not in _bare(place)]
    if extraction.places and len(others) == len(extraction.places):
        flags.append(Message(
            f"Văn bản nói về {', '.join(others)}, không nhắc đến {unit.name}",
            f"The document is about {', '.join(others)} and does not name {unit.name}",
        ))  # fmt: skip
    return flags


def _bare(name: str) -> str:
    """A place's name without its level ("huyện Lạc Dương" → "lạc dương") for comparing names."""
    words = name.lower().split()
    for level in (("thành", "phố"), ("thị", "xã"), ("thị", "trấn"), ("đặc", "khu"), ("huyện",), ("xã",),
                  ("phường",), ("tỉnh",), ("quận",)):  # fmt: skip
        if tuple(words[: len(level)]) == level:
            words = words[len(level) :]
            break
    return " ".join(words)


def figures_save_extracted(
    *, user: User, unit: Unit, year: int, extraction: "Extraction", document: str, confirm: bool = False
) -> Saved:
    """The figures read from a report, as drafts (or confirmed at once, `confirm`: an administrator's bulk load) —
    all in one transaction. With `confirm`, nothing is written when the document looks like another unit's or
    year's (the flags), and conflicting figures (two sentences, two values) are each saved as drafts only."""
    scope_require(user=user, unit=unit, roles=CONFIRMING_ROLES if confirm else ENTERING_ROLES,
                  what=CONFIRM_NEEDS_LEADER if confirm else None)  # fmt: skip
    flags = extraction_flags(extraction, unit=unit, year=year)
    if confirm and flags:
        raise DomainError({"file": Message(
            "Không xác nhận hàng loạt: " + "; ".join(f.vi for f in flags),
            "Not confirmed in bulk: " + "; ".join(f.en for f in flags),
        )})  # fmt: skip
    # Each value of a conflict is kept as a draft, for a person to choose; the others once.
    conflicts = {(c.indicator, c.year): c.figures for c in extraction.conflicts}
    wanted = [f for f in extraction.figures if f.key not in conflicts]
    wanted += [f for found in extraction.figures if found.key in conflicts for f in conflicts[found.key]]
    conflicted = set(conflicts)
    saved = Saved(flags=flags)
    with transaction.atomic():
        for found in wanted:
            try:
                figure = figure_create(
                    user=user, unit=unit, period=str(found.year), indicator=found.indicator, value=found.value,
                    document=document, quote=found.sentence, derived=found.derived, confidence=found.confidence,
                    confirm=confirm and found.key not in conflicted,
                )  # fmt: skip
            except DomainError as exc:
                why = next(iter(exc.errors.values()))
                saved.left_out.append((found.indicator, found.year, why))
                continue
            saved.figures.append(figure)
    return saved


# The grid: a unit's main indicators for two years, as old reports give them ---------------------------------


@transaction.atomic
def figures_grid_save(*, user: User, unit: Unit, values: dict[tuple[str, int], object], document: str = "",
                      confirm: bool = False) -> list[HistoricalFigure]:  # fmt: skip
    """`values` maps (indicator, year) to what was typed (blank cells are skipped). Every cell is checked and the
    errors are named by cell ("traffic.accidents/2018"); nothing is written unless every cell is right."""
    errors: dict[str, Message] = {}
    planned = []
    for (code, year), raw in sorted(values.items()):
        if raw is None or str(raw).strip() == "":
            continue
        try:
            period, indicator, value = _clean(unit=unit, period=str(year), indicator=code, value=raw)
        except DomainError as exc:
            for message in exc.errors.values():
                errors[f"{code}/{year}"] = message
            continue
        planned.append((period, indicator, value))
    if errors:
        raise DomainError(errors)
    return [
        figure_create(user=user, unit=unit, period=period.code, indicator=indicator.code, value=value,
                      document=document, confirm=confirm)  # fmt: skip
        for period, indicator, value in planned
    ]


def figure_years_default(today: date | None = None) -> tuple[int, int]:
    """The two years the grid shows by default: last year and the one before (the comparison an old report gives)."""
    year = (today or clock.today()).year - 1
    return year - 1, year
