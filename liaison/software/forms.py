"""Parse what people type; the services validate and save."""

from __future__ import annotations

import uuid

from django import forms

from liaison.core.roles import Role
from liaison.software import selectors
from liaison.software.models import Answer, DriftDecision, Request


class OneTimeKeyField(forms.CharField):
    """A hidden key made when the form is shown, so sending the form twice (a double click, a
    re-post) creates one record (core/idempotency.py)."""

    def __init__(self, **kwargs):
        super().__init__(
            widget=forms.HiddenInput,
            initial=lambda: uuid.uuid4().hex,
            max_length=255,
            error_messages={"required": "This form is out of date: reload the page and send it again."},
            **kwargs,
        )


class LabChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class MatrixFilterForm(forms.Form):
    term = forms.ChoiceField(required=False)
    lab = LabChoiceField(queryset=selectors.lab_choices(), required=False, empty_label="Every lab")
    department = forms.ChoiceField(required=False, label="Department")
    deadline = forms.DateField(
        required=False, label="Needed by", widget=forms.DateInput(attrs={"type": "date"}), help_text="On or before."
    )
    answer = forms.ChoiceField(
        required=False,
        choices=[("", "Every answer"), ("gaps", "Gaps only"), *Answer.choices],
    )

    def __init__(self, *args, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [(t.slug, t.name) for t in selectors.term_list()]
        departments = selectors.department_choices(term=term) if term is not None else []
        self.fields["department"].choices = [("", "Every department"), *[(d, d) for d in departments]]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "lab": data.get("lab"),
            "department": data.get("department") or "",
            "deadline": data.get("deadline"),
            "answer": data.get("answer") or "",
        }


class NeedForm(forms.Form):
    idempotency_key = OneTimeKeyField()
    course = forms.ModelChoiceField(queryset=None, empty_label="Choose a course…")
    title = forms.ModelChoiceField(queryset=selectors.title_choices(), empty_label="Choose a title…", label="Software")
    min_version = forms.CharField(
        required=False, max_length=60, label="Minimum version", help_text="e.g. 2024.1 or R2023b. Empty: any version."
    )
    lab = LabChoiceField(
        queryset=selectors.lab_choices(), required=False, empty_label="Any lab", label="Where students work"
    )
    needed_by = forms.DateField(
        required=False,
        label="Needed by",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: the first day of term.",
    )
    note = forms.CharField(required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["course"].label_from_instance = lambda c: f"{c.code}{'-' + c.section if c.section else ''} {c.name}"


class RequestOpenForm(forms.Form):
    idempotency_key = OneTimeKeyField()
    due_on = forms.DateField(
        label="Due", widget=forms.DateInput(attrs={"type": "date"}), help_text="Before term starts."
    )
    owner = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Leave for IT to take", label="Owner in IT"
    )
    note = forms.CharField(required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from liaison.accounts import selectors as account_selectors

        ids = [u.pk for u in selectors.it_people()]
        self.fields["owner"].queryset = account_selectors.user_list().filter(pk__in=ids)


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[("active", "Open and in progress"), ("overdue", "Overdue"), ("", "All"), *Request.State.choices],
    )


class ResolveForm(forms.Form):
    version = forms.CharField(
        required=False, max_length=60, label="Version installed", help_text="For a missing or old title."
    )
    seats = forms.IntegerField(required=False, min_value=1, label="Seats licensed now", help_text="For a seat gap.")
    resolution = forms.CharField(
        required=False, max_length=500, label="What was done", widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    resolution = forms.CharField(max_length=500, label="Why it is declined", widget=forms.Textarea(attrs={"rows": 2}))


class DriftDecisionForm(forms.Form):
    kind = forms.ChoiceField(choices=DriftDecision.Kind.choices, widget=forms.RadioSelect, label="Decision")
    reason = forms.CharField(max_length=500)
    expires_on = forms.DateField(
        required=False, label="Exception expires", widget=forms.DateInput(attrs={"type": "date"})
    )


STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.ADMINISTRATOR]


class BaselineForm(forms.Form):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)
    grant = forms.ModelMultipleChoiceField(
        queryset=selectors.permission_list(), required=False, widget=forms.CheckboxSelectMultiple, label="Grants"
    )
    note = forms.CharField(required=False, max_length=300, help_text="What changed and why.")
