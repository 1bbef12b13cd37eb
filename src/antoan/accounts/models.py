from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from antoan.units.models import Unit


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
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
