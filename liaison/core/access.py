"""The access policy every URL must declare.

A view is wrapped with `public`, `signed_in` or `roles(...)`. The wrapper only labels the
view; `AccessPolicyMiddleware` enforces the label for every request, and refuses any view
that has none, so a forgotten declaration fails closed. `tests/test_access_matrix.py` walks
every URL pattern and every API operation and checks each role against each.

Administrators pass every role rule: they run the site.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver

from liaison.core.roles import Role

logger = logging.getLogger(__name__)

ACCESS_ATTR = "liaison_access"


@dataclass(frozen=True)
class AccessRule:
    """Who may use a view: everyone, anyone signed in, or holders of the named roles."""

    kind: str  # "public" | "signed_in" | "roles" | "api"
    allowed_roles: frozenset[str] = frozenset()

    def allows(self, user: Any) -> bool:
        if self.kind in ("public", "api"):
            return True
        if not (user and user.is_authenticated and user.is_active):
            return False
        if self.kind == "signed_in":
            return True
        return user_has_role(user, *self.allowed_roles)

    def describe(self) -> str:
        if self.kind == "roles":
            return "roles: " + ", ".join(sorted(self.allowed_roles))
        return self.kind


def user_has_role(user: Any, *allowed: str) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    role = getattr(user, "role", None)
    return role == Role.ADMINISTRATOR or user.is_superuser or role in allowed


PUBLIC = AccessRule("public")
SIGNED_IN = AccessRule("signed_in")
# Marks the API's URL patterns: each API operation declares its own rule (see core/api_access.py).
API_OPERATIONS = AccessRule("api")


def _label(view: Callable, rule: AccessRule) -> Callable:
    setattr(view, ACCESS_ATTR, rule)
    return view


def public(view: Callable) -> Callable:
    return _label(view, PUBLIC)


def signed_in(view: Callable) -> Callable:
    return _label(view, SIGNED_IN)


def role_rule(*allowed: str) -> AccessRule:
    if not allowed:
        raise ValueError("A role rule needs at least one role; use SIGNED_IN for anyone signed in.")
    return AccessRule("roles", frozenset(str(r) for r in allowed))


def roles(*allowed: str) -> Callable[[Callable], Callable]:
    rule = role_rule(*allowed)

    def decorate(view: Callable) -> Callable:
        return _label(view, rule)

    return decorate


def rule_for(view: Callable) -> AccessRule | None:
    rule = getattr(view, ACCESS_ATTR, None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, ACCESS_ATTR, None)
    return rule


def declare_all(patterns: list, rule: AccessRule) -> list:
    """Label every view in an included URLconf (the Django admin, the API) with one rule."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            declare_all(entry.url_patterns, rule)
        elif isinstance(entry, URLPattern) and rule_for(entry.callback) is None:
            try:
                _label(entry.callback, rule)
            except AttributeError:  # a bound method cannot carry attributes: wrap it
                entry.callback = _label(_wrap(entry.callback), rule)
    return patterns


def _wrap(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    for attr in ("csrf_exempt", "login_required"):
        if hasattr(view, attr):
            setattr(wrapper, attr, getattr(view, attr))
    return wrapper


def iter_patterns(patterns: list, prefix: str = "", namespace: str = ""):
    """Yield (route, name, callback) for every URL pattern, however deeply included."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry.callback


class AccessPolicyMiddleware:
    """Enforces each view's declared rule; refuses views that declare none."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        rule = rule_for(view_func)
        if rule is None:
            logger.error("View %s has no access rule; refusing.", getattr(view_func, "__name__", view_func))
            raise PermissionDenied("This page has no access rule.")
        if rule.allows(request.user):
            return None
        request.refused_by_access_policy = True  # lets tests tell the policy's refusals from a view's own
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("Your role does not give access to this page.")
