"""Fixtures for the partnership tests: the two departments with people in each, queues, and a
helper that walks a ticket from the library to IT and back through the tickets services."""

from __future__ import annotations

import pytest

from conftest import make_user
from liaison.core.roles import Role


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(users, departments):
    """The role fixtures plus a supervisor for IT and a second person in each department."""
    return {
        **users,
        "library": users[Role.LIBRARY_STAFF],
        "it": users[Role.IT_STAFF],
        "library_boss": users[Role.SUPERVISOR],
        "it_boss": make_user(Role.SUPERVISOR, username="t_it_boss", department=departments["it"]),
        "library2": make_user(Role.LIBRARY_STAFF, username="t_library2", department=departments["library"]),
        "it2": make_user(Role.IT_STAFF, username="t_it2", department=departments["it"]),
        "student": users[Role.STUDENT_WORKER],
        "admin": users[Role.ADMINISTRATOR],
    }


@pytest.fixture
def queues(departments):
    from liaison.tickets.models import Queue

    return {
        "library": Queue.objects.create(name="Research help", slug="lib-research", department=departments["library"]),
        "it": Queue.objects.create(name="Help Desk", slug="it-help-desk", department=departments["it"]),
    }


@pytest.fixture
def handed_ticket(queues, people):
    """handed_ticket(resolve=True): a library ticket handed to IT (and resolved by IT)."""
    from liaison.tickets import services as tickets

    def build(subject="Laptop will not print", resolve=True):
        ticket = tickets.ticket_create(actor=people["library"], queue=queues["library"], subject=subject)
        ticket = tickets.ticket_hand_off(actor=people["library"], ticket=ticket, queue=queues["it"], note="driver")
        if resolve:
            ticket = tickets.ticket_change_state(actor=people["it"], ticket=ticket, state="open")
            ticket = tickets.ticket_change_state(actor=people["it"], ticket=ticket, state="resolved")
        return ticket

    return build


@pytest.fixture
def derive():
    """Run the derivation job over a window that covers today."""
    import datetime as dt

    from django.utils import timezone

    from liaison.partnership import services

    def run(**kwargs):
        kwargs.setdefault("start", timezone.localdate() - dt.timedelta(days=400))
        return services.ledger_derive(**kwargs)

    return run
