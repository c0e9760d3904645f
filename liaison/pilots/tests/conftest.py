"""Fixtures for the pilots tests: people on each side, a pilot factory that goes through the
services, and a running pilot with a form on it."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.utils import timezone

from conftest import make_user
from liaison.core.roles import Role
from liaison.pilots import services

COPIER_QUESTIONS = """
rating [ease]*: How easy was the copier to use?
choice [used-for]: What did you use it for? | Printing | Scanning | Copying
yes_no [want-more]: Would you want one in every building?
task [scan-email]: Try to scan a page to your e-mail. Did it work?
text [anything-else]: Anything else?
"""


def token() -> str:
    return secrets.token_urlsafe(24)


@pytest.fixture
def people(departments, users):
    return {
        "it": users[Role.IT_STAFF],
        "library": users[Role.LIBRARY_STAFF],
        "supervisor": users[Role.SUPERVISOR],  # library
        "student": users[Role.STUDENT_WORKER],
        "admin": users[Role.ADMINISTRATOR],
        "it_boss": make_user(Role.SUPERVISOR, username="p_it_boss", department=departments["it"]),
        "outsider": make_user(Role.LIBRARY_STAFF, username="p_outsider", department=None),
    }


@pytest.fixture
def make_pilot(departments, people):
    def make(actor=None, **fields):
        today = timezone.localdate()
        values = {
            "title": "Campus copier trial",
            "summary": "A new multifunction copier in the Learning Commons.",
            "it_department": departments["it"],
            "library_department": departments["library"],
            "starts_on": today - dt.timedelta(days=7),
            "ends_on": today + dt.timedelta(days=21),
            "learning_goals": "Can students scan to e-mail without help?",
        } | fields
        return services.pilot_propose(actor=actor or people["it"], **values)

    return make


@pytest.fixture
def running_pilot(make_pilot, people):
    pilot = make_pilot()
    pilot = services.pilot_transition(actor=people["library"], pilot=pilot, to_state="agreed")
    pilot = services.pilot_transition(actor=people["library"], pilot=pilot, to_state="running")
    return pilot


@pytest.fixture
def copier_form(running_pilot, people):
    return services.feedback_form_create(
        actor=people["it"],
        pilot=running_pilot,
        title="Tell us about the new copier",
        questions=services.parse_question_lines(COPIER_QUESTIONS),
    )


def answers(ease: int = 4, **extra) -> dict:
    return {"ease": str(ease), "used-for": "Scanning", "want-more": "yes", "scan-email": "worked"} | extra
