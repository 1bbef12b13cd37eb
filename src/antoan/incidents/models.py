from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from antoan.core.softdelete import SoftDeleteModel
from antoan.incidents.categories import IncidentKind, IncidentStatus
from antoan.units.models import Unit

# What the indicators group incidents by, and what they sum (indicators/catalogue.json; daily.py).
GROUPED_COLUMNS = ("kind", "category", "severity", "solved", "offence", "drug_substance", "accident_cause")
# The label of Incident.gravity (a property: no field carries a verbose name for it).
GRAVITY_LABEL = _("Gravity of the crime")
SUMMED_COLUMNS = (
    "suspects", "persons_involved", "dead", "injured", "property_damage_vnd", "missing", "houses_damaged",
    "houses_destroyed", "agriculture_ha", "economic_loss_million_vnd", "recovery_support_vnd", "rescued",
    "prosecuted", "drug_grams", "drug_tablets", "rehabilitation",
)  # fmt: skip
INDICATOR_COLUMNS = [*GROUPED_COLUMNS, *SUMMED_COLUMNS]
# What the map and the black spots read of each incident, besides its time and the columns above.
MAP_COLUMNS = ["latitude", "longitude", "id"]


class DuplicateState(models.TextChoices):
    NONE = "", _("Not a duplicate")
    FLAGGED = "flagged", _("Possible duplicate")
    DISMISSED = "dismissed", _("Not a duplicate (checked)")


