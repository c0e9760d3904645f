"""Form widgets drawn in Python where Django's template-per-option rendering is the cost.

Django renders every <option> of a <select> through its own template include; a ticket page
with a queue menu and an assignee menu spent more time there than on all its SQL. `QuickSelect`
writes the same HTML (same attributes, same escaping) in one pass; `QuickTextInput`,
`QuickHiddenInput`, `QuickFileInput` and `QuickTextarea` do the same for the other fields of the ticket page. `ListChoiceIterator` reads a
ModelChoiceField's rows with one plain query instead of a server-side cursor (three round
trips on PostgreSQL for a list of a few dozen people)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html, in Python: False drops an attribute, True is bare."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(context["name"])}"{_attrs(context["attrs"])}>']
        for group_name, group_choices, _index in context["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(str(group_name))}">')
            for option in group_choices:
                out.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(str(option['label']))}</option>"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))


class QuickInputMixin:
    """django/forms/widgets/input.html in Python (text, e-mail, number, file: any <input>)."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = context["value"]
        value_attr = "" if shown is None else f' value="{conditional_escape(str(shown))}"'
        return mark_safe(
            f'<input type="{conditional_escape(context["type"])}" name="{conditional_escape(context["name"])}"'
            f"{value_attr}{_attrs(context['attrs'])}>"
        )


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickHiddenInput(QuickInputMixin, forms.HiddenInput):
    """The one-time key every create form carries (core.forms.OneTimeKeyField)."""


class QuickFileInput(QuickInputMixin, forms.FileInput):
    """A plain file field (an upload form shows no "currently" file, so not ClearableFileInput)."""


class QuickTextarea(forms.Textarea):
    """django/forms/widgets/textarea.html in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        text = conditional_escape(context["value"]) if context["value"] else ""
        return mark_safe(
            f'<textarea name="{conditional_escape(context["name"])}"{_attrs(context["attrs"])}>\n{text}</textarea>'
        )


class ListChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # one plain query, no server-side cursor
            yield self.choice(obj)
