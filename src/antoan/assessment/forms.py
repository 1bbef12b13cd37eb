"""Forms of the assessment pages. Fields are loose (text in, text out): the services judge every value and
answer with bilingual messages filed under the names these fields carry (a criterion's code, evidence:<code>)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from antoan.assessment.criteria import Subject, subject_choices
from antoan.assessment.ratings import RatingSheet, grade_choices
from antoan.assessment.services import evidence_field
from antoan.core.forms import UPLOAD_ERRORS, TextField
from antoan.core.values import YEAR_MAX, YEAR_MIN
from antoan.incidents.selectors import incident_unit_choices
from antoan.units.models import Hierarchy, Kind, Unit
from antoan.units.selectors import unit_writable_communes

EMPTY_CHOICE = ("", "—")
PASSED_CHOICES = [
    ("1", pgettext_lazy("assessment criterion", "Passed")),
    ("0", pgettext_lazy("assessment criterion", "Failed")),
]


def _unit_filter_choices(user) -> list[tuple[str, str]]:
    return [EMPTY_CHOICE, *((str(u.pk), u.name) for u in incident_unit_choices(user=user))]


def _year_widget():
    return forms.NumberInput(attrs={"min": YEAR_MIN, "max": YEAR_MAX, "step": 1, "inputmode": "numeric"})


class AssessmentFilterForm(forms.Form):
    """The list's filters, only to show the inputs: AssessmentFilters.from_params judges the values."""

    year = forms.CharField(label=_("Year"), required=False, widget=_year_widget())
    subject_type = forms.CharField(label=_("Subject"), required=False)
    recognised = forms.CharField(label=_("Result"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_type"].widget = forms.Select(choices=[EMPTY_CHOICE, *subject_choices()])
        self.fields["recognised"].widget = forms.Select(
            choices=[EMPTY_CHOICE, ("1", _("Recognised")), ("0", _("Not recognised"))]
        )
        self.fields["unit"].widget = forms.Select(choices=_unit_filter_choices(user))


class RatingFilterForm(forms.Form):
    year = forms.CharField(label=_("Year"), required=False, widget=_year_widget())
    subject_type = forms.CharField(label=_("Subject"), required=False)
    grade = forms.CharField(label=_("Grade"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_type"].widget = forms.Select(choices=[EMPTY_CHOICE, *subject_choices()])
        self.fields["grade"].widget = forms.Select(choices=[EMPTY_CHOICE, *grade_choices()])
        self.fields["unit"].widget = forms.Select(choices=_unit_filter_choices(user))


def assessable_unit_choices(*, user) -> list:
    """The communes the user may write for, each with its establishments (residential areas, agencies, …)."""
    communes = list(unit_writable_communes(user=user))
    establishments: dict[int, list[Unit]] = {}
    for unit in Unit.objects.filter(Q(parent__in=communes), kind=Kind.ESTABLISHMENT).order_by("name"):
        establishments.setdefault(unit.parent_id, []).append(unit)
    choices = [EMPTY_CHOICE]
    for commune in communes:
        until = f" ({_('until 30/06/2025')})" if commune.hierarchy == Hierarchy.LEGACY else ""
        options = [(str(commune.pk), f"{commune.name}{until}")]
        options += [(str(e.pk), f"— {e.name} ({e.type_name})") for e in establishments.get(commune.pk, [])]
        choices.append((f"{commune.name}{until}", options))
    return choices


class SubjectPickForm(forms.Form):
    """Which unit and year to assess (GET), when the page was opened without them."""

    unit = forms.CharField(label=_("Unit"), required=False)
    year = forms.CharField(label=_("Year"), required=False, widget=_year_widget())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = forms.Select(choices=assessable_unit_choices(user=user))


class AssessmentForm(forms.Form):
    """One row per criterion of the set: passed or failed, and the evidence."""

    def __init__(self, *args, subject: Subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        for criterion in subject.criteria:
            self.fields[criterion.code] = TextField(
                label=criterion.text,
                widget=forms.RadioSelect(choices=PASSED_CHOICES),
            )
            self.fields[evidence_field(criterion.code)] = TextField(
                label=_("Evidence"),
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
            )

    @classmethod
    def initial_from(cls, assessment) -> dict:
        initial = {}
        for row in assessment.criteria.all():
            initial[row.code] = "1" if row.passed else "0"
            initial[evidence_field(row.code)] = row.evidence
        return initial

    def rows(self):
        return [(c, self[c.code], self[evidence_field(c.code)]) for c in self.subject.criteria]

    def results(self) -> dict:
        data = self.cleaned_data
        return {
            c.code: {"passed": data.get(c.code), "evidence": data.get(evidence_field(c.code))}
            for c in self.subject.criteria
        }


class RatingForm(forms.Form):
    """One number per criterion of the scoring sheet; the total and the grade are computed."""

    def __init__(self, *args, sheet: RatingSheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for criterion in sheet.criteria:
            self.fields[criterion.code] = TextField(
                label=criterion.text,
                widget=forms.NumberInput(attrs={"min": 0, "max": criterion.max_points, "step": 1}),
            )

    def groups(self):
        return [(g, [(c, self[c.code]) for c in g.criteria]) for g in self.sheet.groups]

    def points(self) -> dict:
        return {c.code: self.cleaned_data.get(c.code) for c in self.sheet.criteria}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"), error_messages=UPLOAD_ERRORS)
    all_or_nothing = forms.BooleanField(label=_("Write nothing if any row is rejected"), required=False)
