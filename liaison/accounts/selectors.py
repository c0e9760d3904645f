"""Reads for accounts. Other apps read people and departments through the functions at the
end, never the models."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from liaison.accounts import policy
from liaison.accounts.models import ApiToken, Department, User
from liaison.core import refcache


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(*, user: User, token_id: int) -> ApiToken:
    """Only the owner (or an administrator) reaches a token (policy.can_see_api_token); others get 404."""
    return get_object_or_404(policy.visible_api_tokens(user, ApiToken.objects.all()), pk=token_id)


PEOPLE_BY_ID_SECONDS = 30.0
_people_by_id: dict[int, User] = {}
_people_by_id_since = [0.0]


def users_by_id(ids) -> dict[int, User]:
    """People by primary key, to name them (the actors of a history, a ticket's followers): from
    a per-process copy kept 30 seconds and dropped when a person is saved or deleted in this
    process (`signals.forget_people_menus_on_save`), the database for the rest in one query.
    A name, never an access decision: nothing that decides what someone may do reads this."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    now = time.monotonic()
    if now - _people_by_id_since[0] >= PEOPLE_BY_ID_SECONDS:
        _people_by_id.clear()
        _people_by_id_since[0] = now
    found = {pk: person for pk in wanted if (person := _people_by_id.get(pk)) is not None}
    if missing := wanted - found.keys():
        read = User.objects.in_bulk(missing)
        _people_by_id.update(read)
        found.update(read)
    return found


def departments_by_id(ids) -> dict[int, Department]:
    """Departments by primary key: from the per-process reference index (a handful of rows that
    rarely change), the database only for a miss."""
    wanted = {i for i in ids if i is not None}
    found = {pk: d for pk in wanted if isinstance(d := refcache.lookup(Department, pk), Department)}
    if missing := wanted - found.keys():
        found.update(Department.objects.in_bulk(missing))
    return found


def department_by_id(pk: int) -> Department | None:
    return departments_by_id([pk]).get(pk)


PEOPLE_MENU_SECONDS = 30.0
_people_menus: dict[tuple[int, tuple[str, ...]], tuple[float, list[tuple[int, str]]]] = {}


def people_menu(*, department_id: int, roles: Iterable[str]) -> list[tuple[int, str]]:
    """(id, name) of a department's active people in these roles, by name: a menu to pick from
    (the ticket page's assignee). From a per-process copy kept 30 seconds and dropped when a
    person is saved or deleted in this process (`signals.forget_people_menus`); a menu is a
    suggestion, never an access decision: whatever is picked is checked against the database."""
    key = (department_id, tuple(sorted(roles)))
    now = time.monotonic()
    cached = _people_menus.get(key)
    if cached is not None and now - cached[0] < PEOPLE_MENU_SECONDS:
        return cached[1]
    people = (
        User.objects.filter(is_active=True, department_id=department_id, role__in=key[1])
        .only("id", "username", "first_name", "last_name", "display_name")
        .order_by("first_name", "last_name", "username")
    )
    menu = [(person.pk, person.name) for person in people]
    _people_menus[key] = (now, menu)
    return menu


def forget_people_menus() -> None:
    """Drop the per-process menus and names of people (`people_menu`, `users_by_id`)."""
    _people_menus.clear()
    _people_by_id.clear()


def department_list() -> QuerySet[Department]:
    return Department.objects.all()


def active_user_counts_by_role() -> dict[str, int]:
    """How many active people hold each role (roles nobody holds are absent)."""
    return dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")).order_by())


# --- For other apps: people and departments are read through these, never the models. -------


def user_get_by_username(*, username: str, active_only: bool = True) -> User:
    users = User.objects.filter(is_active=True) if active_only else User.objects.all()
    return get_object_or_404(users, username=username)


def user_list(
    *, active_only: bool = True, department_id: int | None = None, roles: Iterable[str] | None = None
) -> QuerySet[User]:
    users = User.objects.select_related("department")
    if active_only:
        users = users.filter(is_active=True)
    if department_id is not None:
        users = users.filter(department_id=department_id)
    if roles is not None:
        users = users.filter(role__in=list(roles))
    return users.order_by("username")


def department_get(*, code: str) -> Department:
    return get_object_or_404(Department, code=code)
