"""The movement "Toàn dân bảo vệ an ninh Tổ quốc" and the operations behind the year's figures.

Every model has a unit (whose officers may write it), an external id (unique among the unit's live records, for
re-imports) and its audit history; a deleted record is kept, marked (core.softdelete). The rules live in
record_types.py; the generic machinery in movement.records.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from antoan.core.softdelete import SoftDeleteModel
from antoan.incidents.categories import CATEGORIES, IncidentKind
from antoan.units.models import Unit

UNIT_LABEL = _("unit")


def _unit(verbose=UNIT_LABEL):
    return models.ForeignKey(Unit, verbose_name=verbose, on_delete=models.PROTECT, related_name="+")


def _external_id():
    return models.CharField(_("external id"), max_length=64, blank=True)


def _unit_period(field: str, name: str) -> models.Index:
    """The indicators read a unit's records of a period (live ones): this index serves that range."""
    return models.Index(fields=["unit", field], condition=Q(deleted_at__isnull=True), name=name)


def _unique_external_id(name: str):
    # Among live records: a deleted record releases its id (core.softdelete).
    return models.UniqueConstraint(
        fields=["unit", "external_id"], condition=~Q(external_id="") & Q(deleted_at__isnull=True), name=name
    )


class ModelType(models.TextChoices):
    SELF_MANAGED = "self_managed", _("Self-management (tự quản)")
    SELF_DEFENCE = "self_defence", _("Self-defence (tự phòng, tự bảo vệ)")
    SECURITY_CAMERA = "camera", _("Security cameras")
    SAFE_ROAD = "safe_road", _("Safe road (đường tự quản ATGT)")
    OTHER = "other", _("Other")


class ModelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class MovementModel(SoftDeleteModel):
    """A self-management model ("mô hình", Hướng dẫn 22/HD-BCA-V05): where it is applied, who runs it."""

    name = models.CharField(_("name"), max_length=200)
    model_type = models.CharField(_("type"), max_length=16, choices=ModelType.choices)
    unit = _unit()
    started_on = models.DateField(_("started on"))
    places = models.TextField(_("places applied (điểm)"), max_length=2000, blank=True)
    teams = models.PositiveIntegerField(_("teams"), null=True, blank=True)
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    lead_body = models.CharField(_("lead body"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ModelStatus.choices, default=ModelStatus.ACTIVE)
    # When a suspended or ended model stopped: the indicators count it as active before that day.
    ended_on = models.DateField(_("stopped on"), null=True, blank=True)
    inspection_interval_months = models.PositiveIntegerField(_("inspect every (months)"), default=6)
    # Derived: the last inspection (or the start) plus the interval; kept by the services. Not indexed: the overdue
    # lists are read per unit (the unit's index), and an index on the day made PostgreSQL walk the whole country's
    # overdue models for a province's first ten (migration 0006).
    next_inspection_due = models.DateField(_("next inspection due"), null=True, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("movement_model_external_id")]

    def __str__(self) -> str:
        return self.name


class Rating(models.TextChoices):
    GOOD = "good", _("Good (tốt)")
    FAIR = "fair", _("Fair (khá)")
    AVERAGE = "average", _("Average (trung bình)")
    POOR = "poor", _("Poor (yếu)")


class Inspection(SoftDeleteModel):
    model = models.ForeignKey(
        MovementModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="inspections"
    )
    unit = _unit()  # the model's, for scope
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.CharField(_("inspector"), max_length=200)
    rating = models.CharField(_("quality"), max_length=10, choices=Rating.choices)
    findings = models.TextField(_("findings"), max_length=4000, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("inspection_external_id")]
        indexes = [
            _unit_period("inspected_on", "inspection_unit_day"),
            # A model's last inspection up to a day (whether it is overdue), read from the index alone.
            models.Index(fields=["model", "inspected_on"], name="inspection_model_day"),
        ]

    def __str__(self) -> str:
        return f"{self.model} — {self.inspected_on:%d/%m/%Y}"


class RecipientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class Exemplar(SoftDeleteModel):
    """An exemplary person or collective ("điển hình tiên tiến")."""

    kind = models.CharField(_("person or collective"), max_length=12, choices=RecipientKind.choices)
    name = models.CharField(_("name"), max_length=200)
    unit = _unit()
    year = models.PositiveIntegerField(_("year"))
    achievement = models.TextField(_("achievement"), max_length=4000)
    recognised_by = models.CharField(_("recognised by"), max_length=200, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("exemplar_external_id")]
        indexes = [_unit_period("year", "exemplar_unit_year")]

    def __str__(self) -> str:
        return self.name


class Award(models.TextChoices):
    MEDAL = "medal", _('Kỷ niệm chương "Bảo vệ an ninh Tổ quốc"')
    MERIT = "merit", _("Certificate of merit (Bằng khen)")
    COMMENDATION = "commendation", _("Certificate of commendation (Giấy khen)")
    OTHER = "other", _("Other")


class Authority(models.TextChoices):
    MINISTRY = "ministry", _("Ministry of Public Security (Bộ Công an)")
    PROVINCIAL_POLICE = "provincial_police", _("Director of the provincial police")
    PROVINCE_CHAIR = "province_chair", _("Chairman of the provincial People's Committee")
    DISTRICT_CHAIR = "district_chair", _("Chairman of the district People's Committee")
    COMMUNE_CHAIR = "commune_chair", _("Chairman of the commune People's Committee")
    OTHER = "other", _("Other")


class Commendation(SoftDeleteModel):
    award = models.CharField(_("award"), max_length=14, choices=Award.choices)
    authority = models.CharField(_("granted by"), max_length=20, choices=Authority.choices)
    recipient_kind = models.CharField(_("recipient"), max_length=12, choices=RecipientKind.choices)
    recipient_name = models.CharField(_("recipient's name"), max_length=200)
    # With the name, tells two people apart (the medal is given once per person).
    recipient_birth_year = models.PositiveIntegerField(_("recipient's year of birth"), null=True, blank=True)
    # What the medal's rule (movement/rules/commemorative_medal.json) asks of a recipient, as the officer knows it.
    holds_police_medal = models.BooleanField(_("holds the medal Chiến sĩ vẻ vang or Vì an ninh Tổ quốc"), default=False)
    prosecuted = models.BooleanField(_("criminally prosecuted or sent to compulsory education"), default=False)
    under_discipline = models.BooleanField(_("under disciplinary review or an unresolved complaint"), default=False)
    unit = _unit()
    year = models.PositiveIntegerField(_("year"))
    decision_number = models.CharField(_("decision number"), max_length=50)
    decision_date = models.DateField(_("decision date"))
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("commendation_external_id")]
        indexes = [_unit_period("decision_date", "commendation_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_award_display()} — {self.recipient_name}"


class ForceDeployment(SoftDeleteModel):
    """Regular police officers sent to communes ("tăng cường … công an chính quy về xã")."""

    unit = _unit(_("to commune"))
    deployed_on = models.DateField(_("deployed on"))
    officers = models.PositiveIntegerField(_("officers"))
    from_body = models.CharField(_("from"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("deployment_external_id")]
        indexes = [_unit_period("deployed_on", "deployment_unit_day")]

    def __str__(self) -> str:
        return f"{self.officers} → {self.unit}"


class TrafficPatrol(SoftDeleteModel):
    unit = _unit()
    patrolled_on = models.DateField(_("date"))
    hours = models.PositiveIntegerField(_("hours"))
    violations_found = models.PositiveIntegerField(_("violations found"))
    violations_handled = models.PositiveIntegerField(_("violations handled"))
    fines_vnd = models.PositiveBigIntegerField(_("fines (VND)"), default=0)
    vehicles_impounded = models.PositiveIntegerField(_("vehicles impounded"), default=0)
    # The violations handled, by the kinds reviews name (#23); the rest are "other" (handled minus these).
    alcohol_violations = models.PositiveIntegerField(_("alcohol violations"), default=0)
    speed_violations = models.PositiveIntegerField(_("speeding violations"), default=0)
    helmet_violations = models.PositiveIntegerField(_("helmet violations"), default=0)
    overload_violations = models.PositiveIntegerField(_("overload violations"), default=0)
    licences_suspended = models.PositiveIntegerField(_("driving licences suspended"), default=0)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("patrol_external_id")]
        indexes = [_unit_period("patrolled_on", "patrol_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit} {self.patrolled_on:%d/%m/%Y}"


class Topic(models.TextChoices):
    SECURITY = "security", _("Security and order (ANTT)")
    TRAFFIC = "traffic", _("Traffic safety (ATGT)")
    DISASTER = "disaster", _("Disaster prevention (PCTT)")


class PropagandaSession(SoftDeleteModel):
    unit = _unit()
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    sessions = models.PositiveIntegerField(_("sessions"))
    attendees = models.PositiveIntegerField(_("attendees"))
    materials = models.PositiveIntegerField(_("leaflets and materials"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("propaganda_external_id")]
        indexes = [_unit_period("held_on", "propaganda_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} — {self.held_on:%d/%m/%Y}"


class RoadSignage(SoftDeleteModel):
    unit = _unit()
    done_on = models.DateField(_("date"))
    repaired = models.PositiveIntegerField(_("signs repaired"), default=0)
    installed = models.PositiveIntegerField(_("signs newly installed"), default=0)
    location = models.CharField(_("location"), max_length=300)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("signage_external_id")]
        indexes = [_unit_period("done_on", "signage_unit_day")]

    def __str__(self) -> str:
        return self.location


HAZARDS = tuple((c.code, c.vi) for c in CATEGORIES[IncidentKind.DISASTER])


class ResponsePlan(SoftDeleteModel):
    """A unit's plan against one hazard ("phương án ứng phó"), reviewed on a schedule."""

    unit = _unit()
    hazard = models.CharField(_("hazard"), max_length=20, choices=HAZARDS)
    approved_on = models.DateField(_("approved on"))
    next_review_on = models.DateField(_("next review on"))  # not indexed: as next_inspection_due
    resources = models.TextField(_("resources"), max_length=4000, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("plan_external_id")]
        indexes = [_unit_period("approved_on", "plan_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_hazard_display()} — {self.unit}"


class SecurityEventKind(models.TextChoices):
    """Events of political security (an ninh chính trị) as year-end reviews name them."""

    MASS_GATHERING = "mass_gathering", _("Mass gathering")
    GROUP_COMPLAINT = "group_complaint", _("Complaint by many people")
    RELIGIOUS = "religious", _("Religious incident")
    ETHNIC = "ethnic", _("Ethnic incident")
    PROPAGANDA = "propaganda", _("Reactionary propaganda")
    OTHER = "other", _("Other")


class SecurityEvent(SoftDeleteModel):
    """An event of political security: where, who, how it was handled; a hot spot (điểm nóng) and when it ended."""

    unit = _unit()
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind of event"), max_length=20, choices=SecurityEventKind.choices)
    summary = models.CharField(_("what happened"), max_length=1000)
    place = models.CharField(_("place"), max_length=300, blank=True)
    people_involved = models.PositiveIntegerField(_("people involved"), default=0)
    handling = models.CharField(_("how it was handled"), max_length=1000, blank=True)
    hot_spot = models.BooleanField(_("a hot spot (điểm nóng)"), default=False)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("security_event_external_id")]
        indexes = [_unit_period("occurred_on", "security_event_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit} {self.occurred_on:%d/%m/%Y}"


class WantedOutcome(models.TextChoices):
    ARRESTED = "arrested", _("Arrested")
    SURRENDERED = "surrendered", _("Surrendered after persuasion")
    CANCELLED = "cancelled", _("Wanted notice cancelled")


class WantedPerson(SoftDeleteModel):
    """A wanted person (đối tượng truy nã) dealt with: arrested, surrendered after persuasion, or notice cancelled."""

    unit = _unit()
    handled_on = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=WantedOutcome.choices)
    notice_number = models.CharField(_("wanted notice number"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("wanted_external_id")]
        indexes = [_unit_period("handled_on", "wanted_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.unit} {self.handled_on:%d/%m/%Y}"


class WeaponKind(models.TextChoices):
    """What is recovered, each counted in its own measure (WEAPON_MEASURES)."""

    FIREARM = "firearm", _("Firearms")
    AMMUNITION = "ammunition", _("Ammunition")
    EXPLOSIVE = "explosive", _("Explosives")
    DETONATOR = "detonator", _("Detonators")
    COLD_WEAPON = "cold_weapon", _("Knives and cold weapons")
    SUPPORT_TOOL = "support_tool", _("Support tools")
    FIREWORKS = "fireworks", _("Fireworks")


# (Vietnamese, English) measure of each kind, as reports count them ("05 khẩu súng, 120 viên đạn, 3 kg vật liệu nổ").
WEAPON_MEASURES = {
    "firearm": ("khẩu", "guns"), "ammunition": ("viên", "rounds"), "explosive": ("kg", "kg"),
    "detonator": ("kíp", "detonators"), "cold_weapon": ("cái", "items"), "support_tool": ("cái", "items"),
    "fireworks": ("kg", "kg"),
}  # fmt: skip


class WeaponRecovery(SoftDeleteModel):
    """Weapons, explosives, support tools and fireworks recovered: seized, or handed in by the people themselves."""

    unit = _unit()
    recovered_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=14, choices=WeaponKind.choices)
    quantity = models.PositiveIntegerField(_("quantity (in the kind's measure)"))
    handed_in = models.BooleanField(_("handed in voluntarily"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("weapon_external_id")]
        indexes = [_unit_period("recovered_on", "weapon_unit_day")]

    def __str__(self) -> str:
        return f"{self.quantity} {WEAPON_MEASURES[self.kind][0]} — {self.get_kind_display()}"


class DocumentType(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution (nghị quyết)")
    DIRECTIVE = "directive", _("Directive (chỉ thị)")
    PLAN = "plan", _("Plan (kế hoạch)")
    DECISION = "decision", _("Decision (quyết định)")
    LETTER = "letter", _("Official letter (công văn)")


class DirectionDocument(SoftDeleteModel):
    """A document of leadership and direction (lãnh đạo, chỉ đạo) on security and order that the unit issued."""

    unit = _unit()
    issued_on = models.DateField(_("issued on"))
    doc_type = models.CharField(_("type of document"), max_length=12, choices=DocumentType.choices)
    number = models.CharField(_("number and symbol"), max_length=60)
    subject = models.CharField(_("subject"), max_length=500)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("document_external_id")]
        indexes = [_unit_period("issued_on", "document_unit_day")]

    def __str__(self) -> str:
        return f"{self.number} — {self.subject[:60]}"


class ConferenceKind(models.TextChoices):
    LAUNCH = "launch", _("Launch (triển khai)")
    MID_YEAR = "mid_year", _("Review (sơ kết)")
    YEAR_END = "year_end", _("Year-end review (tổng kết)")
    OTHER = "other", _("Other")


class Conference(SoftDeleteModel):
    """A conference on security and order the unit held: to launch, review or sum up the work."""

    unit = _unit()
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=10, choices=ConferenceKind.choices)
    subject = models.CharField(_("subject"), max_length=500)
    attendees = models.PositiveIntegerField(_("attendees"), default=0)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("conference_external_id")]
        indexes = [_unit_period("held_on", "conference_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.subject[:60]}"


class RescueOperation(SoftDeleteModel):
    """A search and rescue operation (tìm kiếm cứu nạn, cứu hộ): what happened, the forces and vehicles mobilised,
    the people rescued and the property saved."""

    unit = _unit()
    started_on = models.DateField(_("date"))
    summary = models.CharField(_("what happened"), max_length=1000)
    forces = models.PositiveIntegerField(_("people mobilised"), default=0)
    vehicles = models.PositiveIntegerField(_("vehicles mobilised"), default=0)
    people_rescued = models.PositiveIntegerField(_("people rescued"), default=0)
    bodies_recovered = models.PositiveIntegerField(_("bodies recovered"), default=0)
    property_saved_vnd = models.PositiveBigIntegerField(_("property saved (VND)"), default=0)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("rescue_external_id")]
        indexes = [_unit_period("started_on", "rescue_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit} {self.started_on:%d/%m/%Y} — {self.summary[:60]}"


class ResultKind(models.TextChoices):
    """The movement's other results, as reviews count them."""

    REFORMED = "reformed", _("People reformed and educated in the community")
    CAMERAS = "cameras", _("Security cameras installed with the people's money")
    PACTS = "pacts", _("Emulation pacts signed")
    TROUBLED_AREAS = "troubled_areas", _("Key, complicated areas transformed")
    CRITERION_19_2 = "criterion_19_2", _("Communes meeting criterion 19.2 of the new countryside")


# (Vietnamese measure, English measure) of each kind.
RESULT_MEASURES = {
    "reformed": ("người", "persons"), "cameras": ("camera", "cameras"), "pacts": ("bản", "pacts"),
    "troubled_areas": ("địa bàn", "areas"), "criterion_19_2": ("xã", "communes"),
}  # fmt: skip


class MovementResult(SoftDeleteModel):
    """One of the movement's other results: people reformed, cameras installed with the people's money (and what
    they cost), emulation pacts, key areas transformed, communes meeting criterion 19.2."""

    unit = _unit()
    achieved_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=ResultKind.choices)
    quantity = models.PositiveIntegerField(_("quantity (in the kind's measure)"))
    funds_vnd = models.PositiveBigIntegerField(_("funds raised (VND)"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    external_id = _external_id()

    history = HistoricalRecords()

    class Meta:
        constraints = [_unique_external_id("result_external_id")]
        indexes = [_unit_period("achieved_on", "result_unit_day")]

    def __str__(self) -> str:
        return f"{self.quantity} {RESULT_MEASURES[self.kind][0]} — {self.get_kind_display()}"
