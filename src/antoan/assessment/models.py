"""Yearly "An toàn về an ninh, trật tự" assessments and movement ratings of a unit.

Whether an assessment is recognised is never stored as typed: `criteria_passed` is computed by the service
from the criterion rows, and the commune rule (the share of its residential areas recognised the same year)
is computed when read (selectors.with_recognition), so a residential area assessed later counts at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from antoan.core.softdelete import SoftDeleteModel
from antoan.units.models import Unit


class Assessment(SoftDeleteModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="antt_assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    subject_type = models.CharField(_("subject type"), max_length=20)
    criteria_set = models.CharField(_("criteria set"), max_length=60)
    criteria_source = models.CharField(_("source"), max_length=300)
    # Every criterion passed: computed by the service from the rows below, never typed.
    criteria_passed = models.BooleanField(_("all criteria passed"))
    # For a commune: the least share of its residential areas that must be recognised, in basis points
    # (7000 = 70%), copied from the criteria set when the assessment is recorded; null for other subjects.
    share_min_bp = models.PositiveIntegerField(_("residential areas recognised, at least"), null=True, blank=True)
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
        constraints = [
            # One live assessment per unit and year; a deleted one is kept beside it (core.softdelete).
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(deleted_at__isnull=True), name="assessment_one_per_unit_year"
            )
        ]
        indexes = [models.Index(fields=["year", "subject_type"], name="assessment_year_subject")]
        ordering = ["-year", "unit__path"]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}"


class AssessmentCriterion(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("criterion"), max_length=20)
    passed = models.BooleanField(_("passed"))
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="assessment_criterion_once")]

    def __str__(self) -> str:
        return f"{self.code}: {'đạt' if self.passed else 'không đạt'}"


class Rating(SoftDeleteModel):
    """A movement rating (xếp loại phong trào): points per criterion; total and grade computed from them."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="movement_ratings")
    year = models.PositiveSmallIntegerField(_("year"))
    subject_type = models.CharField(_("subject type"), max_length=20)
    scale = models.CharField(_("rating scale"), max_length=60)
    scale_source = models.CharField(_("source"), max_length=300)
    points = models.JSONField(_("points"), default=dict)
    total = models.PositiveIntegerField(_("total"))
    max_total = models.PositiveIntegerField(_("out of"))
    grade = models.CharField(_("grade"), max_length=20)
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
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(deleted_at__isnull=True), name="rating_one_per_unit_year"
            )
        ]
        ordering = ["-year", "unit__path"]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}"
