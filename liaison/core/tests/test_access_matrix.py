"""The access matrix: every URL pattern and every API operation declares who may use it,
and each role gets exactly that. A new page or operation is checked here without anyone
having to remember to add it."""

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from config.api import api
from liaison.core.access import iter_patterns, rule_for
from liaison.core.api_access import ApiAccess
from liaison.core.roles import Role

ROLES = [None, *Role.values]  # None is an anonymous visitor


def all_patterns():
    return list(iter_patterns(get_resolver().url_patterns))


def sample_url(route: str) -> str:
    """Turn a route like 'tickets/<int:pk>/' or a regex into a concrete URL with dummy values."""

    def regex_group(match):
        body = match.group(1)
        return body.split("|")[0] if "|" in body else "1"

    url = re.sub(r"\(\?P<\w+>([^)]*)\)", regex_group, route)
    url = re.sub(r"<int:\w+>", "1", url)
    url = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", url)
    url = re.sub(r"<(?:\w+:)?\w+>", "x", url)
    url = url.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    url = re.sub(r"[()?*+]", "", url)
    return "/" + url


def api_operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield (
                        method,
                        "/api/v1" + (prefix.rstrip("/") + "/" + path.lstrip("/")).replace("//", "/"),
                        operation,
                    )


def test_every_url_pattern_declares_an_access_rule():
    undeclared = [route for route, name, callback in all_patterns() if rule_for(callback) is None]
    assert undeclared == [], f"URL patterns with no access rule: {undeclared}"


def test_every_api_operation_declares_an_access_rule():
    undeclared = [
        f"{method} {path}"
        for method, path, operation in api_operations()
        if not operation.auth_callbacks or not all(isinstance(cb, ApiAccess) for cb in operation.auth_callbacks)
    ]
    assert undeclared == [], f"API operations with no access rule: {undeclared}"


def test_the_matrix_covers_a_real_number_of_pages_and_operations():
    assert len(all_patterns()) > 20
    assert len(list(api_operations())) > 5


@pytest.mark.django_db
def test_each_role_gets_exactly_the_pages_its_rule_allows(users):
    failures = []
    for route, name, callback in all_patterns():
        rule = rule_for(callback)
        if rule.kind == "api" or name in ("core:healthz",):
            continue
        url = sample_url(route)
        for role in ROLES:
            client = Client()
            user = users[role] if role else None
            if user:
                client.force_login(user)
            response = client.get(url)
            allowed = rule.allows(user)
            status = response.status_code
            if status >= 500:
                failures.append(f"{url} as {role}: server error {status}")
            elif allowed and getattr(response.wsgi_request, "refused_by_access_policy", False):
                failures.append(f"{url} as {role}: refused ({status}) but {rule.describe()} allows it")
            elif allowed and status == 302 and "/accounts/sign-in/" in response.get("Location", "") and user:
                failures.append(f"{url} as {role}: sent to sign-in though signed in")
            elif not allowed and role is None and not (status == 302 and "sign-in" in response["Location"]):
                failures.append(f"{url} anonymous: expected a redirect to sign-in, got {status}")
            elif (
                not allowed
                and role is not None
                and (status != 403 or not getattr(response.wsgi_request, "refused_by_access_policy", False))
            ):
                failures.append(f"{url} as {role}: expected 403 for {rule.describe()}, got {status}")
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_each_role_gets_exactly_the_api_operations_its_rule_allows(users):
    failures = []
    for method, path, operation in api_operations():
        rule = operation.auth_callbacks[0].rule
        url = re.sub(r"\{(?:\w+:)?(\w+)\}", "1", path)
        for role in ROLES:
            client = Client()
            user = users[role] if role else None
            if user:
                client.force_login(user)
            response = client.generic(method, url, data="{}", content_type="application/json")
            status = response.status_code
            allowed = rule.allows(user)
            if status >= 500:
                failures.append(f"{method} {url} as {role}: server error {status}")
            elif allowed and status in (401, 403):
                failures.append(f"{method} {url} as {role}: refused ({status}) but {rule.describe()} allows it")
            elif not allowed and role is None and status != 401:
                failures.append(f"{method} {url} anonymous: expected 401, got {status}")
            elif not allowed and role is not None and status != 403:
                failures.append(f"{method} {url} as {role}: expected 403, got {status}")
    assert failures == [], "\n".join(failures)


def test_a_view_without_a_rule_is_refused(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from liaison.core.access import AccessPolicyMiddleware

    def forgotten_view(request):
        raise AssertionError("should never run")

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        AccessPolicyMiddleware(lambda r: None).process_view(request, forgotten_view, (), {})
