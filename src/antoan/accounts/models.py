from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history import register as simple_history_register
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")  # everything, everywhere
    LEADER = "leader", _("Leader")  # reads the subtree of their units, approves
    OFFICER = "officer", _("Officer")  # reads and writes the subtree of their units
    VIEWER = "viewer", _("Viewer")  # reads the subtree of their units


WRITING_ROLES = frozenset({Role.ADMIN, Role.OFFICER})


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """The user works for this unit in this role; their scope is the unit's subtree (see selectors)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class ApiToken(models.Model):
    """A key for scripts and other systems to call /api/v1/ as this user (same scope as the user).

    Only a SHA-256 of the key is stored; the key itself is shown once, when it is created.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class _DeviceHistory(HistoricalRecords):
    """A two-factor device's audit trail: its enrolment, its confirmation and its removal (with who did it).

    django-otp saves the device at every code it checks (the last time step used, the drift, the throttling
    counters): those saves change nothing the audit shows, so they add no entry.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        if not created and not kwargs.get("raw", False):
            last = instance.history.order_by("-history_date", "-history_id").first()
            fields = self.fields_included(instance)
            if last is not None and all(getattr(last, f.attname) == getattr(instance, f.attname) for f in fields):
                return
        super().post_save(instance, created, using=using, **kwargs)


# The secret key is never copied into the history, nor what changes at each code checked.
TOTP_DEVICE_UNAUDITED = (
    "key",
    "last_t",
    "drift",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)
simple_history_register(
    TOTPDevice, app="antoan.accounts", records_class=_DeviceHistory, excluded_fields=list(TOTP_DEVICE_UNAUDITED)
)
