"""Special windows (đợt đặc biệt): a party congress, an election, a holiday campaign. Each becomes a reporting
period with the code "w:<slug>" (periods.period_parse); it is written only through window_services."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
