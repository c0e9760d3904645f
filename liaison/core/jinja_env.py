"""The Jinja2 environment for the few pages drawn with Jinja2 instead of Django's template
language (ADR 0063): the ticket page's body, which staff open many times an hour and where
Django's template engine was about half the cost of the request.

Only what those templates need is here, each doing what the Django filter or tag of the same
name does, so a template reads the same in either engine: `url` (the `{% url %}` tag), `static`,
and the filters `date`, `linebreaksbr`, `filesizeformat`, `pluralize` and `soft_breaks`.
Autoescaping is on (Django's Jinja2 backend turns it on), and Django's safe strings (forms'
widgets, `format_html`) are not escaped twice, since they carry `__html__`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.defaultfilters import filesizeformat, linebreaksbr, pluralize
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone
from jinja2 import Environment

from liaison.core.templatetags.liaison_text import soft_breaks


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value: dt.datetime | dt.date | None, format_string: str) -> str:
    """Django's `date` filter: aware times are shown in the current time zone; nothing is ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, format_string)


def environment(**options: Any) -> Environment:
    # Always escaped, whatever the settings say (Django's backend asks for it too).
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update({"url": url, "static": static})
    env.filters.update(
        {
            "date": date,
            "linebreaksbr": linebreaksbr,
            "filesizeformat": filesizeformat,
            "pluralize": pluralize,
            "soft_breaks": soft_breaks,
        }
    )
    return env
