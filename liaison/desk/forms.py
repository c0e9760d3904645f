"""The desk screen's form. It only parses what the browser sent; the service validates
(so the form, the API and importers give the same messages)."""

from __future__ import annotations

from django import forms

from liaison.desk.models import MAX_NOTE_LENGTH


class ListField(forms.Field):
    """Every value of a repeated field (checkboxes), blanks dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v).strip() for v in (value or []) if str(v).strip()]


class InteractionForm(forms.Form):
    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "The form lost its id; reload the page.", "invalid": "The form's id is damaged."},
    )
    kind = forms.CharField(max_length=60, error_messages={"required": "Pick a kind."})
    read_level = forms.IntegerField(
        label="READ level",
        error_messages={"required": "Pick a READ level, 1–6.", "invalid": "READ level must be a number, 1–6."},
    )
    tech_category = forms.CharField(max_length=60, required=False)
    mode = forms.CharField(max_length=20, required=False)
    tags = ListField(required=False)
    note = forms.CharField(required=False, strip=True, max_length=MAX_NOTE_LENGTH * 4)
    referred_to = forms.CharField(max_length=80, required=False)
    duration_minutes = forms.IntegerField(
        required=False, error_messages={"invalid": "Duration is a whole number of minutes."}
    )
    occurred_at = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": "Give the date and time it happened."},
    )
    save_anyway = forms.BooleanField(required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "client_id": data["client_id"],
            "kind": data["kind"],
            "read_level": data["read_level"],
            "tech_category": data.get("tech_category") or None,
            "mode": data.get("mode") or None,
            "tags": data.get("tags") or [],
            "note": data.get("note") or "",
            "referred_to": data.get("referred_to") or None,
            "duration_minutes": data.get("duration_minutes"),
            "occurred_at": data.get("occurred_at"),
        }


# --- Reports -----------------------------------------------------------------------------------


class ReportForm(forms.Form):
    """What a desk report counts: a period, one or two dimensions, optionally one service point."""

    period = forms.ChoiceField(choices=[], initial="month")
    anchor = forms.DateField(
        required=False,
        label="Containing the day",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The week, month, term or year that contains this day (today if blank).",
    )
    first = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    rows = forms.ChoiceField(choices=[], initial="service_point", label="Count by")
    columns = forms.ChoiceField(choices=[], required=False, label="and by (optional)")
    service_point = forms.ModelChoiceField(queryset=None, required=False, empty_label="All service points")

    def __init__(self, *args, **kwargs):
        from liaison.desk import reports
        from liaison.places.selectors import service_point_choices

        super().__init__(*args, **kwargs)
        self.fields["period"].choices = list(reports.PERIOD_KINDS.items())
        dimensions = [(key, d.label) for key, d in reports.DIMENSIONS.items()]
        self.fields["rows"].choices = dimensions
        self.fields["columns"].choices = [("", "—"), *dimensions]
        self.fields["service_point"].queryset = service_point_choices(active_only=False).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom" and not (data.get("first") and data.get("last")):
            self.add_error("first", "Give the first and the last day of a custom period.")
        if data.get("columns") and data.get("columns") == data.get("rows"):
            self.add_error("columns", "Choose a different dimension for the columns than for the rows.")
        return data


class SaveReportForm(forms.Form):
    name = forms.CharField(max_length=80, label="Save as")
