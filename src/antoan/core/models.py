from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PeriodLock(models.Model):
    """A leader has approved a unit's month: records of the unit's subtree dated in it are frozen.

    Unlocking deletes the row; simple-history keeps who locked and who unlocked, and when.
    """

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text="The first day of the month")
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("locked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="period_lock_unique")]
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%m/%Y}"
