from django import forms
from django.db import models

from liaison.accounts.selectors import department_list, user_list
from liaison.core.forms import OneTimeKeyField
from liaison.directory.models import DirectoryEntry
from liaison.directory.selectors import STATUS_CHOICES
from liaison.directory.services import review_by_problem


def _formfield(field: models.Field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # 'www.college.edu' becomes https://, as Django 6 will do
    return field.formfield(**kwargs)


class DirectoryEntryForm(forms.ModelForm):
    """Parses the page's input; the service validates and saves (see services.entry_create)."""

    class Meta:
        model = DirectoryEntry
        formfield_callback = _formfield
        fields = [
            "name",
            "kind",
            "handles",
            "description",
            "department",
            "owner",
            "location",
            "building",
            "hours",
            "email",
            "phone",
            "url",
            "review_by",
        ]
        labels = {
            "handles": "What it handles",
            "email": "E-mail",
            "url": "Web page",
            "review_by": "Review by",
            "department": "Owning department",
        }
        error_messages = {
            "name": {"required": "Give the entry a name, e.g. 'Registrar' or 'Writing Center'."},
            "handles": {
                "required": "List what this entry handles (keywords or phrases), so 'Who handles X?' can find it."
            },
            "email": {"invalid": "Enter a valid e-mail address, like registrar@college.edu."},
            "url": {"invalid": "Enter a full web address starting with http:// or https://."},
            "review_by": {"invalid": "Enter the review-by date as YYYY-MM-DD."},
            "department": {"required": "Choose the department that keeps this entry."},
        }
        widgets = {
            "handles": forms.Textarea(attrs={"rows": 4, "placeholder": "transcripts\nenrollment verification"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "review_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "url": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = user_list(active_only=True).order_by("first_name", "username")
        self.fields["department"].queryset = department_list().order_by("name")
        self.fields["handles"].required = True
        self.fields["review_by"].required = False
        self.fields["review_by"].help_text = "When someone should check it is still true. Empty: a year from today."

    def clean_review_by(self):
        review_by = self.cleaned_data.get("review_by")
        if review_by is not None:
            current = self.instance.review_by if self.instance.pk else None
            problem = review_by_problem(review_by, current=current)
            if problem:
                raise forms.ValidationError(problem)
        return review_by

    def validate_unique(self):
        """Uniqueness is the service's job (it chooses the slug)."""


class DirectoryEntryCreateForm(DirectoryEntryForm):
    """A new entry: the one-time key makes a double click add one entry."""

    idempotency_key = OneTimeKeyField()


class DirectoryFilterForm(forms.Form):
    """The list's search box and filters (GET). Invalid filters are ignored, not fatal."""

    q = forms.CharField(required=False, max_length=200, label="Who handles…")
    department = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any department")
    kind = forms.ChoiceField(choices=[("", "Any kind"), *DirectoryEntry.Kind.choices], required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    overdue = forms.BooleanField(required=False, label="Past review date only")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_list().order_by("name")

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data  # only the fields that were valid
        department = data.get("department")
        return {
            "query": (data.get("q") or "").strip(),
            "department_id": department.pk if department else None,
            "kind": data.get("kind") or "",
            "status": data.get("status") or "active",
            "overdue": bool(data.get("overdue")),
        }


class MarkReviewedForm(forms.Form):
    next_review_by = forms.DateField(
        required=False, label="Next review by", widget=forms.DateInput(attrs={"type": "date"})
    )
