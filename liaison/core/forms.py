"""Form pieces every domain shares."""

from __future__ import annotations

import uuid

from django import forms

from liaison.core.widgets import QuickHiddenInput


def new_one_time_key() -> str:
    return uuid.uuid4().hex


class OneTimeKeyField(forms.CharField):
    """A hidden key made when the form is shown, so sending the form twice (a double click, a
    re-post) creates one record (security Rel1; liaison/core/idempotency.py). The view hands
    it to `run_once_for_form` (or `run_once`) and never to a service."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages", {"required": "This form is out of date: reload the page and send it again."}
        )
        super().__init__(widget=QuickHiddenInput, initial=new_one_time_key, max_length=255, **kwargs)
