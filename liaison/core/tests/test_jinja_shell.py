"""The shell of the pages drawn with Jinja2 (core/jinja2/base.jinja, ADR 0063) is the shell of
every other page (templates/base.html): same header, menu, messages and footer for the same
person on the same address. A change to one without the other fails here."""

import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.template import engines
from django.test import RequestFactory

from liaison.core.roles import Role

pytestmark = pytest.mark.django_db

PAGE = {
    "django": '{% extends "base.html" %}{% block title %}A <page>{% endblock %}{% block content %}<p>Body</p>{% endblock %}',
    "jinja2": '{% extends "base.jinja" %}{% block title %}A <page>{% endblock %}{% block content %}<p>Body</p>{% endblock %}',
}


def _normalised(html: str) -> str:
    """Whitespace between tags, an apostrophe's entity and each CSRF token's random mask differ
    between the engines without changing the page."""
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1TOKEN"', html)
    html = re.sub(r'("X-CSRFToken": ")[^"]+"', r'\1TOKEN"', html)
    html = html.replace("&#x27;", "&#39;")
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _both(request) -> tuple[str, str]:
    return tuple(
        _normalised(engines[name].from_string(PAGE[name]).render({}, request)) for name in ("django", "jinja2")
    )


def _request(user, path: str):
    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionBase()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.STUDENT_WORKER, Role.ADMINISTRATOR])
def test_a_signed_in_persons_shell_is_the_same_in_both_engines(users, role):
    request = _request(users[role], "/tickets/queue/")
    messages.success(request, "Ticket #12 is now resolved.")
    messages.error(request, "Assignee: <choose> someone in IT.")
    django_page, jinja_page = _both(request)
    assert jinja_page == django_page
    # and what is compared is the real shell: the person, the menu with its current entry, the
    # messages (escaped), the sign-out form
    assert users[role].name in jinja_page and 'aria-current="page"' in jinja_page
    assert "Assignee: &lt;choose&gt; someone in IT." in jinja_page and "Sign out" in jinja_page
    assert "<title>A <page> · " in jinja_page


def test_an_anonymous_visitors_shell_is_the_same_in_both_engines(db):
    django_page, jinja_page = _both(_request(AnonymousUser(), "/help/"))
    assert jinja_page == django_page and "Staff sign-in" in jinja_page
