from __future__ import annotations

from django import forms

from liaison.demand.models import Measure
from liaison.desk.read_scale import LEVELS


class DemandForm(forms.Form):
    measure = forms.ChoiceField(label="Measure", choices=Measure.choices, required=False)
    place = forms.CharField(label="Place", required=False, max_length=120)
    years = forms.IntegerField(
        label="Years shown", required=False, min_value=1, max_value=30, initial=5,
        help_text="Up to 30 years; the forecast always uses the last ten.",
    )  # fmt: skip


class RateForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    level = forms.TypedChoiceField(
        label="READ level",
        coerce=int,
        choices=[(level.number, f"{level.number} · {level.short}") for level in LEVELS],
        widget=forms.RadioSelect,
    )


class RoundForm(forms.Form):
    month = forms.DateField(label="Month", input_formats=["%Y-%m", "%Y-%m-%d"], help_text="YYYY-MM")
    size = forms.IntegerField(label="Questions", min_value=1, max_value=200, initial=20)
