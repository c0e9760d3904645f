"""Forms: the scheduled report (the service validates again and names the field)."""

from django import forms

from liaison.core.forms import OneTimeKeyField
from liaison.insights.models import DASHBOARD_CHOICES, ScheduledReport


class ScheduledReportForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="What the e-mail's subject starts with.")
    dashboard = forms.ChoiceField(choices=DASHBOARD_CHOICES)
    period = forms.ChoiceField(choices=ScheduledReport.Period.choices, help_text="Sent when that period has ended.")
    format = forms.ChoiceField(choices=ScheduledReport.Format.choices)
    recipients = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="E-mail addresses, one a line or separated by commas."
    )
    idempotency_key = OneTimeKeyField()
