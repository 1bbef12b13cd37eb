"""Forms of the incident registry: one per kind, built from the services' field lists.

The fields are loose on purpose (text in, text out): the services judge every value, so a form, the API and
an import row get the same bilingual message. The only field that can refuse input itself, the commune
select, refuses it with a bilingual message too.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antoan.core.errors import Message
from antoan.core.forms import TextField
from antoan.incidents.categories import (
    CATEGORIES,
    CATEGORY_REQUIRED,
    IncidentKind,
    IncidentStatus,
    accident_cause_choices,
    category_choices,
    drug_substance_choices,
    fire_cause_choices,
    gravity_choices,
    offence_choices,
)
from antoan.incidents.models import GRAVITY_LABEL, Incident
from antoan.incidents.selectors import incident_unit_choices
from antoan.incidents.services import COMMON_FIELDS, INT_FIELDS, KIND_FIELDS, REQUIRED_FIELDS
from antoan.incidents.severity import severity_choices
from antoan.units.models import Hierarchy, Unit
from antoan.units.selectors import unit_writable_communes

INPUT_DATETIME = "%Y-%m-%dT%H:%M"
INPUT_DATETIME_SECONDS = "%Y-%m-%dT%H:%M:%S"
INPUT_DATE = "%Y-%m-%d"
TEXTAREAS = {"summary": 4, "other_damage": 2, "recovery_support_description": 2}
DATETIME_FIELDS = ("occurred_at", "ended_at")
EMPTY_CHOICE = ("", "—")

_NOT_YOUR_COMMUNE = Message(
    "Chọn một xã, phường, thị trấn trong danh sách (đơn vị bạn được nhập liệu)",
    "Choose a commune from the list (one you may enter records for)",
)


def _label(field: str) -> str:
    if field == "gravity":
        return GRAVITY_LABEL
    return capfirst(Incident._meta.get_field(field).verbose_name)


class CommuneSelect(forms.Select):
    """A select whose options carry the commune's centre (data-lat, data-lon) for the map."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit = getattr(value, "instance", None)
        if unit is not None and unit.latitude is not None and unit.longitude is not None:
            option["attrs"]["data-lat"] = repr(unit.latitude)
            option["attrs"]["data-lon"] = repr(unit.longitude)
        return option


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        if unit.hierarchy == Hierarchy.LEGACY:
            parent = f", {unit.parent.name}" if unit.parent_id else ""
            return f"{unit.name}{parent} ({gettext('until 30/06/2025')})"
        return unit.name


def commune_choices(*, user, include: Unit | None = None):
    """The communes `user` may enter records for (and `include`, the record's own commune, on an edit)."""
    q = Q(pk__in=unit_writable_communes(user=user).values("pk"))
    if include is not None:
        q |= Q(pk=include.pk)
    return Unit.objects.filter(q).select_related("parent").order_by("hierarchy", "path")


