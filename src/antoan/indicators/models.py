"""Special windows (đợt đặc biệt): a party congress, an election, a holiday campaign. Each becomes a reporting
period with the code "w:<slug>" (periods.period_parse); it is written only through window_services.

Targets (chỉ tiêu): what a leader sets a unit's year to reach on a catalogue indicator; written only through
target_services, judged in targets.py."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from antoan.core.softdelete import SoftDeleteModel
from antoan.units.models import Unit


class SpecialWindow(models.Model):
    slug = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    # The province or commune the window concerns; empty for a national one.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("special window")
        verbose_name_plural = _("special windows")
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="special_window_end_after_start")]
        ordering = ["-start", "slug"]

    def __str__(self) -> str:
        return self.name


class TargetKind(models.TextChoices):
    """What a target asks of a figure (docs/targets.md has the phrasings they cover)."""

    AT_MOST = "at_most", _("At most N")
    AT_LEAST = "at_least", _("At least N")
    REDUCE_BY_PCT = "reduce_by_pct", _("Down by at least N percent on the year before")
    REDUCE = "reduce", _("Lower than the year before")
    NOT_INCREASE = "not_increase", _("No higher than the year before")
    INCREASE_BY_PCT = "increase_by_pct", _("Up by at least N percent on the year before")
    INCREASE = "increase", _("Higher than the year before")


class Target(SoftDeleteModel):
    """A target (chỉ tiêu) a leader sets for a unit's year on a catalogue indicator: "kéo giảm ít nhất 5 % số vụ tai
    nạn giao thông", "tỷ lệ điều tra, khám phá đạt ít nhất 75 %". Written only through target_services; judged
    against the catalogue's figure by targets.target_results."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=100)  # a code of indicators.catalogue
    kind = models.CharField(_("kind of target"), max_length=20, choices=TargetKind.choices)
    # N of the kinds that take one (a count, an amount, a rate in %, or a change in %); empty for the others.
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    document = models.CharField(_("document"), max_length=300, blank=True)  # "Nghị quyết số 12/NQ-HĐND ngày …"
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            # One live target per unit, year, indicator and kind; a deleted one is kept beside it (core.softdelete).
            models.UniqueConstraint(
                fields=["unit", "year", "indicator", "kind"],
                condition=Q(deleted_at__isnull=True),
                name="target_once_per_unit_year_indicator_kind",
            ),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="target_value_not_negative"),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="target_unit_year")]
        ordering = ["-year", "unit__path", "indicator", "kind"]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}: {self.indicator} ({self.get_kind_display()})"


class FigureState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")


class HistoricalFigure(SoftDeleteModel):
    """A figure of a period before the records (docs/history.md): "44 vụ phạm pháp hình sự năm 2020", read from last
    year's báo cáo tổng kết or a news report, typed in a grid or imported. A draft is never used; a confirmed figure
    *is* the indicator's value for its unit and period (indicators.history). Written only through figure_services."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=20)  # a period code: 2018, st2018, 2018-H1, 2018-Q3, 2018-05
    indicator = models.CharField(_("indicator"), max_length=100)  # a code of indicators.catalogue
    value = models.DecimalField(_("figure"), max_digits=18, decimal_places=2)
    state = models.CharField(_("state"), max_length=10, choices=FigureState.choices, default=FigureState.DRAFT)
    # Provenance: the document, where in it, and the sentence that states the figure.
    document = models.CharField(_("source document"), max_length=300, blank=True)
    location = models.CharField(_("page or paragraph"), max_length=100, blank=True)
    quote = models.TextField(_("sentence quoted"), max_length=2000, blank=True)
    # How an extracted figure was read: "" stated, "change" from a change phrase, "percent" from an exact percentage.
    derived = models.CharField(_("derived from"), max_length=10, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    reason = models.TextField(_("reason for the correction"), max_length=2000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("historical figure")
        verbose_name_plural = _("historical figures")
        constraints = [
            # Drafts from several documents may disagree; one confirmed value per unit, period and indicator.
            models.UniqueConstraint(
                fields=["unit", "period", "indicator"],
                condition=Q(deleted_at__isnull=True, state="confirmed"),
                name="historical_figure_confirmed_once",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="historical_figure_value_not_negative"),
        ]
        indexes = [models.Index(fields=["unit", "period"], name="historical_figure_unit_period")]
        ordering = ["unit__path", "period", "indicator", "-state"]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period}: {self.indicator} = {self.value} ({self.get_state_display()})"
