from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from antoan.incidents.models import Incident
from antoan.units.models import Unit


class TipCategory(models.TextChoices):
    SECURITY_ORDER = "security_order", _("Security and order")
    DRUGS = "drugs", _("Drugs")
    GAMBLING = "gambling", _("Gambling")
    LOAN_SHARKING = "loan_sharking", _("Loan-sharking")
    TRAFFIC = "traffic", _("Traffic accident or congestion")
    DISASTER = "disaster", _("Natural disaster or emergency")
    OTHER = "other", _("Other")


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Being handled")
    HANDLED = "handled", _("Handled")
    NOT_ACTIONABLE = "not_actionable", _("Not actionable")


class Tip(models.Model):
    """A citizen's report through the public form.

    Nothing here identifies the sender unless they gave contact details: no address, user agent or
    cookie is stored. `public_reply` is what the tracking page shows; `officer_notes` never leaves the
    triage pages.
    """

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    category = models.CharField(_("what happened"), max_length=20, choices=TipCategory.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="tips")
    occurred_at = models.DateTimeField(_("when"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=5000)
    contact_name = models.CharField(_("name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("email"), max_length=254, blank=True)
    share_photo_location = models.BooleanField(_("share the photos' location"), default=False)

    status = models.CharField(_("status"), max_length=16, choices=TipStatus.choices, default=TipStatus.RECEIVED)
    public_reply = models.TextField(_("public reply"), max_length=2000, blank=True)
    officer_notes = models.TextField(_("officers' notes"), max_length=5000, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The incident record made from this tip; the record's page links back here.
    incident = models.OneToOneField(
        Incident, verbose_name=_("incident record"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tip",
    )  # fmt: skip
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    first_action_at = models.DateTimeField(_("first action at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["tracking_code"])

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status", "received_at"], name="tip_unit_status_time"),
            models.Index(fields=["unit", "received_at"], name="tip_unit_time"),  # indicators: a unit's period
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.received_at:%d/%m/%Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in (TipStatus.RECEIVED, TipStatus.PROCESSING)


class TipPhoto(models.Model):
    """A photo sent with a tip, re-encoded on arrival (so only pixels are kept, not the sender's file)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="photos")
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.stored_name
