from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from antoan.core.lookups import Ids

# The 2025 reorganisation (Nghị quyết 202/2025/QH15): from this day the current hierarchy (province → commune) is in
# force; the legacy one (province → district → commune) ended the day before. The one place these days are written.
CUTOVER = date(2025, 7, 1)
LEGACY_LAST_DAY = CUTOVER - timedelta(days=1)


class Hierarchy(models.TextChoices):
    # Before 1 July 2025: province → district → commune. From then on: province → commune.
    LEGACY = "legacy", _("Before 1 July 2025 (3 levels)")
    CURRENT = "current", _("From 1 July 2025 (2 levels)")


class Kind(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    ESTABLISHMENT = "establishment", _("Establishment")


class EstablishmentType(models.TextChoices):
    AGENCY = "agency", _("Agency or public unit")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    RESIDENTIAL_AREA = "residential_area", _("Residential area")


# The Vietnamese term stored as an establishment's type name, as "Xã" is for a commune.
ESTABLISHMENT_TYPE_NAMES = {
    EstablishmentType.AGENCY: "Cơ quan, đơn vị",
    EstablishmentType.ENTERPRISE: "Doanh nghiệp",
    EstablishmentType.SCHOOL: "Trường học",
    EstablishmentType.RESIDENTIAL_AREA: "Khu dân cư",
}


class UnitQuerySet(models.QuerySet):
    def ids_any(self, conditions: list[models.Q]) -> Ids:
        """The ids of the units that match any of `conditions`, as one `Ids`. Read as a UNION of one query per
        condition, each served by an index (the path prefix, the commune): ORed, the same conditions made
        PostgreSQL read the whole table (14,149 units, ~8 ms a request)."""
        first, *others = (self.filter(condition).order_by().values_list("pk", flat=True) for condition in conditions)
        return Ids(sorted(first.union(*others) if others else first))


class Unit(models.Model):
    """An administrative unit of either hierarchy, or an establishment located in a commune.

    Official codes are reused across the two hierarchies (23059 was Thị trấn Ma Lâm and is now Xã Hàm
    Thuận), so a code is only meaningful together with a date: see selectors.unit_for_code.
    """

    hierarchy = models.CharField(max_length=10, choices=Hierarchy.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200, help_text="Full name with its type: Xã Hàm Thuận")
    short_name = models.CharField(max_length=200, blank=True)
    type_name = models.CharField(max_length=30, help_text="Tỉnh, Thành phố, Huyện, Quận, Xã, Phường, …")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # The commune-level unit this unit lies in (itself for a commune; for the five legacy island
    # districts that had no communes, the district itself). Scope across the 2025 succession map joins
    # on it, so "Ma Lâm and everything located in it" is one indexed comparison.
    commune = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=True
    )
    # Materialised path of codes ("L.60.597.23059.", "C.68.23059.23059-001."): a subtree is a prefix.
    # Being unique, it is indexed; on PostgreSQL Django adds a varchar_pattern_ops twin for LIKE 'p%'.
    path = models.CharField(max_length=255, unique=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # [south, west, north, east] in degrees, where the source data has them.
    bounds = models.JSONField(null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)
    establishment_type = models.CharField(max_length=16, choices=EstablishmentType.choices, blank=True)
    address = models.CharField(max_length=300, blank=True)

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hierarchy", "code"], name="unit_code_unique_in_hierarchy"),
        ]
        indexes = [
            models.Index(fields=["code", "valid_from", "valid_to"], name="unit_code_on_date"),
            models.Index(fields=["parent", "name"], name="unit_children_by_name"),
        ]
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_legacy(self) -> bool:
        return self.hierarchy == Hierarchy.LEGACY

    def ancestors(self) -> list["Unit"]:
        """Parents from the top down (one query per level: at most three)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Succession(models.Model):
    """Old commune → new commune (Nghị quyết 202/2025/QH15 and the provinces' resolutions).

    An old commune split between several new ones has several rows, one of them the default successor
    that the source data names.
    """

    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions_out")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions_in")
    is_default = models.BooleanField(default=True)
    # Each current commune has exactly one primary predecessor: where its records count when a legacy
    # unit is asked about a period after 30/06/2025 (loader._mark_primary says how it is chosen).
    is_primary = models.BooleanField(default=False)
    source = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class PeriodLock(models.Model):
    """A leader has approved a unit's month: records of the unit's subtree dated in it are frozen.

    Unlocking deletes the row; simple-history keeps who locked and who unlocked, and when.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
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
