"""Fixtures every app's tests share: one user per role and clients signed in as them."""

import pytest

from liaison.accounts.models import Department, User
from liaison.core.roles import Role

PASSWORD = "correct-horse-battery-staple"

ROLE_USERNAMES = {
    Role.ADMINISTRATOR: "t_admin",
    Role.SUPERVISOR: "t_supervisor",
    Role.LIBRARY_STAFF: "t_library",
    Role.IT_STAFF: "t_it",
    Role.STUDENT_WORKER: "t_student",
}


@pytest.fixture
def departments(db):
    library, _ = Department.objects.get_or_create(code="library", defaults={"name": "Library", "kind": "library"})
    it, _ = Department.objects.get_or_create(code="it", defaults={"name": "IT", "kind": "it"})
    return {"library": library, "it": it}


def make_user(role: str, username: str | None = None, department=None, **extra) -> User:
    user = User.objects.create_user(
        username=username or ROLE_USERNAMES[role],
        password=PASSWORD,
        email=f"{username or ROLE_USERNAMES[role]}@college.example",
        role=role,
        department=department,
        is_staff=role == Role.ADMINISTRATOR,
        **extra,
    )
    return user


@pytest.fixture
def users(db, departments):
    """One active user per role, keyed by role value."""
    dept_for = {
        Role.ADMINISTRATOR: departments["it"],
        Role.SUPERVISOR: departments["library"],
        Role.LIBRARY_STAFF: departments["library"],
        Role.IT_STAFF: departments["it"],
        Role.STUDENT_WORKER: departments["it"],
    }
    return {role: make_user(role, department=dept_for[role]) for role in Role.values}


@pytest.fixture
def client_as(client, users):
    """`client_as(Role.IT_STAFF)` gives a test client signed in with that role."""

    def sign_in(role: str):
        client.force_login(users[role])
        return client

    return sign_in
