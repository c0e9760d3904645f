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


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Real hashers are slow on purpose; tests only need passwords to check, not to resist attack."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    original = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield
    settings.PASSWORD_HASHERS = original
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counts and cached figures from one test must not reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_reference_cache():
    """Rows made in one test vanish on its rollback; no test may see another's cached rows."""
    from liaison.accounts.selectors import forget_people_menus
    from liaison.core import refcache

    refcache.clear()
    forget_people_menus()
    yield
    refcache.clear()
    forget_people_menus()


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
def joint_desk(departments):
    """The joint Research/IT desk, staffed by both departments: shared by every app's tests."""
    from liaison.places.models import ServicePoint

    point = ServicePoint.objects.create(name="Research & IT Desk", slug="joint-desk", kind=ServicePoint.Kind.DESK)
    point.departments.set([departments["library"], departments["it"]])
    return point


@pytest.fixture
def client_as(client, users):
    """`client_as(Role.IT_STAFF)` gives a test client signed in with that role."""

    def sign_in(role: str):
        client.force_login(users[role])
        return client

    return sign_in


# --- Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium_browser():
    import os
    import shutil

    if not shutil.which(CHROMIUM):
        if os.environ.get("LIAISON_REQUIRE_BROWSER"):
            pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
        pytest.skip(f"no Chromium at {CHROMIUM}; install Debian's chromium package to run browser tests")
    # Playwright's sync API runs an event loop in this thread; the live server's database
    # work happens in its own thread, so Django's async-safety guard does not apply here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


def wait_for_js(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until `expression` is true in the page. Playwright's wait_for_function compiles its
    predicate inside the page, which our Content-Security-Policy forbids (no eval); evaluate
    runs through the browser's debugging protocol, outside the page's policy."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"Still false after {timeout:.0f} s: {expression}")
        page.wait_for_timeout(50)


def _browser_page(request, chromium_browser, width, height):
    import os
    import re

    context = chromium_browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        os.makedirs(ARTIFACTS, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=f"{ARTIFACTS}/{name}.png", full_page=True)
    context.close()


@pytest.fixture
def page(request, chromium_browser):
    """A desktop-sized page; a screenshot is kept in test-artifacts/ when the test fails."""
    yield from _browser_page(request, chromium_browser, 1280, 900)


@pytest.fixture
def phone_page(request, chromium_browser):
    yield from _browser_page(request, chromium_browser, 390, 844)
