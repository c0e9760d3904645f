from django import forms
from django.contrib.auth.forms import AuthenticationForm

from liaison.core.forms import OneTimeKeyField


class SignInForm(AuthenticationForm):
    """Django's sign-in form with one message for every failure, so it never reveals
    whether an account exists."""

    error_messages = {
        "invalid_login": "That user name and password do not match an active account. Check both and try again.",
        "inactive": "That user name and password do not match an active account. Check both and try again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class ApiTokenForm(forms.Form):
    idempotency_key = OneTimeKeyField()
    name = forms.CharField(max_length=100, help_text="What will use this token, e.g. 'Lab usage agent'.")
