from django import forms
from django.utils.translation import gettext_lazy as _

from antoan.units.models import EstablishmentType


class EstablishmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    establishment_type = forms.ChoiceField(label=_("Type"), choices=EstablishmentType.choices)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


class PeriodLockForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%m/%Y"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": "Tháng không hợp lệ (mm/yyyy) / Invalid month (mm/yyyy)"},
    )
