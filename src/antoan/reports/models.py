"""What a unit keeps for its reports: how its documents are headed and signed, the officials' own words
for each report (sections II and III), and batch jobs that write one report per child unit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from antoan.units.models import Unit


class SignForm(models.TextChoices):
    ON_BEHALF = "TM.", _("On behalf of the committee (TM.)")
    DEPUTY = "KT.", _("Deputy for the chairman (KT.)")
    OWN = "", _("In one's own name")


class ChartPlacement(models.TextChoices):
    INLINE = "inline", _("After the text they illustrate")
    APPENDIX = "appendix", _("In an appendix")
    NONE = "none", _("No charts")


class ReportProfile(models.Model):
    """How a unit's reports are headed and signed (Nghị định 30/2020/NĐ-CP, Phụ lục I); each field has a default
    drawn from the unit when the profile is empty."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    issuer_lines = models.TextField(_("issuing body (one line each)"), max_length=500, blank=True)
    number_suffix = models.CharField(_("document symbol"), max_length=50, default="BC-UBND")
    place = models.CharField(_("place name in the date line"), max_length=100, blank=True)
    sign_form = models.CharField(_("signing form"), max_length=3, choices=SignForm.choices, blank=True, default="TM.")
    signer_title = models.CharField(_("signer's title"), max_length=100, default="CHỦ TỊCH")
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    recipients = models.TextField(_("recipients (one line each)"), max_length=2000, blank=True)
    # The opening paragraph's basis ("Thực hiện Kế hoạch số 15/KH-UBND ngày 20/01/2020 của UBND huyện …"): what the
    # unit reports under, remembered for its next reports; empty: the usual wording (reports/opening.py).
    opening = models.TextField(_("basis of the report (opening)"), max_length=2000, blank=True)
    chart_placement = models.CharField(
        _("charts"), max_length=10, choices=ChartPlacement.choices, default=ChartPlacement.INLINE
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return str(self.unit)


class ReportDraft(models.Model):
    """The parts of one report that need judgement (reports/drafting.py): drafted by the system from the figures,
    then edited by the officials; what they save is what every format prints. An empty field prints the draft."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period_code = models.CharField(_("period"), max_length=80)
    number = models.CharField(_("document number"), max_length=20, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)  # None: the default day (reports/opening.py)
    leadership = models.TextField(_("leadership and direction"), max_length=20000, blank=True)
    political = models.TextField(_("political security"), max_length=20000, blank=True)
    strengths = models.TextField(_("strengths"), max_length=20000, blank=True)
    shortcomings = models.TextField(_("shortcomings"), max_length=20000, blank=True)
    causes = models.TextField(_("causes"), max_length=20000, blank=True)
    lessons = models.TextField(_("lessons learnt"), max_length=20000, blank=True)
    tasks = models.TextField(_("tasks for the next period"), max_length=20000, blank=True)
    proposals = models.TextField(_("proposals"), max_length=20000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "period_code"], name="report_draft_once")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period_code}"


class BatchJob(models.Model):
    """One report per child unit of `unit`, zipped; `done` lists the child units finished so far, so a job cut
    short (its worker killed or restarted) resumes where it stopped."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period_code = models.CharField(_("period"), max_length=80)
    kind = models.CharField(max_length=10, default="annual")
    formats = models.CharField(max_length=40, default="docx")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    children = models.JSONField(default=list)  # [unit pk, …] in order
    done = models.JSONField(default=list)  # [unit pk, …] written into the work folder
    failed = models.JSONField(default=list)  # [{"unit": pk, "name": …, "vi": …, "en": …}]
    work_dir = models.CharField(max_length=500)
    zip_path = models.CharField(max_length=500, blank=True)
    # The task running it (Django's task framework; see jobs.py), or the command line's run: every write of a run
    # names it, so a run that was thought dead and replaced stops instead of writing twice.
    task_id = models.CharField(max_length=64, blank=True, default="")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period_code} ({self.get_state_display()})"

    @property
    def total(self) -> int:
        return len(self.children)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * (len(self.done) + len(self.failed)) / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
