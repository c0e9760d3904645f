"""Forms for the pool's pages: parse and check shapes; the rules are the services'."""

from __future__ import annotations

import datetime as dt

from django import forms

from liaison.staffing.models import Skill


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class TrainingForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.order_by("name"), label="Training")
    completed_on = forms.DateField(label="Completed on", widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to use the training's usual validity.",
    )


class UnavailableDateForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="Why (optional)", required=False, max_length=120)


class PayrollForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The pay period ends before it starts.")
        if start and end and (end - start).days > 366:
            self.add_error("end", "A pay period is at most a year.")
        return data


def parse_week(value: str | None, fallback: dt.date) -> dt.date:
    """A Monday from ?week=YYYY-MM-DD (any day of that week), else the fallback's Monday."""
    try:
        day = dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        day = fallback
    return day - dt.timedelta(days=day.weekday())


def parse_need_cell(text: str) -> tuple[int, int] | None:
    """'2' (minimum and ideal 2), '1/2' or '1-2' (minimum 1, ideal 2), '' (none). Raises
    ValueError with a reason for anything else."""
    text = (text or "").strip().replace("–", "-")
    if not text:
        return None
    parts = [p.strip() for p in text.replace("/", "-").split("-")]
    if len(parts) > 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"'{text}' is not a number of workers (write 2, or 1/2 for minimum 1, ideal 2)")
    numbers = [int(p) for p in parts]
    minimum, ideal = (numbers[0], numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[1])
    return minimum, ideal
