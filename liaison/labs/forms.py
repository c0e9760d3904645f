"""Forms parse and present; the services decide. Fields are listed explicitly."""

from __future__ import annotations

import uuid

from django import forms

from liaison.accounts import selectors as account_selectors
from liaison.labs import selectors
from liaison.labs.models import Asset, Incident, problems_for
from liaison.places.selectors import lab_list


def _new_key() -> str:
    return uuid.uuid4().hex


class OneTimeKeyField(forms.CharField):
    """A hidden key made when the form is shown, so a double tap or a resend on a bad
    connection files one report (core/idempotency.py)."""

    def __init__(self, **kwargs):
        super().__init__(
            widget=forms.HiddenInput,
            initial=_new_key,
            max_length=255,
            error_messages={"required": "This form is out of date: reload the page and send it again."},
            **kwargs,
        )


class PublicReportForm(forms.Form):
    """The QR page's form: pick a problem; a note, a photo and a contact are optional."""

    idempotency_key = OneTimeKeyField()
    problem = forms.ChoiceField(label="What's wrong?", widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything else? (optional)", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )  # fmt: skip
    photo = forms.FileField(
        label="Photo (optional)", required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif", "capture": "environment"}),
    )  # fmt: skip
    contact = forms.CharField(
        label="E-mail or phone, if IT may ask you back (optional)", required=False, max_length=200,
        help_text="Deleted 30 days after the repair.",
    )  # fmt: skip
    # A field people never see (hidden by CSS, skipped by keyboard): robots fill it in.
    website = forms.CharField(
        required=False, label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args, asset: Asset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = problems_for(asset.kind)


class StaffReportForm(forms.Form):
    idempotency_key = OneTimeKeyField()
    problem = forms.ChoiceField(label="Problem")
    note = forms.CharField(label="Note", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, asset: Asset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = problems_for(asset.kind)


class IncidentStateForm(forms.Form):
    state = forms.ChoiceField(choices=Incident.State.choices)
    resolution = forms.CharField(label="What was done", required=False, max_length=500)


class MaintenanceForm(forms.Form):
    starts_at = forms.DateTimeField(label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(max_length=200)


class AssetForm(forms.Form):
    tag = forms.CharField(max_length=40)
    name = forms.CharField(max_length=120, required=False, help_text="What people call it, e.g. 'Printer by the door'.")
    model = forms.ModelChoiceField(queryset=selectors.model_list(), empty_label="Choose a model…")
    room = forms.ModelChoiceField(queryset=lab_list(), empty_label="Choose a lab…", label="Lab")
    owner = forms.ModelChoiceField(queryset=account_selectors.department_list(), label="Whose equipment")
    status = forms.ChoiceField(choices=Asset.Status.choices)
    serial = forms.CharField(max_length=80, required=False)
    in_service_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    network_address = forms.CharField(max_length=200, required=False, help_text="Network printers: host or IP.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def initial_for(cls, asset: Asset) -> dict:
        return {name: getattr(asset, name) for name in cls.base_fields}


class AssetFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=80, label="Search tag, name or serial")
    room = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Lab")
    kind = forms.ChoiceField(required=False, label="Kind")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from liaison.labs.models import Kind

        self.fields["room"].choices = [("", "All labs"), *[(r.pk, r.name) for r in lab_list()]]
        self.fields["kind"].choices = [("", "All kinds"), *Kind.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"room_id": self.cleaned_data.get("room"), "kind": self.cleaned_data.get("kind") or "",
                "query": self.cleaned_data.get("q") or ""}  # fmt: skip


class SystemForm(forms.Form):
    """A library system's entry (ADR 0058); the services check and keep it."""

    name = forms.CharField(max_length=120, help_text="E.g. 'Library catalogue (Alma)'.")
    description = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    url = forms.CharField(max_length=300, required=False, label="Address", help_text="Where people use it.")
    library_owner = forms.ModelChoiceField(queryset=None, required=False, label="Owner in the library")
    it_owner = forms.ModelChoiceField(queryset=None, required=False, label="Owner in IT")
    support_contacts = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Whom to call, one per line."
    )
    status = forms.ChoiceField(choices=())
    status_note = forms.CharField(
        max_length=300, required=False, label="Note for the desk",
        help_text="Needed unless it is working: what is affected and what to tell people.",
    )  # fmt: skip
    known_issues = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Known problems and workarounds, one per line.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from liaison.labs.models import LibrarySystem
        from liaison.labs.policy import SYSTEM_OWNER_ROLES

        staff = account_selectors.user_list(roles=SYSTEM_OWNER_ROLES)
        self.fields["library_owner"].queryset = staff
        self.fields["it_owner"].queryset = staff
        self.fields["status"].choices = LibrarySystem.Status.choices

    @classmethod
    def initial_for(cls, system) -> dict:
        return {name: getattr(system, name) for name in cls.base_fields}


class SystemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=())
    status_note = forms.CharField(max_length=300, required=False, label="Note for the desk")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from liaison.labs.models import LibrarySystem

        self.fields["status"].choices = LibrarySystem.Status.choices


class SystemTicketForm(forms.Form):
    ticket = forms.CharField(max_length=40, label="Ticket number", help_text="E.g. 1042 or #1042.")


class IncidentSystemForm(forms.Form):
    system = forms.ModelChoiceField(queryset=None, required=False, empty_label="No system", label="Library system")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = selectors.system_choices()
