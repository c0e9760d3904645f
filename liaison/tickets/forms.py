"""Forms parse and present; the services decide. Fields are listed explicitly (no __all__)."""

from __future__ import annotations

from django import forms

from liaison.core.forms import OneTimeKeyField
from liaison.core.text import ascii_digits
from liaison.core.widgets import ListChoiceIterator, QuickFileInput, QuickSelect, QuickTextarea, QuickTextInput
from liaison.places import selectors as places_selectors
from liaison.tickets import selectors
from liaison.tickets.models import Queue, Ticket
from liaison.tickets.services import BulkAction


class GroupedQueueField(forms.ModelChoiceField):
    """A queue <select> with one optgroup per department and sub-queues indented."""

    widget = QuickSelect

    def __init__(self, *args, exclude_department_id: int | None = None, **kwargs):
        super().__init__(selectors.queue_list(), *args, **kwargs)
        self.exclude_department_id = exclude_department_id
        self.choices = self._grouped_choices  # a callable: read when the form renders, not at import

    def _grouped_choices(self):
        groups = selectors.queue_choices_grouped(exclude_department_id=self.exclude_department_id)
        return [
            ("", "Choose a queue…"),
            *[(dept, [(queue.pk, label) for queue, label in options]) for dept, options in groups],
        ]


class _ContactFields(forms.Form):
    patron_name = forms.CharField(label="Patron's name", max_length=150, required=False)
    patron_email = forms.EmailField(
        label="Patron's e-mail",
        required=False,
        help_text="They get the status link and every public reply. Purged after the ticket closes.",
    )
    patron_phone = forms.CharField(label="Patron's phone", max_length=40, required=False)


class TicketForm(_ContactFields):
    idempotency_key = OneTimeKeyField()
    queue = GroupedQueueField(label="Queue")
    subject = forms.CharField(max_length=200)
    description = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    priority = forms.TypedChoiceField(choices=Ticket.Priority.choices, coerce=int, initial=Ticket.Priority.NORMAL)
    service_point = forms.ModelChoiceField(
        queryset=places_selectors.service_point_choices(), required=False, label="Where was it asked?"
    )

    field_order = [
        "queue",
        "subject",
        "description",
        "priority",
        "service_point",
        "patron_name",
        "patron_email",
        "patron_phone",
    ]


class PromoteForm(_ContactFields):
    queue = GroupedQueueField(label="Queue")
    subject = forms.CharField(max_length=200)
    description = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    priority = forms.TypedChoiceField(choices=Ticket.Priority.choices, coerce=int, initial=Ticket.Priority.NORMAL)

    field_order = ["queue", "subject", "description", "priority", "patron_name", "patron_email", "patron_phone"]


class ReplyForm(forms.Form):
    idempotency_key = OneTimeKeyField()
    body = forms.CharField(label="Reply or note", widget=QuickTextarea(attrs={"rows": 4}), max_length=20_000)
    # Set by the button pressed. Anything but an explicit "public" is an internal note, so a
    # staff note can never reach the patron by accident.
    visibility = forms.ChoiceField(
        choices=[("public", "Public reply"), ("internal", "Internal note")], widget=forms.HiddenInput, required=False
    )


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=Ticket.State.choices)
    waiting_on = forms.ChoiceField(choices=[("", "—"), *Ticket.WaitingOn.choices], required=False, label="Waiting on")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Nobody", label="Assignee", widget=QuickSelect
    )

    def __init__(self, *args, queue: Queue, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # a choice to check: against the database, as it is now
            self.fields["assignee"].iterator = ListChoiceIterator  # before the queryset, which reads it
            self.fields["assignee"].queryset = selectors.assignee_choices(queue=queue)
        else:  # a menu to draw: names from the per-process copy, no query to build
            self.fields["assignee"].choices = [("", "Nobody"), *selectors.assignee_menu(queue=queue)]


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(choices=Ticket.Priority.choices, coerce=int, widget=QuickSelect)


class MoveForm(forms.Form):
    queue = GroupedQueueField(label="Hand off or move to")
    note = forms.CharField(
        label="Note for the receiving side",
        widget=QuickTextarea(attrs={"rows": 3}),
        required=False,
        help_text="What they need to know. Staff only: the patron never sees it.",
    )


class AttachmentForm(forms.Form):
    idempotency_key = OneTimeKeyField()
    file = forms.FileField(label="Attach a file", allow_empty_file=True, widget=QuickFileInput)


class ContactRevealForm(forms.Form):
    reason = forms.CharField(label="Why (optional)", max_length=200, required=False, widget=QuickTextInput)


class ArticleLinkForm(forms.Form):
    article = forms.IntegerField(min_value=1)


class BulkForm(forms.Form):
    tickets = forms.CharField(required=False)  # one `tickets` value per ticked box; see clean_tickets
    action = forms.ChoiceField(choices=BulkAction.choices)
    assignee = forms.IntegerField(required=False, min_value=1)
    state = forms.ChoiceField(choices=[("", "—"), *Ticket.State.choices], required=False)
    waiting_on = forms.ChoiceField(choices=[("", "—"), *Ticket.WaitingOn.choices], required=False)
    queue = forms.ModelChoiceField(queryset=selectors.queue_list(), required=False)
    priority = forms.TypedChoiceField(choices=[("", "—"), *Ticket.Priority.choices], coerce=int, required=False)

    def clean_tickets(self) -> list[int]:
        """The ticked tickets' numbers (the service checks each is yours to see)."""
        values = [value.strip() for value in self.data.getlist("tickets") if value.strip()]
        if not all(ascii_digits(value) and len(value) < 18 for value in values):
            raise forms.ValidationError("Choose tickets by their numbers.")
        return sorted({int(value) for value in values})
