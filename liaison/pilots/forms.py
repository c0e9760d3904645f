"""Page forms: parse what was typed; the services validate and write."""

from __future__ import annotations

from django import forms

from liaison.accounts.selectors import department_list, user_list
from liaison.core.forms import OneTimeKeyField
from liaison.core.roles import STAFF_ROLES
from liaison.desk.selectors import topic_tag_list
from liaison.labs.selectors import assets_for_user
from liaison.pilots.models import Audience, HostingCost, Pilot
from liaison.places.selectors import room_list, service_point_choices

DATE = forms.DateInput(attrs={"type": "date"})


class PilotForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. 'Campus copier trial'.")
    kind = forms.ChoiceField(choices=Pilot.Kind.choices, label="What is being tried")
    summary = forms.CharField(
        label="What",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The equipment, software or change, in a sentence or two.",
    )
    reason = forms.CharField(label="Why", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    learning_goals = forms.CharField(
        label="What IT wants to learn", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    it_department = forms.ModelChoiceField(queryset=department_list().filter(kind="it"), label="IT side")
    library_department = forms.ModelChoiceField(queryset=department_list().filter(kind="library"), label="Library side")
    it_owner = forms.ModelChoiceField(queryset=user_list(roles=STAFF_ROLES), required=False, label="IT owner")
    library_owner = forms.ModelChoiceField(queryset=user_list(roles=STAFF_ROLES), required=False, label="Library owner")
    starts_on = forms.DateField(widget=DATE, label="Starts")
    ends_on = forms.DateField(widget=DATE, label="Ends")
    rooms = forms.ModelMultipleChoiceField(queryset=room_list(), required=False, widget=forms.CheckboxSelectMultiple)
    service_points = forms.ModelMultipleChoiceField(
        queryset=service_point_choices(), required=False, widget=forms.CheckboxSelectMultiple
    )
    assets = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Devices from the inventory",
        widget=forms.SelectMultiple(attrs={"size": 8, "class": "pilot-assets"}),
        help_text="Their incidents during the pilot's dates appear in its report. Hold Ctrl (⌘ on a Mac) to pick several.",
    )
    devices = forms.CharField(
        required=False,
        label="Other devices",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, for devices the inventory does not hold (e.g. a vendor's loaner).",
    )
    desk_tag = forms.ModelChoiceField(
        queryset=topic_tag_list(),
        required=False,
        label="Desk topic",
        help_text="Desk entries with this topic during the pilot appear in its report.",
    )

    def __init__(self, *args, user=None, pilot: Pilot | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only devices this person can see in the inventory (labs' selector); the service checks again.
        choices = assets_for_user(user=user, include_retired=pilot is not None)
        if pilot is not None:
            linked = {a.pk for a in pilot.assets.all()}
            choices = choices.filter(status__in=["in_service", "in_storage"]) | choices.filter(pk__in=linked)
        self.fields["assets"].queryset = choices
        self.fields["assets"].label_from_instance = lambda a: (
            f"{a.tag}" + (f" — {a.name}" if a.name else "") + (f" ({a.room.name})" if a.room_id else "")
        )

    @classmethod
    def initial_for(cls, pilot: Pilot) -> dict:
        return {
            "title": pilot.title,
            "kind": pilot.kind,
            "summary": pilot.summary,
            "reason": pilot.reason,
            "learning_goals": pilot.learning_goals,
            "it_department": pilot.it_department_id,
            "library_department": pilot.library_department_id,
            "it_owner": pilot.it_owner_id,
            "library_owner": pilot.library_owner_id,
            "starts_on": pilot.starts_on,
            "ends_on": pilot.ends_on,
            "rooms": [r.pk for r in pilot.rooms.all()],
            "service_points": [p.pk for p in pilot.service_points.all()],
            "assets": [a.pk for a in pilot.assets.all()],
            "devices": "\n".join(pilot.devices),
            "desk_tag": pilot.desk_tag_id,
        }


class PilotCreateForm(PilotForm):
    """A new pilot: the one-time key makes a double click propose one pilot."""

    idempotency_key = OneTimeKeyField()


class RecommendationForm(forms.Form):
    recommendation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        required=False,
        help_text="What the library recommends IT does, and why. It heads the report.",
    )


class CostForm(forms.Form):
    idempotency_key = OneTimeKeyField()
    kind = forms.ChoiceField(choices=HostingCost.Kind.choices)
    occurred_on = forms.DateField(widget=DATE, label="Day")
    hours = forms.CharField(required=False, max_length=12, help_text="Staff hours, or hours a space was given over.")
    amount = forms.CharField(required=False, max_length=14, label="Amount spent", help_text="e.g. signage printing.")
    note = forms.CharField(required=False, max_length=300)


class FeedbackFormForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="Respondents see it at the top.")
    intro = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Introduction")
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 9, "class": "pilot-questions-input", "spellcheck": "true"}),
        help_text="One question per line: rating, choice, text, yes_no or task, a colon, then the question. "
        "Options of a choice follow, separated by |. * marks a required question; [key] keeps a question "
        "matched across versions when you reword it; rating/10 gives a 1–10 scale.",
    )
    quota_student = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="Quota: students")
    quota_faculty = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="Quota: faculty")
    quota_staff = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="Quota: staff")
    is_open = forms.BooleanField(required=False, initial=True, label="Taking answers (untick to pause)")


class FeedbackFormCreateForm(FeedbackFormForm):
    """A new form: the one-time key makes a double click make one form."""

    idempotency_key = OneTimeKeyField()


class ThemeForm(forms.Form):
    answer = forms.UUIDField(widget=forms.HiddenInput)
    theme = forms.CharField(max_length=80, required=False)


AUDIENCE_CHOICES = Audience.choices
