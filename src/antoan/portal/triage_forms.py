"""Forms of the officers' pages: the queue's filters, and one small form per step taken on a tip.

As in the incident registry, the fields are loose (text in, text out) and the services judge the values, so the
pages and the API show the same bilingual messages. Field names are the services' error keys, so an error lands
on the field it is about; each step's form has its own prefix (the tip page shows them all at once).
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antoan.core.errors import DomainError, Message
from antoan.core.values import as_id
from antoan.incidents.categories import CATEGORIES, IncidentKind
from antoan.incidents.forms import (
    DATETIME_FIELDS,
    EMPTY_CHOICE,
    INPUT_DATE,
    INPUT_DATETIME,
    INPUT_DATETIME_SECONDS,
    TextField,
    incident_form_class,
)
from antoan.incidents.selectors import incident_unit_choices
from antoan.portal.models import Tip, TipCategory, TipStatus
from antoan.portal.selectors import tip_assignees
from antoan.portal.services import TIP_TO_INCIDENT, tip_incident_initial

_NOT_AN_ASSIGNEE = Message(
    "Chọn một cán bộ trong danh sách (người có quyền xử lý tin báo của xã này)",
    "Choose an officer from the list (someone who may act on this commune's tips)",
)
_NO_SUCH_TIP = Message("Không tìm thấy tin báo gốc", "The original tip was not found")


# The queue's filters ------------------------------------------------------------------------------


class TipFilterForm(forms.Form):
    """The queue's filters, only to show the inputs: TipFilters.from_params judges the values."""

    status = forms.CharField(label=_("Status"), required=False)
    category = forms.CharField(label=_("What happened"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False)
    date_from = forms.CharField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format=INPUT_DATE)
    )
    date_to = forms.CharField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format=INPUT_DATE)
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"), required=False, widget=forms.CheckboxInput(attrs={"value": "1"})
    )
    mine = forms.BooleanField(
        label=_("Assigned to me"), required=False, widget=forms.CheckboxInput(attrs={"value": "1"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = [(str(u.pk), u.name) for u in incident_unit_choices(user=user)]
        selects = {
            "status": [EMPTY_CHOICE, *TipStatus.choices],
            "category": [EMPTY_CHOICE, *TipCategory.choices],
            "unit": [EMPTY_CHOICE, *units],
        }
        for name, choices in selects.items():
            self.fields[name].widget = forms.Select(choices=choices)


# The steps on a tip ------------------------------------------------------------------------------


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user} ({user.job_title})" if user.job_title else str(user)


class TipAssignForm(forms.Form):
    prefix = "assign"

    def __init__(self, *args, user, tip: Tip, **kwargs):
        kwargs.setdefault("initial", {"assigned_to": tip.assigned_to_id})
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"] = AssigneeChoiceField(
            label=_("Assign to"),
            queryset=tip_assignees(user=user, tip=tip),
            required=False,
            empty_label=_("— nobody —"),
            error_messages={"invalid_choice": str(_NOT_AN_ASSIGNEE)},
        )


class TipNoteForm(forms.Form):
    prefix = "note"

    officer_notes = TextField(
        label=_("Officers' notes (never shown to the sender)"), strip=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    public_reply = TextField(
        label=_("Public reply (the sender reads it when tracking the tip)"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, tip: Tip, **kwargs):
        kwargs.setdefault("initial", {"officer_notes": tip.officer_notes, "public_reply": tip.public_reply})
        super().__init__(*args, **kwargs)


class TipNotActionableForm(forms.Form):
    prefix = "close"

    public_reply = TextField(
        label=_("Reason (the sender reads it when tracking the tip)"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_reply"].shows_required = True


class TipDuplicateForm(forms.Form):
    """The original is typed as its number; the commune's other tips are offered as suggestions (a datalist)."""

    prefix = "dup"

    duplicate_of = TextField(
        label=_("Number of the original tip"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "list": "dup-suggestions"}),
    )
    public_reply = TextField(
        label=_("Reply to the sender (optional)"), strip=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, find_tip, **kwargs):
        """`find_tip(pk)` returns a tip the user may see, or raises NotFound."""
        super().__init__(*args, **kwargs)
        self.find_tip = find_tip
        self.fields["duplicate_of"].shows_required = True

    def clean_duplicate_of(self):
        text = (self.cleaned_data.get("duplicate_of") or "").strip().lstrip("#")
        if not text:
            raise forms.ValidationError(str(Message("Bắt buộc nhập", "Required")))
        pk = as_id(text)
        if pk is None:  # "²" is a digit to Python, no key
            raise forms.ValidationError(str(_NO_SUCH_TIP))
        try:
            return self.find_tip(pk)
        except DomainError:
            raise forms.ValidationError(str(_NO_SUCH_TIP)) from None


class TipConvertChoiceForm(forms.Form):
    """Which kind of record the tip becomes (its own page then shows that kind's form)."""

    kind = forms.ChoiceField(label=_("Kind of record"), choices=IncidentKind.choices)

    def __init__(self, *args, tip: Tip, **kwargs):
        suggested = TIP_TO_INCIDENT.get(tip.category)
        kwargs.setdefault("initial", {"kind": suggested[0] if suggested else IncidentKind.CRIME})
        super().__init__(*args, **kwargs)


_CONVERT_FORMS: dict[str, type] = {}


def tip_convert_form_class(kind: str) -> type:
    """The incident form of `kind` with a "public reply" field added."""
    if kind not in _CONVERT_FORMS:
        base = incident_form_class(kind)
        reply = TextField(
            label=_("Reply to the sender (optional)"),
            strip=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Left empty, the sender reads that the tip was recorded for handling."),
        )
        _CONVERT_FORMS[kind] = type(f"Tip{base.__name__}", (base,), {"public_reply": reply})
    return _CONVERT_FORMS[kind]


def tip_convert_initial(tip: Tip, kind: str) -> dict:
    """What the tip already says, as the incident form's inputs show it (local time; the category only when it
    is one of the kind's)."""
    initial = {}
    for name, value in tip_incident_initial(tip).items():
        if name == "category" and value not in {c.code for c in CATEGORIES[kind]}:
            value = ""
        if value is None:
            value = ""
        elif name in DATETIME_FIELDS:
            local = timezone.localtime(value)
            value = local.strftime(INPUT_DATETIME_SECONDS if local.second else INPUT_DATETIME)
        elif isinstance(value, float):
            value = repr(value)
        initial[name] = value
    return initial
