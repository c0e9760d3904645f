"""Forms parse and present; the services decide (sizes, dates, who may). Fields are explicit.

Counts and hours are parsed as numbers here but not bounded: the service says what is
negative or absurd, with its error code, the same way for the page and the API."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from liaison.core.forms import OneTimeKeyField
from liaison.partnership import selectors
from liaison.partnership.models import LedgerEntry, ResourceRequest, Rollout, Skill


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DepartmentChoiceField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=self._choices, **kwargs)

    @staticmethod
    def _choices():
        return [("", "Choose a department…"), *[(d.code, d.name) for d in selectors.department_choices()]]


class LedgerEntryForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    label = forms.CharField(
        label="What it was", max_length=200, help_text="e.g. 'Library Technology Committee, spring meeting'."
    )
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose…"), *LedgerEntry.ManualKind.choices])
    direction = forms.ChoiceField(
        label="Asked or gave",
        choices=[
            ("contribution", "The giver offered it (a contribution)"),
            ("request", "The receiver asked for it (a request)"),
        ],
    )
    giver = DepartmentChoiceField(label="Given by")
    receiver = DepartmentChoiceField(label="Received by")
    occurred_on = forms.DateField(label="When", widget=DateInput(), initial=timezone.localdate)
    count = forms.IntegerField(label="How many", initial=1, help_text="Meetings, events or sessions: 1 each.")
    hours = forms.DecimalField(label="Hours, if known", required=False, decimal_places=2, max_digits=12)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    count = forms.IntegerField(label="Correct count", help_text="0 withdraws the entry.")
    hours = forms.DecimalField(label="Hours, if known", required=False, decimal_places=2, max_digits=12)
    occurred_on = forms.DateField(label="When", required=False, widget=DateInput())
    note = forms.CharField(label="Why it is corrected", widget=forms.Textarea(attrs={"rows": 2}))


class GoalForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    department = DepartmentChoiceField(label="Department")
    year = forms.IntegerField(label="Year", initial=lambda: timezone.localdate().year)
    title = forms.CharField(label="Goal", max_length=200)
    description = forms.CharField(label="More about it", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NeedForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    department = DepartmentChoiceField(label="Department that needs it")
    title = forms.CharField(label="What is needed", max_length=200)
    description = forms.CharField(label="More about it", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    needed_by = forms.DateField(label="Needed by", required=False, widget=DateInput())


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("open", "Open"), ("met", "Met"), ("withdrawn", "Withdrawn")])


class OfferForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    description = forms.CharField(label="What you can offer", widget=forms.Textarea(attrs={"rows": 3}))


class OfferAnswerForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeliveryForm(forms.Form):
    action = forms.ChoiceField(choices=[("deliver", "Delivered"), ("cancel", "Cancel")], initial="deliver")
    delivered_on = forms.DateField(label="Delivered on", required=False, widget=DateInput(), initial=timezone.localdate)
    hours = forms.DecimalField(label="Hours, if known", required=False, decimal_places=2, max_digits=12)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SurveyRoundForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    title = forms.CharField(label="Title", max_length=120, help_text="e.g. 'Spring 2025 round'.")
    period_start = forms.DateField(label="Term starts", widget=DateInput())
    period_end = forms.DateField(label="Day after the term ends", widget=DateInput())
    allows_anonymous = forms.BooleanField(label="People may answer anonymously", required=False, initial=True)
    extra_questions = forms.CharField(
        label="More questions (one a line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="IT's three questions are always asked.",
    )


class SurveyAnswerForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    anonymous = forms.BooleanField(label="Answer anonymously (your name and department are not kept)", required=False)

    def __init__(self, *args, questions, allows_anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.text, required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        if not allows_anonymous:
            del self.fields["anonymous"]

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}", "") for q in self.questions}

    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.questions]


class RolloutForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    title = forms.CharField(label="What changes", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose…"), *Rollout.Kind.choices])
    starts_on = forms.DateField(label="Starts on", widget=DateInput())
    ends_on = forms.DateField(label="Ends on (if it spans days)", required=False, widget=DateInput())
    affected_services = forms.CharField(label="Library spaces and services touched", max_length=300, required=False)
    effect_on_library = forms.CharField(
        label="Expected effect on the library", widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RolloutEditForm(RolloutForm):
    status = forms.ChoiceField(label="Status", choices=Rollout.Status.choices)


class ConsultationForm(forms.Form):
    consulted_on = forms.DateField(label="Consulted on", widget=DateInput(), initial=timezone.localdate)
    consulted_with = forms.CharField(label="Who in the library", max_length=200, required=False)
    library_response = forms.CharField(label="What the library said", widget=forms.Textarea(attrs={"rows": 3}))


class ResourceRequestForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    kind = forms.ChoiceField(label="What kind", choices=[("", "Choose…"), *ResourceRequest.Kind.choices])
    title = forms.CharField(label="What you need", max_length=200)
    details = forms.CharField(
        label="For what work, and anything that helps us find it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needed_by = forms.DateField(label="Needed by", required=False, widget=DateInput())


class ResourceRequestActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("triage", "Take it on"), ("fulfil", "Fulfilled"), ("decline", "Decline")])
    note = forms.CharField(label="Note for the requester", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    hours = forms.DecimalField(label="Hours spent, if known", required=False, decimal_places=2, max_digits=12)


class SkillForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    title = forms.CharField(
        label="What you can teach", max_length=120, help_text="From copy-and-paste basics to scripting."
    )
    level = forms.ChoiceField(label="Level", choices=Skill.Level.choices)
    description = forms.CharField(label="More about it", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SkillSessionForm(forms.Form):
    idempotency_key = OneTimeKeyField(required=False)
    held_on = forms.DateField(label="Held on", widget=DateInput(), initial=timezone.localdate)
    hours = forms.DecimalField(label="Hours", decimal_places=2, max_digits=12, initial=1)
    attendee_department = DepartmentChoiceField(label="Attendees' department")
    attendees = forms.IntegerField(label="How many came", initial=1)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