def _field(name: str, kind: str) -> forms.Field:
    """A loose form field for one model field: text, with the widget that suits what it holds."""
    label = _label(name)
    if name == "category":
        choices = [EMPTY_CHOICE, *category_choices(kind)]
        return TextField(label=label, widget=forms.Select(choices=choices))
    if name == "status":
        return TextField(label=label, widget=forms.Select(choices=IncidentStatus.choices))
    if name == "gravity":
        help_text = _("By the highest penalty of the charge (Bộ luật Hình sự 2015, Điều 9).")
        return TextField(
            label=label, help_text=help_text, widget=forms.Select(choices=[EMPTY_CHOICE, *gravity_choices()])
        )
    if name == "solved":
        choices = [EMPTY_CHOICE, ("1", _("Solved")), ("0", _("Not solved"))]
        return TextField(label=label, widget=forms.Select(choices=choices))
    if name == "fire_cause":
        return TextField(label=label, widget=forms.Select(choices=[EMPTY_CHOICE, *fire_cause_choices()]))
    if name == "offence":
        help_text = _("The offence charged, by its article of the Penal Code.")
        return TextField(label=label, help_text=help_text,
                         widget=forms.Select(choices=[EMPTY_CHOICE, *offence_choices()]))  # fmt: skip
    if name == "drug_substance":
        return TextField(label=label, widget=forms.Select(choices=[EMPTY_CHOICE, *drug_substance_choices()]))
    if name == "accident_cause":
        return TextField(label=label, widget=forms.Select(choices=[EMPTY_CHOICE, *accident_cause_choices()]))
    if name == "persons_involved" and kind == IncidentKind.FIRE:
        help_text = _("The people who were there: the dead, injured and rescued are among them.")
        return TextField(label=_("People present"), help_text=help_text,
                         widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))  # fmt: skip
    if name == "road_cause":
        help_text = _(
            "Was the road (its design, surface or signs) among the causes? Black spots leave out accidents "
            "the road did not cause; leave it empty when not known."
        )
        choices = [EMPTY_CHOICE, ("1", _("Yes")), ("0", _("No"))]
        return TextField(label=label, help_text=help_text, widget=forms.Select(choices=choices))
    if name in DATETIME_FIELDS:
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=INPUT_DATETIME)
        return TextField(label=label, widget=widget)
    if name == "solved_on":
        widget = forms.DateInput(attrs={"type": "date"}, format=INPUT_DATE)
        return TextField(label=label, widget=widget)
    if name in ("latitude", "longitude"):
        return TextField(label=label, widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    if name in TEXTAREAS:
        return TextField(label=label, strip=True, widget=forms.Textarea(attrs={"rows": TEXTAREAS[name]}))
    if name in INT_FIELDS:
        # Text, not type=number: a browser empties "1.500.000" in a number input, and the service reads it.
        return TextField(label=label, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    return TextField(label=label)


class IncidentForm(forms.Form):
    """What every kind has; the subclasses add the kind's own fields (see `incident_form_class`)."""

    kind: str = ""
    # (legend, field names) in the order the form shows them; names a kind lacks are skipped.
    SECTIONS = (
        (_("Where and when"), ("unit", "occurred_at", "ended_at", "address", "latitude", "longitude")),
        (_("What happened"), ("category", "summary")),
        (_("Details"), KIND_FIELDS[IncidentKind.CRIME] + KIND_FIELDS[IncidentKind.SOCIAL_EVIL]),
        (_("Consequences"), KIND_FIELDS[IncidentKind.TRAFFIC] + KIND_FIELDS[IncidentKind.DISASTER]
         + KIND_FIELDS[IncidentKind.FIRE]),  # fmt: skip
        (_("Record"), ("status", "external_id")),
    )

    def __init__(self, *args, user, incident: Incident | None = None, **kwargs):
        if incident is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(incident)
        super().__init__(*args, **kwargs)
        self.fields["unit"] = CommuneChoiceField(
            label=_label("unit"),
            queryset=commune_choices(user=user, include=incident.unit if incident else None),
            required=False,
            empty_label="—",
            widget=CommuneSelect,
            error_messages={"invalid_choice": str(_NOT_YOUR_COMMUNE)},
        )
        self.order_fields(["unit", "occurred_at"])
        required = {"unit", "occurred_at", "summary", *REQUIRED_FIELDS[self.kind]}
        if CATEGORY_REQUIRED[self.kind]:
            required.add("category")
        for name, field in self.fields.items():
            field.shows_required = name in required

    @property
    def sections(self):
        seen = set()
        result = []
        for legend, names in self.SECTIONS:
            names = [n for n in dict.fromkeys(names) if n in self.fields and n not in seen]
            seen.update(names)
            bound = [self[n] for n in names]
            if bound:
                result.append((legend, bound))
        return result


def initial_from(incident: Incident) -> dict:
    """A record's values as the form's inputs show them (local time, ISO dates, 1/0)."""
    initial = {}
    for name in ("unit", "occurred_at", *COMMON_FIELDS, *KIND_FIELDS[incident.kind]):
        value = getattr(incident, name)
        if name == "unit":
            initial[name] = value
        elif value is None:
            initial[name] = ""
        elif name in DATETIME_FIELDS:
            local = timezone.localtime(value)
            initial[name] = local.strftime(INPUT_DATETIME_SECONDS if local.second else INPUT_DATETIME)
        elif name == "solved_on":
            initial[name] = value.strftime(INPUT_DATE)
        elif isinstance(value, bool):
            initial[name] = "1" if value else "0"
        elif isinstance(value, float):
            initial[name] = repr(value)
        else:
            initial[name] = str(value)
    return initial


def _build(kind: str) -> type[IncidentForm]:
    names = ("occurred_at", *COMMON_FIELDS, *KIND_FIELDS[kind])
    attrs = {name: _field(name, kind) for name in names}
    attrs["kind"] = kind
    class_name = "".join(part.capitalize() for part in kind.split("_")) + "IncidentForm"
    return type(class_name, (IncidentForm,), attrs)


FORM_CLASSES: dict[str, type[IncidentForm]] = {kind: _build(kind) for kind in CATEGORIES}


def incident_form_class(kind: str) -> type[IncidentForm]:
    return FORM_CLASSES[kind]


class IncidentFilterForm(forms.Form):
    """The list's filters, only to show the inputs: IncidentFilters.from_params judges the values."""

    kind = forms.CharField(label=_("Kind"), required=False)
    category = forms.CharField(label=_("Category"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False)
    date_from = forms.CharField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format=INPUT_DATE)
    )
    date_to = forms.CharField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format=INPUT_DATE)
    )
    severity = forms.CharField(label=_("Severity"), required=False)
    solved = forms.CharField(label=_("Solved"), required=False)
    status = forms.CharField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Words in the text"), required=False, widget=forms.TextInput(attrs={"type": "search"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        kind = (self.data.get("kind") or "").strip()
        if kind in CATEGORIES:
            categories = [EMPTY_CHOICE, *category_choices(kind)]
        else:
            categories = [EMPTY_CHOICE, *((IncidentKind(k).label, category_choices(k)) for k in CATEGORIES)]
        units = [(str(u.pk), u.name) for u in incident_unit_choices(user=user)]
        selects = {
            "kind": [EMPTY_CHOICE, *IncidentKind.choices],
            "category": categories,
            "unit": [EMPTY_CHOICE, *units],
            "severity": [EMPTY_CHOICE, *severity_choices()],
            "solved": [EMPTY_CHOICE, ("1", _("Solved")), ("0", _("Not solved"))],
            "status": [EMPTY_CHOICE, *IncidentStatus.choices],
        }
        for name, choices in selects.items():
            self.fields[name].widget = forms.Select(choices=choices)
