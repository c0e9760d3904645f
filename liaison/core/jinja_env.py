"""The Jinja2 environment for the few pages drawn with Jinja2 instead of Django's template
language (ADR 0063): the ticket page, which staff open many times an hour and where Django's
template engine was about half the cost of the request. Their shell is `core/jinja2/base.jinja`,
the same markup as templates/base.html (a test holds the two equal).

Only what those templates need is here, each doing what the Django filter or tag of the same
name does, so a template reads the same in either engine: `url` (the `{% url %}` tag),
`static`, `csrf_input` (the `{% csrf_token %}` tag, from the `csrf_once` context processor) and
the filters `date`, `linebreaksbr`, `filesizeformat`, `pluralize` and `soft_breaks`.
Autoescaping is always on, and Django's safe strings (forms' widgets, `format_html`) are not
escaped twice, since they carry `__html__`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.middleware.csrf import get_token
from django.template.defaultfilters import filesizeformat, linebreaksbr, pluralize
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
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


def csrf_once(request) -> dict[str, Any]:
    """A context processor for Jinja2 pages: the CSRF token masked once per page. Django's
    Jinja2 backend gives lazy `csrf_input` and `csrf_token` that mask the token afresh at each
    use (a random string each time); the ticket page writes a dozen forms."""
    token = get_token(request)
    return {
        "csrf_token": token,
        "csrf_input": format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token),
    }


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