class Incident(SoftDeleteModel):
    """One record of the registry: a criminal case, a social-evil case, a traffic accident or a disaster.

    One table for the four kinds, so that lists, filters, imports and indicators work on one thing; the
    fields a kind does not use stay empty. Which fields a kind requires is decided in services.py only.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    category = models.CharField(_("category"), max_length=32, blank=True)
    # A commune-level unit of the hierarchy valid on the day (a legacy commune before 1 July 2025).
    unit = models.ForeignKey(Unit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField(_("occurred at"))
    # Derived, kept by the services (units.reorg.attribute_communes): the commune of each hierarchy this
    # record counts toward — one of them is `unit` itself, the other comes from the 2025 succession map
    # and, where an old commune was split, from the coordinates. A figure for a current unit over years
    # before 1/7/2025 (or for an old unit after) is then one indexed comparison.
    current_commune = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    legacy_commune = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.RECEIVED
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)

    # Criminal cases
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    suspects = models.PositiveIntegerField(_("suspects"), null=True, blank=True)
    offence = models.CharField(_("offence"), max_length=24, blank=True)  # categories.OFFENCES
    prosecuted = models.PositiveIntegerField(_("persons prosecuted"), null=True, blank=True)
    drug_substance = models.CharField(_("drug seized"), max_length=20, blank=True)  # categories.DRUG_SUBSTANCES
    drug_grams = models.PositiveIntegerField(_("drugs seized (grams)"), null=True, blank=True)
    drug_tablets = models.PositiveIntegerField(_("drugs seized (tablets)"), null=True, blank=True)
    # Social evils
    persons_involved = models.PositiveIntegerField(_("persons involved"), null=True, blank=True)
    rehabilitation = models.PositiveIntegerField(_("persons sent to rehabilitation"), null=True, blank=True)
    # Traffic accidents and disasters (people)
    dead = models.PositiveIntegerField(_("dead"), null=True, blank=True)
    injured = models.PositiveIntegerField(_("injured"), null=True, blank=True)
    # Traffic accidents
    injury_rate_total_pct = models.PositiveIntegerField(_("total body-injury rate (%)"), null=True, blank=True)
    property_damage_vnd = models.PositiveBigIntegerField(_("property damage (VND)"), null=True, blank=True)
    vehicles = models.PositiveIntegerField(_("vehicles involved"), null=True, blank=True)
    road_name = models.CharField(_("road"), max_length=200, blank=True)
    cause = models.CharField(_("cause"), max_length=300, blank=True)
    # Whether the road (its design, surface, signs) was among the causes: a black spot leaves out accidents the road
    # did not cause (Thông tư 41/2024/TT-BGTVT); unknown (None) counts as possible.
    road_cause = models.BooleanField(_("road a cause"), null=True, blank=True)
    accident_cause = models.CharField(_("main cause"), max_length=16, blank=True)  # categories.ACCIDENT_CAUSES
    # Fires and explosions (also dead, injured, property damage; persons_involved: the people who were there)
    fire_cause = models.CharField(_("cause of the fire"), max_length=24, blank=True)
    rescued = models.PositiveIntegerField(_("people rescued"), null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=32, blank=True, db_index=True)
    severity_source = models.CharField(_("severity rule"), max_length=100, blank=True)
    # Disasters (TTLT 43/2015/TTLT-BNNPTNT-BKHĐT damage groups)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    missing = models.PositiveIntegerField(_("missing"), null=True, blank=True)
    houses_damaged = models.PositiveIntegerField(_("houses damaged"), null=True, blank=True)
    houses_destroyed = models.PositiveIntegerField(_("houses destroyed"), null=True, blank=True)
    agriculture_ha = models.PositiveIntegerField(_("crops and farmland damaged (ha)"), null=True, blank=True)
    transport_m = models.PositiveIntegerField(_("roads damaged (m)"), null=True, blank=True)
    transport_m3 = models.PositiveIntegerField(_("earth and rock slid onto roads (m³)"), null=True, blank=True)
    other_damage = models.CharField(_("other damage"), max_length=1000, blank=True)
    economic_loss_million_vnd = models.PositiveBigIntegerField(_("economic loss (million VND)"), null=True, blank=True)
    recovery_support_vnd = models.PositiveBigIntegerField(_("recovery support (VND)"), null=True, blank=True)
    recovery_support_description = models.CharField(_("recovery support given"), max_length=1000, blank=True)

    duplicate_state = models.CharField(
        _("duplicate check"), max_length=16, choices=DuplicateState.choices, blank=True, default=DuplicateState.NONE
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("possible duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            # Among live records: a deleted record releases its id (a re-import creates the record again).
            models.UniqueConstraint(
                fields=["unit", "external_id"],
                condition=~Q(external_id="") & Q(deleted_at__isnull=True),
                name="incident_external_id_unique_in_unit",
            ),
        ]
        indexes = [
            # Lists (web, API, export) of a user's units, newest first, and the duplicate check: a page's ids come
            # from this index alone (core/pagination.py), with the filters most lists use held in it.
            models.Index(
                fields=["unit", "occurred_at", "id"],
                include=["kind", "category", "status"],
                condition=Q(deleted_at__isnull=True),
                name="incident_unit_time_live",
            ),
            models.Index(fields=["kind", "occurred_at"], name="incident_kind_time"),
            # The daily totals recount a day (daily.py) on every write: without it, a scan of the (kind, time)
            # index from end to end (0.4 s on 5 million incidents).
            models.Index(fields=["occurred_at"], condition=Q(deleted_at__isnull=True), name="incident_time_live"),
            # Indicators: the communes of a unit, of either hierarchy, and a period — holding every column the
            # indicators group by and sum, and what the map and the black spots read, so that PostgreSQL answers
            # from the index alone (SQLite ignores `include`: there it is an index on the two fields). Partial: live
            # records only, which is what every indicator reads (the default manager adds "deleted_at IS NULL").
            models.Index(
                fields=["current_commune", "occurred_at"],
                include=[*INDICATOR_COLUMNS, *MAP_COLUMNS],
                condition=Q(deleted_at__isnull=True),
                name="incident_current_time",
            ),
            models.Index(
                fields=["legacy_commune", "occurred_at"],
                include=[*INDICATOR_COLUMNS, *MAP_COLUMNS],
                condition=Q(deleted_at__isnull=True),
                name="incident_legacy_time",
            ),
            # Re-imports look records up by (unit, external id); the partial unique index above cannot
            # serve "external_id = %s" on SQLite, so without this each lookup scans the commune's rows.
            models.Index(fields=["unit", "external_id"], name="incident_unit_external_id"),
            # The administrators' page of deleted records (few, among millions).
            models.Index(fields=["-deleted_at"], condition=Q(deleted_at__isnull=False), name="incident_deleted"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    # A crime's gravity (categories.CRIME_GRAVITIES) is entered, a traffic accident's severity computed; both are kept
    # in `severity`, which the indicators group by. `gravity` is the name forms, files and the API give the former.
    @property
    def gravity(self) -> str:
        return self.severity if self.kind == IncidentKind.CRIME else ""

    @gravity.setter
    def gravity(self, code: str) -> None:
        if self.kind == IncidentKind.CRIME:
            self.severity = code or ""


class DailyTotal(models.Model):
    """The registry of the whole country counted per local day and per combination of the columns indicators
    group by: ~45 rows a day instead of ~1,400 incidents, so that a national figure for a year reads ~16,000
    rows. Kept exact by the incident services (daily.py recomputes a day from the incidents whenever one of
    them is written); never edited by hand."""

    day = models.DateField()
    kind = models.CharField(max_length=16)
    category = models.CharField(max_length=32)
    severity = models.CharField(max_length=32)
    solved = models.BooleanField(null=True)
    # Added with #23; every incident had none of them then, so "" is exact for the days counted before.
    offence = models.CharField(max_length=24, default="")
    drug_substance = models.CharField(max_length=20, default="")
    accident_cause = models.CharField(max_length=16, default="")
    n = models.PositiveIntegerField()
    suspects = models.PositiveBigIntegerField(default=0)
    persons_involved = models.PositiveBigIntegerField(default=0)
    dead = models.PositiveBigIntegerField(default=0)
    injured = models.PositiveBigIntegerField(default=0)
    property_damage_vnd = models.PositiveBigIntegerField(default=0)
    missing = models.PositiveBigIntegerField(default=0)
    houses_damaged = models.PositiveBigIntegerField(default=0)
    houses_destroyed = models.PositiveBigIntegerField(default=0)
    agriculture_ha = models.PositiveBigIntegerField(default=0)
    economic_loss_million_vnd = models.PositiveBigIntegerField(default=0)
    recovery_support_vnd = models.PositiveBigIntegerField(default=0)
    rescued = models.PositiveBigIntegerField(default=0)  # no fire was recorded before this column: 0 is exact
    prosecuted = models.PositiveBigIntegerField(default=0)  # (the same for these, added with #23)
    drug_grams = models.PositiveBigIntegerField(default=0)
    drug_tablets = models.PositiveBigIntegerField(default=0)
    rehabilitation = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="daily_total_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.category} {self.severity} {self.solved}: {self.n}"


class ImportJob(models.Model):
    """One uploaded file and what became of it; the web page polls it for progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    converted_rows = models.PositiveIntegerField(default=0)
    rolled_back = models.BooleanField(default=False)
    # The first problems, to show on the page; all of them are in the problems CSV.
    problems = models.JSONField(default=list)
    message_vi = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The task that imports it (Django's task framework; see jobs.py): set when queued, and by the run that claims it.
    task_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
